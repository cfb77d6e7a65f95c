// Package ratelimit admits requests under a strict limit whose knobs change
// at run time: the seed's cs.ratelimit RateLimit block,
//
//	RateLimit:
//	  max_count: 10   # at most 10 requests start...
//	  interval: 1     # ...in any window of 1 second
//	  block: True     # a request over the limit waits for its turn
//
// is a Limit{MaxCount: 10, Interval: time.Second, Block: true}, and a
// Limiter enforces it. Every request calls Wait before it starts:
//
//	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second})
//	_ = l.Wait(ctx)     // admitted
//	err := l.Wait(ctx)  // errors.Is(err, ratelimit.ErrExceeded): "Too fast!"
//	l.SetMaxCount(2)    // at run time, from any goroutine
//	_ = l.Wait(ctx)     // admitted
//
// # Semantics
//
// The window slides and is strict: in no window of length Interval do more
// than MaxCount requests start, whatever the timing. Unlike a token bucket
// there is no burst on top of the rate, and unlike a fixed window there is
// no double burst at a window's edge. A blocked stream still uses the whole
// budget: a request's turn is the earliest instant the rule allows.
// MaxCount 0 or Interval 0 means unlimited (Wait returns nil at once). A
// RateLimit block in a config file must say so, with unlimited: true: a
// block whose max_count or interval is missing or zero is refused (see
// Spec.Validate), so that a typo does not lift the limit.
//
// With block: true, Wait sleeps until the request's turn, in arrival order,
// holding no lock; it returns ctx.Err() if the context ends first (giving
// the turn back), and returns at once, consuming nothing, when the
// context's deadline comes before the turn. With block: false, Wait never
// sleeps: a request that cannot start now gets an *ExceededError whose
// RetryAfter says when it could have, and consumes nothing. Both refusals
// match ErrExceeded.
//
// SetMaxCount, SetInterval and SetBlock take effect for the next request
// and for the requests already waiting, which get new turns under the new
// limit, in arrival order (raising the limit releases them early; turning
// Block off refuses them). The setters never wait for the Store: they
// publish the new limit and return, and a short-lived goroutine gives the
// waiting requests back to the Store and books their new turns, holding no
// lock while it does. Stats counts admissions, refusals and time spent
// waiting.
//
// # State
//
// A Limiter keeps its state in a Store: a MemoryStore of its own by
// default, or one given with WithStore, so that several Limiters, in one
// process or (with package ratelimit/redislimit) in many, share one limit.
// The Store interface documents what a shared store must guarantee.
//
// A config file's RateLimit block decodes into a Spec: the Limit's keys
// and, optionally, a backend block (BackendSpec) that puts the state in a
// shared store. A BackendFactory, such as redislimit.Backend.Open, builds
// that store; the root package's Registry calls the factory registered
// under the backend's name.
//
// Time comes from a Clock (WithClock), the system clock by default; tests
// drive a fake one.
package ratelimit
