package ratelimit

import (
	"context"
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
// requests would.
//
// The zero Limiter and a nil *Limiter admit everything. A zero Limiter whose
// knobs are set behaves as one made by New with that limit. A Limiter must
// not be copied after first use. A Limiter is safe for concurrent use by
// multiple goroutines.
type Limiter struct {
	limit atomic.Pointer[Limit] // nil: unlimited
	epoch atomic.Pointer[epoch] // replaced by every change of the limit
	stats counters

	// store and clock are set before limit is first stored: read them only
	// after loading a limited limit.
	store Store
	clock Clock // nil: the system clock

	mu         sync.Mutex
	head, tail *waiter // sleeping requests, in arrival order; requires mu
}

// epoch is the period between two changes of the limit. Its channel is
// closed when it ends, to wake every sleeping request.
type epoch struct{ changed chan struct{} }

func newEpoch() *epoch { return &epoch{changed: make(chan struct{})} }

// waiter is a sleeping request. Fields below prev/next are guarded by
// Limiter.mu.
type waiter struct {
	prev, next  *waiter
	res         Reservation
	due         time.Time // local time of the start; the store's start is no later
	deadline    time.Time
	hasDeadline bool
	version     uint64 // bumped whenever res and due are replaced
	state       waiterState
	err         error // state failed
}

type waiterState uint8

const (
	waiting waiterState = iota // holds res, in the list
	voided                     // res given back; retry as a new request
	failed                     // res given back; return err
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
	lim := &Limiter{store: o.Store, clock: o.Clock}
	lim.epoch.Store(newEpoch())
	lim.limit.Store(&l)
	return lim
}

// Limit returns the limit in force. A nil Limiter's is the zero Limit.
func (l *Limiter) Limit() Limit {
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

// SetMaxCount sets Limit().MaxCount; n <= 0 removes the limit. It is
// shorthand for changing one knob as described on Limiter.
func (l *Limiter) SetMaxCount(n int) { l.update(func(x *Limit) { x.MaxCount = n }) }

// SetInterval sets Limit().Interval; d <= 0 removes the limit.
func (l *Limiter) SetInterval(d time.Duration) { l.update(func(x *Limit) { x.Interval = d }) }

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
	lim := l.limit.Load()
	if lim == nil || lim.Unlimited() {
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
		// Load the epoch before the limit: a change stores the limit
		// first, so a request that sees the new epoch sees the new limit,
		// and one that saw the old epoch finds out when it registers.
		ep := l.epoch.Load()
		lim := l.limit.Load()
		if lim.Unlimited() {
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
		due := now.Add(r.Delay)
		w := &waiter{res: r, due: due, deadline: deadline, hasDeadline: hasDeadline}
		l.mu.Lock()
		if l.epoch.Load() != ep {
			// The limit changed since this start was granted, too late
			// for the change to see it: give it back and start over.
			l.mu.Unlock()
			l.store.Cancel(context.WithoutCancel(ctx), r)
			continue
		}
		l.pushLocked(w)
		l.mu.Unlock()
		if start.IsZero() {
			start = now
		}
		retry, err := l.sleep(ctx, w, due, ep.changed)
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

// sleep waits until w's start, following the changes of the limit. It
// returns retry true if w's start was given back and the request must ask
// again, and otherwise whether the request is admitted (nil) or not.
// due is w's start when it went to sleep, and changed the channel of that
// epoch.
func (l *Limiter) sleep(ctx context.Context, w *waiter, due time.Time, changed <-chan struct{}) (retry bool, err error) {
	var version uint64 // w's first
	for {
		c, stop := l.newTimer(due.Sub(l.now()))
		select {
		case <-c:
		case <-changed:
			stop()
		case <-ctx.Done():
			stop()
			l.mu.Lock()
			r, queued := w.res, w.state == waiting
			if queued {
				l.removeLocked(w)
			}
			l.mu.Unlock()
			if queued {
				l.store.Cancel(context.WithoutCancel(ctx), r)
			}
			return false, ctx.Err()
		}
		l.mu.Lock()
		switch {
		case w.state == voided:
			l.mu.Unlock()
			return true, nil
		case w.state == failed:
			l.mu.Unlock()
			return false, w.err
		case w.version != version:
			version, due, changed = w.version, w.due, l.epoch.Load().changed
			l.mu.Unlock()
			continue
		}
		// The timer fired for the start w still holds: with the same clock
		// as the store's, it is now at or after that start.
		l.removeLocked(w)
		l.mu.Unlock()
		return false, nil
	}
}

// update changes the limit and gives the sleeping requests new turns.
func (l *Limiter) update(f func(*Limit)) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.limit.Load()
	var nl Limit
	if old != nil {
		nl = *old
	}
	f(&nl)
	if old != nil && nl == *old {
		return
	}
	if l.store == nil { // a zero Limiter
		l.store = NewMemoryStore(func(o *MemoryStoreOptions) { o.Clock = l.clock })
	}
	prev := l.epoch.Load()
	l.limit.Store(&nl)
	l.epoch.Store(newEpoch())
	l.rescheduleLocked(nl)
	if prev != nil {
		close(prev.changed)
	}
}

// rescheduleLocked gives back the starts of the sleeping requests and, if
// nl still blocks, asks for new ones in arrival order. Requires mu held.
func (l *Limiter) rescheduleLocked(nl Limit) {
	if l.head == nil {
		return
	}
	// Newest first, so that a store that can only give back its latest
	// start takes back all of them.
	for w := l.tail; w != nil; w = w.prev {
		l.store.Cancel(context.Background(), w.res)
	}
	if nl.Unlimited() || !nl.Block {
		for w := l.head; w != nil; w = l.head {
			w.state = voided
			l.removeLocked(w)
		}
		return
	}
	for w := l.head; w != nil; {
		next := w.next
		maxWait := time.Duration(-1) // no bound
		if w.hasDeadline {
			maxWait = max(0, w.deadline.Sub(l.now()))
		}
		r, err := l.store.Reserve(context.Background(), nl, maxWait)
		switch {
		case err != nil:
			w.state, w.err = failed, fmt.Errorf("ratelimit: reserve a start (%v): %w", nl, err)
			l.removeLocked(w)
		case !r.OK:
			w.state, w.err = failed, &ExceededError{RetryAfter: r.Delay, Err: context.DeadlineExceeded}
			l.stats.refused.Add(1)
			l.removeLocked(w)
		default:
			w.res, w.due = r, l.now().Add(r.Delay)
			w.version++
		}
		w = next
	}
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
