package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// complete asks the CLI for completions as a shell script does (cobra's
// hidden __complete command) and returns the candidates.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	f, out, errOut := testFactory()
	if code := execute(context.Background(), f, append([]string{"__complete"}, args...)); code != 0 {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.HasPrefix(line, ":") { // the directive
			continue
		}
		name, _, _ := strings.Cut(line, "\t")
		got = append(got, name)
	}
	return got
}

func TestCompletion(t *testing.T) {
	sharedConfig(t, "[default]\nregion = eu-west-1\n[profile dev]\n[profile prod]\n[sso-session corp]\n")
	creds := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(creds, []byte("[ci]\naws_access_key_id = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	two := filepath.Join(t.TempDir(), "two.yaml")
	body := `
A:
 RegionalAccountSet:
  - RegionalAccounts: {Filter: {Partitions: {aws: {Regions: {include: [us-east-1]}}}}}
B:
 Nested:
  RegionalAccountSet:
   - RegionalAccounts: {Filter: {Partitions: {aws: {Regions: {include: [us-west-2]}}}}}
`
	if err := os.WriteFile(two, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args []string
		want []string // all of these, and (if only) nothing else
		only bool
	}{
		"commands":            {[]string{""}, []string{"call", "completion", "targets", "version", "whoami"}, false},
		"services":            {[]string{"call", "dyn"}, []string{"dynamodb"}, true},
		"operations, AWS CLI": {[]string{"call", "ec2", "describe-vpc"}, []string{"describe-vpc-attribute", "describe-vpc-endpoints", "describe-vpcs"}, false},
		"operations, boto3":   {[]string{"call", "rds", "describe_db_inst"}, []string{"describe_db_instances", "describe_db_instance_automated_backups"}, true},
		"operations, SDK":     {[]string{"call", "sts", "GetC"}, []string{"GetCallerIdentity"}, true},
		"no third argument":   {[]string{"call", "sts", "get-caller-identity", ""}, nil, true},
		"flags":               {[]string{"call", "sts", "get-caller-identity", "--max"}, []string{"--max-items"}, true},
		"set paths":           {[]string{"targets", "-c", two, "--set", ""}, []string{"A.RegionalAccountSet", "B.Nested.RegionalAccountSet"}, true},
		"output":              {[]string{"whoami", "-o", "y"}, []string{"yaml"}, true},
		"region":              {[]string{"targets", "--region", "eu-west-"}, []string{"eu-west-1", "eu-west-2", "eu-west-3"}, true},
		"regions, a list":     {[]string{"targets", "--regions", "us-east-1,eu-north"}, []string{"us-east-1,eu-north-1"}, true},
		"profiles":            {[]string{"whoami", "--profile", ""}, []string{"ci", "default", "dev", "prod"}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := complete(t, tc.args...)
			for _, w := range tc.want {
				if !contains(got, w) {
					t.Fatalf("completions %q lack %q", got, w)
				}
			}
			if tc.only && len(got) != len(tc.want) {
				t.Fatalf("completions %q, want only %q", got, tc.want)
			}
		})
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		if r := awsacct(t, nil, "completion", shell); r.code != 0 || !strings.Contains(r.stdout, "awsacct") || !strings.Contains(r.stdout, "__complete") {
			t.Errorf("completion %s: exit %d, %d bytes: %s", shell, r.code, len(r.stdout), r.stderr)
		}
	}
	if r := awsacct(t, nil, "completion", "tcsh"); r.code != exitError || !strings.Contains(r.stderr, "bash, zsh, fish") {
		t.Errorf("completion tcsh: %+v", r)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
