package awstest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// The organization is in moto as specified: nested OUs, accounts in their
// OUs with their tags, a closed account suspended; its cleanup takes it
// down, so the same account can build it again.
func TestBuildOrganization(t *testing.T) {
	ctx := context.Background()
	cfg := sdkConfig(t, moto.URL())
	client := organizations.NewFromConfig(cfg)
	spec := OrgSpec{
		Accounts: []AccountSpec{{Name: "Shared Services"}},
		OUs: []OUSpec{
			{Name: "Prod", Tags: map[string]string{"env": "prod"}, OUs: []OUSpec{
				{Name: "EU", Accounts: []AccountSpec{
					{Name: "prod-eu-1", Tags: map[string]string{"team": "payments"}},
					{Name: "old-eu", Closed: true},
				}},
			}},
			{Name: "Dev", OUs: []OUSpec{{Name: "EU"}}},
		},
	}
	parent := func(t *testing.T, child string) string {
		t.Helper()
		out, err := client.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil || len(out.Parents) != 1 {
			t.Fatalf("parents of %s: %v %v", child, out, err)
		}
		return aws.ToString(out.Parents[0].Id)
	}
	tags := func(t *testing.T, id string) string {
		t.Helper()
		out, err := client.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		var kv []string
		for _, tag := range out.Tags {
			kv = append(kv, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
		}
		return fmt.Sprint(kv)
	}
	status := func(t *testing.T, id string) orgtypes.AccountStatus {
		t.Helper()
		out, err := client.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Account.Status
	}
	for _, run := range []string{"first", "again after cleanup"} {
		t.Run(run, func(t *testing.T) {
			org, err := BuildOrganization(ctx, t, cfg, spec)
			if err != nil {
				t.Fatal(err)
			}
			if org.ManagementAccountID != TestAccountID || org.ID == "" || org.RootID == "" {
				t.Fatalf("org %+v", org)
			}
			if got := slices.Sorted(maps.Keys(org.OUs)); fmt.Sprint(got) != "[Dev Dev/EU Prod Prod/EU]" {
				t.Fatalf("OUs %v", got)
			}
			if parent(t, org.OUs["Prod/EU"]) != org.OUs["Prod"] || parent(t, org.OUs["Prod"]) != org.RootID ||
				parent(t, org.Accounts["prod-eu-1"]) != org.OUs["Prod/EU"] || parent(t, org.Accounts["Shared Services"]) != org.RootID {
				t.Fatal("tree is not as specified")
			}
			if tags(t, org.Accounts["prod-eu-1"]) != "[team=payments]" || tags(t, org.OUs["Prod"]) != "[env=prod]" {
				t.Fatal("tags are not as specified")
			}
			if status(t, org.Accounts["old-eu"]) != orgtypes.AccountStatusSuspended || status(t, org.Accounts["prod-eu-1"]) != orgtypes.AccountStatusActive {
				t.Fatal("closed account is not suspended, or another one is")
			}
			out, err := client.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(org.Accounts["Shared Services"])})
			if err != nil || aws.ToString(out.Account.Email) != "shared-services@example.com" {
				t.Fatalf("default email: %v %v", out, err)
			}
		})
	}
	if _, err := client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err == nil {
		t.Fatal("the organization outlived its tests' cleanup")
	}
}

// Specs a test could not address are refused before anything is created.
func TestBuildOrganizationRefusesSpec(t *testing.T) {
	for name, spec := range map[string]OrgSpec{
		"repeated account": {Accounts: []AccountSpec{{Name: "a"}}, OUs: []OUSpec{{Name: "X", Accounts: []AccountSpec{{Name: "a"}}}}},
		"unnamed account":  {Accounts: []AccountSpec{{}}},
		"repeated OU":      {OUs: []OUSpec{{Name: "X"}, {Name: "X"}}},
		"slash in OU":      {OUs: []OUSpec{{Name: "X/Y"}}},
	} {
		t.Run(name, func(t *testing.T) {
			// No moto behind this config: a request would fail otherwise.
			if _, err := BuildOrganization(context.Background(), t, aws.Config{}, spec); !errors.Is(err, ErrOrgSpec) {
				t.Fatalf("got %v, want ErrOrgSpec", err)
			}
		})
	}
}
