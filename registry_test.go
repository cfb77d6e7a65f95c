package awsaccount_test

import (
	"context"
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
)

// Identity is the spec, not its spelling: key order, map order and number
// format do not matter, and secrets appear only hashed.
func TestRegistryCanonicalKeys(t *testing.T) {
	ctx := context.Background()
	texts := []string{`
Set:
 - RegionalAccounts:
    RateLimit: {max_count: 5, interval: 1, block: true}
    Account:
     SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: TOPSECRETVALUE}
     AssumeRole: {RoleArn: "arn:aws:iam::111122223333:role/x", Tags: {a: "1", b: "2"}}
    Filter: {Partitions: {aws: {Regions: {include: [us-east-1, eu-west-1]}}}}
`, `
Set:
 - RegionalAccounts:
    Filter: {Partitions: {aws: {Regions: {include: [us-east-1, eu-west-1]}}}}
    Account:
     AssumeRole: {Tags: [{Key: b, Value: "2"}, {Key: a, Value: "1"}], RoleArn: "arn:aws:iam::111122223333:role/x"}
     SessionParameters: {aws_secret_access_key: TOPSECRETVALUE, aws_access_key_id: AKIAIOSFODNN7EXAMPLE}
    RateLimit: {block: true, interval: 1.0, max_count: 5}
`, `
Set:
 - RegionalAccounts:
    RateLimit: {max_count: 5, interval: "1000ms", block: true}
    Account:
     SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: TOPSECRETVALUE}
     AssumeRole: {RoleArn: "arn:aws:iam::111122223333:role/x", Tags: {b: "2", a: "1"}}
    Filter: {Partitions: {aws: {Regions: {include: [us-east-1, eu-west-1]}}}}
`}
	reg := testRegistry(emulatorURL)
	var first *awsaccount.RegionalAccounts
	for i, text := range texts {
		f, err := configfile.Read(strings.NewReader(text), "spec.yaml")
		if err != nil {
			t.Fatal(err)
		}
		specs, err := f.RegionalAccountSpecs("Set")
		if err != nil {
			t.Fatal(err)
		}
		key, err := reg.KeyForTest("regional-accounts", specs[0])
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(key, "TOPSECRETVALUE") || !strings.Contains(key, "hmac:") {
			t.Fatalf("the key shows the secret or no hash of it: %s", key)
		}
		c, err := reg.RegionalAccounts(ctx, specs[0])
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = c
		} else if c != first {
			t.Fatalf("spelling %d built a new container", i)
		}
	}
	// A different secret is a different identity.
	other, _ := reg.KeyForTest("session", awsaccount.SessionParameters{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "OTHER"})
	same, _ := reg.KeyForTest("session", awsaccount.SessionParameters{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "TOPSECRETVALUE"})
	if other == same {
		t.Fatal("two secrets, one key")
	}
}

// Shared keeps the objects of packages built on the Registry: one build per
// canonical spec, and the spec's secrets appear only hashed in its key.
func TestSharedHashesForeignSpecs(t *testing.T) {
	type memberSpec struct {
		Account awsaccount.AccountSpec          `json:"Account"`
		Role    awsaccount.AssumeRoleParameters `json:"MemberRole"`
		Names   []string                        `json:"Names"`
	}
	reg := awsaccount.NewRegistry()
	spec := memberSpec{
		Account: awsaccount.AccountSpec{SessionParameters: awsaccount.SessionParameters{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "TOP-SECRET-KEY"}},
		Role:    awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111122223333:role/x", ExternalId: "EXTERNAL-SECRET"},
		Names:   []string{"prod-*"},
	}
	key, err := reg.KeyForTest("shared:member", spec)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(key, "TOP-SECRET-KEY") || strings.Contains(key, "EXTERNAL-SECRET") || !strings.Contains(key, "prod-*") {
		t.Fatalf("key %s shows a secret or lost a value", key)
	}
	builds := 0
	build := func(context.Context) (*int, error) { builds++; n := builds; return &n, nil }
	a, err := awsaccount.Shared(context.Background(), reg, "member", spec, build)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := awsaccount.Shared(context.Background(), reg, "member", spec, build)
	other := spec
	other.Role.ExternalId = "ANOTHER-SECRET"
	c, _ := awsaccount.Shared(context.Background(), reg, "member", other, build)
	if a != b || a == c || builds != 2 {
		t.Fatalf("Shared built %d objects (same spec same object: %v; another secret another object: %v)", builds, a == b, a != c)
	}
}
