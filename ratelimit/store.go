package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"
)

// Store keeps the admission state of one limit: the starts it has granted.
// A Limiter asks its Store for every start; several Limiters (in one process
// or many) that share a Store share the limit. Implementations must be safe
// for concurrent use by multiple goroutines.
//
// The contract, which every Store must keep:
//
//   - Reserve grants starts in the order it is called (first come, first
//     served): a start it grants is never earlier than one it granted before.
//   - Strictness: after Reserve grants a start t for limit l, no window of
//     length l.Interval that ends at t holds more than l.MaxCount granted
//     starts (t included), counting every start granted so far by this store
//     under any limit and not cancelled. A store may forget starts it no
//     longer needs only if it stays strict for every later l it may be given
//     (the limit can change at run time, in both directions); when unsure it
//     must assume the forgotten starts were as late as possible. Being later
//     than necessary loses budget; being earlier is a bug.
//   - For a bucket limit l (l.IsBucket()), strictness is the token bucket's:
//     the store keeps a bucket of at most l.Burst tokens that gains l.Rate
//     tokens a second and gives one to every start it grants (at the
//     latest at the start), so that, while l does not change, no span of
//     length t holds more than l.Burst + l.Rate·t granted starts. When l
//     changes, the bucket keeps its tokens, at most the new Burst. A store
//     that does not know its bucket's level (it kept a window before, or
//     lost its state) must assume the bucket empty right after the latest
//     start it granted; a store given a window after a bucket must count
//     the bucket's starts as if all were at the latest.
//   - Reserve picks the earliest start that keeps the two rules above, at or
//     after its own now. Times are the store's: a store shared between
//     processes should use one clock for all of them (a Redis store uses the
//     server's TIME inside its script), and report only durations.
//   - Reserve is given only limited limits (l.Unlimited() is false).
//
// Cancel may be called at most once per granted Reservation, and only when
// the caller promises that the start will not happen; the store then may
// forget that one start (for a bucket: give its token back, which is safe
// for the latest start it holds). It is best effort: a store that cannot safely give
// the start back keeps it, and some budget is lost. Cancel should be
// bounded: a Limiter calls it when a waiting request gives up, and, after a
// change of its limit, before it books the waiting requests' new turns.
// A Limiter never calls Reserve or Cancel holding a lock.
type Store interface {
	// Reserve grants the earliest start at or after now such that no window
	// of l.Interval holds more than l.MaxCount starts (for a bucket: such
	// that a token is there for it). If that start is more
	// than maxWait after now, nothing is recorded and the Reservation has
	// OK false and Delay the time until that start (a hint to retry after).
	// Otherwise it is recorded and the Reservation has OK true and Delay the
	// time from now until the start (0 to start at once). maxWait 0 asks for
	// a start now or nothing; maxWait < 0 sets no bound. An error means
	// nothing was recorded.
	Reserve(ctx context.Context, l Limit, maxWait time.Duration) (Reservation, error)
	// Cancel gives back a start granted by Reserve that will not happen,
	// when the store can do so safely. See the Store contract.
	Cancel(ctx context.Context, r Reservation)
}

// Reservation is a Store's answer to Reserve.
type Reservation struct {
	// OK reports whether the start was granted (and recorded).
	OK bool
	// Delay is the time from the store's now until the start: how long to
	// wait before starting when OK, or until a start would be granted when
	// not OK. Never negative.
	Delay time.Duration
	// ID identifies the granted start for Cancel. Its meaning belongs to the
	// Store that issued it; 0 is never a cancellable start.
	ID uint64
}

const (
	// exactMaxCount is the largest MaxCount whose starts a MemoryStore
	// keeps one by one. Above it, starts are counted in buckets of
	// Interval/bucketsPerInterval, each start recorded at its bucket's
	// end: still strict, at most about 1/bucketsPerInterval of a window of
	// budget lost, and memory bounded for any MaxCount.
	exactMaxCount      = 4096
	bucketsPerInterval = 4096
	// maxEntries bounds the entries a MemoryStore keeps (16 bytes each).
	// Exact mode needs at most exactMaxCount, bucket mode about
	// bucketsPerInterval per Interval, so the entries dropped at this cap
	// are older than the Interval in use; they are kept as a horizon.
	maxEntries = 8192
)

// none is a time before any other.
const none = math.MinInt64

// MemoryStoreOptions configure a MemoryStore.
type MemoryStoreOptions struct {
	// Clock tells time; nil is the system clock.
	Clock Clock
}

// MemoryStore is the Store of one process, and the default of a Limiter.
//
// It keeps the starts it granted that are within the last Interval or
// still to come (a ring that grows as starts arrive, so a huge MaxCount
// costs memory only for the starts seen), and grants a request the start
// max(now, latest start, MaxCount-th most recent start + Interval). For
// MaxCount above 4096 it counts starts in buckets of Interval/4096, so its
// memory stays under 128 KiB for any limit. Cancel gives back any start
// that is still recorded.
//
// For a bucket limit it keeps the bucket as GCRA does (one instant, when
// the bucket is full again, and the starts granted ahead of time, for
// Cancel) and grants max(now, latest start, the instant a token is there).
// Cancel gives a bucket start's token back once every later start held is
// given back too.
//
// A MemoryStore is safe for concurrent use by multiple goroutines. Use one
// per limit.
type MemoryStore struct {
	clock Clock // nil: the system clock
	base  time.Time
	// onReserve, set by tests, sees each granted start (ns after base).
	onReserve func(start int64)

	mu sync.Mutex
	// ring holds, oldest first from head, the recorded starts: entries of
	// n starts at (or, in bucket mode, just before) at. Times are ns after
	// base. len(ring) is 0 or a power of two. Requires mu, like all below.
	ring     []entry
	head, n  int
	frontSeq uint64 // ID of ring[head]; an ID is reused only once all its starts were given back
	sum      int64  // starts in ring
	// The MaxCount-th most recent start is in ring[head+cut], if cutSum,
	// the starts from there on, reaches m. recount asks to search again.
	m       int64
	cut     int
	cutSum  int64
	recount bool
	last    int64 // latest granted start (none if none); all starts are <= last
	horizon int64 // latest recorded time among forgotten starts, or none
	bkt     bucket
}

type entry struct {
	at int64 // ns after base; every start in the entry is at or before at
	n  int64 // starts
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(optFns ...func(*MemoryStoreOptions)) *MemoryStore {
	var o MemoryStoreOptions
	for _, f := range optFns {
		f(&o)
	}
	s := &MemoryStore{clock: o.Clock, frontSeq: 1, last: none, horizon: none}
	s.base = s.clockNow()
	return s
}

func (s *MemoryStore) clockNow() time.Time {
	if s.clock == nil {
		return time.Now()
	}
	return s.clock.Now()
}

// now is ns after base; with the system clock it is monotonic.
func (s *MemoryStore) now() int64 {
	if s.clock == nil {
		return int64(time.Since(s.base))
	}
	return int64(s.clock.Now().Sub(s.base))
}

// Reserve implements Store.
func (s *MemoryStore) Reserve(_ context.Context, l Limit, maxWait time.Duration) (Reservation, error) {
	// Limit.Unlimited, with the window's test first: this is the hot path.
	bucket := l.Burst != 0 || l.Rate != 0
	if (!bucket && (l.MaxCount <= 0 || l.Interval <= 0)) || (bucket && l.Unlimited()) {
		return Reservation{OK: true}, nil
	}
	now := s.now()
	s.mu.Lock()
	if bucket {
		r := s.reserveBucketLocked(now, l, int64(maxWait))
		s.mu.Unlock()
		return r, nil
	}
	s.leaveBucketLocked()
	m, iv := int64(l.MaxCount), int64(l.Interval)
	s.forgetLeftLocked(now, iv)
	mask := len(s.ring) - 1
	// Find the entry that holds the MaxCount-th most recent start. It only
	// moves forward as starts are added, so the search goes on from where
	// it stopped, unless MaxCount changed or a start was cancelled.
	if m != s.m || s.recount {
		s.m, s.recount, s.cut, s.cutSum = m, false, 0, s.sum
	}
	for s.cut < s.n {
		e := s.ring[(s.head+s.cut)&mask]
		if s.cutSum-e.n < m {
			break
		}
		s.cutSum -= e.n
		s.cut++
	}
	t := max(now, s.last)
	if s.cutSum >= m {
		// The window ending at t must have left that start behind.
		t = max(t, addSat(s.ring[(s.head+s.cut)&mask].at, iv))
	} else if s.horizon != none {
		// That start, if any, was forgotten: it is no later than the
		// horizon.
		t = max(t, addSat(s.horizon, iv))
	}
	delay := t - now
	if maxWait >= 0 && delay > int64(maxWait) {
		s.mu.Unlock()
		return Reservation{Delay: time.Duration(delay)}, nil
	}
	id := s.addLocked(t, m, iv)
	if s.onReserve != nil {
		s.onReserve(t)
	}
	s.mu.Unlock()
	return Reservation{OK: true, Delay: time.Duration(delay), ID: id}, nil
}

// Record counts a start at t that another store granted under l, as if s
// had granted it, so that the starts s grants later keep l with it too. It
// is for a store that stands in for a shared one while that one cannot be
// reached: package ratelimit/redislimit records in its fallback every start
// Redis grants to the process. A t before the latest start s knows is
// counted at that latest start (later loses budget; earlier would break
// the limit). The Reservation gives the start back with Cancel. An
// unlimited l records nothing.
func (s *MemoryStore) Record(t time.Time, l Limit) Reservation {
	if l.Unlimited() {
		return Reservation{OK: true}
	}
	now := s.now()
	at := int64(t.Sub(s.base))
	s.mu.Lock()
	if l.IsBucket() {
		s.enterBucketLocked(now, int64(l.Burst), tokenNanos(l.Rate))
		at = max(at, s.last)
		id := s.takeLocked(now, at)
		s.mu.Unlock()
		return Reservation{OK: true, Delay: time.Duration(max(0, at-now)), ID: id}
	}
	s.leaveBucketLocked()
	m, iv := int64(l.MaxCount), int64(l.Interval)
	s.forgetLeftLocked(now, iv)
	at = max(at, s.last)
	id := s.addLocked(at, m, iv)
	s.mu.Unlock()
	return Reservation{OK: true, Delay: time.Duration(max(0, at-now)), ID: id}
}

// forgetLeftLocked forgets the starts that the window of length iv ending
// at now has left behind: they decide nothing under this limit. The latest
// stays as the horizon in case the window grows. Later starts stay, even
// those older than the MaxCount-th most recent: a larger MaxCount or a
// Cancel may need them. Requires mu held.
func (s *MemoryStore) forgetLeftLocked(now, iv int64) {
	for s.n > 0 && s.ring[s.head].at <= now-iv {
		s.forgetFrontLocked()
	}
}

// addLocked records a start at t >= s.last under max count m and interval
// iv, and returns its ID. Requires mu held.
func (s *MemoryStore) addLocked(t, m, iv int64) uint64 {
	at := t
	if m > exactMaxCount {
		if q := iv / bucketsPerInterval; q > 1 {
			at = ceilTo(t, q)
		}
	}
	if s.n == 0 || s.ring[(s.head+s.n-1)&(len(s.ring)-1)].at != at {
		s.pushLocked(at)
	}
	s.ring[(s.head+s.n-1)&(len(s.ring)-1)].n++
	s.sum++
	s.cutSum++
	s.last = t
	return s.frontSeq + uint64(s.n) - 1
}

// Cancel implements Store: it forgets the start of r if it is still
// recorded.
func (s *MemoryStore) Cancel(_ context.Context, r Reservation) {
	if !r.OK || r.ID == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.ID&bucketIDs != 0 {
		s.cancelBucketLocked(r.ID)
		return
	}
	if r.ID < s.frontSeq || r.ID-s.frontSeq >= uint64(s.n) {
		return // forgotten already: its time is in the horizon
	}
	mask := len(s.ring) - 1
	off := int(r.ID - s.frontSeq)
	e := &s.ring[(s.head+off)&mask]
	if e.n == 0 {
		return
	}
	e.n--
	s.sum--
	s.recount = true
	if off != s.n-1 || e.n > 0 {
		return // later starts keep last where it is
	}
	// The latest start is gone: later requests may have its turn, but no
	// start still granted may end up after them. Drop the entries left
	// empty at the end, so that giving back the next latest start (newest
	// first, as a Limiter does when its limit changes) finds it last again.
	// No Reservation names them any more: every start they held was given
	// back.
	for s.n > 0 && s.ring[(s.head+s.n-1)&mask].n == 0 {
		s.n--
	}
	c := s.horizon
	if s.n > 0 {
		c = max(c, s.ring[(s.head+s.n-1)&mask].at)
	}
	s.last = min(s.last, c)
}

// forgetFrontLocked drops the oldest entry. Requires mu held.
func (s *MemoryStore) forgetFrontLocked() {
	e := s.ring[s.head]
	if e.n > 0 {
		s.horizon = max(s.horizon, e.at)
	}
	s.sum -= e.n
	if s.cut > 0 {
		s.cut--
	} else {
		s.cutSum -= e.n
	}
	s.head = (s.head + 1) & (len(s.ring) - 1)
	s.n--
	s.frontSeq++
}

// pushLocked appends an empty entry at at, growing the ring or, at
// maxEntries, forgetting the oldest entry. Requires mu held.
func (s *MemoryStore) pushLocked(at int64) {
	if s.n == len(s.ring) {
		if len(s.ring) >= maxEntries {
			s.forgetFrontLocked()
		} else {
			ring := make([]entry, max(8, 2*len(s.ring)))
			for i := range s.n {
				ring[i] = s.ring[(s.head+i)&(len(s.ring)-1)]
			}
			s.ring, s.head = ring, 0
		}
	}
	s.ring[(s.head+s.n)&(len(s.ring)-1)] = entry{at: at}
	s.n++
}

func addSat(a, b int64) int64 {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// ceilTo rounds t >= 0 up to a multiple of q > 0.
func ceilTo(t, q int64) int64 {
	if r := t % q; r != 0 {
		return addSat(t, q-r)
	}
	return t
}
