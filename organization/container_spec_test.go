package organization

import (
	"fmt"
	"testing"

	"github.com/awsaccount/awsaccount"
)

// Which roles each account's container assumes: the member role on top of
// the Account's own chain, in the organization's partition; none for the
// management account with ManagementAccount own, but only when the listing
// credentials act in it (not when they are a delegated administrator's,
// which moto cannot play).
func TestContainerSpecRoles(t *testing.T) {
	const mgmt, admin, member = "111111111111", "222222222222", "333333333333"
	hub := &awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::" + admin + ":role/hub", RoleSessionName: "hub"}
	for name, tc := range map[string]struct {
		management string
		lister     string
		account    awsaccount.AccountSpec
		partition  string
		id         string
		want       string // the role ARNs assumed, in order
	}{
		"member":                              {id: member, want: "[arn:aws:iam::333333333333:role/OrganizationAccountAccessRole]"},
		"member of aws-cn":                    {id: member, partition: "aws-cn", want: "[arn:aws-cn:iam::333333333333:role/OrganizationAccountAccessRole]"},
		"member behind a hub role":            {id: member, account: awsaccount.AccountSpec{AssumeRole: hub}, want: "[arn:aws:iam::222222222222:role/hub arn:aws:iam::333333333333:role/OrganizationAccountAccessRole]"},
		"management, own":                     {id: mgmt, lister: mgmt, want: "[]"},
		"management, own, delegated listing":  {id: mgmt, lister: admin, account: awsaccount.AccountSpec{AssumeRole: hub}, want: "[arn:aws:iam::222222222222:role/hub arn:aws:iam::111111111111:role/OrganizationAccountAccessRole]"},
		"management, role":                    {id: mgmt, lister: mgmt, management: managementRole, want: "[arn:aws:iam::111111111111:role/OrganizationAccountAccessRole]"},
		"the delegated administrator, listed": {id: admin, lister: admin, want: "[arn:aws:iam::222222222222:role/OrganizationAccountAccessRole]"},
	} {
		t.Run(name, func(t *testing.T) {
			o := &Organization{spec: Spec{Account: tc.account, ManagementAccount: tc.management}.withDefaults()}
			partition := tc.partition
			if partition == "" {
				partition = "aws"
			}
			l := &listing{partition: partition, managementID: mgmt, listerID: tc.lister}
			spec := o.containerSpec(l, Account{ID: tc.id, Management: tc.id == mgmt})
			roles := []string{}
			if spec.Account.AssumeRole != nil {
				roles = append(roles, spec.Account.AssumeRole.RoleArn)
			}
			for _, r := range spec.Account.AssumeRoles {
				roles = append(roles, r.RoleArn)
			}
			if got := fmt.Sprint(roles); got != tc.want {
				t.Fatalf("roles %s, want %s", got, tc.want)
			}
		})
	}
}

// Each member's chain is its own: appending the member role never writes
// into the Spec's AssumeRoles, whatever its capacity.
func TestContainerSpecChainsAreSeparate(t *testing.T) {
	chain := make([]awsaccount.AssumeRoleParameters, 1, 4)
	chain[0] = awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::222222222222:role/hub"}
	o := &Organization{spec: Spec{Account: awsaccount.AccountSpec{AssumeRoles: chain}}.withDefaults()}
	l := &listing{partition: "aws", managementID: "111111111111"}
	a := o.containerSpec(l, Account{ID: "333333333333"})
	b := o.containerSpec(l, Account{ID: "444444444444"})
	if got := a.Account.AssumeRoles[1].RoleArn; got != "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole" {
		t.Fatalf("the first member's role became %s", got)
	}
	if len(b.Account.AssumeRoles) != 2 || len(o.spec.Account.AssumeRoles) != 1 {
		t.Fatal("the Spec's chain changed")
	}
}
