// Package ratelimit admits requests under a limit whose knobs change at run
// time: a strict sliding window, or a token bucket (AWS's own model). The
// seed's cs.ratelimit RateLimit block,
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
// A window slides and is strict: in no window of length Interval do more
// than MaxCount requests start, whatever the timing. Unlike a token bucket
// there is no burst on top of the rate, and unlike a fixed window there is
// no double burst at a window's edge. A blocked stream still uses the whole
// budget: a request's turn is the earliest instant the rule allows.
// MaxCount 0 or Interval 0 (Burst 0 or Rate 0 for a bucket) means
// unlimited (Wait returns nil at once). A RateLimit block in a config file
// must say so, with unlimited: true: a block whose max_count or interval
// (burst or rate) is missing or zero is refused unless it names a preset
// or turns adaptive mode on (see Spec.Validate), so that a typo does not
// lift the limit.
//
// With block: true, Wait sleeps until the request's turn, in arrival order,
// holding no lock; it returns ctx.Err() if the context ends first (giving
// the turn back), and returns at once, consuming nothing, when the
// context's deadline comes before the turn. With block: false, Wait never
// sleeps: a request that cannot start now gets an *ExceededError whose
// RetryAfter says when it could have, and consumes nothing. Both refusals
// match ErrExceeded.
//
// # Token buckets
//
// A Limit with Burst and Rate instead of MaxCount and Interval is a token
// bucket, the model AWS throttles its APIs with:
//
//	RateLimit: {burst: 100, rate: 20, block: true}   # EC2's Describe* bucket
//
// The bucket holds at most Burst tokens, starts full, gains Rate tokens a
// second (fractions allowed: rate: 0.1 is one every 10s) and gives one to
// each request: no span of length t holds more than Burst + Rate·t starts.
// A limit is one form or the other (Validate refuses both); blocking,
// fail-fast, arrival order, deadlines and the Store work alike for both.
// When a bucket's knobs change, it keeps its tokens (at most the new
// Burst): raising Burst adds no tokens, raising Rate refills faster.
//
// SetMaxCount, SetInterval, SetBurst, SetRate, SetBlock and SetLimit take
// effect for the next request
// and for the requests already waiting, which get new turns under the new
// limit, in arrival order (raising the limit releases them early; turning
// Block off refuses them). A setter of the other form's knob switches the
// form (SetBurst on a window clears MaxCount and Interval); SetLimit sets
// all knobs at once. The setters never wait for the Store: they
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
// # Adaptive mode
//
// With Options.Adaptive (a block's adaptive: true), the Limiter follows
// what the server says: the caller reports each throttled request with
// Throttled (the root package does, for every attempt AWS throttles), and
// the rate in force drops to 0.7 times the rate in use (the lowest of the
// rate in force and what the server accepted lately and since the last
// decrease; 0.5 times when throttled again within a second), paced (a
// bucket of Burst 1, or a window of MaxCount 1); it then recovers as the
// SDK's adaptive retry mode does, by CUBIC (quickly at first, flat a little
// below the rate that was throttled, faster again beyond it), scaled to
// that rate; once back at the knobs' limit, adaptive mode steps aside.
// Throttles of requests admitted before the last decrease do not lower it
// again. It never goes above the knobs' limit; an unlimited limit in
// adaptive mode is unlimited until its first throttle. Limit returns the
// knobs' limit, Effective the one in force, and Stats counts throttles and
// decreases, for telemetry and --debug.
//
// # Metrics
//
// With Options.MeterProvider (WithMeterProvider), a Limiter reports to
// OpenTelemetry, meter "github.com/awsaccount/awsaccount/ratelimit", every
// measurement with Options.Attributes: what the limit covers (the root
// package's Registry sets region, service, operation and account_id):
//
//	awsaccount.ratelimit.waiters        {request}    up-down counter: requests sleeping until their turn
//	awsaccount.ratelimit.rebookings     {request}    counter: turns of waiting requests given back after a
//	                                                 change of the limit (a knob, an adaptive decrease),
//	                                                 to be booked anew under the new one
//	awsaccount.ratelimit.store.errors   {call}       counter: store calls that failed (the request failed
//	                                                 with the store's error); not those of a request that
//	                                                 had given up (its context ended)
//	awsaccount.ratelimit.adaptive.rate  {request}/s  gauge, adaptive mode only: the rate in force, recorded
//	                                                 at each decrease, each step of the recovery and each
//	                                                 change of the knobs (0: unlimited)
//
// The waiters of several Limiters with the same attributes add up. The
// gauge has no value until the rate first changes. The admissions, refusals
// and wait durations of requests are the root package's metrics (it times
// a request's wait across all the limits it passes). Without a provider,
// or with one of OpenTelemetry's no-op providers, a Limiter keeps no
// telemetry state and costs nothing more; with one, an admission that does
// not sleep records nothing either. No measurement is made while the
// Limiter's lock is held.
//
// # Presets
//
// A block's preset: aws puts AWS's published quotas under the limit, one
// limit per operation or group of operations that AWS throttles together
// (package ratelimit/awslimits; the root package applies them). Spec
// validates the name.
//
// Time comes from a Clock (WithClock), the system clock by default; tests
// drive a fake one.
package ratelimit
