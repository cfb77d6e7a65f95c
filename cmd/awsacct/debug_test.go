package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// --debug: a line per request and response, for role assumptions, identity
// lookups and the call, with the limiter's wait, and nothing secret.
func TestDebug(t *testing.T) {
	r := awsacct(t, nil, "call", "ec2", "describe_vpcs", "-c", demo, "--region", "us-east-1", "--debug", "-o", "jsonl")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		`msg="aws request" service=STS operation=AssumeRole method=POST url=http://127.0.0.1:`,
		`msg="aws response" service=STS operation=AssumeRole attempt=1 status=200`,
		`msg="aws request" service=STS operation=GetCallerIdentity`,
		`msg="aws request" service=IAM operation=ListAccountAliases`,
		`msg="aws request" service=EC2 operation=DescribeVpcs method=POST`,
		`attempt=1 limiter_wait=`,
		`credential=AKIA****MPLE/`,
		`/us-east-1/ec2/aws4_request`,
		`msg="aws response" service=EC2 operation=DescribeVpcs attempt=1 status=200`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	checkNoSecrets(t, r.stderr)

	// A limit of one request per 300 ms: the 2nd and 3rd pages wait.
	cfg := filepath.Join(t.TempDir(), "slow.yaml")
	body := `
Slow:
 RegionalAccountSet:
  - RegionalAccounts:
     Account: {SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: x}}
     RateLimit: {max_count: 1, interval: 0.3, block: true}
     Filter: {Partitions: {aws: {Regions: {include: [eu-west-2]}}}}
`
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dbg-1", "dbg-2", "dbg-3"} {
		if r := awsacct(t, nil, "call", "dynamodb", "create_table", "-c", cfg, "--input", `{"TableName": "`+name+`",
			"KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
			"BillingMode": "PAY_PER_REQUEST"}`); r.code != 0 {
			t.Fatal(r.stdout, r.stderr)
		}
	}
	r = awsacct(t, nil, "call", "dynamodb", "list_tables", "-c", cfg, "--input", `{"Limit": 1}`, "--debug", "-o", "jsonl")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	waits := regexp.MustCompile(`operation=ListTables .*limiter_wait=(\S+)`).FindAllStringSubmatch(r.stderr, -1)
	if len(waits) != 3 {
		t.Fatalf("%d ListTables requests logged, want 3:\n%s", len(waits), r.stderr)
	}
	long := 0
	for _, w := range waits {
		if d, err := time.ParseDuration(w[1]); err == nil && d >= 150*time.Millisecond {
			long++
		}
	}
	if long < 2 {
		t.Fatalf("limiter waits %v: want the 2nd and 3rd near 300ms", waits)
	}
}

// checkNoSecrets fails when s holds the test's secret key, a SigV4
// signature or a session token.
func checkNoSecrets(t *testing.T, s string) {
	t.Helper()
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`wJalrXUtnFEMI`),
		regexp.MustCompile(`AKIAIOSFODNN7EXAMPLE`),
		regexp.MustCompile(`Signature=[0-9a-f]`),
		regexp.MustCompile(`[0-9a-f]{64}`),
		regexp.MustCompile(`(?i)security-token`),
	} {
		if loc := bad.FindStringIndex(s); loc != nil {
			t.Errorf("secret-like text %q in: ...%s...", bad, s[max(0, loc[0]-80):min(len(s), loc[1]+40)])
		}
	}
}
