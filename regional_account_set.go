package awsaccount

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"
)

// RegionalAccountSet is a union of RegionalAccounts containers, possibly
// over many accounts (the seed's RegionalAccountSet). Add, Discard and Values
// deal in containers; All yields each distinct *RegionalAccount once.
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

// Values returns the containers in the order they were added.
func (s *RegionalAccountSet) Values() []*RegionalAccounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.containers)
}

// Targets returns every distinct target, ordered by account (in the order
// its first container was added), then region. The order depends on nothing
// but the set's contents, and needs no API call.
func (s *RegionalAccountSet) Targets() []*RegionalAccount {
	containers := s.Values()
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

// DefaultConcurrency is how many targets ForEach works on at once.
const DefaultConcurrency = 8

// ForEachOptions tune ForEach.
type ForEachOptions struct {
	// Concurrency is the most targets worked on at once. Default
	// DefaultConcurrency.
	Concurrency int
	// OnResult, if set, is called as each target finishes or is skipped
	// (from the worker goroutines, one call at a time), with the target's
	// index in the results, how many are done, the total, and the target's
	// error. The result at index is complete when it is called.
	OnResult func(index, done, total int, err error)
}

// Result is the outcome of fn on one target.
type Result[T any] struct {
	Target   *RegionalAccount
	Value    T
	Err      error // a *TargetError when fn failed; ctx.Err() when never started
	Duration time.Duration
}

// TargetError is the error of fn on one target: it names the target.
type TargetError struct {
	AccountID string // when known without a call
	Region    string
	Err       error
}

// Error names the target, then fn's error.
func (e *TargetError) Error() string {
	id := e.AccountID
	if id == "" {
		id = "(unknown account)"
	}
	return id + " " + e.Region + ": " + e.Err.Error()
}

// Unwrap returns fn's error.
func (e *TargetError) Unwrap() error { return e.Err }

// ForEach runs fn on every target of s, at most opts.Concurrency at once, and
// returns one Result per target in the order of Targets. A failing target
// does not stop the others; cancelling ctx stops starting new ones (those
// get ctx.Err()) and is passed to the running ones. Rate limits apply as
// always, through the clients fn builds from each target.
func ForEach[T any](ctx context.Context, s *RegionalAccountSet, fn func(context.Context, *RegionalAccount) (T, error), optFns ...func(*ForEachOptions)) []Result[T] {
	return ForEachTarget(ctx, s.Targets(), fn, optFns...)
}

// ForEachTarget is ForEach over a list of targets, in that order; the
// indexes given to ForEachOptions.OnResult are indexes in targets.
func ForEachTarget[T any](ctx context.Context, targets []*RegionalAccount, fn func(context.Context, *RegionalAccount) (T, error), optFns ...func(*ForEachOptions)) []Result[T] {
	opts := ForEachOptions{Concurrency: DefaultConcurrency}
	for _, f := range optFns {
		f(&opts)
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	results := make([]Result[T], len(targets))
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	sem := make(chan struct{}, opts.Concurrency)
	report := func(i int) {
		if opts.OnResult == nil {
			return
		}
		mu.Lock()
		done++
		opts.OnResult(i, done, len(targets), results[i].Err)
		mu.Unlock()
	}
	for i, ra := range targets {
		results[i].Target = ra
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			results[i].Err = ctx.Err()
			report(i)
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			start := time.Now()
			v, err := fn(ctx, ra)
			results[i].Value, results[i].Duration = v, time.Since(start)
			if err != nil {
				id, _ := ra.account.knownIdentity()
				results[i].Err = &TargetError{AccountID: id, Region: ra.region, Err: err}
			}
			report(i)
		})
	}
	wg.Wait()
	return results
}

// ForEach runs fn on every target (see the package function ForEach) and
// returns the errors of the targets that failed, joined; nil when all
// succeeded.
func (s *RegionalAccountSet) ForEach(ctx context.Context, fn func(context.Context, *RegionalAccount) error, optFns ...func(*ForEachOptions)) error {
	results := ForEach(ctx, s, func(ctx context.Context, ra *RegionalAccount) (struct{}, error) {
		return struct{}{}, fn(ctx, ra)
	}, optFns...)
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return errors.Join(errs...)
}
