package awstest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// OrgSpec describes an organization for BuildOrganization.
type OrgSpec struct {
	FeatureSet orgtypes.OrganizationFeatureSet // "" means ALL
	Accounts   []AccountSpec                   // member accounts directly under the root
	OUs        []OUSpec                        // organizational units under the root
}

// OUSpec describes an organizational unit and what it holds.
type OUSpec struct {
	Name     string
	Tags     map[string]string
	Accounts []AccountSpec
	OUs      []OUSpec
}

// AccountSpec describes a member account.
type AccountSpec struct {
	Name   string // unique within the spec
	Email  string // "" means <name>@example.com
	Tags   map[string]string
	Closed bool // closed once created and placed: its status is then SUSPENDED
}

// Org is an organization BuildOrganization made, with its ids by name.
type Org struct {
	ID                  string
	ARN                 string
	ManagementAccountID string // the account of the credentials that built it
	RootID              string
	OUs                 map[string]string // OU id by path from the root, e.g. "Prod/EU"
	Accounts            map[string]string // member account id by name
}

// BuildOrganization creates the organization spec describes in moto,
// as the account of cfg's credentials (its management account): the
// organization, its OUs (nested), member accounts created with their tags
// and moved into their OUs, and closed accounts closed. It returns the ids
// by name. In t.Cleanup it takes the organization down again (members
// removed, OUs deleted, organization deleted) so that the next test of the
// same account can build one; a partial build is taken down too.
//
// moto 5 creates and closes accounts at once; BuildOrganization still
// waits for a creation to succeed, as AWS needs. Account ids are moto's
// random ones: address them by name.
func BuildOrganization(ctx context.Context, t testing.TB, cfg aws.Config, spec OrgSpec) (*Org, error) {
	t.Helper()
	if err := spec.validate(); err != nil {
		return nil, err
	}
	client := organizations.NewFromConfig(cfg)
	fs := spec.FeatureSet
	if fs == "" {
		fs = orgtypes.OrganizationFeatureSetAll
	}
	out, err := client.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: fs})
	if err != nil {
		return nil, fmt.Errorf("awstest: create organization: %w", err)
	}
	org := &Org{
		ID:                  aws.ToString(out.Organization.Id),
		ARN:                 aws.ToString(out.Organization.Arn),
		ManagementAccountID: aws.ToString(out.Organization.MasterAccountId),
		OUs:                 map[string]string{},
		Accounts:            map[string]string{},
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := org.teardown(ctx, client); err != nil {
			t.Errorf("awstest: take down organization %s: %v", org.ID, err)
		}
	})
	roots, err := client.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) == 0 {
		return nil, fmt.Errorf("awstest: list roots of %s: %w", org.ID, err)
	}
	org.RootID = aws.ToString(roots.Roots[0].Id)
	b := orgBuilder{client: client, org: org}
	if err := b.accounts(ctx, org.RootID, spec.Accounts); err != nil {
		return nil, err
	}
	if err := b.ous(ctx, org.RootID, "", spec.OUs); err != nil {
		return nil, err
	}
	return org, nil
}

type orgBuilder struct {
	client *organizations.Client
	org    *Org
}

func (b orgBuilder) ous(ctx context.Context, parentID, parentPath string, specs []OUSpec) error {
	for _, s := range specs {
		path := s.Name
		if parentPath != "" {
			path = parentPath + "/" + s.Name
		}
		out, err := b.client.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{
			ParentId: aws.String(parentID), Name: aws.String(s.Name), Tags: orgTags(s.Tags),
		})
		if err != nil {
			return fmt.Errorf("awstest: create OU %s: %w", path, err)
		}
		id := aws.ToString(out.OrganizationalUnit.Id)
		b.org.OUs[path] = id
		if err := b.accounts(ctx, id, s.Accounts); err != nil {
			return err
		}
		if err := b.ous(ctx, id, path, s.OUs); err != nil {
			return err
		}
	}
	return nil
}

func (b orgBuilder) accounts(ctx context.Context, parentID string, specs []AccountSpec) error {
	for _, s := range specs {
		email := s.Email
		if email == "" {
			email = emailFor(s.Name)
		}
		out, err := b.client.CreateAccount(ctx, &organizations.CreateAccountInput{
			AccountName: aws.String(s.Name), Email: aws.String(email), Tags: orgTags(s.Tags),
		})
		if err != nil {
			return fmt.Errorf("awstest: create account %s: %w", s.Name, err)
		}
		id, err := b.waitCreated(ctx, s.Name, out.CreateAccountStatus)
		if err != nil {
			return err
		}
		b.org.Accounts[s.Name] = id
		if parentID != b.org.RootID {
			if _, err := b.client.MoveAccount(ctx, &organizations.MoveAccountInput{
				AccountId: aws.String(id), SourceParentId: aws.String(b.org.RootID), DestinationParentId: aws.String(parentID),
			}); err != nil {
				return fmt.Errorf("awstest: move account %s: %w", s.Name, err)
			}
		}
		if s.Closed {
			if _, err := b.client.CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String(id)}); err != nil {
				return fmt.Errorf("awstest: close account %s: %w", s.Name, err)
			}
		}
	}
	return nil
}

// waitCreated polls an account creation until it succeeds or fails.
func (b orgBuilder) waitCreated(ctx context.Context, name string, st *orgtypes.CreateAccountStatus) (string, error) {
	for {
		switch st.State {
		case orgtypes.CreateAccountStateSucceeded:
			return aws.ToString(st.AccountId), nil
		case orgtypes.CreateAccountStateFailed:
			return "", fmt.Errorf("awstest: create account %s: %s", name, st.FailureReason)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("awstest: create account %s: %w", name, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
		out, err := b.client.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: st.Id})
		if err != nil {
			return "", fmt.Errorf("awstest: create account %s: %w", name, err)
		}
		st = out.CreateAccountStatus
	}
}

// teardown removes what the build made, deepest OUs first.
func (o *Org) teardown(ctx context.Context, client *organizations.Client) error {
	for _, name := range slices.Sorted(maps.Keys(o.Accounts)) {
		if _, err := client.RemoveAccountFromOrganization(ctx, &organizations.RemoveAccountFromOrganizationInput{AccountId: aws.String(o.Accounts[name])}); err != nil {
			return fmt.Errorf("remove account %s: %w", name, err)
		}
	}
	paths := slices.SortedFunc(maps.Keys(o.OUs), func(a, b string) int {
		return strings.Count(b, "/") - strings.Count(a, "/")
	})
	for _, path := range paths {
		if _, err := client.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(o.OUs[path])}); err != nil {
			return fmt.Errorf("delete OU %s: %w", path, err)
		}
	}
	if _, err := client.DeleteOrganization(ctx, &organizations.DeleteOrganizationInput{}); err != nil {
		return fmt.Errorf("delete organization: %w", err)
	}
	return nil
}

// validate refuses specs moto would accept but a test could not address:
// unnamed or repeated accounts, unnamed OUs, two OUs at one path.
func (s OrgSpec) validate() error {
	names := map[string]bool{}
	paths := map[string]bool{}
	var walk func(parent string, accounts []AccountSpec, ous []OUSpec) error
	walk = func(parent string, accounts []AccountSpec, ous []OUSpec) error {
		for _, a := range accounts {
			if a.Name == "" || names[a.Name] {
				return fmt.Errorf("%w: account name %q is empty or repeated", ErrOrgSpec, a.Name)
			}
			names[a.Name] = true
		}
		for _, ou := range ous {
			path := ou.Name
			if parent != "" {
				path = parent + "/" + ou.Name
			}
			if ou.Name == "" || strings.Contains(ou.Name, "/") || paths[path] {
				return fmt.Errorf("%w: OU %q is unnamed, has a slash or is repeated", ErrOrgSpec, path)
			}
			paths[path] = true
			if err := walk(path, ou.Accounts, ou.OUs); err != nil {
				return err
			}
		}
		return nil
	}
	return walk("", s.Accounts, s.OUs)
}

func orgTags(m map[string]string) []orgtypes.Tag {
	var tags []orgtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		tags = append(tags, orgtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return tags
}

// emailFor makes an address of an account name: lower case, and runs of
// what an address cannot hold turned into one dash.
func emailFor(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-") + "@example.com"
}
