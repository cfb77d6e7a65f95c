package organization_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/organization"
	"github.com/awsaccount/awsaccount/regions"
)

// Every production account of an organization, in two regions, entered
// through the role Organizations creates in its accounts.
func Example() {
	ctx := context.Background()
	endpoint, done := exampleOrganization(ctx) // moto on loopback, holding the organization
	defer done()

	reg := awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.LoadOptions = append(so.LoadOptions, config.WithBaseEndpoint(endpoint))
		})
	})
	spec := organization.Spec{
		Account: awsaccount.AccountSpec{SessionParameters: awsaccount.SessionParameters{
			AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Region: "us-east-1",
		}},
		MemberRole: organization.MemberRole{RoleName: "OrganizationAccountAccessRole",
			AssumeRoleParameters: awsaccount.AssumeRoleParameters{RoleSessionName: "awsacct"}},
		Include:           organization.Selector{Names: []string{"prod-*"}},
		ManagementAccount: "skip",
		Filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{
			"aws": {Regions: regions.RegionFilter{Include: []string{"us-east-1", "eu-west-1"}}},
		}},
	}
	org, err := organization.Get(ctx, reg, spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, err := org.Accounts(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	names := map[string]string{} // account id → name
	for _, a := range rows {
		names[a.ID] = a.Name
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-13s %-9s %-9s %-5v %s", a.OUPath, a.Name, a.Status, a.Selected, a.Reason)))
	}

	set, err := org.RegionalAccountSet(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range awsaccount.ForEach(ctx, set, func(ctx context.Context, ra *awsaccount.RegionalAccount) (string, error) {
		out, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Arn), nil
	}) {
		if r.Err != nil {
			fmt.Println(r.Err)
			continue
		}
		id, _ := r.Target.Account().AccountID(ctx)
		_, role, _ := strings.Cut(r.Value, ":"+id+":")
		fmt.Println(names[id], r.Target.Region(), role)
	}
	// Output:
	// Root          master    ACTIVE    false the management account (ManagementAccount: skip)
	// Root/Dev      dev-1     ACTIVE    false not matched by Include.Names
	// Root/Prod     prod-us   ACTIVE    true
	// Root/Prod/EU  prod-eu   ACTIVE    true
	// Root/Prod/EU  prod-old  SUSPENDED false status SUSPENDED is not in Statuses [ACTIVE]
	// prod-us eu-west-1 assumed-role/OrganizationAccountAccessRole/awsacct
	// prod-us us-east-1 assumed-role/OrganizationAccountAccessRole/awsacct
	// prod-eu eu-west-1 assumed-role/OrganizationAccountAccessRole/awsacct
	// prod-eu us-east-1 assumed-role/OrganizationAccountAccessRole/awsacct
}

// exampleOrganization creates in moto, as its default account, the
// organization the Example lists, and returns moto's URL and a function
// that takes it down (the Example has no testing.TB for BuildOrganization).
func exampleOrganization(ctx context.Context) (endpoint string, done func()) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"), config.WithBaseEndpoint(moto.URL()),
		config.WithCredentialsProvider(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "example"}, nil
		})))
	if err != nil {
		panic(err)
	}
	c := organizations.NewFromConfig(cfg)
	must := func(_ any, err error) {
		if err != nil {
			panic(err)
		}
	}
	must(c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}))
	roots, err := c.ListRoots(ctx, &organizations.ListRootsInput{})
	must(roots, err)
	root := aws.ToString(roots.Roots[0].Id)
	ou := func(parent, name string) string {
		out, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(parent), Name: aws.String(name)})
		must(out, err)
		return aws.ToString(out.OrganizationalUnit.Id)
	}
	var ids []string
	account := func(parent, name string) string {
		out, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
		must(out, err)
		id := aws.ToString(out.CreateAccountStatus.AccountId) // moto creates at once
		ids = append(ids, id)
		must(c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(id), SourceParentId: aws.String(root), DestinationParentId: aws.String(parent)}))
		return id
	}
	prod := ou(root, "Prod")
	eu := ou(prod, "EU")
	account(prod, "prod-us")
	account(eu, "prod-eu")
	must(c.CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String(account(eu, "prod-old"))}))
	dev := ou(root, "Dev")
	account(dev, "dev-1")
	return moto.URL(), func() {
		for _, id := range ids {
			must(c.RemoveAccountFromOrganization(ctx, &organizations.RemoveAccountFromOrganizationInput{AccountId: aws.String(id)}))
		}
		for _, id := range []string{eu, prod, dev} {
			must(c.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(id)}))
		}
		must(c.DeleteOrganization(ctx, &organizations.DeleteOrganizationInput{}))
	}
}
