package ratelimit

import (
	"math"
	"time"
)

// A MemoryStore keeps a token bucket as GCRA does: tat (the theoretical
// arrival time) is the instant at which the bucket is full again, so that
// at time t it holds burst - max(0, tat-t)/tok tokens, tok being the time
// the bucket takes to gain one. A start at s needs a token: s >= tat -
// (burst-1)·tok; it moves tat to max(tat, s) + tok. A start granted ahead
// of time (a waiting request's turn) takes its token at once, which is
// stricter than taking it at s.
//
// When the bucket's limit changes, the bucket keeps its tokens, at most the
// new burst (a debt of tokens taken ahead of time is kept too). When a store
// that kept a window is given a bucket, it knows no bucket level: it takes
// the bucket to be empty right after its latest start. When a store that
// kept a bucket is given a window, it forgets its starts into the horizon
// as if all of them were at its latest start. Both are stricter than any
// real past; both lose budget for a moment only, when a limit changes form.
//
// Cancel gives a token back only for the latest start still held (tat -
// tok is then no earlier than the tat of the starts before it); a start
// given back out of order waits until every later one is given back, as a
// Limiter gives back its waiting requests' starts, newest first.

// bucketIDs mark the Reservation IDs of bucket starts, apart from the
// window's.
const bucketIDs = 1 << 63

// bucket is the token-bucket state of a MemoryStore. Requires
// MemoryStore.mu, all of it.
type bucket struct {
	on         bool  // the store's last limit was a bucket
	tat        int64 // ns after base; none: full
	tok, burst int64 // the limit tat was kept under
	// held are the starts granted, oldest first, that may still be given
	// back: those not yet begun when the last one was granted.
	held    []heldStart
	heldSeq uint64 // ID (without bucketIDs) of held[0]
	dropped int64  // latest start dropped from held, or none
}

type heldStart struct {
	at   int64
	gone bool // given back while a later start is held
}

// enterBucketLocked makes the bucket the store's state for a bucket of
// burst b and token time tok, converting what the store knows. Requires mu
// held.
func (s *MemoryStore) enterBucketLocked(now, b, tok int64) {
	k := &s.bkt
	if !k.on {
		// From a window, or a new store: empty right after the latest
		// start, full if there was none. The window's starts are gone
		// into its horizon.
		for s.n > 0 {
			s.forgetFrontLocked()
		}
		k.on, k.tok, k.burst, k.tat = true, tok, b, none
		if s.last != none {
			k.tat = addSat(s.last, mulSat(b, tok))
		}
		k.held, k.dropped = k.held[:0], s.last
		return
	}
	if k.tok == tok && k.burst == b {
		return
	}
	if k.tat != none && k.tat > now {
		level := float64(k.burst) - float64(k.tat-now)/float64(k.tok)
		level = min(level, float64(b))
		k.tat = now + int64(math.Ceil((float64(b)-level)*float64(tok)))
	}
	k.tok, k.burst = tok, b
}

// leaveBucketLocked ends the bucket before the store keeps a window: the
// starts it granted count as if all were at the latest. Requires mu held.
func (s *MemoryStore) leaveBucketLocked() {
	k := &s.bkt
	if !k.on {
		return
	}
	k.on = false
	k.heldSeq += uint64(len(k.held))
	k.held = k.held[:0]
	if s.last != none {
		s.horizon = max(s.horizon, s.last)
	}
}

// reserveBucketLocked is Reserve for a bucket. Requires mu held.
func (s *MemoryStore) reserveBucketLocked(now int64, l Limit, maxWait int64) Reservation {
	b, tok := int64(l.Burst), tokenNanos(l.Rate)
	s.enterBucketLocked(now, b, tok)
	t := max(now, s.last)
	if k := &s.bkt; k.tat != none {
		t = max(t, k.tat-mulSat(b-1, tok))
	}
	delay := t - now
	if maxWait >= 0 && delay > maxWait {
		return Reservation{Delay: time.Duration(delay)}
	}
	id := s.takeLocked(now, t)
	if s.onReserve != nil {
		s.onReserve(t)
	}
	return Reservation{OK: true, Delay: time.Duration(delay), ID: id}
}

// takeLocked takes a token for a start at t >= s.last and holds the start
// for Cancel. Requires mu held, and the bucket on.
func (s *MemoryStore) takeLocked(now, t int64) uint64 {
	k := &s.bkt
	if k.tat == none {
		k.tat = addSat(t, k.tok)
	} else {
		k.tat = addSat(max(k.tat, t), k.tok)
	}
	// Starts begun are given back rarely (a request that gave up as its
	// turn came): drop them, and bound the rest.
	drop := 0
	for drop < len(k.held) && (k.held[drop].at <= now || len(k.held)-drop >= maxEntries) {
		if !k.held[drop].gone {
			k.dropped = max(k.dropped, k.held[drop].at)
		}
		drop++
	}
	if drop > 0 {
		k.held = append(k.held[:0], k.held[drop:]...)
		k.heldSeq += uint64(drop)
	}
	k.held = append(k.held, heldStart{at: t})
	s.last = t
	return bucketIDs | (k.heldSeq + uint64(len(k.held)) - 1)
}

// cancelBucketLocked gives back the bucket start id, if held. Requires mu
// held.
func (s *MemoryStore) cancelBucketLocked(id uint64) {
	k := &s.bkt
	seq := id &^ bucketIDs
	if !k.on || seq < k.heldSeq || seq-k.heldSeq >= uint64(len(k.held)) {
		return
	}
	k.held[seq-k.heldSeq].gone = true
	for n := len(k.held); n > 0 && k.held[n-1].gone; n = len(k.held) {
		k.held = k.held[:n-1]
		if k.tat != none {
			k.tat -= k.tok
		}
	}
	last := k.dropped
	if n := len(k.held); n > 0 {
		last = max(last, k.held[n-1].at)
	}
	s.last = last
}

// mulSat is a*b for a, b >= 0, saturated at MaxInt64.
func mulSat(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}
