package ratelimit

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// Options tune a Limiter.
type Options struct {
	// Store keeps the admission state. Default: a new MemoryStore.
	Store Store
	// Clock returns the current time. Default time.Now. Tests inject a fake.
	Clock func() time.Time
	// NewTimer makes the timer a blocked request sleeps on. Default
	// time.NewTimer. Tests inject a fake with Clock.
	NewTimer func(d time.Duration) (<-chan time.Time, func() bool)
}

// WithStore makes a Limiter keep its state in s (for example a Redis store
// shared by many processes).
func WithStore(s Store) func(*Options) { return func(o *Options) { o.Store = s } }

// WithClock makes a Limiter read time from clock.
func WithClock(clock func() time.Time) func(*Options) { return func(o *Options) { o.Clock = clock } }

// Limiter admits requests under a Limit whose three knobs can change at run
// time. Every request calls Wait: in no window of length Interval do more
// than MaxCount requests start. With Block, a request beyond the limit waits
// for its turn, in arrival order and holding no lock; without, it fails at
// once with an error that matches ErrExceeded.
//
// A Limiter is safe for concurrent use by multiple goroutines. A nil
// *Limiter admits every request.
type Limiter struct {
	limit atomic.Pointer[Limit]
	opts  Options

	admitted, refused, waited atomic.Uint64
	totalWait                 atomic.Int64
}

// New returns a Limiter for l.
func New(l Limit, optFns ...func(*Options)) *Limiter {
	var opts Options
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.NewTimer == nil {
		opts.NewTimer = func(d time.Duration) (<-chan time.Time, func() bool) {
			t := time.NewTimer(d)
			return t.C, t.Stop
		}
	}
	if opts.Store == nil {
		opts.Store = NewMemoryStore(opts.Clock)
	}
	lim := &Limiter{opts: opts}
	lim.limit.Store(&l)
	return lim
}

// Limit returns the current limit.
func (l *Limiter) Limit() Limit {
	if l == nil {
		return Limit{}
	}
	return *l.limit.Load()
}

// SetMaxCount changes MaxCount for the next admissions. Requests already
// waiting keep their turn.
func (l *Limiter) SetMaxCount(n int) { l.update(func(x *Limit) { x.MaxCount = n }) }

// SetInterval changes Interval for the next admissions.
func (l *Limiter) SetInterval(d time.Duration) { l.update(func(x *Limit) { x.Interval = d }) }

// SetBlock changes Block for the next admissions.
func (l *Limiter) SetBlock(b bool) { l.update(func(x *Limit) { x.Block = b }) }

// SetLimit replaces all three knobs at once.
func (l *Limiter) SetLimit(n Limit) { l.update(func(x *Limit) { *x = n }) }

func (l *Limiter) update(change func(*Limit)) {
	for {
		old := l.limit.Load()
		next := *old
		change(&next)
		if l.limit.CompareAndSwap(old, &next) {
			return
		}
	}
}

// Wait admits one request. It returns nil when the request may start now:
// at once, or (Block) after waiting its turn. It returns an error matching
// ErrExceeded when Block is false and the limit is reached; ctx.Err() when
// ctx ends while waiting; and, at once and without consuming a slot, an
// error matching ErrDeadline and context.DeadlineExceeded when ctx's
// deadline comes before the request's turn. Errors of the Store are
// returned wrapped.
func (l *Limiter) Wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	lim := *l.limit.Load()
	if lim.Unlimited() {
		l.admitted.Add(1)
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	maxWait := time.Duration(-1)
	if !lim.Block {
		maxWait = 0
	} else if deadline, ok := ctx.Deadline(); ok {
		maxWait = max(deadline.Sub(l.opts.Clock()), 0)
	}
	res, err := l.opts.Store.Reserve(ctx, lim, maxWait)
	if err != nil {
		return fmt.Errorf("rate limit: %w", err)
	}
	if !res.OK {
		if !lim.Block {
			l.refused.Add(1)
			return &ExceededError{Limit: lim, RetryAfter: res.Delay}
		}
		return ErrDeadline
	}
	if res.Delay <= 0 {
		l.admitted.Add(1)
		return nil
	}
	c, stop := l.opts.NewTimer(res.Delay)
	select {
	case <-c:
		l.admitted.Add(1)
		l.waited.Add(1)
		l.totalWait.Add(int64(res.Delay))
		return nil
	case <-ctx.Done():
		stop()
		l.opts.Store.Cancel(context.WithoutCancel(ctx), res)
		return ctx.Err()
	}
}

// Stats are a Limiter's counters since it was made.
type Stats struct {
	Admitted  uint64        // requests admitted, at once or after waiting
	Refused   uint64        // fail-fast refusals (ErrExceeded)
	Waited    uint64        // admitted requests that had to wait
	TotalWait time.Duration // summed wait of those
}

// Stats returns the counters.
func (l *Limiter) Stats() Stats {
	if l == nil {
		return Stats{}
	}
	return Stats{
		Admitted:  l.admitted.Load(),
		Refused:   l.refused.Load(),
		Waited:    l.waited.Load(),
		TotalWait: time.Duration(l.totalWait.Load()),
	}
}

// String describes the current limit.
func (l *Limiter) String() string { return "Limiter{" + l.Limit().String() + "}" }
