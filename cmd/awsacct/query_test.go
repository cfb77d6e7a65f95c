package main

import (
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount/internal/awstest"
)

// --query applies JMESPath to each target's result, as the AWS CLI does.
func TestQuery(t *testing.T) {
	for _, format := range []string{"jsonl", "table"} {
		t.Run(format, func(t *testing.T) {
			r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo, "--query", "Account", "-o", format)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			golden(t, "call-sts-query."+format, r.stdout)
		})
	}
	r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo, "--region", "us-east-1",
		"--query", "{id: Account, arn: Arn, role: contains(Arn, 'assumed-role')}", "-o", "jsonl")
	if r.code != 0 || !strings.Contains(r.stdout, `"result":{"arn":"arn:aws:sts::111111111111:assumed-role/demo/awsacct-demo","id":"111111111111","role":true}`) {
		t.Fatalf("multiselect: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A bad expression is refused before any request; one that fails on a
// target's data is that target's error.
func TestQueryErrors(t *testing.T) {
	proxy, err := awstest.StartFaultProxy(moto.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	t.Setenv("AWS_ENDPOINT_URL", proxy.URL())
	for expr, want := range map[string]string{
		"Account[":        "SyntaxError",
		"lenght(Account)": "unknown function lenght()",
		"Reservations[?":  "SyntaxError",
	} {
		r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo, "--query", expr)
		if r.code != exitError || !strings.Contains(r.stderr, want) {
			t.Errorf("--query %q: exit %d, stderr %q; want 1 and %q", expr, r.code, r.stderr, want)
		}
	}
	if n := len(proxy.Requests()); n != 0 {
		t.Fatalf("bad queries made %d requests", n)
	}
	r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo, "--region", "us-east-1", "--query", "abs(Arn)", "-o", "jsonl")
	if r.code != exitTargetsFailed || strings.Count(r.stdout, `"code":"QueryError"`) != 3 {
		t.Fatalf("runtime error: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
