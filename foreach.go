package awsaccount

import (
	"context"
	"fmt"
	"iter"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// defaultConcurrency is how many targets ForEach works on at once unless
// told otherwise. A fleet run waits on the network (30-150 ms per request
// to AWS), not on the CPU, and each target's own limit already protects
// AWS, so the default is high enough that a run of thousands of targets is
// bound by latency, not by workers: 256 in flight cost about 256 goroutines,
// requests and responses (a few MiB), and at most as many connections per
// endpoint (see SessionOptions).
const defaultConcurrency = 256

// ForEachOptions tune ForEach.
type ForEachOptions struct {
	// Concurrency is the most targets worked on at once. Default 256:
	// enough for a fleet run to be bound by network latency; lower it to
	// spare a slow endpoint or the memory of large results.
	Concurrency int
	// OnResult, if set, is called as each target finishes or is skipped,
	// in the order they finish (from the worker goroutines, one call at a
	// time), with the target's index, how many are done, the total, and
	// the target's error. It suits a progress display; the results
	// themselves come from the iterator, in target order.
	OnResult func(index, done, total int, err error)
	// TracerProvider, if set, starts a span "awsaccount.target" for each
	// target (attributes account_id when known, region; error status and
	// error_code when it fails), a child of the span in ForEach's ctx and
	// the parent of the spans of the calls fn makes with the ctx it is
	// given. Default: each target's RegionalAccountOptions.TracerProvider;
	// no span when neither is set (OpenTelemetry's no-op provider counts
	// as unset).
	TracerProvider trace.TracerProvider
}

// Result is the outcome of fn on one target.
type Result[T any] struct {
	Target *RegionalAccount
	Value  T
	// Err is a *CallError naming the target when fn failed (errors.As
	// reaches fn's own error beneath), and ctx.Err() when the target was
	// never started because ctx was done.
	Err      error
	Duration time.Duration
}

// ForEach runs fn on every target of s (in the order of s.Targets()), at
// most ForEachOptions.Concurrency at once, and yields one Result per target
// with its index, in target order, as soon as it and every earlier one are
// done: a consumer sees the first results while later targets still run,
// and memory holds only the results not yet yielded.
//
//	for i, r := range awsaccount.ForEach(ctx, set, describeVpcs) {
//		if r.Err != nil { ... } // a *CallError naming account and region
//	}
//
// The work starts when the iterator is ranged over, and each range runs it
// anew. A failing target does not stop the others; a panic in fn becomes
// that target's error. Cancelling ctx stops starting new targets (their
// Result.Err is ctx.Err()) and is passed to the running ones. Breaking out
// of the loop cancels the targets still running and waits for them, so no
// goroutine outlives the loop. Rate limits apply as always, through the
// clients fn builds from each target.
func ForEach[T any](ctx context.Context, s *RegionalAccountSet, fn func(context.Context, *RegionalAccount) (T, error), optFns ...func(*ForEachOptions)) iter.Seq2[int, Result[T]] {
	opts := ForEachOptions{Concurrency: defaultConcurrency}
	for _, f := range optFns {
		f(&opts)
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = defaultConcurrency
	}
	return func(yield func(int, Result[T]) bool) {
		s.refreshStale(ctx)
		targets := s.Targets()
		run := &fanOut[T]{targets: targets, order: leadersFirst(targets), fn: fn, opts: opts,
			results: make([]Result[T], len(targets)), finished: make(chan int, len(targets))}
		if _, tp := providers(nil, opts.TracerProvider); tp != nil {
			run.tracer = tp.Tracer(instrumentationScope)
		}
		run.run(ctx, yield)
	}
}

// fanOut is one run of ForEach.
type fanOut[T any] struct {
	targets  []*RegionalAccount
	order    []int // the indexes of targets in the order they start
	fn       func(context.Context, *RegionalAccount) (T, error)
	opts     ForEachOptions
	tracer   trace.Tracer // of opts.TracerProvider; nil: each target's own
	results  []Result[T]  // slot i is written by one worker, then read by the consumer after <-finished
	finished chan int     // indexes of finished slots; buffered for all of them
	next     atomic.Int64

	mu   sync.Mutex // serializes OnResult
	done int        // requires mu
}

func (f *fanOut[T]) run(ctx context.Context, yield func(int, Result[T]) bool) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	for range min(f.opts.Concurrency, len(f.targets)) {
		wg.Go(func() { f.work(ctx) })
	}
	// Yield in target order: slots finish in any order; ready marks them
	// until every earlier one is out.
	ready := make([]bool, len(f.targets))
	next := 0
	for range len(f.targets) {
		ready[<-f.finished] = true
		for next < len(ready) && ready[next] {
			r := f.results[next]
			f.results[next] = Result[T]{} // let the value go once yielded
			if !yield(next, r) {
				return
			}
			next++
		}
	}
}

// leadersFirst is the order in which ForEach starts targets: the first
// target of each account, then the others, each part in target order.
func leadersFirst(targets []*RegionalAccount) []int {
	order := make([]int, 0, len(targets))
	leader := make([]bool, len(targets))
	seen := make(map[*Account]bool)
	for i, ra := range targets {
		if a := ra.Account(); !seen[a] {
			seen[a] = true
			leader[i] = true
			order = append(order, i)
		}
	}
	for i := range targets {
		if !leader[i] {
			order = append(order, i)
		}
	}
	return order
}

// work runs targets, taking them in the order of f.order, until none is
// left.
func (f *fanOut[T]) work(ctx context.Context) {
	for {
		n := int(f.next.Add(1) - 1)
		if n >= len(f.order) {
			return
		}
		i := f.order[n]
		ra := f.targets[i]
		r := Result[T]{Target: ra}
		if err := ctx.Err(); err != nil {
			r.Err = err
		} else {
			tctx, span := targetSpan(ctx, f.tracerFor(ra), ra)
			start := time.Now()
			r.Value, r.Err = f.call(tctx, ra)
			r.Duration = time.Since(start)
			if r.Err != nil {
				r.Err = ra.targetError(r.Err)
			}
			endTargetSpan(span, ra, r.Err)
		}
		f.results[i] = r
		if f.opts.OnResult != nil {
			f.mu.Lock()
			f.done++
			f.opts.OnResult(i, f.done, len(f.targets), r.Err)
			f.mu.Unlock()
		}
		f.finished <- i
	}
}

// tracerFor is the tracer of ra's span: ForEach's own, else the target's,
// else none.
func (f *fanOut[T]) tracerFor(ra *RegionalAccount) trace.Tracer {
	if f.tracer != nil {
		return f.tracer
	}
	if ra.tel != nil {
		return ra.tel.tracer
	}
	return nil
}

// call runs fn on one target; a panic becomes its error.
func (f *fanOut[T]) call(ctx context.Context, ra *RegionalAccount) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("awsaccount: panic in ForEach's function (a bug; please report it): %v\n%s", p, debug.Stack())
		}
	}()
	return f.fn(ctx, ra)
}
