package awsaccount

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/awsaccount/awsaccount/regions"
)

// Region sources of RegionalAccountsSpec.RegionSource.
const (
	regionSourceStatic  = "static"
	regionSourceAccount = "account"
)

// defaultRegionTTL is how long a RegionalAccounts with RegionSource
// "account" trusts the account's list of enabled regions.
const defaultRegionTTL = 15 * time.Minute

// RegionalAccounts is a read-only, goroutine-safe map region →
// *RegionalAccount over one account, whose keys are chosen by a filter over
// partitions and regions (the seed's container). Its filter can be changed
// in place (Include, Exclude, UpdateFilter); the change shows on the next
// read. It cannot be replaced: a container is its spec.
//
// Readers (Get, Contains, Keys, Values, Len, All) read the contents built by
// the last change, without a lock and without any network call. With
// RegionSource "account" the region list comes from the account; it is
// fetched when the container is built and again by Refresh, and by ForEach
// when it is older than RegistryOptions.RegionTTL.
//
// Its RegionalAccounts come from the Registry that built it, so two
// containers over the same account, region and limit hold the same
// *RegionalAccount and share its limiter.
type RegionalAccounts struct {
	registry *Registry
	spec     *RegionalAccountsSpec // as built; its Filter is not read after construction
	account  *Account

	view atomic.Pointer[regionView] // the current contents; never nil once built

	mu        sync.Mutex
	filter    regions.Filter      // requires mu, like all below
	version   uint64              // bumped by each change of filter or available
	available map[string][]string // partition → enabled regions (RegionSource account)
	fetchedAt time.Time           // of available
}

// regionView is an immutable resolution of the filter.
type regionView struct {
	version uint64
	keys    []string // sorted
	targets map[string]*RegionalAccount
}

// RegionalAccounts returns the container for spec (the seed's
// regional_accounts_factory), building it on first request. Its filter is
// validated now: an unknown partition or region is an error naming it. With
// RegionSource "account" it asks the account for its regions (one EC2
// DescribeRegions call); otherwise it makes no network call.
func (r *Registry) RegionalAccounts(ctx context.Context, spec RegionalAccountsSpec) (*RegionalAccounts, error) {
	if spec.Service == "" {
		spec.Service = regions.DefaultService
	}
	if err := spec.validate(); err != nil {
		return nil, err
	}
	key, err := r.key("regional-accounts", spec)
	if err != nil {
		return nil, err
	}
	v, err := r.get(ctx, key, func(ctx context.Context) (any, error) {
		a, err := r.Account(ctx, spec.Account)
		if err != nil {
			return nil, err
		}
		c := &RegionalAccounts{registry: r, spec: &spec, account: a, filter: spec.Filter.Clone()}
		if spec.RegionSource == regionSourceAccount {
			return c, c.Refresh(ctx) // builds the view
		}
		return c, c.rebuild(ctx)
	})
	if err != nil {
		return nil, err
	}
	return v.(*RegionalAccounts), nil
}

// validate checks what the registry checks before building a container.
func (spec RegionalAccountsSpec) validate() error {
	switch spec.RegionSource {
	case "", regionSourceStatic, regionSourceAccount:
	default:
		return fieldErr("RegionSource", fmt.Sprintf("unknown source %q (want %s or %s)", spec.RegionSource, regionSourceStatic, regionSourceAccount))
	}
	if err := spec.Filter.Validate(); err != nil {
		return prefixed("Filter", err)
	}
	if err := validateLimits(spec.RateLimit, spec.APILimits); err != nil {
		return err
	}
	for _, k := range sortedKeys(spec.RateLimitRegionSpec) {
		if err := validateLimit(spec.RateLimitRegionSpec[k]); err != nil {
			return prefixed("RateLimitRegionSpec."+k, err)
		}
	}
	return nil
}

// Account is the account of every target in the container.
func (c *RegionalAccounts) Account() *Account { return c.account }

// Filter returns a copy of the current filter.
func (c *RegionalAccounts) Filter() regions.Filter {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.filter.Clone()
}

// Include adds regions (names or glob patterns) to the include list of a
// partition. It is shorthand for an UpdateFilter that appends them.
func (c *RegionalAccounts) Include(partition string, names ...string) error {
	return c.UpdateFilter(func(f *regions.Filter) {
		p := partitionOf(f, partition)
		p.Regions.Include = append(p.Regions.Include, names...)
		f.Partitions[partition] = p
	})
}

// Exclude adds regions (names or glob patterns) to the exclude list of a
// partition. It is shorthand for an UpdateFilter that appends them.
func (c *RegionalAccounts) Exclude(partition string, names ...string) error {
	return c.UpdateFilter(func(f *regions.Filter) {
		p := partitionOf(f, partition)
		p.Regions.Exclude = append(p.Regions.Exclude, names...)
		f.Partitions[partition] = p
	})
}

// UpdateFilter changes the container's filter in place: change is given a
// copy of it (with the implicit default, {aws: {}}, made explicit), which
// is validated and then becomes the filter. An invalid result is refused,
// as a *ParameterError under "Filter", and changes nothing. The contents
// are rebuilt before UpdateFilter returns; it makes no network call.
func (c *RegionalAccounts) UpdateFilter(change func(*regions.Filter)) error {
	c.mu.Lock()
	next := c.filter.Clone()
	if next.Partitions == nil {
		next.Partitions = map[string]regions.PartitionFilter{regions.DefaultPartition: {}}
	}
	change(&next)
	if err := next.Validate(); err != nil {
		c.mu.Unlock()
		return prefixed("Filter", err)
	}
	c.filter = next
	c.version++
	c.mu.Unlock()
	return c.rebuild(context.Background()) // no I/O: targets are built without any
}

// partitionOf returns the filter of a partition.
func partitionOf(f *regions.Filter, partition string) regions.PartitionFilter {
	if f.Partitions == nil {
		f.Partitions = map[string]regions.PartitionFilter{}
	}
	return f.Partitions[partition]
}

// Refresh asks the account which regions are enabled (EC2 DescribeRegions),
// for RegionSource "account", and rebuilds the contents. It does nothing for
// other sources.
func (c *RegionalAccounts) Refresh(ctx context.Context) error {
	if c.spec.RegionSource != regionSourceAccount {
		return nil
	}
	cfg := c.account.session.ConfigFor(c.homeRegion())
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(false)})
	if err != nil {
		return fmt.Errorf("awsaccount: list enabled regions of %s: %w", accountLabel(c.account), err)
	}
	avail := map[string][]string{}
	for _, reg := range out.Regions {
		name := aws.ToString(reg.RegionName)
		if p, ok := regions.PartitionOf(name); ok {
			avail[p] = append(avail[p], name)
		}
	}
	c.mu.Lock()
	c.available, c.fetchedAt = avail, c.registry.opts.Clock()
	c.version++
	c.mu.Unlock()
	return c.rebuild(ctx)
}

// refreshIfStale refreshes a region list older than RegionTTL. A failure
// keeps the old list, and is logged.
func (c *RegionalAccounts) refreshIfStale(ctx context.Context) {
	if c.spec.RegionSource != regionSourceAccount {
		return
	}
	c.mu.Lock()
	stale := c.registry.opts.Clock().Sub(c.fetchedAt) > c.registry.opts.RegionTTL
	c.mu.Unlock()
	if stale {
		if err := c.Refresh(ctx); err != nil {
			c.account.session.log.Warn("awsaccount: keeping the old region list", "error", err)
		}
	}
}

// homeRegion is where DescribeRegions is asked: the session's region, else
// the default.
func (c *RegionalAccounts) homeRegion() string {
	if r := c.account.session.Config().Region; r != "" {
		return r
	}
	return defaultRegion
}

// rebuild resolves the filter into a new view: the names under the lock
// (arithmetic on tables), the targets after releasing it (the registry's
// builders, which make no network call either), and the result published
// only if no change came in between.
func (c *RegionalAccounts) rebuild(ctx context.Context) error {
	c.mu.Lock()
	version := c.version
	var names []string
	var err error
	if c.spec.RegionSource == regionSourceAccount {
		avail := c.available
		names, err = c.filter.Select(c.spec.Service, func(p string) ([]string, error) { return avail[p], nil })
	} else {
		names, err = c.filter.Regions(c.spec.Service)
	}
	c.mu.Unlock()
	if err != nil {
		return prefixed("Filter", err)
	}
	v := &regionView{version: version, keys: names, targets: make(map[string]*RegionalAccount, len(names))}
	for _, name := range names {
		ra, err := c.target(ctx, name)
		if err != nil {
			return err
		}
		v.targets[name] = ra
	}
	// Publish unless a newer view is out already (a later change rebuilt
	// first).
	for {
		old := c.view.Load()
		if old != nil && old.version >= version {
			return nil
		}
		if c.view.CompareAndSwap(old, v) {
			return nil
		}
	}
}

// target returns the RegionalAccount for one region from the registry.
func (c *RegionalAccounts) target(ctx context.Context, region string) (*RegionalAccount, error) {
	limit := c.spec.RateLimit
	if l, ok := c.spec.RateLimitRegionSpec[region]; ok {
		limit = l
	}
	return c.registry.regionalAccount(ctx, c.account, RegionalAccountSpec{
		RateLimit: limit, Account: c.spec.Account, Region: region, APILimits: c.spec.APILimits,
	})
}

// current returns the contents; a container that failed to build has none.
func (c *RegionalAccounts) current() *regionView {
	if v := c.view.Load(); v != nil {
		return v
	}
	return &regionView{}
}

// Get returns the target for region and whether the container holds it.
func (c *RegionalAccounts) Get(region string) (*RegionalAccount, bool) {
	ra, ok := c.current().targets[region]
	return ra, ok
}

// Contains reports whether the container holds region.
func (c *RegionalAccounts) Contains(region string) bool {
	_, ok := c.Get(region)
	return ok
}

// Keys returns the regions, sorted. The slice is the caller's.
func (c *RegionalAccounts) Keys() []string { return slices.Clone(c.current().keys) }

// Values returns the targets in region order. The slice is the caller's.
func (c *RegionalAccounts) Values() []*RegionalAccount {
	v := c.current()
	out := make([]*RegionalAccount, len(v.keys))
	for i, k := range v.keys {
		out[i] = v.targets[k]
	}
	return out
}

// Len is the number of regions.
func (c *RegionalAccounts) Len() int { return len(c.current().keys) }

// All yields region, target pairs in region order, over the contents at the
// time of the call.
func (c *RegionalAccounts) All() iter.Seq2[string, *RegionalAccount] {
	v := c.current()
	return func(yield func(string, *RegionalAccount) bool) {
		for _, k := range v.keys {
			if !yield(k, v.targets[k]) {
				return
			}
		}
	}
}

// String describes the container without secrets.
func (c *RegionalAccounts) String() string {
	return fmt.Sprintf("RegionalAccounts{%s service=%s filter=%v}", c.account.session, c.spec.Service, c.Filter())
}
