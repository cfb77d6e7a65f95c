package redislimit

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/redis/go-redis/v9"
)

// redisID marks the IDs of starts recorded in Redis; the IDs of the local
// fallback (a MemoryStore counting from 1) never have it.
const redisID = 1 << 63

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
// A Store is safe for concurrent use by multiple goroutines. Its zero value
// is not usable: make one with NewStore or Backend.Open.
type Store struct {
	client redis.UniversalClient
	key    string
	opts   Options
	health *health
	local  *ratelimit.MemoryStore // the fallback of OnError Local

	// Set by tests before first use: a fake server clock (microseconds),
	// and hooks that see every start recorded in and removed from Redis.
	fakeNow  func() int64
	onGrant  func(id uint64, start time.Time, l ratelimit.Limit)
	onCancel func(id uint64)
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
	return newStore(client, key, o, newHealth(key, &o))
}

func newStore(client redis.UniversalClient, key string, o Options, h *health) *Store {
	return &Store{client: client, key: key, opts: o, health: h, local: ratelimit.NewMemoryStore()}
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
	try, probe, cause := s.health.begin()
	if !try {
		return s.unavailable(ctx, l, maxWait, cause)
	}
	r, err := s.reserve(ctx, l, maxWait)
	if err != nil && gaveUp(ctx) {
		// The caller gave up: that says nothing about Redis. A start the
		// script may have recorded is lost budget, never excess.
		s.health.abandon(probe)
		return ratelimit.Reservation{}, cmp.Or(ctx.Err(), context.DeadlineExceeded)
	}
	s.health.end(probe, err, s.key)
	if err != nil {
		return s.unavailable(ctx, l, maxWait, err)
	}
	return r, nil
}

// unavailable answers a request that Redis could not.
func (s *Store) unavailable(ctx context.Context, l ratelimit.Limit, maxWait time.Duration, cause error) (ratelimit.Reservation, error) {
	if s.opts.OnError == Fail {
		return ratelimit.Reservation{}, &BackendError{Key: s.key, Err: cause}
	}
	return s.local.Reserve(ctx, l, maxWait)
}

// reserve runs the script once.
func (s *Store) reserve(ctx context.Context, l ratelimit.Limit, maxWait time.Duration) (ratelimit.Reservation, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	id := rand.Uint64() | redisID
	maxWaitUS := int64(-1)
	if maxWait >= 0 {
		maxWaitUS = maxWait.Microseconds() // rounded down: never waits longer
	}
	now := ""
	if s.fakeNow != nil {
		now = strconv.FormatInt(s.fakeNow(), 10)
	}
	v, err := reserveScript.Run(ctx, s.client, []string{s.key},
		l.MaxCount,
		ceilMicros(l.Interval), // rounded up: never earlier than allowed
		maxWaitUS,
		member(id),
		ceilMillis(max(l.Interval, s.opts.KeyTTL)),
		now,
	).Int64Slice()
	if err != nil {
		return ratelimit.Reservation{}, err
	}
	if len(v) != 4 {
		return ratelimit.Reservation{}, fmt.Errorf("redislimit: unexpected script reply %v", v)
	}
	delay := time.Duration(max(v[1], 0)) * time.Microsecond
	if v[0] == 0 {
		return ratelimit.Reservation{Delay: delay}, nil
	}
	if v[3] == 0 {
		id = 0 // recorded under another name: not cancellable
	}
	if s.onGrant != nil {
		s.onGrant(id, time.UnixMicro(v[2]), l)
	}
	return ratelimit.Reservation{OK: true, Delay: delay, ID: id}, nil
}

// Cancel implements ratelimit.Store: it removes the start of r from Redis
// (or from the local fallback that granted it). Removing a start only ever
// empties windows, so it is always safe; it is skipped during an outage,
// and bounded by Options.Timeout. A Cancel that Redis does not answer
// starts an outage, as a failed Reserve does.
func (s *Store) Cancel(ctx context.Context, r ratelimit.Reservation) {
	if !r.OK || r.ID == 0 {
		return
	}
	if r.ID&redisID == 0 {
		s.local.Cancel(ctx, r)
		return
	}
	if s.health.isDown() {
		return
	}
	if s.onCancel != nil {
		s.onCancel(r.ID)
	}
	cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	if err := s.client.ZRem(cctx, s.key, member(r.ID)).Err(); err != nil && !gaveUp(ctx) {
		// An outage like any: the calls that follow (a Limiter gives back
		// the starts of all its waiting requests at once) need not wait
		// for Redis one timeout each.
		s.health.end(false, err, s.key)
	}
}

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
