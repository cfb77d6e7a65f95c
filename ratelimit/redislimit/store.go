package redislimit

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/redis/go-redis/v9"
)

// Store is a ratelimit.Store kept in Redis, so that every Limiter using the
// same key, in any process, shares one limit. It has the semantics of
// ratelimit.MemoryStore (strict sliding window, first come first served,
// the MaxCount most recent starts kept and older ones folded into a
// horizon), with the server's clock: each Reserve is one Lua script run
// atomically by Redis, which reads TIME, computes the start, records it and
// returns the delay; the Limiter sleeps that delay without asking again.
//
// All state of a limit is one sorted set under one key, so the store works
// with Redis Cluster (any slot) and Sentinel through a
// redis.UniversalClient. The key expires once idle (see Options.KeyTTL).
//
// While Redis cannot be reached within Options.Timeout, the store follows
// Options.OnError: Local admits under the same limit in this process, Fail
// returns errors matching ErrBackend. It tries Redis again at most once per
// Options.ProbeInterval and returns to it as soon as it answers.
//
// Across these switches the process keeps its own limit: the local
// fallback counts the starts Redis granted to the process, and Redis, once
// it answers again, is first told the starts the process made meanwhile
// (and those a restarted server lost). The package doc says more.
//
// A Store is safe for concurrent use by multiple goroutines. Its zero value
// is not usable: make one with NewStore or Backend.Open.
type Store struct {
	client redis.UniversalClient
	key    string
	opts   Options
	health *health
	// local is the fallback of OnError Local. It counts every start of
	// the process, those Redis granted too.
	local *ratelimit.MemoryStore

	mu  sync.Mutex
	own own // the process's recent starts; requires mu

	// Set by tests before first use: a fake server clock (microseconds),
	// hooks that see every start recorded in and removed from Redis, and
	// one that sees every start the fallback grants.
	fakeNow  func() int64
	onGrant  func(id uint64, start time.Time, l ratelimit.Limit)
	onCancel func(id uint64)
	onLocal  func(id uint64, start time.Time)
}

var _ ratelimit.Store = (*Store)(nil)

// NewStore returns the Store of the limit under key, kept through client.
// The key is used as is (a Backend builds "<prefix>:<account id>:<region>
// [:<service>[:<operation>]]"); every process that uses the same key and
// Redis shares the limit. The caller keeps ownership of client.
//
// Every Redis call is bounded by Options.Timeout through its context; for
// the bound to hold on a slow server, client must have
// ContextTimeoutEnabled set (Backend's clients do).
func NewStore(client redis.UniversalClient, key string, optFns ...func(*Options)) *Store {
	var o Options
	for _, f := range optFns {
		f(&o)
	}
	o.resolve()
	return newStore(client, key, o, newHealth(key, clientHost(client), &o))
}

func newStore(client redis.UniversalClient, key string, o Options, h *health) *Store {
	return &Store{client: client, key: key, opts: o, health: h, local: ratelimit.NewMemoryStore(),
		own: newOwn(h.outageCount())}
}

// String names the store by its key.
func (s *Store) String() string { return "redislimit.Store(" + s.key + ")" }

// Reserve implements ratelimit.Store: it asks Redis for the earliest start,
// or, during an outage, follows Options.OnError. An error is a
// *BackendError (OnError Fail) or the context's error.
func (s *Store) Reserve(ctx context.Context, l ratelimit.Limit, maxWait time.Duration) (ratelimit.Reservation, error) {
	if l.Unlimited() {
		return ratelimit.Reservation{OK: true}, nil
	}
	for {
		try, probe, cause := s.health.begin()
		// With the local fallback, the probe of an outage is granted
		// locally like the requests around it, and only replays the
		// process's starts into Redis: Redis grants nothing while the
		// fallback does, so neither grants a start the other cannot see.
		if try && (!probe || s.opts.OnError == Fail) {
			r, err := s.reserve(ctx, l, maxWait)
			if err != nil && gaveUp(ctx) {
				// The caller gave up: that says nothing about Redis. A
				// start the script may have recorded is lost budget,
				// never excess.
				s.health.abandon(probe)
				return ratelimit.Reservation{}, cmp.Or(ctx.Err(), context.DeadlineExceeded)
			}
			s.health.end(probe, err, s.key)
			if err == nil {
				return r, nil
			}
			cause = err
		}
		if s.opts.OnError == Fail {
			return ratelimit.Reservation{}, &BackendError{Key: s.key, Err: cause}
		}
		if r, ok := s.reserveLocal(ctx, l, maxWait, probe); ok {
			if r.OK {
				s.health.tel.admittedLocally(ctx)
			}
			if probe {
				s.probe(ctx, l)
			}
			return r, nil
		}
		// Redis answers again since this request set out: it must hear of
		// the request, after the starts granted locally.
	}
}

// reserveLocal asks the local fallback, unless the outage has ended (ok
// false) for a request that is not its probe. It runs under mu, so that a
// replay taken after it sees the start, and a request that finds the
// outage over goes to Redis after every start granted here.
func (s *Store) reserveLocal(ctx context.Context, l ratelimit.Limit, maxWait time.Duration, probe bool) (r ratelimit.Reservation, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !probe && !s.health.isDown() {
		return ratelimit.Reservation{}, false
	}
	r, _ = s.local.Reserve(ctx, l, maxWait) // a MemoryStore never fails
	if !r.OK {
		return r, true
	}
	now := time.Now()
	st := &ownStart{id: newID(), at: now.Add(r.Delay), local: r}
	s.own.add(st, now, lookback(l))
	s.own.dirty++
	r.ID = st.id
	if s.onLocal != nil {
		s.onLocal(st.id, st.at)
	}
	return r, true
}

// probe tries Redis during an outage by replaying the process's recent
// starts into it, granting nothing, and ends the outage if Redis answers.
func (s *Store) probe(ctx context.Context, l ratelimit.Limit) {
	_, err := s.call(ctx, l, 0, 0)
	if err != nil && gaveUp(ctx) {
		s.health.abandon(true)
		return
	}
	s.health.end(true, err, s.key)
}

// reserve asks Redis for a start.
func (s *Store) reserve(ctx context.Context, l ratelimit.Limit, maxWait time.Duration) (ratelimit.Reservation, error) {
	return s.call(ctx, l, maxWait, newID())
}

// call runs the script, with a replay of the process's starts if one is
// due, and notes a granted start in the process's book and in the
// fallback. id names the start to grant; 0 grants none (a probe).
func (s *Store) call(ctx context.Context, l ratelimit.Limit, maxWait time.Duration, id uint64) (ratelimit.Reservation, error) {
	v, replayed, mark, err := s.runReplaying(ctx, l, maxWait, id)
	if err != nil {
		return ratelimit.Reservation{}, err
	}
	r := ratelimit.Reservation{OK: v[0] == 1, Delay: time.Duration(max(v[1], 0)) * time.Microsecond}
	if r.OK && v[3] == 1 {
		r.ID = id
	} // else recorded under another name: not cancellable
	if r.OK && s.onGrant != nil {
		s.onGrant(r.ID, time.UnixMicro(v[2]), l)
	}

	s.mu.Lock()
	gone := s.own.markSynced(mark, replayed)
	if r.OK {
		now := time.Now()
		st := &ownStart{id: r.ID, at: now.Add(r.Delay), inRedis: true}
		st.local = s.local.Record(st.at, l)
		if r.ID != 0 {
			s.own.add(st, now, lookback(l))
		}
	}
	s.mu.Unlock()
	// Given back while the replay put them in Redis again.
	for _, st := range gone {
		s.remove(context.WithoutCancel(ctx), st.id)
	}
	return r, nil
}

// runReplaying runs the script with the replay that is due, if any, and
// returns its reply, the starts it replayed and what the replay covered.
// A reply that the key is lost makes a replay due: the script runs again
// with it.
func (s *Store) runReplaying(ctx context.Context, l ratelimit.Limit, maxWait time.Duration, id uint64) (v []int64, replayed []*ownStart, mark syncMark, err error) {
	for range 2 {
		outages := s.health.outageCount()
		sent := time.Now()
		s.mu.Lock()
		args, batch, m := s.own.replay(sent, lookback(l), outages)
		s.mu.Unlock()
		v, err = s.run(ctx, l, maxWait, id, args)
		if err != nil || v[0] != -1 {
			return v, batch, m, err
		}
		s.mu.Lock()
		s.own.dirty++
		s.mu.Unlock()
	}
	// A replay disables the check: lost twice cannot happen.
	return nil, nil, syncMark{}, fmt.Errorf("redislimit: key %s lost again during its replay", s.key)
}

// run runs the script once, bounded by Options.Timeout, and returns its
// reply.
func (s *Store) run(ctx context.Context, l ratelimit.Limit, maxWait time.Duration, id uint64, replay []any) ([]int64, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	maxWaitUS := int64(-1)
	if maxWait >= 0 {
		maxWaitUS = maxWait.Microseconds() // rounded down: never waits longer
	}
	m := "" // grant nothing
	if id != 0 {
		m = member(id)
	}
	now := ""
	if s.fakeNow != nil {
		now = strconv.FormatInt(s.fakeNow(), 10)
	}
	script, count, period := reserveScript, int64(l.MaxCount), ceilMicros(l.Interval) // rounded up: never earlier than allowed
	if l.IsBucket() {
		script, count, period = bucketScript, int64(l.Burst), tokenMicros(l.Rate)
	}
	args := append([]any{
		count,
		period,
		maxWaitUS,
		m,
		ceilMillis(max(lookback(l), s.opts.KeyTTL)),
		now,
	}, replay...)
	begin := s.health.tel.start()
	v, err := script.Run(ctx, s.client, []string{s.key}, args...).Int64Slice()
	s.health.tel.answered(ctx, begin, err)
	if err != nil {
		return nil, err
	}
	if len(v) != 4 {
		return nil, fmt.Errorf("redislimit: unexpected script reply %v", v)
	}
	return v, nil
}

// Cancel implements ratelimit.Store: it removes the start of r from the
// local fallback and from Redis. Removing a start only ever empties
// windows, so it is always safe. The Redis part is skipped during an
// outage (the start stays in Redis: budget lost, not exceeded), and bounded
// by Options.Timeout; a Cancel that Redis does not answer starts an
// outage, as a failed Reserve does. A start whose time is more than its
// limit's Interval past is no longer kept: it is not given back.
func (s *Store) Cancel(ctx context.Context, r ratelimit.Reservation) {
	if !r.OK || r.ID == 0 {
		return
	}
	s.mu.Lock()
	st, inRedis, ok := s.own.take(r.ID)
	s.mu.Unlock()
	if !ok {
		return
	}
	s.local.Cancel(ctx, st.local)
	if inRedis {
		s.remove(ctx, r.ID)
	}
}

// remove removes the start with ID id from Redis, unless Redis is down.
func (s *Store) remove(ctx context.Context, id uint64) {
	if s.health.isDown() {
		return
	}
	if s.onCancel != nil {
		s.onCancel(id)
	}
	cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	begin := s.health.tel.start()
	err := cancelScript.Run(cctx, s.client, []string{s.key}, member(id)).Err()
	s.health.tel.answered(ctx, begin, err)
	if err != nil && !gaveUp(ctx) {
		// An outage like any: the calls that follow (a Limiter gives back
		// the starts of all its waiting requests at once) need not wait
		// for Redis one timeout each.
		s.health.end(false, err, s.key)
	}
}

// newID names a start: random, so that the members of all processes differ,
// and never 0, which is no cancellable start.
func newID() uint64 { return rand.Uint64() | 1<<63 }

// gaveUp reports whether the caller's ctx has ended: cancelled, or past its
// deadline even if its timer has not fired yet (a socket deadline taken
// from it may fire first, and then the failure is the caller's, not
// Redis's).
func gaveUp(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// member is the sorted-set member of the start with ID id.
func member(id uint64) string { return strconv.FormatUint(id, 36) }

func ceilMicros(d time.Duration) int64 {
	return int64((d + time.Microsecond - 1) / time.Microsecond)
}

func ceilMillis(d time.Duration) int64 {
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

// lookback is how far back a limit looks: its Interval, or for a bucket the
// time an empty bucket takes to fill.
func lookback(l ratelimit.Limit) time.Duration {
	if l.IsBucket() {
		return time.Duration(l.Burst) * time.Duration(tokenMicros(l.Rate)) * time.Microsecond
	}
	return l.Interval
}

// tokenMicros is the time a bucket of rate r takes to gain a token, in
// whole microseconds rounded up (never earlier than allowed), at least 1.
func tokenMicros(r float64) int64 {
	return max(1, int64(math.Ceil(1e6/r)))
}
