package organization

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/regions"
)

// Defaults of Options.
const (
	defaultTTL = 15 * time.Minute
	// AWS Organizations throttles its API at a few requests per second
	// per account, far below what most services allow.
	defaultCallsPerSecond = 5
)

// Options tune an Organization. They apply when Get builds it; a later Get
// of the same spec (from the same Registry) returns it as it was built.
type Options struct {
	// TTL is how long a listing of the organization is trusted. Accounts,
	// Containers and RegionalAccountSet list it again when theirs is
	// older. Default 15 minutes.
	TTL time.Duration
	// RateLimit bounds the Organizations API calls of the listing (every
	// attempt and page), per listing account. Default 5 per second,
	// blocking. The zero Limit, set by an option function, is unlimited.
	RateLimit ratelimit.Limit
	// ListTags lists every account's tags, one ListTagsForResource call
	// each, so that Account.Tags is filled. Without it tags are listed only
	// when Include or Exclude selects by them.
	ListTags bool
	// Logger receives a warning when a listing that expired cannot be
	// renewed (the old one is kept). Default: discard.
	Logger *slog.Logger
	// Clock returns the current time, for TTL. Default time.Now.
	Clock func() time.Time
}

// Organization is an AWS organization as a source of targets: a listing of
// its accounts (with their OU paths, tags and whether Spec selects them),
// renewed after Options.TTL or by Refresh, and a RegionalAccounts container
// for each selected account.
//
// An Organization is safe for concurrent use by multiple goroutines.
type Organization struct {
	reg    *awsaccount.Registry
	spec   Spec // with defaults
	opts   Options
	lister *awsaccount.RegionalAccount // the Account in the partition's home region

	cur atomic.Pointer[listing] // the last listing; never nil once built
	sf  singleflight.Group
}

// Account is one account of the organization, as listed, and whether Spec
// selects it.
type Account struct {
	ID     string `json:"account_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Status string `json:"status"` // ACTIVE, SUSPENDED, PENDING_CLOSURE, ...
	// OUPath is where the account is: the names of the root and the OUs
	// down to its parent, joined by "/", e.g. "Root/Prod/EU".
	OUPath string `json:"ou_path"`
	// Tags are the account's tags; nil when they were not listed (see
	// Options.ListTags), empty when it has none.
	Tags map[string]string `json:"tags"`
	// Management marks the organization's management account.
	Management bool `json:"management,omitempty"`
	// Selected says whether the account is a target: Containers holds one
	// for it.
	Selected bool `json:"selected"`
	// Reason says why the account is not selected, e.g. "excluded by
	// Exclude.Names sandbox-*"; empty when it is.
	Reason string `json:"reason,omitempty"`
}

// Get returns the Organization for spec, kept in reg (nil means
// awsaccount.DefaultRegistry) as the Registry keeps its own objects: the
// same spec (by its canonical encoding, with secrets hashed) returns the
// same Organization, and concurrent first requests build it once.
//
// Get validates spec, then lists the organization with spec.Account's
// credentials: DescribeOrganization, the roots, every OU (recursively) and
// its accounts, and the accounts' tags when needed. An account that is not
// the management account or a delegated administrator, or that lacks
// permission, fails with a *awsaccount.CallError saying so; an OU or
// account id of Include or Exclude that the organization does not have is
// an *UnknownIDError. A failed listing is not kept: the next Get, or the
// next call of a method, lists again. Cancelling ctx makes Get return at
// once; a listing already under way finishes for whoever else waits on it.
func Get(ctx context.Context, reg *awsaccount.Registry, spec Spec, optFns ...func(*Options)) (*Organization, error) {
	if reg == nil {
		reg = awsaccount.DefaultRegistry
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	spec = spec.withDefaults()
	// The Registry keeps the Organization, built without a call; the
	// listing is made below, with the caller's ctx, so that a cancel is
	// heard (Shared builds detached from it).
	o, err := awsaccount.Shared(ctx, reg, "organization", spec, func(ctx context.Context) (*Organization, error) {
		opts := Options{TTL: defaultTTL, RateLimit: ratelimit.Limit{MaxCount: defaultCallsPerSecond, Interval: time.Second, Block: true}}
		for _, fn := range optFns {
			fn(&opts)
		}
		if err := opts.RateLimit.Validate(); err != nil {
			return nil, prefixed("Options.RateLimit", err)
		}
		if opts.TTL <= 0 {
			opts.TTL = defaultTTL
		}
		if opts.Logger == nil {
			opts.Logger = slog.New(slog.DiscardHandler)
		}
		if opts.Clock == nil {
			opts.Clock = time.Now
		}
		o := &Organization{reg: reg, spec: spec, opts: opts}
		region, err := o.homeRegion(ctx)
		if err != nil {
			return nil, err
		}
		o.lister, err = reg.RegionalAccount(ctx, awsaccount.RegionalAccountSpec{
			Account: spec.Account, Region: region, RateLimit: ratelimit.Spec{Limit: opts.RateLimit},
		})
		if err != nil {
			return nil, err
		}
		return o, nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := o.current(ctx); err != nil {
		return nil, err
	}
	return o, nil
}

// homeRegion is where the Organizations API of the Account's partition is
// served: us-east-1 for aws. The partition is that of the Account's region
// (its region_name, else its profile's or the environment's).
func (o *Organization) homeRegion(ctx context.Context) (string, error) {
	a, err := o.reg.Account(ctx, o.spec.Account)
	if err != nil {
		return "", err
	}
	region := a.Session().Config().Region
	partition, ok := regions.PartitionOf(region)
	if !ok {
		partition = regions.DefaultPartition
	}
	switch partition {
	case "aws":
		return "us-east-1", nil
	case "aws-cn":
		return "cn-northwest-1", nil
	case "aws-us-gov":
		return "us-gov-west-1", nil
	}
	return region, nil // the partition's API is served in its regions
}

// Refresh lists the organization again now. When the listing fails, the
// previous one is kept and the error returned.
func (o *Organization) Refresh(ctx context.Context) error {
	// Detached, so that one caller's cancel does not fail the others
	// waiting for the same listing.
	ch := o.sf.DoChan("list", func() (any, error) {
		l, err := o.list(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		o.cur.Store(l)
		return l, nil
	})
	select {
	case <-ctx.Done():
		return ctx.Err()
	case res := <-ch:
		return res.Err
	}
}

// current returns the listing, renewed first when it is older than TTL. A
// renewal that fails keeps the old listing, with a warning.
func (o *Organization) current(ctx context.Context) (*listing, error) {
	l := o.cur.Load()
	if l != nil && o.opts.Clock().Sub(l.at) <= o.opts.TTL {
		return l, nil
	}
	if err := o.Refresh(ctx); err != nil {
		if l == nil || ctx.Err() != nil {
			return nil, err
		}
		o.opts.Logger.Warn("organization: keeping the old listing", "organization", l.orgID, "listed_at", l.at, "error", err)
		return l, nil
	}
	return o.cur.Load(), nil
}

// Accounts returns every account of the organization, selected or not,
// ordered by OU path, then name, then id. The listing is renewed first when
// it is older than Options.TTL. The slice and its maps are the caller's.
func (o *Organization) Accounts(ctx context.Context) ([]Account, error) {
	l, err := o.current(ctx)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(l.accounts)
	for i := range out {
		if out[i].Tags != nil {
			out[i].Tags = maps.Clone(out[i].Tags)
		}
	}
	return out, nil
}

// buildConcurrency bounds the containers built at once: building is
// arithmetic, except with RegionSource account, which asks each member.
const buildConcurrency = 16

// Containers returns a RegionalAccounts container for each selected
// account, in the order of Accounts, built by the Registry from the
// Spec's RateLimit, Filter, RateLimitRegionSpec, APILimits, service_name
// and RegionSource, and an Account that is spec.Account with the member
// role assumed on top — except the management account, which
// ManagementAccount "own" enters with spec.Account as it is (when that is
// the account it acts in).
//
// Building makes no network call (unless RegionSource is account): each
// member's role is assumed at its first request, once however many of its
// targets start at once. A member whose role cannot be assumed fails its
// own targets with a *awsaccount.CallError naming the role; the others
// run. The Registry keeps the containers, so a second call returns the
// same ones, with the same targets and limiters.
//
// With RegionSource account a member is asked for its regions as its
// container is built: the members that cannot be reached are left out, and
// the error, returned with the others' containers, names each of them.
func (o *Organization) Containers(ctx context.Context) ([]*awsaccount.RegionalAccounts, error) {
	l, err := o.current(ctx)
	if err != nil {
		return nil, err
	}
	var selected []Account
	for _, a := range l.accounts {
		if a.Selected {
			selected = append(selected, a)
		}
	}
	built := make([]*awsaccount.RegionalAccounts, len(selected))
	errs := make([]error, len(selected))
	var wg sync.WaitGroup
	sem := make(chan struct{}, buildConcurrency)
	for i, a := range selected {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			built[i], errs[i] = o.reg.RegionalAccounts(ctx, o.containerSpec(l, a))
		})
	}
	wg.Wait()
	var failed []error
	for i, err := range errs {
		var fe awsaccount.FieldError
		switch {
		case err == nil:
		case errors.As(err, &fe):
			return nil, err // the spec's: every member fails alike
		default:
			failed = append(failed, fmt.Errorf("organization: account %s (%s): %w", selected[i].ID, selected[i].Name, err))
		}
	}
	out := slices.DeleteFunc(built, func(c *awsaccount.RegionalAccounts) bool { return c == nil })
	return out, errors.Join(failed...)
}

// RegionalAccountSet returns a set of Containers. With RegionSource
// account, an error comes with the set of the members that could be
// built; see Containers.
func (o *Organization) RegionalAccountSet(ctx context.Context) (*awsaccount.RegionalAccountSet, error) {
	cs, err := o.Containers(ctx)
	if cs == nil && err != nil {
		return nil, err
	}
	return awsaccount.NewRegionalAccountSet(cs...), err
}

// containerSpec is the container of account a.
func (o *Organization) containerSpec(l *listing, a Account) awsaccount.RegionalAccountsSpec {
	acct := o.spec.Account
	if !(a.Management && o.spec.ManagementAccount == managementOwn && l.listerID == a.ID) {
		acct.AssumeRoles = append(slices.Clone(acct.AssumeRoles), o.spec.MemberRole.params(l.partition, a.ID))
	}
	return awsaccount.RegionalAccountsSpec{
		Account:             acct,
		RateLimit:           o.spec.RateLimit,
		Filter:              o.spec.Filter,
		RateLimitRegionSpec: o.spec.RateLimitRegionSpec,
		APILimits:           o.spec.APILimits,
		Service:             o.spec.Service,
		RegionSource:        o.spec.RegionSource,
	}
}

// String names the organization without secrets.
func (o *Organization) String() string {
	id := "(not listed)"
	if l := o.cur.Load(); l != nil {
		id = l.orgID
	}
	return fmt.Sprintf("Organization{%s listed by %s}", id, o.lister.Account())
}
