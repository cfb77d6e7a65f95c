package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount/internal/awstest"
)

// One account's credentials are refused and another's role cannot be
// assumed: whoami, targets and call still report every account and
// target, the failed rows naming the account (by id, else by what it is
// entered with) with code and hint; exit 2.
func TestAccountFailures(t *testing.T) {
	proxy, err := awstest.StartFaultProxy(moto.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	const badKey, roleKey = "AKIAREFUSEDKEY001234", "AKIAROLEBASEKEY05678"
	proxy.Inject(func(r awstest.Request) bool { return r.KeyID == badKey },
		awstest.Fault{Status: 403, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."})
	proxy.Inject(func(r awstest.Request) bool { return r.KeyID == roleKey && r.Action == "AssumeRole" },
		awstest.Fault{Status: 403, Code: "AccessDenied", Message: "User is not authorized to perform: sts:AssumeRole"})
	t.Setenv("AWS_ENDPOINT_URL", proxy.URL())

	cfg := filepath.Join(t.TempDir(), "three.yaml")
	body := `
Filter: &two {Partitions: {aws: {Regions: {include: [us-east-1, eu-west-1]}}}}
Three:
 RegionalAccountSet:
  - RegionalAccounts: {Account: {SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: x}}, Filter: *two}
  - RegionalAccounts: {Account: {SessionParameters: {aws_access_key_id: ` + badKey + `, aws_secret_access_key: x}}, Filter: *two}
  - RegionalAccounts:
     Account:
      SessionParameters: {aws_access_key_id: ` + roleKey + `, aws_secret_access_key: x}
      AssumeRole: {RoleArn: "arn:aws:iam::333333333333:role/nope", RoleSessionName: audit}
     Filter: *two
`
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "json", "text"} {
		for _, cmd := range []string{"whoami", "targets"} {
			t.Run(cmd+"."+format, func(t *testing.T) {
				r := awsacct(t, nil, cmd, "-c", cfg, "-o", format)
				if r.code != exitTargetsFailed {
					t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
				}
				golden(t, cmd+"-failures."+format, r.stdout)
			})
		}
	}
	var rows []whoamiJSON
	r := awsacct(t, nil, "whoami", "-c", cfg, "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 3 {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if e := rows[1].Error; rows[1].AccountID != "" || !strings.HasPrefix(rows[1].Source, "access key AKIA*") || !strings.HasSuffix(rows[1].Source, "1234") || e == nil || e.Code != "InvalidClientTokenId" || e.Hint == "" {
		t.Fatalf("refused keys: %+v %+v", rows[1], e)
	}
	if e := rows[2].Error; rows[2].AccountID != "333333333333" || rows[2].Source != "" || e == nil || e.Code != "AccessDenied" || !strings.Contains(e.Hint, "permission") {
		t.Fatalf("role not assumed: %+v %+v", rows[2], e)
	}

	// call: the failed accounts' targets fail with the account's error,
	// with no request of their own.
	before := len(proxy.Requests())
	r = awsacct(t, nil, "call", "ec2", "describe_vpcs", "-c", cfg, "-o", "jsonl")
	if r.code != exitTargetsFailed || strings.Count(r.stdout, "\n") != 6 || strings.Count(r.stdout, `"error"`) != 4 {
		t.Fatalf("call: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	calls := 0
	for _, req := range proxy.Requests()[before:] {
		if req.Action == "DescribeVpcs" {
			calls++
		}
	}
	if calls != 2 {
		t.Fatalf("%d DescribeVpcs requests, want the healthy account's 2", calls)
	}
	golden(t, "call-failures.jsonl", r.stdout)
}
