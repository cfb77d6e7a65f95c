package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Store keeps the admission state of one limit. The Limiter asks it for a
// slot per request; the in-memory store (NewMemoryStore) is the default, and
// package ratelimit/redislimit shares one state between processes.
//
// Implementations must be safe for concurrent use and keep this contract:
//
//   - Reserve atomically reserves the earliest start time t, at or after now
//     and at or after every start already reserved (so waiters go in arrival
//     order), such that no window of length l.Interval holds more than
//     l.MaxCount reserved starts. It returns the Reservation with OK true and
//     Delay = t - now.
//   - If t would be more than maxWait after now, Reserve reserves nothing and
//     returns OK false with Delay = t - now. maxWait < 0 means no bound.
//     maxWait 0 asks for a slot now or nothing (fail fast).
//   - Reserve is never called with an unlimited l.
//   - Cancel gives back a reservation that will not be used, if the store can
//     do so without breaking the window rule (typically only when it is
//     still the latest); otherwise it does nothing.
//   - Errors (a shared store that cannot be reached) are returned as they are;
//     the Limiter wraps them.
type Store interface {
	Reserve(ctx context.Context, l Limit, maxWait time.Duration) (Reservation, error)
	Cancel(ctx context.Context, r Reservation)
}

// Reservation is a Store's answer.
type Reservation struct {
	OK    bool          // a start was reserved
	Delay time.Duration // from now until the start (or until the earliest start when !OK)
	// Start is the reserved start in the store's clock, for Cancel.
	Start time.Time
	// Token identifies the reservation to stores that need more than Start.
	Token string
}

// MemoryStore is the in-process Store: the last reserved starts of one
// limit, at most MaxCount of them and none older than Interval, so its
// memory is 8 bytes per start within the last Interval, up to MaxCount.
type MemoryStore struct {
	now  func() time.Time
	base time.Time // starts are nanoseconds since base (monotonic)

	mu     sync.Mutex
	starts []int64 // ascending, from head on; guarded by mu
	head   int     // first live entry of starts; guarded by mu
}

// NewMemoryStore returns an empty in-memory store using clock (nil for
// time.Now).
func NewMemoryStore(clock func() time.Time) *MemoryStore {
	if clock == nil {
		clock = time.Now
	}
	return &MemoryStore{now: clock, base: clock()}
}

var _ Store = (*MemoryStore)(nil)

// Reserve implements Store.
func (m *MemoryStore) Reserve(_ context.Context, l Limit, maxWait time.Duration) (Reservation, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reserve(int64(m.now().Sub(m.base)), l, maxWait), nil
}

// reserve requires m.mu held.
func (m *MemoryStore) reserve(now int64, l Limit, maxWait time.Duration) Reservation {
	interval, maxCount := int64(l.Interval), l.MaxCount
	// Starts at or before now-Interval constrain nothing any more, and only
	// the last MaxCount starts can constrain the next one.
	for m.head < len(m.starts) && (m.starts[m.head] <= now-interval || len(m.starts)-m.head > maxCount) {
		m.head++
	}
	if m.head == len(m.starts) {
		m.starts, m.head = m.starts[:0], 0
	} else if m.head > 1024 && m.head > len(m.starts)/2 {
		n := copy(m.starts, m.starts[m.head:])
		m.starts, m.head = m.starts[:n], 0
	}
	t := now
	if n := len(m.starts); n > m.head {
		t = max(t, m.starts[n-1])
		if n-m.head >= maxCount {
			t = max(t, m.starts[n-maxCount]+interval)
		}
	}
	delay := time.Duration(t - now)
	if maxWait >= 0 && delay > maxWait {
		return Reservation{OK: false, Delay: delay}
	}
	m.starts = append(m.starts, t)
	return Reservation{OK: true, Delay: delay, Start: m.base.Add(time.Duration(t))}
}

// Cancel implements Store: it gives back r when r is still the latest start.
func (m *MemoryStore) Cancel(_ context.Context, r Reservation) {
	if !r.OK {
		return
	}
	t := int64(r.Start.Sub(m.base))
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := len(m.starts); n > m.head && m.starts[n-1] == t {
		m.starts = m.starts[:n-1]
	}
}

// Len is how many starts the store holds.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.starts) - m.head
}
