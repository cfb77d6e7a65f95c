package ratelimit

import (
	"context"
	"fmt"
	"time"
)

// A change of the limit must not wait for the Store: with a Store in Redis,
// a round trip to a server that does not answer takes a timeout, and a
// setter that held mu for it would block every caller of Wait. So update
// only publishes the new limit, under mu, and the store calls that give
// the sleeping requests new turns run in one goroutine, rebook, that holds
// mu only between them (x/time/rate's arithmetic under the lock, the SDK
// credential cache's refresh outside it).

// update changes the limit and has the sleeping requests given new turns.
func (l *Limiter) update(f func(*Limit)) {
	if l == nil {
		return
	}
	if l.setConf(f) && l.adapt != nil {
		l.recordRate()
	}
}

// setConf is update's change, made under mu; it reports whether the
// limit in force changed.
func (l *Limiter) setConf(f func(*Limit)) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.conf.Load()
	var nl Limit
	if old != nil {
		nl = *old
	}
	f(&nl)
	if old != nil && nl == *old {
		return false
	}
	if l.store == nil { // a zero Limiter
		l.store = NewMemoryStore(func(o *MemoryStoreOptions) { o.Clock = l.clock })
	}
	l.conf.Store(&nl)
	return l.publishLocked(l.lowered(nl), true)
}

// publishLocked puts eff in force and reports whether it was not already.
// With rebook, the sleeping requests are given new turns under it;
// without, they keep theirs, which only a limit at least as loose as the
// old one may do (adaptive mode's recovery). Requires mu held.
func (l *Limiter) publishLocked(eff Limit, rebook bool) bool {
	if old := l.limit.Load(); old != nil && *old == eff {
		return false
	}
	l.limit.Store(&eff)
	l.open.Store(eff.Unlimited())
	if !rebook {
		return true
	}
	l.gen.Add(1)
	if l.head != nil && !l.rebooking {
		l.rebooking = true
		go l.rebook()
	}
	return true
}

// given is a start that rebook gives back on behalf of a request.
type given struct {
	ctx context.Context
	res Reservation
}

// rebook gives the sleeping requests booked under an older limit new turns
// under the limit in force, in arrival order, and returns once every
// sleeping request holds a turn of the limit in force. One runs at a time
// (Limiter.rebooking); a change while it runs makes it start a new pass.
//
// A pass first gives back every start of the requests it takes, newest
// first, so that a store that can only give back its latest start takes
// back all of them; then it books their turns one by one, or voids them if
// the limit became fail-fast (they retry as new requests).
func (l *Limiter) rebook() {
	for {
		gen, nl, give, stale, more := l.takeStale()
		if !more {
			return
		}
		for i := len(give) - 1; i >= 0; i-- {
			l.store.Cancel(context.WithoutCancel(give[i].ctx), give[i].res)
		}
		l.tel.rebooked(context.Background(), len(give))
		for _, w := range stale {
			if !l.rebookOne(w, gen, nl) {
				break // the limit changed again: start a new pass
			}
		}
	}
}

// takeStale takes the starts of the sleeping requests booked under an older
// limit, leaving them unbooked, and returns them with those requests and
// the limit in force. If that limit is unlimited the requests are voided at
// once: they need no turn. more is false when there is nothing to do; then
// rebook must end, and l.rebooking is cleared.
func (l *Limiter) takeStale() (gen uint64, nl Limit, give []given, stale []*waiter, more bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	gen, nl = l.gen.Load(), *l.limit.Load()
	for w := l.head; w != nil; {
		next := w.next
		switch {
		case w.state == booked && w.gen == gen:
		case nl.Unlimited():
			if w.state == booked {
				give = append(give, given{w.ctx, w.res})
			}
			l.settleLocked(w, voided)
		default:
			if w.state == booked {
				give = append(give, given{w.ctx, w.res})
				w.state, w.res = unbooked, Reservation{}
			}
			stale = append(stale, w)
		}
		w = next
	}
	if give == nil && stale == nil {
		l.rebooking = false
		return gen, nl, nil, nil, false
	}
	return gen, nl, give, stale, true
}

// rebookOne gives w, unbooked by a pass under gen and nl, its new turn. It
// reports false, doing nothing, if the limit changed since.
func (l *Limiter) rebookOne(w *waiter, gen uint64, nl Limit) bool {
	l.mu.Lock()
	if l.gen.Load() != gen {
		l.mu.Unlock()
		return false
	}
	if w.state != unbooked { // the request left
		l.mu.Unlock()
		return true
	}
	if !nl.Block {
		l.settleLocked(w, voided)
		l.mu.Unlock()
		return true
	}
	maxWait := time.Duration(-1) // no bound
	if w.hasDeadline {
		maxWait = max(0, w.deadline.Sub(l.now()))
	}
	l.mu.Unlock()

	r, err := l.store.Reserve(w.ctx, nl, maxWait)
	due := l.now().Add(r.Delay) // after Reserve returned: no earlier than the store's start

	if err != nil {
		// Recorded before mu is taken again; not if w gave up.
		l.tel.storeFailed(w.ctx)
	}
	l.mu.Lock()
	if w.state != unbooked { // the request left while its turn was booked
		l.mu.Unlock()
		if err == nil && r.OK {
			l.store.Cancel(context.WithoutCancel(w.ctx), r)
		}
		return true
	}
	switch {
	case err != nil:
		w.err = fmt.Errorf("ratelimit: reserve a start (%v): %w", nl, err)
		l.settleLocked(w, failed)
	case !r.OK:
		w.err = &ExceededError{RetryAfter: r.Delay, Err: context.DeadlineExceeded}
		l.settleLocked(w, failed) // counted as refused when w returns it
	default:
		// Booked under gen even if the limit changed meanwhile: the next
		// pass takes it back.
		w.state, w.res, w.gen, w.due = booked, r, gen, due
		w.version++
		signal(w)
	}
	l.mu.Unlock()
	return true
}

// settleLocked takes w out of the sleeping requests in its final state
// (voided or failed) and wakes it. Requires mu held.
func (l *Limiter) settleLocked(w *waiter, s waiterState) {
	w.state = s
	l.removeLocked(w)
	signal(w)
}

// signal wakes w's request, if it is not already due to wake.
func signal(w *waiter) {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}
