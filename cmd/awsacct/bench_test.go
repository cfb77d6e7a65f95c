package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// BenchmarkVersionStartup runs the built binary: process start-up is what a
// user waits for on every command. Goal: under 30 ms.
func BenchmarkVersionStartup(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "awsacct")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	for b.Loop() {
		if out, err := exec.Command(bin, "version").Output(); err != nil || !strings.HasPrefix(string(out), "awsacct ") {
			b.Fatalf("version: %v %q", err, out)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/start")
}

// BenchmarkCallThroughput runs `awsacct call sts get_caller_identity` over
// every aws region of one account against an in-process endpoint, with no
// rate limit: the CLI's own cost per target, without and with --report
// (the metrics of every request, summed at the end).
func BenchmarkCallThroughput(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/b</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	}))
	defer srv.Close()
	old := os.Getenv("AWS_ENDPOINT_URL")
	os.Setenv("AWS_ENDPOINT_URL", srv.URL)
	defer os.Setenv("AWS_ENDPOINT_URL", old)
	os.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	os.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	defer os.Unsetenv("AWS_ACCESS_KEY_ID")
	defer os.Unsetenv("AWS_SECRET_ACCESS_KEY")
	for name, extra := range map[string][]string{"plain": nil, "report": {"--report"}} {
		b.Run(name, func(b *testing.B) {
			targets := 0
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			for b.Loop() {
				r := awsacct(b, nil, append([]string{"call", "sts", "get_caller_identity", "--regions", "*", "-o", "jsonl", "--concurrency", "16"}, extra...)...)
				if r.code != 0 {
					b.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				targets += strings.Count(r.stdout, `"operation"`) // a record each; the report line has none
			}
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(targets)/elapsed.Seconds(), "targets/s")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(targets), "allocs/target")
		})
	}
}
