package organization_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/organization"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/regions"
)

// Bad shapes are refused by Validate, before any network call, as field
// errors whose path is relative to the Spec.
func TestSpecValidate(t *testing.T) {
	role := func(name, arn string) organization.MemberRole {
		return organization.MemberRole{RoleName: name, AssumeRoleParameters: awsaccount.AssumeRoleParameters{RoleArn: arn}}
	}
	for name, tc := range map[string]struct {
		spec      organization.Spec
		path, say string
	}{
		"RoleArn without {account_id}": {spec: organization.Spec{MemberRole: role("", "arn:aws:iam::111122223333:role/x")},
			path: "MemberRole.RoleArn", say: "no {account_id} placeholder"},
		"RoleName and RoleArn": {spec: organization.Spec{MemberRole: role("x", "arn:aws:iam::{account_id}:role/x")},
			path: "MemberRole.RoleArn", say: "cannot be combined with RoleName"},
		"unknown placeholder": {spec: organization.Spec{MemberRole: role("", "arn:{partition}:iam::{account_id}:role/{name}")},
			path: "MemberRole.RoleArn", say: "unknown placeholder {name}"},
		"RoleArn template that makes no ARN": {spec: organization.Spec{MemberRole: role("", "arn:aws:iam::{account_id}:user/x")},
			path: "MemberRole.RoleArn", say: "does not make an IAM role ARN"},
		"an ARN as RoleName": {spec: organization.Spec{MemberRole: role("arn:aws:iam::111122223333:role/x", "")},
			path: "MemberRole.RoleName", say: "give it as RoleArn"},
		"RoleName with a space": {spec: organization.Spec{MemberRole: role("Org Access", "")},
			path: "MemberRole.RoleName", say: "not a role name"},
		"member role's own fields": {spec: organization.Spec{MemberRole: organization.MemberRole{
			AssumeRoleParameters: awsaccount.AssumeRoleParameters{DurationSeconds: 60}}},
			path: "MemberRole.DurationSeconds", say: "outside 900..43200"},
		"unknown ManagementAccount": {spec: organization.Spec{ManagementAccount: "mine"},
			path: "ManagementAccount", say: `unknown value "mine" (want own, role or skip)`},
		"unknown status": {spec: organization.Spec{Statuses: []string{"ACTIVE", "CLOSING"}},
			path: "Statuses[1]", say: `unknown status "CLOSING"`},
		"bad name glob": {spec: organization.Spec{Include: organization.Selector{Names: []string{"prod-*", "prod-[a"}}},
			path: "Include.Names[1]", say: "not a valid glob"},
		"empty name": {spec: organization.Spec{Exclude: organization.Selector{Names: []string{""}}},
			path: "Exclude.Names[0]", say: "is empty"},
		"bad tag glob": {spec: organization.Spec{Exclude: organization.Selector{Tags: map[string]string{"env": "[prod"}}},
			path: "Exclude.Tags.env", say: "not a valid glob"},
		"bad OU id": {spec: organization.Spec{Include: organization.Selector{OrganizationalUnits: []string{"Prod"}}},
			path: "Include.OrganizationalUnits[0]", say: "not an OU id"},
		"bad account id": {spec: organization.Spec{Exclude: organization.Selector{Accounts: []string{"1234"}}},
			path: "Exclude.Accounts[0]", say: "not an account id"},
		"bad Account": {spec: organization.Spec{Account: awsaccount.AccountSpec{SessionParameters: awsaccount.SessionParameters{AccessKeyID: "AKIA"}}},
			path: "Account.SessionParameters.aws_secret_access_key", say: "is required"},
		"bad Account role": {spec: organization.Spec{Account: awsaccount.AccountSpec{AssumeRoles: []awsaccount.AssumeRoleParameters{{RoleArn: "x"}}}},
			path: "Account.AssumeRoles[0].RoleArn", say: "not an IAM role ARN"},
		"bad RateLimit": {spec: organization.Spec{RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: -1}}},
			path: "RateLimit.max_count", say: "must be >= 0"},
		"bad Filter": {spec: organization.Spec{Filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {Regions: regions.RegionFilter{Include: []string{"eu-wets-1"}}}}}},
			path: "Filter.", say: "eu-wets-1"},
		"unknown RegionSource": {spec: organization.Spec{RegionSource: "guess"},
			path: "RegionSource", say: "unknown source"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.spec.Validate()
			var fe awsaccount.FieldError
			if !errors.As(err, &fe) || !errors.Is(err, awsaccount.ErrInvalidParameter) {
				t.Fatalf("got %v, want a ParameterError", err)
			}
			path, problem := fe.Field()
			if !strings.HasPrefix(path, tc.path) || !strings.Contains(problem, tc.say) {
				t.Fatalf("got %s: %s; want %s: ...%s...", path, problem, tc.path, tc.say)
			}
			// Get refuses it the same way, before any network call (the
			// default registry is never asked for anything).
			if _, err := organization.Get(context.Background(), nil, tc.spec); !errors.As(err, &fe) {
				t.Fatalf("Get: %v", err)
			}
		})
	}
	for name, spec := range map[string]organization.Spec{
		"zero":          {},
		"RoleArn":       {MemberRole: role("", "arn:{partition}:iam::{account_id}:role/ops/Reader")},
		"RoleName path": {MemberRole: role("ops/Reader", "")},
		"everything": {Statuses: []string{"ACTIVE", "SUSPENDED", "PENDING_CLOSURE"}, ManagementAccount: "skip",
			Include: organization.Selector{OrganizationalUnits: []string{"ou-ab12-cdefgh34", "r-ab12"}, Accounts: []string{"111122223333"},
				Names: []string{"prod-*"}, Tags: map[string]string{"env": "prod*", "empty": ""}}},
	} {
		if err := spec.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// pinnedYAML is the config shape of issue 13, with anchors for the parts a
// file shares with its RegionalAccounts items.
const pinnedYAML = `
Accounts:
  management: &management
    SessionParameters:
      aws_access_key_id: AKIAIOSFODNN7EXAMPLE
      aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
      region_name: us-east-1
Limits:
  rl: &rl {max_count: 20, interval: 1, block: true}
Filters:
  filter: &filter
    Partitions:
      aws:
        Regions: {include: [eu-*]}
RegionalAccountSet:
  - Organization:
      Account: *management
      MemberRole:
        RoleName: OrganizationAccountAccessRole
        RoleSessionName: awsacct
        ExternalId: s3cr3t-external-id
        DurationSeconds: 3600
        PolicyArns: [{arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess'}]
        Tags: [{Key: team, Value: sre}]
        SourceIdentity: alice
      Include: {OrganizationalUnits: [ou-ab12-cdefgh34, r-ab12], Accounts: ['111122223333'], Names: ['prod-*'], Tags: {env: prod}}
      Exclude: {OrganizationalUnits: [ou-ab12-zzzzzzzz], Accounts: ['444455556666'], Names: ['*-sandbox'], Tags: {owner: 'temp*'}}
      Statuses: [ACTIVE, SUSPENDED]
      ManagementAccount: role
      RateLimit: *rl
      Filter: *filter
      RegionSource: static
`

// wantPinned is what pinnedYAML decodes to.
var wantPinned = organization.Spec{
	Account: awsaccount.AccountSpec{SessionParameters: awsaccount.SessionParameters{
		AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Region: "us-east-1"}},
	MemberRole: organization.MemberRole{RoleName: "OrganizationAccountAccessRole", AssumeRoleParameters: awsaccount.AssumeRoleParameters{
		RoleSessionName: "awsacct", ExternalId: "s3cr3t-external-id", DurationSeconds: 3600,
		PolicyArns: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, Tags: map[string]string{"team": "sre"}, SourceIdentity: "alice"}},
	Include: organization.Selector{OrganizationalUnits: []string{"ou-ab12-cdefgh34", "r-ab12"}, Accounts: []string{"111122223333"},
		Names: []string{"prod-*"}, Tags: map[string]string{"env": "prod"}},
	Exclude: organization.Selector{OrganizationalUnits: []string{"ou-ab12-zzzzzzzz"}, Accounts: []string{"444455556666"},
		Names: []string{"*-sandbox"}, Tags: map[string]string{"owner": "temp*"}},
	Statuses:          []string{"ACTIVE", "SUSPENDED"},
	ManagementAccount: "role",
	RateLimit:         ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 20, Interval: time.Second, Block: true}},
	Filter:            regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {Regions: regions.RegionFilter{Include: []string{"eu-*"}}}}},
	RegionSource:      "static",
}

// The pinned shape decodes through package configfile (anchors, boto3's
// Tags and PolicyArns shapes in MemberRole, strict keys, Validate).
func TestSpecFromConfigfile(t *testing.T) {
	f, err := configfile.Read(strings.NewReader(pinnedYAML), "config.yaml", func(o *configfile.Options) { o.Data = map[string]any{} })
	if err != nil {
		t.Fatal(err)
	}
	var spec organization.Spec
	if err := f.Decode("RegionalAccountSet[0].Organization", &spec); err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprintf("%#v", spec), fmt.Sprintf("%#v", wantPinned); got != want || spec.MemberRole.ExternalId != wantPinned.MemberRole.ExternalId ||
		spec.Account.SessionParameters.SecretAccessKey != wantPinned.Account.SessionParameters.SecretAccessKey {
		t.Fatalf("decoded\n%s\nwant\n%s", got, want)
	}
}

// configfile places the errors of an Organization item: an unknown key
// beside RoleName, a RoleArn template Validate refuses, a bad glob.
func TestSpecErrorsInConfigfile(t *testing.T) {
	for name, tc := range map[string]struct {
		replace, with string
		want          string // file:line:col: path: problem
	}{
		"unknown key in MemberRole": {"RoleSessionName: awsacct", "RoleSesionName: awsacct",
			"config.yaml:20:9: RegionalAccountSet[0].Organization.MemberRole.RoleSesionName: unknown key"},
		"RoleArn without {account_id}": {"RoleName: OrganizationAccountAccessRole", "RoleArn: 'arn:aws:iam::111122223333:role/x'",
			"config.yaml:19:9: RegionalAccountSet[0].Organization.MemberRole.RoleArn: \"arn:aws:iam::111122223333:role/x\" has no {account_id}"},
		"boto3 Tags shape, wrong": {"Tags: [{Key: team, Value: sre}]", "Tags: [{Key: team}]",
			"RegionalAccountSet[0].Organization.MemberRole.Tags[0]: must have exactly the keys Key and Value"},
		"bad glob": {"Names: ['prod-*']", "Names: ['prod-[']",
			"RegionalAccountSet[0].Organization.Include.Names[0]: \"prod-[\" is not a valid glob"},
		"unknown ManagementAccount": {"ManagementAccount: role", "ManagementAccount: mine",
			"config.yaml:29:7: RegionalAccountSet[0].Organization.ManagementAccount: unknown value \"mine\""},
	} {
		t.Run(name, func(t *testing.T) {
			src := strings.Replace(pinnedYAML, tc.replace, tc.with, 1)
			f, err := configfile.Read(strings.NewReader(src), "config.yaml", func(o *configfile.Options) { o.Data = map[string]any{} })
			if err != nil {
				t.Fatal(err)
			}
			var spec organization.Spec
			err = f.Decode("RegionalAccountSet[0].Organization", &spec)
			var ce *configfile.Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant ...%s...", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Fatal("the error quotes a secret")
			}
		})
	}
}

// goccy/go-yaml, which applications may use directly, decodes the same
// shape.
func TestSpecFromGoccyYAML(t *testing.T) {
	var doc struct {
		// The anchors' homes.
		Accounts           any `yaml:"Accounts"`
		Limits             any `yaml:"Limits"`
		Filters            any `yaml:"Filters"`
		RegionalAccountSet []struct {
			Organization organization.Spec `yaml:"Organization"`
		} `yaml:"RegionalAccountSet"`
	}
	// goccy reads a RateLimit interval as a Go duration only.
	src := strings.Replace(pinnedYAML, "interval: 1,", "interval: 1s,", 1)
	if err := yaml.UnmarshalWithOptions([]byte(src), &doc, yaml.Strict()); err != nil {
		t.Fatal(err)
	}
	spec := doc.RegionalAccountSet[0].Organization
	if got, want := fmt.Sprintf("%#v", spec), fmt.Sprintf("%#v", wantPinned); got != want {
		t.Fatalf("decoded\n%s\nwant\n%s", got, want)
	}
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
}

// A Spec prints and logs without its secrets.
func TestSpecHidesSecrets(t *testing.T) {
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	log.Info("spec", "member_role", wantPinned.MemberRole, "spec", wantPinned)
	out := fmt.Sprintf("%v %+v %#v %s", wantPinned, wantPinned, wantPinned, wantPinned.MemberRole) + logged.String()
	for _, secret := range []string{"s3cr3t-external-id", "wJalrXUtnFEMI"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q printed: %s", secret, out)
		}
	}
	if !strings.Contains(out, "RoleName=OrganizationAccountAccessRole") {
		t.Errorf("MemberRole's String lost RoleName: %s", out)
	}
}
