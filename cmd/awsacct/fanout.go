package main

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/awsaccount/awsaccount"
)

// outcome is one target's result of forEachTarget.
type outcome[T any] struct {
	target *awsaccount.RegionalAccount
	value  T
	// err is a *awsaccount.CallError naming the target when fn failed.
	err error
	// notStarted reports that ctx was done before the target's turn came
	// (an interrupt or --timeout); err is then ctx.Err().
	notStarted bool
	duration   time.Duration
}

// forEachTarget is the CLI's one fan-out: every command that works on
// targets (call, and the identity lookups of every command) goes through
// it, so that a change in awsaccount.ForEach is adapted here alone.
//
// It runs fn on targets, which are some of set's targets (nil means all),
// at most concurrency at once, and yields their outcomes in set order as
// they are ready. onDone, if not nil, is called as each of them finishes,
// one call at a time, for a progress display.
//
// ForEach runs over a whole set; the targets left out are answered at once
// with no request. When the root package offers a fan-out over a list of
// targets, that skip goes away.
func forEachTarget[T any](ctx context.Context, set *awsaccount.RegionalAccountSet, targets []*awsaccount.RegionalAccount,
	concurrency int, onDone func(done, total int, failed bool),
	fn func(context.Context, *awsaccount.RegionalAccount) (T, error)) iter.Seq[outcome[T]] {
	return func(yield func(outcome[T]) bool) {
		// ForEach runs in the order of set.Targets(), which depends on
		// nothing but the set's contents: index i below is ForEach's i.
		all := set.Targets()
		var want map[*awsaccount.RegionalAccount]bool // nil: all of them
		if targets != nil {
			want = make(map[*awsaccount.RegionalAccount]bool, len(targets))
			for _, ra := range targets {
				want[ra] = true
			}
		}
		selected := make([]bool, len(all))
		total := 0
		for i, ra := range all {
			if want == nil || want[ra] {
				selected[i] = true
				total++
			}
		}
		if total == 0 {
			return
		}
		done := 0 // OnResult calls are serialized
		results := awsaccount.ForEach(ctx, set, func(ctx context.Context, ra *awsaccount.RegionalAccount) (T, error) {
			if want != nil && !want[ra] {
				var zero T
				return zero, errLeftOut // no work, no request
			}
			return fn(ctx, ra)
		}, func(o *awsaccount.ForEachOptions) {
			o.Concurrency = concurrency
			o.OnResult = func(index, _, _ int, err error) {
				if !selected[index] || onDone == nil {
					return
				}
				done++
				onDone(done, total, err != nil)
			}
		})
		for i, r := range results {
			if !selected[i] {
				continue
			}
			o := outcome[T]{target: r.Target, value: r.Value, err: r.Err, duration: r.Duration}
			// fn's errors come back as *CallError; a bare error is the
			// context's, for a target that never started.
			var ce *awsaccount.CallError
			o.notStarted = r.Err != nil && !errors.As(r.Err, &ce)
			if !yield(o) {
				return
			}
		}
	}
}

// errLeftOut answers the targets forEachTarget was not asked to run.
var errLeftOut = errors.New("awsacct: target left out")
