package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/awsaccount/awsaccount/internal/awstest"
)

// An organization in a config: `accounts` lists every account with its OU
// path, tags and why it is (not) selected; targets and call work on the
// selected members, entered by their role.
func TestOrganizationInConfig(t *testing.T) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(moto.URL()), config.WithHTTPClient(&http.Client{Transport: tr}),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "x", "")))
	if err != nil {
		t.Fatal(err)
	}
	org, err := awstest.BuildOrganization(context.Background(), t, cfg, awstest.OrgSpec{
		Accounts: []awstest.AccountSpec{{Name: "sandbox"}},
		OUs: []awstest.OUSpec{{Name: "Prod", OUs: []awstest.OUSpec{{Name: "EU", Accounts: []awstest.AccountSpec{
			{Name: "prod-eu", Tags: map[string]string{"env": "prod"}},
			{Name: "old-eu", Tags: map[string]string{"env": "prod"}, Closed: true},
		}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "org.yaml")
	body := `
Org:
 RegionalAccountSet:
  - Organization:
     Account: {SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: x, region_name: us-east-1}}
     Include: {Tags: {env: prod}}
     ManagementAccount: skip
     Filter: {Partitions: {aws: {Regions: {include: [us-east-1, eu-west-1]}}}}
`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := awsacct(t, nil, "accounts", "-c", file, "-o", "json")
	if r.code != 0 {
		t.Fatalf("accounts: exit %d %s", r.code, r.stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatal(err)
	}
	byName := map[string]map[string]any{}
	for _, row := range rows {
		for _, k := range []string{"account_id", "name", "email", "status", "ou_path", "tags", "selected", "reason"} {
			if _, ok := row[k]; !ok {
				t.Fatalf("row %v lacks %q", row, k)
			}
		}
		byName[row["name"].(string)] = row
	}
	prod := byName["prod-eu"]
	if prod["selected"] != true || prod["ou_path"] != "Root/Prod/EU" || prod["tags"].(map[string]any)["env"] != "prod" ||
		prod["account_id"] != org.Accounts["prod-eu"] {
		t.Errorf("prod-eu row: %v", prod)
	}
	if s := byName["sandbox"]; s["selected"] != false || s["reason"] == "" {
		t.Errorf("sandbox row (not tagged env=prod): %v", s)
	}
	if o := byName["old-eu"]; o["selected"] != false || o["status"] != "SUSPENDED" || o["reason"] == "" {
		t.Errorf("closed account row: %v", o)
	}

	r = awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", file, "-o", "jsonl")
	if r.code != 0 {
		t.Fatalf("call: exit %d %s", r.code, r.stderr)
	}
	var regions []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var rec struct {
			AccountID string `json:"account_id"`
			Region    string `json:"region"`
			Result    struct{ Arn string }
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.AccountID != org.Accounts["prod-eu"] || !strings.Contains(rec.Result.Arn, "assumed-role/OrganizationAccountAccessRole/") {
			t.Errorf("record %s: want prod-eu entered by OrganizationAccountAccessRole", line)
		}
		regions = append(regions, rec.Region)
	}
	if !slices.Equal(regions, []string{"eu-west-1", "us-east-1"}) {
		t.Errorf("targets in %v, want eu-west-1 and us-east-1 of the one selected member", regions)
	}

	bad := strings.Replace(body, "Include: {Tags: {env: prod}}", "Include: {OrganizationalUnits: [ou-zzzz-nothere]}", 1)
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := awsacct(t, nil, "targets", "-c", file); r.code != exitError || !strings.Contains(r.stderr, "ou-zzzz-nothere") {
		t.Fatalf("an unknown OU: exit %d, stderr %q; want 1 naming it", r.code, r.stderr)
	}
}
