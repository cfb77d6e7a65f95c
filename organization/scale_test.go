package organization_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/organization"
	"github.com/awsaccount/awsaccount/regions"
)

// scaleOrg is an organization of 500 member accounts: 10 OUs, each with
// a nested one, 25 accounts in each of the 20.
func scaleOrg() awstest.OrgSpec {
	var spec awstest.OrgSpec
	accounts := func(prefix string) []awstest.AccountSpec {
		out := make([]awstest.AccountSpec, 25)
		for i := range out {
			out[i] = awstest.AccountSpec{Name: fmt.Sprintf("%s-%02d", prefix, i)}
		}
		return out
	}
	for u := range 10 {
		name := fmt.Sprintf("unit%d", u)
		spec.OUs = append(spec.OUs, awstest.OUSpec{Name: name, Accounts: accounts(name),
			OUs: []awstest.OUSpec{{Name: "EU", Accounts: accounts(name + "-eu")}}})
	}
	return spec
}

// 500 members are listed and turned into targets without one AssumeRole;
// running the targets then enters each member once, whatever its number
// of regions. The test logs the time and the API calls of each step.
func TestScale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an organization of 500 accounts")
	}
	ctx := context.Background()
	start := time.Now()
	buildOrg(t, scaleOrg())
	t.Logf("moto: organization of 500 members built in %v", time.Since(start).Round(time.Millisecond))

	p := awstest.RunProxy(t, moto.URL())
	reg := newRegistry(t, p.URL())
	spec := organization.Spec{Account: management, ManagementAccount: "skip",
		Filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {Regions: regions.RegionFilter{Include: []string{"us-east-1", "eu-west-1"}}}}}}

	start = time.Now()
	o, err := organization.Get(ctx, reg, spec, unlimited)
	if err != nil {
		t.Fatal(err)
	}
	listed := time.Since(start)
	listing := p.Stats()
	start = time.Now()
	set, err := o.RegionalAccountSet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	targets := set.Targets()
	built := time.Since(start)
	if len(targets) != 1000 {
		t.Fatalf("%d targets, want 500 members × 2 regions", len(targets))
	}
	if st := p.Stats(); st.AssumeRoles != 0 || st.Requests != listing.Requests {
		t.Fatalf("building the targets made %d requests (%d AssumeRole)", st.Requests-listing.Requests, st.AssumeRoles)
	}
	t.Logf("listing: %v, %d requests (%s); 1000 targets built in %v with no request",
		listed.Round(time.Millisecond), listing.Requests, actions(listing.ByAction), built.Round(time.Millisecond))

	p.ResetStats()
	start = time.Now()
	for _, r := range awsaccount.ForEach(ctx, set, callerARN, func(o *awsaccount.ForEachOptions) { o.Concurrency = 64 }) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	st := p.Stats()
	if st.AssumeRoles != 500 {
		t.Fatalf("%d AssumeRole calls for 500 members", st.AssumeRoles)
	}
	t.Logf("first run over 1000 targets: %v, %d requests (%s)", time.Since(start).Round(time.Millisecond), st.Requests, actions(st.ByAction))
}

// actions formats request counts by action, sorted.
func actions(by map[string]int64) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(by)) {
		out = append(out, fmt.Sprintf("%s %d", k, by[k]))
	}
	return strings.Join(out, ", ")
}
