package ratelimit

import "time"

// OnReserve makes s call f with every start it grants, as time after the
// store was made, under the store's lock (so in the order granted).
func OnReserve(s *MemoryStore, f func(start time.Duration)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onReserve = func(t int64) { f(time.Duration(t)) }
}

// Sleeping is how many requests sleep in l.
func Sleeping(l *Limiter) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for w := l.head; w != nil; w = w.next {
		n++
	}
	return n
}

// Entries is how many entries s keeps.
func Entries(s *MemoryStore) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Base is the time s counts its starts from.
func Base(s *MemoryStore) time.Time { return s.base }

// HasTelemetry reports whether l keeps telemetry state.
func HasTelemetry(l *Limiter) bool { return l.tel != nil }
