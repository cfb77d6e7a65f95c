package ratelimit

import (
	"sync/atomic"
	"time"
)

// Stats counts what a Limiter did since it was made.
type Stats struct {
	// Admitted counts calls of Wait that returned nil, unlimited ones too.
	Admitted uint64
	// Refused counts calls of Wait that returned an error matching
	// ErrExceeded: fail-fast refusals and unmeetable deadlines.
	Refused uint64
	// Waited counts the admissions that had to wait for their turn.
	Waited uint64
	// TotalWait is the time those admissions spent waiting.
	TotalWait time.Duration
	// Throttled counts the throttles reported with Limiter.Throttled.
	Throttled uint64
	// Decreases counts the throttles that lowered the rate in adaptive
	// mode (the others came from requests admitted before the last
	// decrease).
	Decreases uint64
}

// counters are the atomics behind Stats. admitted sits on its own cache
// line: it is the one every admission touches.
type counters struct {
	admitted  atomic.Uint64
	_         [56]byte
	refused   atomic.Uint64
	waited    atomic.Uint64
	totalWait atomic.Int64
	throttled atomic.Uint64
	decreases atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Admitted:  c.admitted.Load(),
		Refused:   c.refused.Load(),
		Waited:    c.waited.Load(),
		TotalWait: time.Duration(c.totalWait.Load()),
		Throttled: c.throttled.Load(),
		Decreases: c.decreases.Load(),
	}
}
