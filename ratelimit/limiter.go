package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Limiter admits requests under a Limit: in no window of length Interval do
// more than MaxCount requests start. A request over the limit waits for its
// turn (Block) or is refused with an error matching ErrExceeded.
//
// Waiting requests start in arrival order and hold no lock while they wait.
// The knobs (SetMaxCount, SetInterval, SetBlock) may change at any time, from
// any goroutine; a change applies to the next admission and to the requests
// already waiting: they are given new turns under the new limit, in their
// order, or, if the limit became unlimited or fail-fast, they retry as new
// requests would. A setter never waits for the Store: it publishes the new
// limit and returns, and a short-lived goroutine gives the waiting requests
// back to the Store and books their new turns.
//
// The zero Limiter and a nil *Limiter admit everything. A zero Limiter whose
// knobs are set behaves as one made by New with that limit. A Limiter must
// not be copied after first use. A Limiter is safe for concurrent use by
// multiple goroutines.
type Limiter struct {
	limit atomic.Pointer[Limit] // in force; nil: unlimited
	// open is limit.Unlimited(), stored after limit: the fast path of an
	// unlimited Limiter reads one word.
	open atomic.Bool
	// conf is the limit the knobs set; limit is conf unless adaptive mode
	// has lowered it. Written under mu.
	conf atomic.Pointer[Limit]
	// gen counts the changes of the limit. It is bumped under mu, after
	// limit is stored.
	gen   atomic.Uint64
	stats counters

	// store and clock are set before limit is first stored: read them only
	// after loading a limited limit.
	store Store
	clock Clock      // nil: the system clock
	tel   *telemetry // nil without a MeterProvider

	mu         sync.Mutex
	head, tail *waiter   // sleeping requests, in arrival order; requires mu
	rebooking  bool      // a rebook goroutine runs; requires mu
	adapt      *adaptive // nil: not adaptive; set by New, its state requires mu
}

// waiter is a sleeping request. The fields above prev are set before it is
// registered and never change; the others are guarded by Limiter.mu.
type waiter struct {
	// ctx is the request's: the store calls made on its behalf by rebook
	// carry its values and end when it gives up.
	ctx         context.Context
	deadline    time.Time
	hasDeadline bool
	// wake receives when rebook has settled the waiter anew (booked it
	// again, voided or failed it). Buffered: rebook never waits.
	wake chan struct{}

	prev, next *waiter
	state      waiterState
	res        Reservation // state booked
	gen        uint64      // the Limiter.gen that res was booked under
	due        time.Time   // local time of res's start; the store's start is no later
	version    uint64      // bumped whenever res and due are replaced
	err        error       // state failed
}

type waiterState uint8

const (
	booked   waiterState = iota // holds res, in the list
	unbooked                    // res given back to rebook, in the list: awaits a new turn
	voided                      // out of the list: retry as a new request
	failed                      // out of the list: return err
	left                        // out of the list: the request gave up while unbooked
)

// New returns a Limiter that enforces l. By default the state is kept in a
// new MemoryStore; share a Store with WithStore to share the limit.
func New(l Limit, optFns ...func(*Options)) *Limiter {
	var o Options
	for _, f := range optFns {
		f(&o)
	}
	if o.Store == nil {
		o.Store = NewMemoryStore(func(so *MemoryStoreOptions) { so.Clock = o.Clock })
	}
	lim := &Limiter{store: o.Store, clock: o.Clock, tel: newTelemetry(o.MeterProvider, o.Attributes)}
	if o.Adaptive {
		lim.adapt = newAdaptive(lim.now())
	}
	lim.conf.Store(&l)
	lim.limit.Store(&l)
	lim.open.Store(l.Unlimited())
	return lim
}

// Limit returns the limit its knobs set: the one New was given, as the
// setters changed it since. Adaptive mode may enforce a lower one for a
// while: see Effective. A nil Limiter's is the zero Limit.
func (l *Limiter) Limit() Limit {
	if l == nil {
		return Limit{}
	}
	if p := l.conf.Load(); p != nil {
		return *p
	}
	return Limit{}
}

// Effective returns the limit in force: Limit, or, in adaptive mode after a
// throttle, the lower limit that adaptive mode enforces until it has
// recovered (see Options.Adaptive). Effective().PerSecond() is the rate
// that telemetry shows. A nil Limiter's is the zero Limit.
func (l *Limiter) Effective() Limit {
	if l == nil {
		return Limit{}
	}
	if p := l.limit.Load(); p != nil {
		return *p
	}
	return Limit{}
}

// Stats returns the counts since l was made. A nil Limiter's are zero.
func (l *Limiter) Stats() Stats {
	if l == nil {
		return Stats{}
	}
	return l.stats.snapshot()
}

// SetLimit replaces Limit() with x, the knobs of the other form and Block
// included. The one-knob setters below are shorthand for it.
func (l *Limiter) SetLimit(x Limit) { l.update(func(y *Limit) { *y = x }) }

// SetMaxCount sets Limit().MaxCount; n <= 0 removes the limit. On a bucket
// it makes the limit a window: Burst and Rate are cleared (and until
// SetInterval, the window has no interval: no limit). It is shorthand for
// changing one knob as described on Limiter.
func (l *Limiter) SetMaxCount(n int) { l.update(func(x *Limit) { x.toWindow(); x.MaxCount = n }) }

// SetInterval sets Limit().Interval; d <= 0 removes the limit. On a bucket
// it makes the limit a window, as SetMaxCount does.
func (l *Limiter) SetInterval(d time.Duration) {
	l.update(func(x *Limit) { x.toWindow(); x.Interval = d })
}

// SetBurst sets Limit().Burst; n <= 0 removes the limit. On a window it
// makes the limit a bucket: MaxCount and Interval are cleared (and until
// SetRate, the bucket has no rate: no limit).
func (l *Limiter) SetBurst(n int) { l.update(func(x *Limit) { x.toBucket(); x.Burst = n }) }

// SetRate sets Limit().Rate, in requests per second; r <= 0 removes the
// limit. On a window it makes the limit a bucket, as SetBurst does.
func (l *Limiter) SetRate(r float64) { l.update(func(x *Limit) { x.toBucket(); x.Rate = r }) }

// SetBlock sets Limit().Block. Turning it off makes the requests already
// waiting retry at once as fail-fast requests: most are refused.
func (l *Limiter) SetBlock(b bool) { l.update(func(x *Limit) { x.Block = b }) }

// Wait admits one request: it returns nil when the request may start.
//
// If the context is done already, Wait returns its error. An unlimited Limit
// (and a nil Limiter) admits at once. Otherwise the Store grants the
// request's start:
//   - Block false: if the start is not now, Wait returns an *ExceededError
//     (errors.Is(err, ErrExceeded)) with RetryAfter, and consumes nothing.
//   - Block true: Wait sleeps until the start. If the context's deadline
//     comes before the start, Wait returns at once, consuming nothing, an
//     *ExceededError that matches both ErrExceeded and
//     context.DeadlineExceeded. If the context is cancelled while waiting,
//     Wait returns ctx.Err() promptly and gives the start back to the Store.
//
// An error of the Store is returned wrapped.
func (l *Limiter) Wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	if done := ctx.Done(); done != nil {
		select {
		case <-done:
			return ctx.Err()
		default:
		}
	}
	if l.adapt != nil {
		l.tick()
	}
	lim := l.limit.Load()
	if l.open.Load() || lim == nil { // nil: a zero Limiter
		l.stats.admitted.Add(1)
		return nil
	}
	if !lim.Block {
		return l.tryNow(ctx, lim)
	}
	return l.wait(ctx)
}

// tryNow admits a fail-fast request if it can start now.
func (l *Limiter) tryNow(ctx context.Context, lim *Limit) error {
	r, err := l.store.Reserve(ctx, *lim, 0)
	if err != nil {
		l.tel.storeFailed(ctx)
		return fmt.Errorf("ratelimit: reserve a start (%v): %w", *lim, err)
	}
	if !r.OK {
		l.stats.refused.Add(1)
		return &ExceededError{RetryAfter: r.Delay}
	}
	l.stats.admitted.Add(1)
	return nil
}

// wait admits a blocking request.
func (l *Limiter) wait(ctx context.Context) error {
	var start time.Time // when the request first went to sleep
	for {
		// Load gen before the limit: a change stores the limit first, so a
		// request that sees the new gen sees the new limit, and one that
		// saw the old gen finds out when it registers.
		gen := l.gen.Load()
		lim := l.limit.Load()
		if l.open.Load() {
			return l.admitted(start)
		}
		if !lim.Block {
			return l.tryNow(ctx, lim)
		}
		maxWait := time.Duration(-1) // no bound
		deadline, hasDeadline := ctx.Deadline()
		if hasDeadline {
			maxWait = max(0, deadline.Sub(l.now()))
		}
		r, err := l.store.Reserve(ctx, *lim, maxWait)
		if err != nil {
			l.tel.storeFailed(ctx)
			return fmt.Errorf("ratelimit: reserve a start (%v): %w", *lim, err)
		}
		if !r.OK {
			l.stats.refused.Add(1)
			return &ExceededError{RetryAfter: r.Delay, Err: context.DeadlineExceeded}
		}
		if r.Delay <= 0 {
			return l.admitted(start)
		}
		// Taken after Reserve returned, so due is no earlier than the
		// store's start.
		now := l.now()
		w := &waiter{ctx: ctx, deadline: deadline, hasDeadline: hasDeadline, wake: make(chan struct{}, 1),
			res: r, gen: gen, due: now.Add(r.Delay)}
		l.mu.Lock()
		if l.gen.Load() != gen {
			// The limit changed since this start was granted, too late
			// for the change to see it: give it back and start over.
			l.mu.Unlock()
			l.store.Cancel(context.WithoutCancel(ctx), r)
			l.tel.rebooked(ctx, 1)
			continue
		}
		l.pushLocked(w)
		l.mu.Unlock()
		if start.IsZero() {
			start = now
		}
		// Counted by the request itself, after it registered and until
		// it is off the list (or is leaving it): each +1 has its -1, and
		// neither is recorded under mu.
		l.tel.waiting(ctx, 1)
		retry, err := l.sleep(ctx, w)
		l.tel.waiting(ctx, -1)
		if retry {
			continue
		}
		if err != nil {
			return err
		}
		return l.admitted(start)
	}
}

func (l *Limiter) admitted(sleptSince time.Time) error {
	l.stats.admitted.Add(1)
	if !sleptSince.IsZero() {
		l.stats.waited.Add(1)
		l.stats.totalWait.Add(int64(l.now().Sub(sleptSince)))
	}
	return nil
}

// sleep waits until the start w holds, following the new turns that rebook
// gives it. It returns retry true if w was voided and the request must ask
// again, and otherwise whether the request is admitted (nil) or not.
func (l *Limiter) sleep(ctx context.Context, w *waiter) (retry bool, err error) {
	for {
		l.mu.Lock()
		state, due, version := w.state, w.due, w.version
		l.mu.Unlock()
		switch state {
		case voided:
			return true, nil
		case failed:
			// Counted here, where the caller gets it: a request whose
			// context ends first returns ctx.Err() instead.
			if errors.Is(w.err, ErrExceeded) {
				l.stats.refused.Add(1)
			}
			return false, w.err // set before state, under mu
		}
		// An unbooked waiter holds no start: it sleeps until rebook wakes it.
		var fire <-chan time.Time
		stop := func() bool { return false }
		if state == booked {
			fire, stop = l.newTimer(due.Sub(l.now()))
		}
		select {
		case <-fire:
			l.mu.Lock()
			if w.state == booked && w.version == version {
				// The timer fired for the start w still holds: with the
				// same clock as the store's, it is now at or after that
				// start. A start booked before a change is still counted
				// by the store, so it may be used until rebook takes it.
				l.removeLocked(w)
				l.mu.Unlock()
				return false, nil
			}
			l.mu.Unlock()
		case <-w.wake:
			stop()
		case <-ctx.Done():
			stop()
			l.leave(ctx, w)
			return false, ctx.Err()
		}
	}
}

// leave takes w, whose request gave up, out of the sleeping requests, and
// gives back the start it holds. If rebook holds w's turn, rebook gives back
// whatever it books for w.
func (l *Limiter) leave(ctx context.Context, w *waiter) {
	l.mu.Lock()
	switch w.state {
	case booked:
		l.removeLocked(w)
		r := w.res
		l.mu.Unlock()
		l.store.Cancel(context.WithoutCancel(ctx), r)
		return
	case unbooked:
		l.removeLocked(w)
		w.state = left
	}
	l.mu.Unlock()
}

// pushLocked appends w to the sleeping requests. Requires mu held.
func (l *Limiter) pushLocked(w *waiter) {
	w.prev, w.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
}

// removeLocked takes w out of the sleeping requests. Requires mu held.
func (l *Limiter) removeLocked(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		l.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		l.tail = w.prev
	}
	w.prev, w.next = nil, nil
}

func (l *Limiter) now() time.Time {
	if l.clock == nil {
		return time.Now()
	}
	return l.clock.Now()
}

func (l *Limiter) newTimer(d time.Duration) (<-chan time.Time, func() bool) {
	if l.clock == nil {
		t := time.NewTimer(d)
		return t.C, t.Stop
	}
	return l.clock.NewTimer(d)
}
