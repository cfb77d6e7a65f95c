package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/awsaccount/awsaccount/internal/awstest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var moto *awstest.Moto

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(awstest.Main(m, func(mo *awstest.Moto) {
		moto = mo
		// The CLI talks to AWS through the SDK, which honours AWS_ENDPOINT_URL.
		os.Setenv("AWS_ENDPOINT_URL", mo.URL())
	}))
}

// result is what one awsacct run printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// awsacct runs the CLI in-process, with test keys and vars in the process
// environment (where the SDK and the config templates read them).
func awsacct(t testing.TB, vars map[string]string, args ...string) result {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	for k, v := range vars {
		t.Setenv(k, v)
	}
	f, out, errOut := testFactory()
	code := execute(context.Background(), f, args)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// testFactory is the real factory around two buffers, with stderr not a
// terminal.
func testFactory() (*factory, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	f := newFactory(&out, &errOut)
	f.isTerminal = func(io.Writer) bool { return false }
	return f, &out, &errOut
}

var (
	durations     = regexp.MustCompile(`"duration_ms": ?\d+`)
	yamlDurations = regexp.MustCompile(`(?m)^(\s*)duration_ms: \d+`)
	roleIDs       = regexp.MustCompile(`AROA[0-9A-Z]{17}`) // moto makes new ones each run
	hexIDs        = regexp.MustCompile(`\b([a-z]+(?:-[a-z]+)*)-[0-9a-f]{17}\b`)
)

// golden compares got with testdata/golden/name, after removing what changes
// from run to run (durations).
func golden(t *testing.T, name, got string) {
	t.Helper()
	got = durations.ReplaceAllString(got, `"duration_ms":0`)
	got = yamlDurations.ReplaceAllString(got, "${1}duration_ms: 0")
	got = roleIDs.ReplaceAllString(got, "AROAXXXXXXXXXXXXXXXXX")
	got = hexIDs.ReplaceAllString(got, "$1-xxxxxxxxxxxxxxxxx")
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update to refresh)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// sharedTestdata finds ../shared/testdata from the repository: the seed's
// configs live beside the repository, not in it.
func sharedTestdata(t testing.TB) string {
	t.Helper()
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		for _, c := range []string{filepath.Join(d, "shared", "testdata"), filepath.Join(filepath.Dir(d), "shared", "testdata")} {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				return c
			}
		}
	}
	t.Fatal("shared/testdata not found beside the repository")
	return ""
}
