package organization_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/organization"
	"github.com/awsaccount/awsaccount/regions"
)

// fixture is the organization most tests list:
//
//	Root: master (management), Shared Services
//	Root/Prod: prod-us
//	Root/Prod/EU: prod-eu-1, prod-eu-2, old-eu (closed: SUSPENDED)
//	Root/Dev: dev-1, sandbox-alice
var fixture = awstest.OrgSpec{
	Accounts: []awstest.AccountSpec{{Name: "Shared Services", Tags: map[string]string{"team": "platform"}}},
	OUs: []awstest.OUSpec{
		{Name: "Prod", Tags: map[string]string{"env": "prod"},
			Accounts: []awstest.AccountSpec{{Name: "prod-us", Tags: map[string]string{"env": "prod", "team": "payments"}}},
			OUs: []awstest.OUSpec{{Name: "EU", Accounts: []awstest.AccountSpec{
				{Name: "prod-eu-1", Tags: map[string]string{"env": "prod", "team": "payments"}},
				{Name: "prod-eu-2", Tags: map[string]string{"env": "production", "team": "search"}},
				{Name: "old-eu", Closed: true},
			}}},
		},
		{Name: "Dev", Accounts: []awstest.AccountSpec{
			{Name: "dev-1", Tags: map[string]string{"env": "dev"}},
			{Name: "sandbox-alice", Tags: map[string]string{"env": "dev", "owner": "alice"}},
		}},
	},
}

// ids resolves the names a table uses for the fixture's ids: "ou:Prod/EU",
// "root", "acct:dev-1", "acct:master"; anything else is taken as it is.
func ids(org *awstest.Org, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		switch {
		case n == "root":
			out[i] = org.RootID
		case strings.HasPrefix(n, "ou:"):
			out[i] = org.OUs[strings.TrimPrefix(n, "ou:")]
		case n == "acct:master":
			out[i] = org.ManagementAccountID
		case strings.HasPrefix(n, "acct:"):
			out[i] = org.Accounts[strings.TrimPrefix(n, "acct:")]
		default:
			out[i] = n
		}
	}
	return out
}

// selectedNames are the names of the selected accounts, sorted.
func selectedNames(rows []organization.Account) []string {
	var out []string
	for _, a := range rows {
		if a.Selected {
			out = append(out, a.Name)
		}
	}
	slices.Sort(out)
	return out
}

// rowByName finds a row.
func rowByName(t *testing.T, rows []organization.Account, name string) organization.Account {
	t.Helper()
	for _, a := range rows {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no account %q in %v", name, rows)
	return organization.Account{}
}

// Selection: OUs walked recursively; Include kinds combine, values within
// a kind alternate; Exclude wins; SUSPENDED left out by default; the
// management account skipped on request. Every kind of selector, against
// one organization in moto.
func TestSelection(t *testing.T) {
	org := buildOrg(t, fixture)
	allActive := []string{"Shared Services", "dev-1", "master", "prod-eu-1", "prod-eu-2", "prod-us", "sandbox-alice"}
	type sel struct {
		ous, accounts, names []string
		tags                 map[string]string
	}
	selector := func(s sel) organization.Selector {
		return organization.Selector{OrganizationalUnits: ids(org, s.ous...), Accounts: ids(org, s.accounts...), Names: s.names, Tags: s.tags}
	}
	for name, tc := range map[string]struct {
		include, exclude sel
		statuses         []string
		management       string
		want             []string
	}{
		"whole organization, ACTIVE only": {want: allActive},
		"SUSPENDED too": {statuses: []string{"ACTIVE", "SUSPENDED"},
			want: []string{"Shared Services", "dev-1", "master", "old-eu", "prod-eu-1", "prod-eu-2", "prod-us", "sandbox-alice"}},
		"OU, recursively":            {include: sel{ous: []string{"ou:Prod"}}, want: []string{"prod-eu-1", "prod-eu-2", "prod-us"}},
		"nested OU":                  {include: sel{ous: []string{"ou:Prod/EU"}}, want: []string{"prod-eu-1", "prod-eu-2"}},
		"root":                       {include: sel{ous: []string{"root"}}, want: allActive},
		"two OUs":                    {include: sel{ous: []string{"ou:Prod/EU", "ou:Dev"}}, want: []string{"dev-1", "prod-eu-1", "prod-eu-2", "sandbox-alice"}},
		"accounts":                   {include: sel{accounts: []string{"acct:dev-1", "acct:prod-us"}}, want: []string{"dev-1", "prod-us"}},
		"name globs":                 {include: sel{names: []string{"prod-eu-*", "Shared*"}}, want: []string{"Shared Services", "prod-eu-1", "prod-eu-2"}},
		"tag with a glob value":      {include: sel{tags: map[string]string{"env": "prod*"}}, want: []string{"prod-eu-1", "prod-eu-2", "prod-us"}},
		"tag with an exact value":    {include: sel{tags: map[string]string{"env": "prod"}}, want: []string{"prod-eu-1", "prod-us"}},
		"any tag within Tags":        {include: sel{tags: map[string]string{"owner": "alice", "team": "platform"}}, want: []string{"Shared Services", "sandbox-alice"}},
		"kinds combine":              {include: sel{ous: []string{"ou:Prod"}, tags: map[string]string{"team": "payments"}}, want: []string{"prod-eu-1", "prod-us"}},
		"Exclude wins over Include":  {include: sel{ous: []string{"ou:Prod"}}, exclude: sel{names: []string{"prod-eu-2"}}, want: []string{"prod-eu-1", "prod-us"}},
		"Exclude wins, by account":   {include: sel{names: []string{"prod-*"}}, exclude: sel{accounts: []string{"acct:prod-us"}}, want: []string{"prod-eu-1", "prod-eu-2"}},
		"Exclude alone, an OU":       {exclude: sel{ous: []string{"ou:Dev"}}, want: []string{"Shared Services", "master", "prod-eu-1", "prod-eu-2", "prod-us"}},
		"Exclude alone, a nested OU": {exclude: sel{ous: []string{"ou:Prod/EU"}}, want: []string{"Shared Services", "dev-1", "master", "prod-us", "sandbox-alice"}},
		"Exclude by tag glob":        {exclude: sel{tags: map[string]string{"env": "d?v"}}, want: []string{"Shared Services", "master", "prod-eu-1", "prod-eu-2", "prod-us"}},
		"Exclude any kind":           {exclude: sel{names: []string{"master"}, tags: map[string]string{"team": "*"}}, want: []string{"dev-1", "sandbox-alice"}},
		"management skipped":         {management: "skip", want: slices.DeleteFunc(slices.Clone(allActive), func(n string) bool { return n == "master" })},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			spec := organization.Spec{Account: management, Include: selector(tc.include), Exclude: selector(tc.exclude),
				Statuses: tc.statuses, ManagementAccount: tc.management}
			o, err := organization.Get(ctx, newRegistry(t, moto.URL()), spec, unlimited)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := o.Accounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := selectedNames(rows); !slices.Equal(got, tc.want) {
				t.Fatalf("selected %q, want %q", got, tc.want)
			}
			for _, a := range rows {
				if a.Selected == (a.Reason != "") {
					t.Errorf("%s: selected %v with reason %q", a.Name, a.Selected, a.Reason)
				}
			}
			cs, err := o.Containers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != len(tc.want) {
				t.Fatalf("%d containers for %d selected accounts", len(cs), len(tc.want))
			}
		})
	}
}

// The rows: OU path, tags (when listed), status, the management account,
// and a reason for each account left out.
func TestAccountsRows(t *testing.T) {
	ctx := context.Background()
	org := buildOrg(t, fixture)
	reg := newRegistry(t, moto.URL())
	spec := organization.Spec{Account: management,
		Include: organization.Selector{OrganizationalUnits: []string{org.OUs["Prod"], org.RootID}, Names: []string{"prod-*", "old-*", "master"}},
		Exclude: organization.Selector{Tags: map[string]string{"team": "sea*"}}}
	o, err := organization.Get(ctx, reg, spec, unlimited, func(o *organization.Options) { o.ListTags = true })
	if err != nil {
		t.Fatal(err)
	}
	rows, err := o.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range rows {
		got = append(got, fmt.Sprintf("%s|%s|%s|%v|%v|%v|%s", a.OUPath, a.Name, a.Status, a.Tags, a.Management, a.Selected, a.Reason))
	}
	want := []string{
		"Root|Shared Services|ACTIVE|map[team:platform]|false|false|not matched by Include.Names",
		"Root|master|ACTIVE|map[]|true|true|",
		"Root/Dev|dev-1|ACTIVE|map[env:dev]|false|false|not matched by Include.Names",
		"Root/Dev|sandbox-alice|ACTIVE|map[env:dev owner:alice]|false|false|not matched by Include.Names",
		"Root/Prod|prod-us|ACTIVE|map[env:prod team:payments]|false|true|",
		"Root/Prod/EU|old-eu|SUSPENDED|map[]|false|false|status SUSPENDED is not in Statuses [ACTIVE]",
		"Root/Prod/EU|prod-eu-1|ACTIVE|map[env:prod team:payments]|false|true|",
		"Root/Prod/EU|prod-eu-2|ACTIVE|map[env:production team:search]|false|false|excluded by Exclude.Tags team=sea*",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	eu := rowByName(t, rows, "prod-eu-1")
	if eu.ID != org.Accounts["prod-eu-1"] || eu.Email != "prod-eu-1@example.com" {
		t.Fatalf("prod-eu-1 row %+v", eu)
	}

	// The rows are the caller's.
	eu.Tags["env"] = "changed"
	again, _ := o.Accounts(ctx)
	if rowByName(t, again, "prod-eu-1").Tags["env"] != "prod" {
		t.Fatal("a caller's change reached the listing")
	}

	// Without ListTags and without a tag selector, tags are not listed.
	plain, err := organization.Get(ctx, reg, organization.Spec{Account: management}, unlimited)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = plain.Accounts(ctx)
	if tags := rowByName(t, rows, "prod-eu-1").Tags; tags != nil {
		t.Fatalf("tags %v listed without need", tags)
	}
}

// The same spec (defaults spelled out or not) is one Organization of the
// Registry; another spec is another.
func TestGetIsCached(t *testing.T) {
	ctx := context.Background()
	buildOrg(t, fixture)
	reg := newRegistry(t, moto.URL())
	a, err := organization.Get(ctx, reg, organization.Spec{Account: management}, unlimited)
	if err != nil {
		t.Fatal(err)
	}
	b, err := organization.Get(ctx, reg, organization.Spec{Account: management, Statuses: []string{"ACTIVE"}, ManagementAccount: "own",
		MemberRole: organization.MemberRole{RoleName: organization.DefaultRoleName}}, unlimited)
	if err != nil {
		t.Fatal(err)
	}
	c, err := organization.Get(ctx, reg, organization.Spec{Account: management, ManagementAccount: "skip"}, unlimited)
	if err != nil {
		t.Fatal(err)
	}
	if a != b || a == c {
		t.Fatalf("same spec: %p %p; other spec: %p", a, b, c)
	}
	ca, _ := a.Containers(ctx)
	cb, _ := b.Containers(ctx)
	if !slices.Equal(ca, cb) {
		t.Fatal("the same organization built other containers")
	}
}

// The listing is renewed after its TTL, and by Refresh: an account moved
// to another OU shows in its new place.
func TestRefreshAndTTL(t *testing.T) {
	ctx := context.Background()
	org := buildOrg(t, fixture)
	p := awstest.RunProxy(t, moto.URL())
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	o, err := organization.Get(ctx, newRegistry(t, p.URL()), organization.Spec{Account: management,
		Include: organization.Selector{OrganizationalUnits: []string{org.OUs["Dev"]}}},
		unlimited, func(o *organization.Options) { o.TTL = time.Minute; o.Clock = func() time.Time { return now } })
	if err != nil {
		t.Fatal(err)
	}
	lists := func() int64 { return p.Stats().ByAction["organizations:DescribeOrganization"] }
	if lists() != 1 {
		t.Fatalf("%d listings after Get", lists())
	}
	moveAccount(t, org, "prod-us", org.OUs["Prod"], org.OUs["Dev"])

	rows, _ := o.Accounts(ctx)
	if rowByName(t, rows, "prod-us").Selected || lists() != 1 {
		t.Fatalf("listed again within the TTL (%d listings)", lists())
	}
	now = now.Add(time.Minute + time.Second)
	rows, _ = o.Accounts(ctx)
	if a := rowByName(t, rows, "prod-us"); !a.Selected || a.OUPath != "Root/Dev" || lists() != 2 {
		t.Fatalf("after the TTL: %+v, %d listings", a, lists())
	}
	moveAccount(t, org, "prod-us", org.OUs["Dev"], org.OUs["Prod"])
	if err := o.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	rows, _ = o.Accounts(ctx)
	if a := rowByName(t, rows, "prod-us"); a.Selected || a.OUPath != "Root/Prod" || lists() != 3 {
		t.Fatalf("after Refresh: %+v, %d listings", a, lists())
	}

	// A renewal that fails keeps the old listing.
	p.Inject(func(r awstest.Request) bool { return r.Service == "organizations" },
		awstest.Fault{Code: "AccessDeniedException", Message: "policy changed"}) // not retried: the test need not wait
	now = now.Add(time.Hour)
	rows, err = o.Accounts(ctx)
	if err != nil || len(rows) != 8 {
		t.Fatalf("stale listing not kept: %d rows, %v", len(rows), err)
	}
	if err := o.Refresh(ctx); err == nil {
		t.Fatal("Refresh reported no error")
	}
}

// moveAccount moves a fixture account between OUs, as its administrator
// would.
func moveAccount(t *testing.T, org *awstest.Org, name, from, to string) {
	t.Helper()
	client := organizations.NewFromConfig(builderConfig(t))
	if _, err := client.MoveAccount(context.Background(), &organizations.MoveAccountInput{
		AccountId: aws.String(org.Accounts[name]), SourceParentId: aws.String(from), DestinationParentId: aws.String(to),
	}); err != nil {
		t.Fatal(err)
	}
}

// ids in Include or Exclude that the organization does not have are errors
// naming each of them, not an empty (or unfiltered) selection.
func TestUnknownIDs(t *testing.T) {
	ctx := context.Background()
	org := buildOrg(t, fixture)
	spec := organization.Spec{Account: management,
		Include: organization.Selector{OrganizationalUnits: []string{org.OUs["Prod"], "ou-zzzz-zzzzzzzz"}},
		Exclude: organization.Selector{Accounts: []string{"999999999999"}, OrganizationalUnits: []string{"r-zzzz"}}}
	_, err := organization.Get(ctx, newRegistry(t, moto.URL()), spec, unlimited)
	if !errors.Is(err, organization.ErrUnknownID) {
		t.Fatalf("got %v, want ErrUnknownID", err)
	}
	var ue *organization.UnknownIDError
	var fe awsaccount.FieldError
	if !errors.As(err, &ue) || !errors.As(err, &fe) {
		t.Fatalf("%T is not an *UnknownIDError and a FieldError", err)
	}
	for _, want := range []string{
		"Include.OrganizationalUnits[1]: organizational unit ou-zzzz-zzzzzzzz is not in organization " + org.ID,
		"Exclude.OrganizationalUnits[0]: root r-zzzz is not in organization " + org.ID,
		"Exclude.Accounts[0]: account 999999999999 is not in organization " + org.ID,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// Listing from an account that is in no organization, or that may not
// list it, is one error with a hint saying what is needed.
func TestListingFailures(t *testing.T) {
	ctx := context.Background()
	buildOrg(t, fixture)
	p := awstest.RunProxy(t, moto.URL())
	reg := newRegistry(t, p.URL())

	// A role into an account of no organization.
	outsider := management
	outsider.AssumeRole = &awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::999988887777:role/lister", RoleSessionName: "lister"}
	_, err := organization.Get(ctx, reg, organization.Spec{Account: outsider}, unlimited)
	var ce *awsaccount.CallError
	if !errors.As(err, &ce) || ce.Code != "AWSOrganizationsNotInUseException" || !strings.Contains(ce.Hint, "not in an organization") ||
		ce.AccountID != "999988887777" || ce.Operation != "DescribeOrganization" {
		t.Fatalf("not in an organization: %v (%#v)", err, ce)
	}

	// Denied: the hint names the permissions.
	p.Inject(func(r awstest.Request) bool { return r.Action == "ListAccountsForParent" },
		awstest.Fault{Status: 400, Code: "AccessDeniedException", Message: "You don't have permissions to access this resource."})
	_, err = organization.Get(ctx, reg, organization.Spec{Account: management}, unlimited)
	if !errors.As(err, &ce) || ce.Code != "AccessDeniedException" || !strings.Contains(ce.Hint, "organizations:ListAccountsForParent") ||
		!strings.Contains(ce.Hint, "delegated administrator") || !strings.Contains(err.Error(), "list the accounts in Root") {
		t.Fatalf("denied: %v (%#v)", err, ce)
	}
	// A failed Get is not kept.
	p.ResetStats()
	if _, err := organization.Get(ctx, reg, organization.Spec{Account: management}, unlimited); err == nil || p.Stats().ByAction["organizations:DescribeOrganization"] != 1 {
		t.Fatalf("a failed Get was kept: %v", err)
	}
}

// Targets: members through their role (custom name and session name, in
// the ARN STS reports), the management account on its own credentials,
// every member entered lazily, once, however many regions it has.
func TestTargets(t *testing.T) {
	ctx := context.Background()
	org := buildOrg(t, fixture)
	p := awstest.RunProxy(t, moto.URL())
	twoRegions := regions.Filter{Partitions: map[string]regions.PartitionFilter{
		"aws": {Regions: regions.RegionFilter{Include: []string{"us-east-1", "eu-west-1"}}}}}
	for name, tc := range map[string]struct {
		management string
		wantOwn    bool // the management account without a role
	}{
		"management on its own credentials": {management: "", wantOwn: true},
		"management through the role":       {management: "role"},
	} {
		t.Run(name, func(t *testing.T) {
			p.ResetStats()
			reg := newRegistry(t, p.URL()) // a registry of its own: no member entered yet
			spec := organization.Spec{Account: management, ManagementAccount: tc.management, Filter: twoRegions,
				MemberRole: organization.MemberRole{RoleName: "ops/AuditRole",
					AssumeRoleParameters: awsaccount.AssumeRoleParameters{RoleSessionName: "awsacct"}}}
			o, err := organization.Get(ctx, reg, spec, unlimited)
			if err != nil {
				t.Fatal(err)
			}
			set, err := o.RegionalAccountSet(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(set.Targets()); n != 2*7 {
				t.Fatalf("%d targets, want 7 accounts × 2 regions", n)
			}
			if st := p.Stats(); st.AssumeRoles != 0 {
				t.Fatalf("%d AssumeRole calls before the first target ran", st.AssumeRoles)
			}
			arns := map[string]string{} // account id → caller ARN
			for _, r := range awsaccount.ForEach(ctx, set, callerARN) {
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				id, _ := r.Target.Account().AccountID(ctx)
				if old, ok := arns[id]; ok && old != r.Value {
					t.Fatalf("account %s: %s and %s", id, old, r.Value)
				}
				arns[id] = r.Value
			}
			for id, arn := range arns {
				switch {
				case id == org.ManagementAccountID && tc.wantOwn:
					if strings.Contains(arn, ":assumed-role/") {
						t.Errorf("management account entered by a role: %s", arn)
					}
				case !strings.HasPrefix(arn, "arn:aws:sts::"+id+":assumed-role/AuditRole/awsacct"):
					t.Errorf("account %s acted as %s", id, arn)
				}
			}
			wantRoles := int64(6)
			if !tc.wantOwn {
				wantRoles = 7
			}
			if st := p.Stats(); st.AssumeRoles != wantRoles {
				t.Fatalf("%d AssumeRole calls for %d accounts entered by role", st.AssumeRoles, wantRoles)
			}
		})
	}
}

func callerARN(ctx context.Context, ra *awsaccount.RegionalAccount) (string, error) {
	out, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return *out.Arn, nil
}

// A member whose role cannot be assumed fails its own targets, with a
// CallError naming the role; the others run.
func TestMemberRoleFails(t *testing.T) {
	ctx := context.Background()
	org := buildOrg(t, fixture)
	p := awstest.RunProxy(t, moto.URL())
	bad := org.Accounts["prod-eu-2"]
	role := "arn:aws:iam::" + bad + ":role/" + organization.DefaultRoleName
	p.Inject(func(r awstest.Request) bool { return r.Action == "AssumeRole" && r.Param("RoleArn") == role },
		awstest.Fault{Status: 403, Code: "AccessDenied", Message: "not authorized to perform sts:AssumeRole"})
	o, err := organization.Get(ctx, newRegistry(t, p.URL()), organization.Spec{Account: management,
		Include: organization.Selector{OrganizationalUnits: []string{org.OUs["Prod"]}},
		Filter:  regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {Regions: regions.RegionFilter{Include: []string{"us-east-1", "eu-west-1"}}}}}}, unlimited)
	if err != nil {
		t.Fatal(err)
	}
	set, err := o.RegionalAccountSet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	failed, ok := 0, 0
	for _, r := range awsaccount.ForEach(ctx, set, callerARN) {
		var ce *awsaccount.CallError
		switch {
		case r.Err == nil:
			ok++
		case errors.As(r.Err, &ce) && ce.AccountID == bad && ce.Code == "AccessDenied" && strings.Contains(ce.Hint, role):
			failed++
		default:
			t.Fatalf("unexpected failure: %v", r.Err)
		}
	}
	if failed != 2 || ok != 4 {
		t.Fatalf("%d targets failed, %d ran: want the bad member's 2 and the others' 4", failed, ok)
	}
}

// A RoleArn template fills in the account and the partition.
func TestRoleArnTemplate(t *testing.T) {
	ctx := context.Background()
	org := buildOrg(t, fixture)
	o, err := organization.Get(ctx, newRegistry(t, moto.URL()), organization.Spec{Account: management,
		Include:    organization.Selector{Names: []string{"dev-1"}},
		MemberRole: organization.MemberRole{AssumeRoleParameters: awsaccount.AssumeRoleParameters{RoleArn: "arn:{partition}:iam::{account_id}:role/Reader", RoleSessionName: "tmpl"}},
		Filter:     regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {Regions: regions.RegionFilter{Include: []string{"us-east-1"}}}}}}, unlimited)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := o.RegionalAccountSet(ctx)
	for _, r := range awsaccount.ForEach(ctx, set, callerARN) {
		if want := "arn:aws:sts::" + org.Accounts["dev-1"] + ":assumed-role/Reader/tmpl"; r.Err != nil || r.Value != want {
			t.Fatalf("%v %v, want %s", r.Value, r.Err, want)
		}
	}
}

// The Organizations calls pass their own limit: by default 5 per second,
// blocking, so the listing of the fixture (10 calls) takes at least a
// second, and none is refused.
func TestListingRateLimit(t *testing.T) {
	ctx := context.Background()
	buildOrg(t, fixture)
	p := awstest.RunProxy(t, moto.URL())
	start := time.Now()
	if _, err := organization.Get(ctx, newRegistry(t, p.URL()), organization.Spec{Account: management, ManagementAccount: "role"}); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	var calls int64
	for action, n := range p.Stats().ByAction {
		if strings.HasPrefix(action, "organizations:") {
			calls += n
		}
	}
	// DescribeOrganization, ListRoots, and for each of Root, Prod,
	// Prod/EU, Dev: ListOrganizationalUnitsForParent and
	// ListAccountsForParent.
	if calls != 10 {
		t.Fatalf("%d Organizations calls: %v", calls, p.Stats().ByAction)
	}
	if elapsed < 900*time.Millisecond {
		t.Fatalf("10 calls in %v: the default limit (5 per second) was not applied", elapsed)
	}
}

// With RegionSource account each member is asked for its regions as its
// container is built, which enters it then: a member that cannot be
// entered is left out, named by the error that comes with the others.
func TestRegionSourceAccount(t *testing.T) {
	ctx := context.Background()
	org := buildOrg(t, fixture)
	p := awstest.RunProxy(t, moto.URL())
	bad := org.Accounts["prod-eu-2"]
	p.Inject(func(r awstest.Request) bool {
		return r.Action == "AssumeRole" && strings.Contains(r.Param("RoleArn"), "::"+bad+":")
	}, awstest.Fault{Status: 403, Code: "AccessDenied", Message: "not authorized to perform sts:AssumeRole"})
	// (moto takes seconds to set up EC2 in an account it has not seen:
	// one good member is enough.)
	o, err := organization.Get(ctx, newRegistry(t, p.URL()), organization.Spec{Account: management, RegionSource: "account",
		Include: organization.Selector{OrganizationalUnits: []string{org.OUs["Prod/EU"]}},
		Filter:  regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {Regions: regions.RegionFilter{Include: []string{"eu-west-1"}}}}}}, unlimited)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := o.Containers(ctx)
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "AccessDenied" || !strings.Contains(err.Error(), "account "+bad+" (prod-eu-2)") {
		t.Fatalf("error %v does not name prod-eu-2", err)
	}
	if len(cs) != 1 || p.Stats().ByAction["ec2:DescribeRegions"] != 1 {
		t.Fatalf("%d containers, %d DescribeRegions: want the member that could be entered", len(cs), p.Stats().ByAction["ec2:DescribeRegions"])
	}
	set, err := o.RegionalAccountSet(ctx)
	if err == nil || len(set.Targets()) != 1 {
		t.Fatalf("set of %d targets, error %v", len(set.Targets()), err)
	}
}

// Cancelling Get returns at once; the listing under way goes on for the
// next caller, which waits for it instead of starting another.
func TestGetCancelled(t *testing.T) {
	buildOrg(t, fixture)
	p := awstest.RunLatencyProxy(t, moto.URL(), 200*time.Millisecond)
	reg := newRegistry(t, p.URL())
	spec := organization.Spec{Account: management}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := organization.Get(ctx, reg, spec, unlimited); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the deadline", err)
	}
	if d := time.Since(start); d > time.Second { // the listing takes 10 calls × 200ms
		t.Fatalf("Get returned %v after it started: it waited for the listing", d)
	}
	o, err := organization.Get(context.Background(), reg, spec)
	if err != nil {
		t.Fatal(err)
	}
	if n := p.Stats().ByAction["organizations:DescribeOrganization"]; n != 1 {
		t.Fatalf("%d listings, want the first one shared", n)
	}
	if rows, _ := o.Accounts(context.Background()); len(rows) != 8 {
		t.Fatalf("%d rows", len(rows))
	}
}
