package awsaccount

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/awsaccount/awsaccount/regions"
)

// DefaultRegionTTL is how long a RegionalAccounts with RegionSource
// "account" trusts the account's list of enabled regions.
const DefaultRegionTTL = 15 * time.Minute

// RegionalAccountsOptions tune a RegionalAccounts container.
type RegionalAccountsOptions struct {
	// RegionTTL for RegionSource "account". Default DefaultRegionTTL.
	RegionTTL time.Duration
	// Clock returns the current time (for the TTL). Default time.Now.
	Clock func() time.Time
}

// RegionalAccounts is a read-only, goroutine-safe map region →
// *RegionalAccount over one account, whose keys are chosen by a filter over
// partitions and regions (the seed's container). Its filter can be changed
// in place (Include, Exclude, SetIncludeNonRegional); the change shows on
// the next read. It cannot be replaced: a container is its spec.
//
// Its RegionalAccounts come from the Registry that built it, so two
// containers over the same account, region and limit hold the same
// *RegionalAccount and share its limiter.
type RegionalAccounts struct {
	registry *Registry
	spec     RegionalAccountsSpec // as built; spec.Filter is not read after construction
	account  *Account
	opts     RegionalAccountsOptions

	mu        sync.Mutex
	filter    regions.Filter      // guarded by mu
	version   uint64              // bumped by each filter change; guarded by mu
	view      *regionView         // resolved contents for version; guarded by mu
	available map[string][]string // partition → enabled regions (RegionSource account); guarded by mu
	fetchedAt time.Time           // of available; guarded by mu
}

// regionView is an immutable resolution of the filter.
type regionView struct {
	version uint64
	keys    []string // sorted
	targets map[string]*RegionalAccount
	err     error
}

// RegionalAccounts returns the container for spec (the seed's
// regional_accounts_factory), building it on first request. Its filter is
// validated now: an unknown partition or region is an error naming it.
// optFns apply when the container is first built; a later request for the
// same spec returns that container as it was built.
func (r *Registry) RegionalAccounts(ctx context.Context, spec RegionalAccountsSpec, optFns ...func(*RegionalAccountsOptions)) (*RegionalAccounts, error) {
	if spec.Service == "" {
		spec.Service = regions.DefaultService
	}
	switch spec.RegionSource {
	case "", RegionSourceStatic, RegionSourceAccount:
	default:
		return nil, fieldErr("RegionSource", fmt.Sprintf("unknown source %q (want %s or %s)", spec.RegionSource, RegionSourceStatic, RegionSourceAccount))
	}
	if err := spec.Filter.Validate(); err != nil {
		return nil, prefixed("Filter", err)
	}
	if err := validateLimits(spec.RateLimit, spec.APILimits); err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(spec.RateLimitRegionSpec) {
		if err := spec.RateLimitRegionSpec[k].Limit.Validate(); err != nil {
			return nil, prefixed("RateLimitRegionSpec."+k, err)
		}
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
		opts := RegionalAccountsOptions{RegionTTL: DefaultRegionTTL, Clock: time.Now}
		for _, fn := range optFns {
			fn(&opts)
		}
		c := &RegionalAccounts{registry: r, spec: spec, account: a, opts: opts, filter: spec.Filter.Clone()}
		if spec.RegionSource == RegionSourceAccount {
			if err := c.Refresh(ctx); err != nil {
				return nil, err
			}
		}
		if v := c.resolve(ctx); v.err != nil {
			return nil, v.err
		}
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*RegionalAccounts), nil
}

// Account is the account of every target in the container.
func (c *RegionalAccounts) Account() *Account { return c.account }

// Spec returns the spec the container was built from (its filter as built).
func (c *RegionalAccounts) Spec() RegionalAccountsSpec { return c.spec }

// Filter returns a copy of the current filter.
func (c *RegionalAccounts) Filter() regions.Filter {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.filter.Clone()
}

// Include adds regions (names or glob patterns) to the include list of a
// partition. The change is validated first and not applied when invalid.
func (c *RegionalAccounts) Include(partition string, names ...string) error {
	return c.mutate(func(f *regions.Filter) {
		p := partitionOf(f, partition)
		p.Regions.Include = append(p.Regions.Include, names...)
		f.Partitions[partition] = p
	})
}

// Exclude adds regions (names or glob patterns) to the exclude list of a
// partition.
func (c *RegionalAccounts) Exclude(partition string, names ...string) error {
	return c.mutate(func(f *regions.Filter) {
		p := partitionOf(f, partition)
		p.Regions.Exclude = append(p.Regions.Exclude, names...)
		f.Partitions[partition] = p
	})
}

// RemoveInclude removes names from the include list of a partition.
func (c *RegionalAccounts) RemoveInclude(partition string, names ...string) error {
	return c.mutate(func(f *regions.Filter) {
		p := partitionOf(f, partition)
		p.Regions.Include = slices.DeleteFunc(p.Regions.Include, func(s string) bool { return slices.Contains(names, s) })
		f.Partitions[partition] = p
	})
}

// RemoveExclude removes names from the exclude list of a partition.
func (c *RegionalAccounts) RemoveExclude(partition string, names ...string) error {
	return c.mutate(func(f *regions.Filter) {
		p := partitionOf(f, partition)
		p.Regions.Exclude = slices.DeleteFunc(p.Regions.Exclude, func(s string) bool { return slices.Contains(names, s) })
		f.Partitions[partition] = p
	})
}

// SetIncludeNonRegional sets IncludeNonRegional for a partition.
func (c *RegionalAccounts) SetIncludeNonRegional(partition string, include bool) error {
	return c.mutate(func(f *regions.Filter) {
		p := partitionOf(f, partition)
		p.IncludeNonRegional = include
		f.Partitions[partition] = p
	})
}

// partitionOf returns the filter of a partition, making the filter's
// implicit default (aws, everything) explicit first.
func partitionOf(f *regions.Filter, partition string) regions.PartitionFilter {
	if f.Partitions == nil {
		f.Partitions = map[string]regions.PartitionFilter{regions.DefaultPartition: {}}
	}
	return f.Partitions[partition]
}

func (c *RegionalAccounts) mutate(change func(*regions.Filter)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	next := c.filter.Clone()
	change(&next)
	if err := next.Validate(); err != nil {
		return prefixed("Filter", err)
	}
	c.filter = next
	c.version++
	return nil
}

// Refresh asks the account which regions are enabled (EC2 DescribeRegions),
// for RegionSource "account". Reads call it themselves when the list is
// older than RegionTTL.
func (c *RegionalAccounts) Refresh(ctx context.Context) error {
	if c.spec.RegionSource != RegionSourceAccount {
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
		p, ok := regions.PartitionOf(name)
		if !ok {
			continue
		}
		avail[p] = append(avail[p], name)
	}
	c.mu.Lock()
	c.available, c.fetchedAt = avail, c.opts.Clock()
	c.version++
	c.mu.Unlock()
	return nil
}

// homeRegion is where DescribeRegions is asked: the session's region, else
// the default.
func (c *RegionalAccounts) homeRegion() string {
	if r := c.account.session.Config().Region; r != "" {
		return r
	}
	return DefaultRegion
}

// current returns the resolution of the current filter.
func (c *RegionalAccounts) current() *regionView {
	return c.resolve(context.Background())
}

func (c *RegionalAccounts) resolve(ctx context.Context) *regionView {
	c.mu.Lock()
	stale := c.spec.RegionSource == RegionSourceAccount && c.opts.Clock().Sub(c.fetchedAt) > c.opts.RegionTTL
	c.mu.Unlock()
	if stale {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := c.Refresh(rctx)
		cancel()
		if err != nil {
			c.account.session.log.Warn("awsaccount: keeping the old region list", "error", err)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.view != nil && c.view.version == c.version {
		return c.view
	}
	v := &regionView{version: c.version}
	var names []string
	if c.spec.RegionSource == RegionSourceAccount {
		avail := c.available
		names, v.err = c.filter.Select(c.spec.Service, func(p string) ([]string, error) { return avail[p], nil })
	} else {
		names, v.err = c.filter.Regions(c.spec.Service)
	}
	if v.err == nil {
		v.keys = names
		v.targets = make(map[string]*RegionalAccount, len(names))
		for _, name := range names {
			ra, err := c.target(ctx, name)
			if err != nil {
				v.err = err
				break
			}
			v.targets[name] = ra
		}
	}
	if v.err != nil {
		// Keep serving the last good view; report the error to whoever built.
		if c.view != nil {
			return &regionView{version: c.view.version, keys: c.view.keys, targets: c.view.targets, err: v.err}
		}
		return v
	}
	c.view = v
	return v
}

// target returns the RegionalAccount for one region from the registry.
// Requires c.mu held; makes no network call.
func (c *RegionalAccounts) target(ctx context.Context, region string) (*RegionalAccount, error) {
	limit := c.spec.RateLimit
	if l, ok := c.spec.RateLimitRegionSpec[region]; ok {
		limit = l
	}
	return c.registry.regionalAccount(ctx, c.account, RegionalAccountSpec{
		RateLimit: limit, Account: c.spec.Account, Region: region, APILimits: c.spec.APILimits,
	})
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
