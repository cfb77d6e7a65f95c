package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount/internal/awstest"
)

// sharedConfig writes an AWS shared config file and points the SDK at it.
func sharedConfig(t *testing.T, body string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", path)
}

func targetsOf(t *testing.T, r result) []targetJSON {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rows []targetJSON
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	return rows
}

// --profile and AWS_PROFILE, as the AWS CLI takes them: the profile's
// credentials and region, and its role chain (source_profile).
func TestProfile(t *testing.T) {
	sharedConfig(t, `
[profile base]
region = eu-west-1
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = x

[profile audit]
region = ap-southeast-2
role_arn = arn:aws:iam::111122223333:role/audit
source_profile = base
`)
	// The SDK's source_profile chain does not follow AWS_ENDPOINT_URL.
	t.Setenv("AWS_ENDPOINT_URL_STS", moto.URL())

	rows := targetsOf(t, awsacct(t, map[string]string{"AWS_PROFILE": "base"}, "targets", "-o", "json"))
	if len(rows) != 1 || rows[0].Region != "eu-west-1" || rows[0].AccountID != "123456789012" {
		t.Fatalf("AWS_PROFILE=base: %+v, want 123456789012 in the profile's eu-west-1", rows)
	}
	r := awsacct(t, nil, "whoami", "--profile", "audit", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"account_id": "111122223333"`) || !strings.Contains(r.stdout, "assumed-role/audit/") {
		t.Fatalf("--profile audit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	rows = targetsOf(t, awsacct(t, nil, "targets", "--profile", "audit", "--regions", "us-east-1,us-west-2", "-o", "json"))
	if len(rows) != 2 || rows[0].AccountID != "111122223333" {
		t.Fatalf("--profile audit --regions: %+v", rows)
	}
	for args, want := range map[string]string{
		"targets --profile nope":             "nope",
		"targets --profile base -c f.yaml":   "--profile is for use without -c",
		"targets --profile base --regions x": "--regions",
	} {
		if r := awsacct(t, nil, strings.Fields(args)...); r.code != exitError || !strings.Contains(r.stderr, want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", args, r.code, r.stderr, want)
		}
	}
}

// With -c, --region and --regions narrow the config's targets; a region
// the config does not have is an error naming it.
func TestNarrowRegions(t *testing.T) {
	tests := map[string]struct {
		args    []string
		regions []string // of the targets, in order
	}{
		"glob":             {[]string{"--regions", "eu-*"}, []string{"eu-west-1", "eu-west-1", "eu-west-1"}},
		"region":           {[]string{"--region", "us-east-1"}, []string{"us-east-1", "us-east-1", "us-east-1"}},
		"region and globs": {[]string{"--region", "us-east-1", "--regions", "ap-*"}, []string{"ap-southeast-2", "us-east-1", "ap-southeast-2", "us-east-1", "ap-southeast-2", "us-east-1"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rows := targetsOf(t, awsacct(t, nil, append([]string{"targets", "-c", demo, "-o", "json"}, tc.args...)...))
			var got []string
			for _, r := range rows {
				got = append(got, r.Region)
			}
			if strings.Join(got, " ") != strings.Join(tc.regions, " ") {
				t.Fatalf("regions %v, want %v", got, tc.regions)
			}
		})
	}
	r := awsacct(t, nil, "targets", "-c", demo, "--regions", "eu-west-1,eu-west-3")
	if r.code != exitError || !strings.Contains(r.stderr, `"eu-west-3"`) || !strings.Contains(r.stderr, "ap-southeast-2, eu-west-1, us-east-1") {
		t.Fatalf("a region the config lacks: exit %d, stderr %q", r.code, r.stderr)
	}
}

// --endpoint-url sends every service's requests to one URL, even with
// AWS_ENDPOINT_URL set.
func TestEndpointURL(t *testing.T) {
	proxy, err := awstest.StartFaultProxy(moto.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	r := awsacct(t, nil, "call", "ec2", "describe_vpcs", "-c", demo, "--region", "us-east-1", "--endpoint-url", proxy.URL(), "-o", "jsonl")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	seen := map[string]int{}
	for _, req := range proxy.Requests() {
		seen[req.Service+" "+req.Action]++
	}
	// 3 accounts: 2 roles assumed, 3 identities, 3 aliases, 3 calls.
	if seen["ec2 DescribeVpcs"] != 3 || seen["sts GetCallerIdentity"] != 3 || seen["sts AssumeRole"] != 2 {
		t.Fatalf("the proxy saw %v", seen)
	}
	if r := awsacct(t, nil, "targets", "--endpoint-url", "127.0.0.1:5000"); r.code != exitError || !strings.Contains(r.stderr, "--endpoint-url") {
		t.Fatalf("bad URL: %+v", r)
	}
}

// AWS_DEFAULT_OUTPUT is the default format, as for the AWS CLI; -o wins.
func TestDefaultOutput(t *testing.T) {
	vars := map[string]string{"AWS_DEFAULT_OUTPUT": "json"}
	if r := awsacct(t, vars, "whoami", "-c", demo); r.code != 0 || !strings.HasPrefix(r.stdout, "[") {
		t.Fatalf("AWS_DEFAULT_OUTPUT=json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := awsacct(t, vars, "whoami", "-c", demo, "--output", "table"); r.code != 0 || !strings.HasPrefix(r.stdout, "ACCOUNT") {
		t.Fatalf("--output table: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := awsacct(t, map[string]string{"AWS_DEFAULT_OUTPUT": "xml"}, "whoami", "-c", demo); r.code != exitError || !strings.Contains(r.stderr, `AWS_DEFAULT_OUTPUT "xml"`) {
		t.Fatalf("AWS_DEFAULT_OUTPUT=xml: %+v", r)
	}
}
