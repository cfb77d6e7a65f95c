package awsaccount

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// RegionalAccountSet is a union of RegionalAccounts containers, possibly
// over many accounts (the seed's RegionalAccountSet). Add, Discard and
// Containers deal in containers; Targets lists the distinct
// *RegionalAccount targets they hold, each once. ForEach runs a function on
// every target.
//
// A RegionalAccountSet is safe for concurrent use by multiple goroutines.
type RegionalAccountSet struct {
	mu         sync.Mutex
	containers []*RegionalAccounts // in the order added; requires mu
	cache      *targetList         // Targets as last computed; requires mu
}

// targetList is a computed Targets with what it was computed from.
type targetList struct {
	containers []*RegionalAccounts
	views      []*regionView // the contents of each container then
	targets    []*RegionalAccount
}

// NewRegionalAccountSet returns a set of the given containers.
func NewRegionalAccountSet(containers ...*RegionalAccounts) *RegionalAccountSet {
	s := &RegionalAccountSet{}
	for _, c := range containers {
		s.Add(c)
	}
	return s
}

// RegionalAccountSet builds a set from several container specs (the seed's
// regional_account_set_factory), a few at a time. The set itself is not
// cached; its containers and targets are. It fails, naming the spec
// ("RegionalAccountSet[1].RegionalAccounts.Filter..."), if any container
// cannot be built.
func (r *Registry) RegionalAccountSet(ctx context.Context, specs ...RegionalAccountsSpec) (*RegionalAccountSet, error) {
	containers := make([]*RegionalAccounts, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, buildConcurrency)
	for i, spec := range specs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			containers[i], errs[i] = r.RegionalAccounts(ctx, spec)
		})
	}
	wg.Wait()
	for i, err := range errs {
		var fe FieldError
		switch {
		case err == nil:
		case errors.As(err, &fe):
			return nil, prefixed(fmt.Sprintf("RegionalAccountSet[%d].RegionalAccounts", i), err)
		default:
			return nil, fmt.Errorf("RegionalAccountSet[%d].RegionalAccounts: %w", i, err)
		}
	}
	return NewRegionalAccountSet(containers...), nil
}

// buildConcurrency bounds the containers built at once: most builds are
// arithmetic, but RegionSource "account" asks each account for its regions.
const buildConcurrency = 16

// Add adds a container; adding one already in the set does nothing.
func (s *RegionalAccountSet) Add(c *RegionalAccounts) {
	if c == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.containers, c) {
		s.containers = append(s.containers, c)
	}
}

// Discard removes a container; discarding one not in the set does nothing.
func (s *RegionalAccountSet) Discard(c *RegionalAccounts) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.containers = slices.DeleteFunc(s.containers, func(x *RegionalAccounts) bool { return x == c })
}

// Containers returns the containers in the order they were added.
func (s *RegionalAccountSet) Containers() []*RegionalAccounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.containers)
}

// Targets returns every distinct target, ordered by account (in the order
// its first container was added), then region. The order depends on nothing
// but the set's contents, and needs no API call. The list is computed again
// only when the set or a container's contents changed; the slice is the
// caller's to read, not to modify.
func (s *RegionalAccountSet) Targets() []*RegionalAccount {
	s.mu.Lock()
	containers, cache := s.containers, s.cache
	s.mu.Unlock()
	views := make([]*regionView, len(containers))
	for i, c := range containers {
		views[i] = c.current()
	}
	if cache != nil && slices.Equal(cache.containers, containers) && slices.Equal(cache.views, views) {
		return cache.targets
	}
	list := &targetList{containers: containers, views: views, targets: targetsOf(containers, views)}
	s.mu.Lock()
	s.cache = list
	s.mu.Unlock()
	return list.targets
}

// targetsOf lists the distinct targets of the containers, by account, then
// region.
func targetsOf(containers []*RegionalAccounts, views []*regionView) []*RegionalAccount {
	byAccount := map[*Account]int{}
	var groups [][]*RegionalAccount
	seen := map[*RegionalAccount]bool{}
	n := 0
	for i, c := range containers {
		g, ok := byAccount[c.account]
		if !ok {
			g = len(groups)
			byAccount[c.account] = g
			groups = append(groups, nil)
		}
		v := views[i]
		for _, k := range v.keys {
			if ra := v.targets[k]; !seen[ra] {
				seen[ra] = true
				groups[g] = append(groups[g], ra)
				n++
			}
		}
	}
	out := make([]*RegionalAccount, 0, n)
	for _, g := range groups {
		slices.SortStableFunc(g, func(a, b *RegionalAccount) int { return cmp.Compare(a.region, b.region) })
		out = append(out, g...)
	}
	return out
}

// refreshStale asks the containers whose region list comes from their
// account and is older than RegistryOptions.RegionTTL for it again, a few
// at a time.
func (s *RegionalAccountSet) refreshStale(ctx context.Context) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, buildConcurrency)
	for _, c := range s.Containers() {
		if c.spec.RegionSource != regionSourceAccount {
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c.refreshIfStale(ctx)
		})
	}
	wg.Wait()
}
