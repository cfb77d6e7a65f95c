package awsaccount

import (
	"cmp"
	"context"
		"fmt"
	"iter"
	"slices"
	"sync"
	)

// RegionalAccountSet is a union of RegionalAccounts containers, possibly
// over many accounts (the seed's RegionalAccountSet). Add, Discard and
// Containers deal in containers; Targets and All in the distinct
// *RegionalAccount targets they hold, each once. ForEach runs a function on
// every target.
//
// A RegionalAccountSet is safe for concurrent use by multiple goroutines.
type RegionalAccountSet struct {
	mu         sync.Mutex
	containers []*RegionalAccounts // in the order added; guarded by mu
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
// regional_account_set_factory). The set itself is not cached; its
// containers and targets are. It fails, naming the spec, if any container
// cannot be built.
func (r *Registry) RegionalAccountSet(ctx context.Context, specs ...RegionalAccountsSpec) (*RegionalAccountSet, error) {
	set := &RegionalAccountSet{}
	for i, spec := range specs {
		c, err := r.RegionalAccounts(ctx, spec)
		if err != nil {
			return nil, prefixed(fmt.Sprintf("RegionalAccountSet[%d].RegionalAccounts", i), err)
		}
		set.Add(c)
	}
	return set, nil
}

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
// but the set's contents, and needs no API call.
func (s *RegionalAccountSet) Targets() []*RegionalAccount {
	containers := s.Containers()
	byAccount := map[*Account]int{}
	var groups [][]*RegionalAccount
	seen := map[*RegionalAccount]bool{}
	for _, c := range containers {
		g, ok := byAccount[c.account]
		if !ok {
			g = len(groups)
			byAccount[c.account] = g
			groups = append(groups, nil)
		}
		for _, ra := range c.Values() {
			if !seen[ra] {
				seen[ra] = true
				groups[g] = append(groups[g], ra)
			}
		}
	}
	var out []*RegionalAccount
	for _, g := range groups {
		slices.SortStableFunc(g, func(a, b *RegionalAccount) int { return cmp.Compare(a.region, b.region) })
		out = append(out, g...)
	}
	return out
}

// All yields every distinct target once, in the order of Targets.
func (s *RegionalAccountSet) All() iter.Seq[*RegionalAccount] {
	targets := s.Targets()
	return func(yield func(*RegionalAccount) bool) {
		for _, ra := range targets {
			if !yield(ra) {
				return
			}
		}
	}
}

// Len is the number of distinct targets.
func (s *RegionalAccountSet) Len() int { return len(s.Targets()) }

