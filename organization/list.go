package organization

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/awsaccount/awsaccount"
)

// listing is one listing of the organization, with Spec's selection
// applied. It is immutable once built.
type listing struct {
	at           time.Time
	orgID        string
	partition    string // of the organization's ARN: "aws", "aws-cn", ...
	managementID string
	listerID     string // the account the listing credentials act in; "" unless needed
	accounts     []Account
}

// member is an account as the walk finds it, with the ids of the root and
// OUs above it.
type member struct {
	Account
	ancestors []string
}

// parent is a root or an OU to list the children of.
type parent struct {
	id        string
	path      string   // names from the root, "Root/Prod"
	ancestors []string // ids from the root, this one included
}

// maxPage is the largest page the Organizations List operations return:
// asked for, so that no service default makes more calls than needed.
const maxPage = 20

// listConcurrency bounds the listing calls in flight. The rate limit
// decides the pace; a few calls in flight hide the latency of each.
const listConcurrency = 4

// list lists the organization and selects its accounts. Every call goes
// through the lister's client: rate limited, retried, and failing with a
// *awsaccount.CallError.
func (o *Organization) list(ctx context.Context) (*listing, error) {
	client := awsaccount.Client(o.lister, organizations.NewFromConfig)
	out, err := client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return nil, listError("describe the organization", err)
	}
	l := &listing{
		at:           o.opts.Clock(),
		orgID:        aws.ToString(out.Organization.Id),
		partition:    arnPartition(aws.ToString(out.Organization.Arn)),
		managementID: aws.ToString(out.Organization.MasterAccountId),
	}
	var level []parent
	roots := organizations.NewListRootsPaginator(client, &organizations.ListRootsInput{})
	for roots.HasMorePages() {
		page, err := roots.NextPage(ctx)
		if err != nil {
			return nil, listError("list the roots of "+l.orgID, err)
		}
		for _, r := range page.Roots {
			id := aws.ToString(r.Id)
			level = append(level, parent{id: id, path: aws.ToString(r.Name), ancestors: []string{id}})
		}
	}
	known := map[string]string{} // root and OU ids → path
	var members []member
	for len(level) > 0 {
		for _, p := range level {
			known[p.id] = p.path
		}
		var next []parent
		var mu sync.Mutex
		err := o.each(ctx, len(level), func(ctx context.Context, i int) error {
			ous, accts, err := o.children(ctx, client, level[i])
			mu.Lock()
			next, members = append(next, ous...), append(members, accts...)
			mu.Unlock()
			return err
		})
		if err != nil {
			return nil, err
		}
		level = next
	}
	if o.opts.ListTags || len(o.spec.Include.Tags) > 0 || len(o.spec.Exclude.Tags) > 0 {
		if err := o.each(ctx, len(members), func(ctx context.Context, i int) error {
			tags, err := listTags(ctx, client, members[i].ID)
			members[i].Tags = tags
			return err
		}); err != nil {
			return nil, err
		}
	}
	if err := o.checkIDs(l.orgID, known, members); err != nil {
		return nil, err
	}
	if o.spec.ManagementAccount == managementOwn {
		// Is the Account the management account itself, or a
		// delegated administrator? One STS call, remembered by the
		// session.
		if l.listerID, err = o.lister.Account().AccountID(ctx); err != nil {
			return nil, fmt.Errorf("organization: who lists %s: %w", l.orgID, err)
		}
	}
	slices.SortFunc(members, func(a, b member) int {
		return cmp.Or(cmp.Compare(a.OUPath, b.OUPath), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	l.accounts = make([]Account, len(members))
	for i, m := range members {
		m.Management = m.ID == l.managementID
		m.Reason = o.spec.reason(m, known)
		m.Selected = m.Reason == ""
		l.accounts[i] = m.Account
	}
	return l, nil
}

// each runs fn for 0..n-1, listConcurrency at a time, and returns the
// first error; after one, the calls not yet started are not made.
func (o *Organization) each(ctx context.Context, n int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	sem := make(chan struct{}, listConcurrency)
	for i := range n {
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := fn(ctx, i); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

// children lists the OUs and the accounts directly under p.
func (o *Organization) children(ctx context.Context, client *organizations.Client, p parent) ([]parent, []member, error) {
	var ous []parent
	op := organizations.NewListOrganizationalUnitsForParentPaginator(client, &organizations.ListOrganizationalUnitsForParentInput{
		ParentId: aws.String(p.id), MaxResults: aws.Int32(maxPage)})
	for op.HasMorePages() {
		page, err := op.NextPage(ctx)
		if err != nil {
			return nil, nil, listError("list the organizational units in "+p.path, err)
		}
		for _, ou := range page.OrganizationalUnits {
			id := aws.ToString(ou.Id)
			ous = append(ous, parent{id: id, path: p.path + "/" + aws.ToString(ou.Name),
				ancestors: append(slices.Clip(p.ancestors), id)})
		}
	}
	var accts []member
	ap := organizations.NewListAccountsForParentPaginator(client, &organizations.ListAccountsForParentInput{
		ParentId: aws.String(p.id), MaxResults: aws.Int32(maxPage)})
	for ap.HasMorePages() {
		page, err := ap.NextPage(ctx)
		if err != nil {
			return nil, nil, listError("list the accounts in "+p.path, err)
		}
		for _, a := range page.Accounts {
			status := string(a.State) // State replaces Status, retired in 2026
			if status == "" {
				status = string(a.Status)
			}
			accts = append(accts, member{Account: Account{
				ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Email: aws.ToString(a.Email),
				Status: status, OUPath: p.path,
			}, ancestors: p.ancestors})
		}
	}
	return ous, accts, nil
}

// listTags lists an account's tags; an account without any has an empty
// map.
func listTags(ctx context.Context, client *organizations.Client, id string) (map[string]string, error) {
	tags := map[string]string{}
	p := organizations.NewListTagsForResourcePaginator(client, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, listError("list the tags of account "+id, err)
		}
		for _, t := range page.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return tags, nil
}

// checkIDs reports every OU, root and account id of Include and Exclude
// that the organization does not have.
func (o *Organization) checkIDs(orgID string, known map[string]string, members []member) error {
	accounts := make(map[string]bool, len(members))
	for _, m := range members {
		accounts[m.ID] = true
	}
	var errs []error
	for _, sel := range []struct {
		name string
		s    Selector
	}{{"Include", o.spec.Include}, {"Exclude", o.spec.Exclude}} {
		for i, id := range sel.s.OrganizationalUnits {
			if _, ok := known[id]; !ok {
				errs = append(errs, &UnknownIDError{Path: fmt.Sprintf("%s.OrganizationalUnits[%d]", sel.name, i), ID: id, OrganizationID: orgID})
			}
		}
		for i, id := range sel.s.Accounts {
			if !accounts[id] {
				errs = append(errs, &UnknownIDError{Path: fmt.Sprintf("%s.Accounts[%d]", sel.name, i), ID: id, OrganizationID: orgID})
			}
		}
	}
	return errors.Join(errs...)
}

// arnPartition is the partition field of an ARN, "aws" when there is none.
func arnPartition(arn string) string {
	if parts := strings.SplitN(arn, ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}
