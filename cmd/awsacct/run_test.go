package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// slowSTS answers GetCallerIdentity after delay.
func slowSTS(t *testing.T, delay time.Duration) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/s</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// --timeout bounds the whole run: the targets that had not finished fail
// with Timeout (those never started too), the others report; exit 2.
func TestTimeout(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", slowSTS(t, 300*time.Millisecond))
	start := time.Now()
	// One target at a time, 300 ms each after the identity lookup's 300 ms.
	r := awsacct(t, nil, "call", "sts", "get_caller_identity", "--regions", "us-east-1,us-east-2,us-west-1,us-west-2",
		"--concurrency", "1", "--timeout", "1s", "-o", "jsonl")
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("the run took %v despite --timeout 1s", d)
	}
	if r.code != exitTargetsFailed || !strings.Contains(r.stderr, "--timeout 1s passed") {
		t.Fatalf("exit %d, stderr %q; want 2 and a note", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d records, want all 4 targets:\n%s", len(lines), r.stdout)
	}
	var ok, timedOut, notStarted int
	for _, l := range lines {
		var rec callRecord
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		switch {
		case rec.Error == nil:
			ok++
		case rec.Error.Code == "Timeout":
			timedOut++
			if strings.Contains(rec.Error.Message, "not started") {
				notStarted++
			}
		default:
			t.Fatalf("record %s", l)
		}
	}
	if ok < 1 || timedOut < 1 || notStarted < 1 {
		t.Fatalf("%d ok, %d timed out (%d not started): want some of each\n%s", ok, timedOut, notStarted, r.stdout)
	}

	// Out of time while the accounts say who they are: their rows fail.
	r = awsacct(t, nil, "targets", "--regions", "us-east-1", "--timeout", "100ms", "-o", "json")
	if r.code != exitTargetsFailed || !strings.Contains(r.stdout, `"code": "Timeout"`) {
		t.Fatalf("identity lookups cut by --timeout: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, bad := range []string{"-1s", "soon"} {
		if r := awsacct(t, nil, "targets", "--timeout", bad); r.code != exitError || !strings.Contains(r.stderr, "--timeout") {
			t.Fatalf("--timeout %s: %+v", bad, r)
		}
	}
}

// --shard K/N splits the targets into N disjoint parts, the same on every
// run; an empty part is an error unless --allow-empty.
func TestShard(t *testing.T) {
	seen := map[string]int{}
	for _, k := range []string{"1/3", "2/3", "3/3"} {
		for _, row := range targetsOf(t, awsacct(t, nil, "targets", "-c", demo, "--shard", k, "-o", "json")) {
			seen[row.AccountID+" "+row.Region]++
		}
	}
	if len(seen) != 9 {
		t.Fatalf("the shards cover %d targets, want the 9 of the demo: %v", len(seen), seen)
	}
	for target, n := range seen {
		if n != 1 {
			t.Fatalf("%s is in %d shards", target, n)
		}
	}
	again := targetsOf(t, awsacct(t, nil, "targets", "-c", demo, "--shard", "2/3", "-o", "json"))
	n := 0
	for _, row := range again {
		n += seen[row.AccountID+" "+row.Region]
	}
	if n != len(again) {
		t.Fatal("a second run of a shard differs")
	}
	for _, bad := range []string{"0/3", "4/3", "3", "a/b", "1/0"} {
		if r := awsacct(t, nil, "targets", "-c", demo, "--shard", bad); r.code != exitError || !strings.Contains(r.stderr, "--shard") {
			t.Fatalf("--shard %s: %+v", bad, r)
		}
	}
	// One target, 8 shards: most are empty.
	empty := 0
	for k := 1; k <= 8; k++ {
		shard := strings.Replace("K/8", "K", string(rune('0'+k)), 1)
		r := awsacct(t, nil, "targets", "-c", demo, "--region", "us-east-1", "--set", "Demo.RegionalAccountSet", "--shard", shard, "-o", "json")
		if r.code == exitError && strings.Contains(r.stderr, "--shard "+shard+" holds none of the 3 targets") {
			empty++
			if r := awsacct(t, nil, "targets", "-c", demo, "--region", "us-east-1", "--shard", shard, "--allow-empty", "-o", "json"); r.code != 0 || r.stdout != "[]\n" {
				t.Fatalf("--allow-empty: exit %d, %q %s", r.code, r.stdout, r.stderr)
			}
		} else if r.code != 0 {
			t.Fatalf("--shard %s: exit %d: %s", shard, r.code, r.stderr)
		}
	}
	if empty == 0 {
		t.Fatal("no empty shard among 8 for 3 targets")
	}
}

// A set whose filters select no region is an error naming them, unless
// --allow-empty: then every command prints an empty result, exit 0.
func TestEmptySet(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "empty.yaml")
	body := `
Empty:
 RegionalAccountSet:
  - RegionalAccounts:
     Account: {SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: x}}
     Filter: {Partitions: {aws: {Regions: {include: [us-east-1], exclude: [us-east-1]}}}}
`
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", cfg)
	if r.code != exitError || !strings.Contains(r.stderr, "no targets: the Filters of the set in "+cfg+" select") || !strings.Contains(r.stderr, "--allow-empty") {
		t.Fatalf("empty set: exit %d, stderr %q", r.code, r.stderr)
	}
	for args, want := range map[string]string{
		"call sts get_caller_identity -o table": "ACCOUNT  ALIAS  REGION  PAGES  RESULT\n\n0 targets: 0 ok, 0 failed\n",
		"targets -o json":                       "[]\n",
		"whoami -o yaml":                        "[]\n",
		"whoami -o text":                        "",
	} {
		r := awsacct(t, nil, append(strings.Fields(args), "-c", cfg, "--allow-empty")...)
		if r.code != 0 || r.stdout != want {
			t.Errorf("%s --allow-empty: exit %d, stdout %q, want %q; %s", args, r.code, r.stdout, want, r.stderr)
		}
	}
}
