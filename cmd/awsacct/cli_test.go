package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/regions"
)

const demo = "../../examples/demo.yaml"

func TestVersion(t *testing.T) {
	r := awsacct(t, nil, "version")
	if r.code != 0 || !regexp.MustCompile(`^awsacct \S+ go1\.\d+`).MatchString(r.stdout) {
		t.Fatalf("version: %+v", r)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"no command":                   {nil, "Usage:"},
		"unknown command":              {[]string{"frobnicate"}, `unknown command "frobnicate"`},
		"call without op":              {[]string{"call", "ec2", "-c", demo}, "call takes SERVICE OPERATION"},
		"unknown service":              {[]string{"call", "ec3", "describe_instances", "-c", demo}, "ec3"},
		"unknown operation":            {[]string{"call", "ec2", "describe_instancez", "-c", demo}, "describe_instancez"},
		"bad output":                   {[]string{"targets", "-c", demo, "-o", "xml"}, `--output "xml"`},
		"missing config":               {[]string{"targets", "-c", "nope.yaml"}, "nope.yaml"},
		"no region":                    {[]string{"targets"}, "no region"},
		"paginate without a paginator": {[]string{"call", "sts", "get_caller_identity", "--paginate", "-c", demo}, "no paginator"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := awsacct(t, nil, tc.args...)
			if r.code != exitError || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, tc.want)
			}
		})
	}
}

func TestTargets(t *testing.T) {
	for _, format := range []string{"json", "table"} {
		t.Run(format, func(t *testing.T) {
			r := awsacct(t, nil, "targets", "-c", demo, "-o", format)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			golden(t, "targets."+format, r.stdout)
		})
	}
}

func TestWhoami(t *testing.T) {
	for _, format := range []string{"json", "table"} {
		t.Run(format, func(t *testing.T) {
			r := awsacct(t, nil, "whoami", "-c", demo, "-o", format)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			golden(t, "whoami."+format, r.stdout)
		})
	}
}

func TestCallGetCallerIdentity(t *testing.T) {
	for _, format := range []string{"jsonl", "json", "table"} {
		t.Run(format, func(t *testing.T) {
			r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo, "-o", format)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			golden(t, "call-sts."+format, r.stdout)
		})
	}
	// SDK names and the AWS CLI's work as boto3's do.
	for _, names := range [][2]string{{"STS", "GetCallerIdentity"}, {"sts", "get-caller-identity"}} {
		r := awsacct(t, nil, "call", names[0], names[1], "-c", demo, "-o", "jsonl")
		if r.code != 0 || strings.Count(r.stdout, "\n") != 9 {
			t.Fatalf("%s %s: exit %d\n%s%s", names[0], names[1], r.code, r.stdout, r.stderr)
		}
	}
}

// The demo's scenario: create instances everywhere, list them paginated.
func TestCallRunAndDescribeInstances(t *testing.T) {
	r := awsacct(t, nil, "call", "ec2", "run_instances", "-c", demo, "-o", "jsonl",
		"--input", `{"ImageId": "ami-12c6146b", "MinCount": 1, "MaxCount": 1}`)
	if r.code != 0 {
		t.Fatalf("run_instances: exit %d: %s", r.code, r.stderr)
	}
	// Twice more in one target-independent way: every target gets 3 reservations.
	for range 2 {
		if r := awsacct(t, nil, "call", "ec2", "RunInstances", "-c", demo, "--input", `{"ImageId": "ami-12c6146b", "MinCount": 1, "MaxCount": 1}`); r.code != 0 {
			t.Fatal(r.stderr)
		}
	}
	r = awsacct(t, nil, "call", "ec2", "describe_instances", "-c", demo, "--paginate", "--input", `{"MaxResults": 5}`, "-o", "jsonl")
	if r.code != 0 {
		t.Fatalf("describe_instances: exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 9 {
		t.Fatalf("%d lines, want 9 targets", len(lines))
	}
	for _, line := range lines {
		var rec struct {
			AccountID, Region string `json:"-"`
			Pages             int
			Result            struct{ Reservations []json.RawMessage }
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if len(rec.Result.Reservations) < 3 || rec.Pages < 1 {
			t.Fatalf("a target lists %d reservations in %d pages: %s", len(rec.Result.Reservations), rec.Pages, line)
		}
	}
	r = awsacct(t, nil, "call", "ec2", "describe_instances", "-c", demo, "--paginate", "-o", "table")
	if r.code != 0 || !strings.Contains(r.stdout, "9 targets: 9 ok, 0 failed") || !strings.Contains(r.stdout, "Reservations: ") {
		t.Fatalf("table:\n%s%s", r.stdout, r.stderr)
	}
}

// The seed's own example config drives targets and get_caller_identity.
func TestSeedExampleConfig(t *testing.T) {
	path := filepath.Join(sharedTestdata(t), "seed-configs", "readme-example-1-indentation-fixed.yaml")
	vars := map[string]string{"AWS_ASSUME_ROLE": "arn:aws:iam::111122223333:role/seed"}
	r := awsacct(t, vars, "targets", "-c", path, "-o", "json")
	if r.code != 0 {
		t.Fatalf("targets: exit %d: %s", r.code, r.stderr)
	}
	var targets []targetJSON
	if err := json.Unmarshal([]byte(r.stdout), &targets); err != nil {
		t.Fatal(err)
	}
	ec2, _ := regions.Regions("aws", "ec2", false)
	nonRegional, _ := regions.Regions("aws", "ec2", true)
	if len(targets) < len(ec2) || len(targets) > len(nonRegional) {
		t.Fatalf("%d targets; the two containers cover all %d aws ec2 regions", len(targets), len(ec2))
	}
	for _, tg := range targets {
		if tg.AccountID != "111122223333" || (tg.RateLimit != rateLimitJSON{MaxCount: 10, Interval: 1, Block: true}) {
			t.Fatalf("target %+v", tg)
		}
	}
	r = awsacct(t, vars, "call", "sts", "get_caller_identity", "-c", path, "-o", "jsonl", "--concurrency", "16")
	if r.code != 0 {
		t.Fatalf("call: exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != len(targets) {
		t.Fatalf("%d results for %d targets", len(lines), len(targets))
	}
	for _, l := range lines {
		if !strings.Contains(l, `"Account":"111122223333"`) {
			t.Fatalf("result %s", l)
		}
	}
}

// A failing target reports its error object and exit 2 while the others
// still report; a bad --input fails before any request.
func TestCallFailurePaths(t *testing.T) {
	proxy, err := awstest.StartFaultProxy(moto.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.Inject(func(r awstest.Request) bool { return r.Action == "DescribeVpcs" && r.Region == "eu-west-1" },
		awstest.Fault{Status: 403, Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."})
	t.Setenv("AWS_ENDPOINT_URL", proxy.URL())

	r := awsacct(t, nil, "call", "ec2", "describe_vpcs", "-c", demo, "-o", "jsonl")
	if r.code != exitTargetsFailed {
		t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	failed := 0
	for _, l := range lines {
		var rec callRecord
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		switch {
		case rec.Region == "eu-west-1":
			failed++
			if rec.Error == nil || rec.Error.Code != "UnauthorizedOperation" || rec.Error.Hint == "" || rec.Result != nil {
				t.Fatalf("failed target: %s", l)
			}
		case rec.Error != nil || rec.Result == nil:
			t.Fatalf("healthy target: %s", l)
		}
	}
	if len(lines) != 9 || failed != 3 {
		t.Fatalf("%d lines, %d failed; want 9 and 3", len(lines), failed)
	}
	golden(t, "call-failure.jsonl", r.stdout)
	r = awsacct(t, nil, "call", "ec2", "describe_vpcs", "-c", demo, "--region", "eu-west-1", "-o", "text")
	if r.code != exitTargetsFailed {
		t.Fatalf("text: exit %d, want 2: %s", r.code, r.stderr)
	}
	golden(t, "call-failure.text", r.stdout)

	before := len(proxy.Requests())
	r = awsacct(t, nil, "call", "ec2", "describe_vpcs", "-c", demo, "--input", `{"VpcIdz": ["vpc-1"]}`)
	if r.code != exitError || !strings.Contains(r.stderr, "VpcIdz") || !strings.Contains(r.stderr, "VpcIds") {
		t.Fatalf("bad input: exit %d, stderr %q", r.code, r.stderr)
	}
	if n := len(proxy.Requests()) - before; n != 0 {
		t.Fatalf("bad input made %d requests, want 0", n)
	}
}

// An unreachable endpoint is the target's error, naming the endpoint: the
// command runs (exit 2), it does not refuse to (exit 1) nor crash.
func TestCallUnreachable(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	r := awsacct(t, nil, "call", "sts", "get_caller_identity", "--region", "us-east-1", "-o", "jsonl")
	if r.code != exitTargetsFailed {
		t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
	}
	var rec callRecord
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatalf("%v: %q", err, r.stdout)
	}
	e := rec.Error
	if rec.Region != "us-east-1" || e == nil || rec.Result != nil {
		t.Fatalf("record %s", r.stdout)
	}
	if e.Code != "EndpointConnectionError" || !strings.Contains(e.Message, `"http://127.0.0.1:1`) ||
		!strings.Contains(e.Hint, "endpoint could not be reached") {
		t.Fatalf("error %+v: want EndpointConnectionError naming http://127.0.0.1:1, with the unreachable hint", e)
	}
}

// Without -c: the default chain, in --regions.
func TestDefaultChain(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	r := awsacct(t, nil, "targets", "--regions", "eu-west-*,us-east-1", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "targets-default-chain.json", r.stdout)
	if r := awsacct(t, nil, "targets", "--regions", "eu-wast-1"); r.code != exitError || !strings.Contains(r.stderr, "eu-wast-1") {
		t.Fatalf("bad region: %+v", r)
	}
}

// --set chooses among several sets; without it, several is an error listing them.
func TestSetPath(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "two.yaml")
	body := `
Base: &acct
 SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: x}
A:
 RegionalAccountSet:
  - RegionalAccounts: {Account: *acct, Filter: {Partitions: {aws: {Regions: {include: [us-east-1]}}}}}
B:
 RegionalAccountSet:
  - RegionalAccounts: {Account: *acct, Filter: {Partitions: {aws: {Regions: {include: [us-west-2, eu-west-1]}}}}}
`
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	r := awsacct(t, nil, "targets", "-c", cfg)
	if r.code != exitError || !strings.Contains(r.stderr, "A.RegionalAccountSet") || !strings.Contains(r.stderr, "B.RegionalAccountSet") {
		t.Fatalf("ambiguous set: %+v", r)
	}
	r = awsacct(t, nil, "targets", "-c", cfg, "--set", "B.RegionalAccountSet", "-o", "json")
	if r.code != 0 || strings.Count(r.stdout, `"region"`) != 2 {
		t.Fatalf("--set B: %+v", r)
	}
}

// Secrets never reach stdout or stderr, even with -v.
func TestNoSecretsInOutput(t *testing.T) {
	r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo, "-v", "-o", "json")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "wJalrXUtnFEMI") {
		t.Fatal("the secret key was printed")
	}
}

// Services that need client options against custom endpoints work.
func TestCallS3AndCloudWatch(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	if r := awsacct(t, nil, "call", "s3", "create_bucket", "--region", "us-east-1", "--input", `{"Bucket": "awsacct-test"}`, "-o", "jsonl"); r.code != 0 {
		t.Fatalf("s3 create_bucket: %s%s", r.stdout, r.stderr)
	}
	if r := awsacct(t, nil, "call", "s3", "list_objects_v2", "--region", "us-east-1", "--paginate", "--input", `{"Bucket": "awsacct-test"}`, "-o", "jsonl"); r.code != 0 {
		t.Fatalf("s3 list_objects_v2: %s%s", r.stdout, r.stderr)
	}
	if r := awsacct(t, nil, "call", "cloudwatch", "list_metrics", "--region", "us-east-1", "-o", "jsonl"); r.code != 0 {
		t.Fatalf("cloudwatch list_metrics: %s%s", r.stdout, r.stderr)
	}
}

// Progress shows on a terminal and not elsewhere.
func TestProgress(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	f, _, errOut := testFactory()
	f.isTerminal = func(io.Writer) bool { return true }
	code := execute(context.Background(), f, []string{"call", "sts", "get_caller_identity", "-c", demo, "-o", "jsonl"})
	if code != 0 || !strings.Contains(errOut.String(), "9/9 targets, 0 failed") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	code = execute(context.Background(), f, []string{"call", "sts", "get_caller_identity", "-c", demo, "--no-progress"})
	if code != 0 || strings.Contains(errOut.String(), "targets,") {
		t.Fatalf("--no-progress: exit %d, stderr %q", code, errOut.String())
	}
}

// Ctrl-C: a cancelled run prints what finished and exits 130.
func TestInterrupt(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(300 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/s</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)
	}))
	defer slow.Close()
	t.Setenv("AWS_ENDPOINT_URL", slow.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	ctx, cancel := context.WithCancel(context.Background())
	f, out, errOut := testFactory()
	// One target at a time, 300 ms each (plus the identity lookup): the
	// cancel comes while a later target runs.
	time.AfterFunc(900*time.Millisecond, cancel)
	start := time.Now()
	code := execute(ctx, f, []string{"call", "sts", "get_caller_identity", "--regions", "us-east-1,us-east-2,us-west-1,us-west-2", "--concurrency", "1", "-o", "jsonl"})
	if code != exitInterrupted {
		t.Fatalf("exit %d, want 130; stderr %q", code, errOut.String())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("interrupt took %v", d)
	}
	lines := strings.Count(out.String(), "\n")
	if lines < 1 || lines > 3 || !strings.Contains(out.String(), `"region":"us-east-1"`) {
		t.Fatalf("want the finished targets printed, got:\n%s", out.String())
	}
}

// A config can put its limits on Redis: two separate runs share one limit.
func TestSharedLimitOnRedis(t *testing.T) {
	srv := redistest.Run(t)
	cfg := filepath.Join(t.TempDir(), "shared.yaml")
	body := `
Shared:
 RegionalAccountSet:
  - RegionalAccounts:
     Account: {SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: x}}
     RateLimit: {max_count: 1, interval: 60, block: false, backend: {redis: {url: "` + srv.URL() + `", prefix: clitest}}}
     Filter: {Partitions: {aws: {Regions: {include: [us-east-1]}}}}
`
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", cfg, "-o", "jsonl"); r.code != 0 {
		t.Fatalf("first run: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", cfg, "-o", "jsonl")
	if r.code != exitTargetsFailed || !strings.Contains(r.stdout, `"code":"RateLimitExceeded"`) {
		t.Fatalf("second run must be refused by the shared limit: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
}
