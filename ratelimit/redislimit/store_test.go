package redislimit_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

// fakeClock is the clock of a MemoryStore under comparison. Only Now is
// used by a store.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }
func (c *fakeClock) NewTimer(time.Duration) (<-chan time.Time, func() bool) {
	panic("a store makes no timers")
}

// twin drives a Redis Store and a MemoryStore through the same fake time.
type twin struct {
	redis *redislimit.Store
	mem   *ratelimit.MemoryStore
	base  int64 // the fake server time at 0, in microseconds
	at    time.Duration
	clock *fakeClock
}

func newTwin(t *testing.T, srv *redistest.Server, key string) *twin {
	t.Helper()
	base := time.Unix(1_700_000_000, 0)
	tw := &twin{base: base.UnixMicro(), clock: &fakeClock{t: base}}
	tw.redis = redislimit.NewStore(newClient(t, srv), key)
	redislimit.SetFakeNow(tw.redis, func() int64 { return tw.base + tw.at.Microseconds() })
	tw.mem = ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = tw.clock })
	return tw
}

func (tw *twin) set(at time.Duration) {
	tw.at = at
	tw.clock.t = time.UnixMicro(tw.base).Add(at)
}

// step is one call at a fake time: a Reserve, or (cancel > 0) the Cancel
// of the reservation of step cancel-1.
type step struct {
	at      time.Duration
	limit   ratelimit.Limit
	maxWait time.Duration
	cancel  int
	ok      bool
	delay   time.Duration
}

func lim(n int, iv time.Duration) ratelimit.Limit {
	return ratelimit.Limit{MaxCount: n, Interval: iv, Block: true}
}

const ms = time.Millisecond

// TestReserveSemantics runs the same calls against Redis and against the
// in-memory store and wants the same, expected, answers from both.
func TestReserveSemantics(t *testing.T) {
	srv := redistest.Run(t)
	two, three := lim(2, time.Second), lim(3, time.Second)
	one := lim(1, time.Second)
	tests := map[string][]step{
		"fail fast refuses with the time to the next turn": {
			{at: 0, limit: two, ok: true},
			{at: 0, limit: two, ok: true},
			{at: 0, limit: two, delay: time.Second},
			{at: 500 * ms, limit: two, delay: 500 * ms},
			{at: time.Second, limit: two, ok: true},
		},
		"blocking requests queue in arrival order": {
			{at: 0, limit: two, maxWait: -1, ok: true},
			{at: 0, limit: two, maxWait: -1, ok: true},
			{at: 0, limit: two, maxWait: -1, ok: true, delay: time.Second},
			{at: 0, limit: two, maxWait: -1, ok: true, delay: time.Second},
			{at: 0, limit: two, maxWait: -1, ok: true, delay: 2 * time.Second},
			{at: 100 * ms, limit: two, maxWait: -1, ok: true, delay: 1900 * ms},
		},
		"max wait bounds the turn and records nothing beyond it": {
			{at: 0, limit: one, ok: true},
			{at: 0, limit: one, maxWait: 500 * ms, delay: time.Second},
			{at: 0, limit: one, maxWait: time.Second, ok: true, delay: time.Second},
			{at: 0, limit: one, maxWait: 1500 * ms, delay: 2 * time.Second},
			{at: 0, limit: one, maxWait: -1, ok: true, delay: 2 * time.Second},
		},
		"the window slides": {
			{at: 0, limit: two, ok: true},
			{at: 400 * ms, limit: two, ok: true},
			{at: 600 * ms, limit: two, delay: 400 * ms},
			{at: time.Second, limit: two, ok: true},
			{at: 1300 * ms, limit: two, delay: 100 * ms},
			{at: 1400 * ms, limit: two, ok: true},
		},
		"cancelling the latest start gives its turn back": {
			{at: 0, limit: one, ok: true},
			{at: 0, limit: one, maxWait: -1, ok: true, delay: time.Second},
			{at: 0, cancel: 2},
			{at: 0, limit: one, maxWait: -1, ok: true, delay: time.Second},
		},
		"cancelling an earlier start keeps the order": {
			{at: 0, limit: one, ok: true},
			{at: 0, limit: one, maxWait: -1, ok: true, delay: time.Second},
			{at: 0, limit: one, maxWait: -1, ok: true, delay: 2 * time.Second},
			{at: 0, cancel: 2},
			{at: 0, limit: one, maxWait: -1, ok: true, delay: 3 * time.Second},
		},
		"a smaller max count counts the starts already made": {
			{at: 0, limit: three, ok: true},
			{at: 0, limit: three, ok: true},
			{at: 0, limit: three, ok: true},
			{at: 100 * ms, limit: one, maxWait: -1, ok: true, delay: 900 * ms},
		},
		"a larger max count assumes forgotten starts were late": {
			{at: 0, limit: one, ok: true},
			{at: 0, limit: one, maxWait: -1, ok: true, delay: time.Second},
			{at: 0, limit: one, maxWait: -1, ok: true, delay: 2 * time.Second},
			{at: 0, limit: three, maxWait: -1, ok: true, delay: 2 * time.Second},
		},
		"a longer interval counts the kept starts": {
			{at: 0, limit: lim(2, 100*ms), ok: true},
			{at: 50 * ms, limit: lim(2, 100*ms), ok: true},
			{at: 150 * ms, limit: lim(2, 100*ms), ok: true},
			{at: 200 * ms, limit: lim(2, time.Second), delay: 850 * ms},
			{at: 200 * ms, limit: lim(2, time.Second), maxWait: -1, ok: true, delay: 850 * ms},
		},
	}
	for name, steps := range tests {
		t.Run(name, func(t *testing.T) {
			tw := newTwin(t, srv, "test:"+name)
			var rr, mr []ratelimit.Reservation
			for i, s := range steps {
				tw.set(s.at)
				if s.cancel > 0 {
					tw.redis.Cancel(t.Context(), rr[s.cancel-1])
					tw.mem.Cancel(t.Context(), mr[s.cancel-1])
					rr, mr = append(rr, ratelimit.Reservation{}), append(mr, ratelimit.Reservation{})
					continue
				}
				r, err := tw.redis.Reserve(t.Context(), s.limit, s.maxWait)
				if err != nil {
					t.Fatalf("step %d: Reserve: %v", i, err)
				}
				m, _ := tw.mem.Reserve(t.Context(), s.limit, s.maxWait)
				if r.OK != s.ok || r.Delay != s.delay {
					t.Errorf("step %d (at %v, %v, maxWait %v): redis OK %v Delay %v, want OK %v Delay %v",
						i, s.at, s.limit, s.maxWait, r.OK, r.Delay, s.ok, s.delay)
				}
				if m.OK != s.ok || m.Delay != s.delay {
					t.Errorf("step %d: memory OK %v Delay %v, want OK %v Delay %v (the table is wrong)",
						i, m.OK, m.Delay, s.ok, s.delay)
				}
				rr, mr = append(rr, r), append(mr, m)
			}
		})
	}
}

// TestReserveMatchesMemoryStore compares the two stores on random calls
// with limits that change at every call and every kind of maxWait.
//
// Cancels are left out: a Store keeps a start it can give back for the
// start's Interval in the process's clock, which this test does not drive
// (the server's clock is fake), so a slow run would see Redis keep a start
// that the MemoryStore gives back: budget lost, not an error.
// TestReserveStrictWithCancels covers cancels.
func TestReserveMatchesMemoryStore(t *testing.T) {
	srv := redistest.Run(t)
	for seed := range uint64(4) {
		tw := newTwin(t, srv, "test:random:"+string(rune('a'+seed)))
		rng := rand.New(rand.NewPCG(seed, 7))
		at := time.Duration(0)
		for i := range 500 {
			at += time.Duration(rng.IntN(40)) * ms
			tw.set(at)
			l := lim(1+rng.IntN(5), time.Duration(1+rng.IntN(300))*ms)
			maxWait := []time.Duration{-1, 0, time.Duration(rng.IntN(500)) * ms}[rng.IntN(3)]
			r, err := tw.redis.Reserve(t.Context(), l, maxWait)
			if err != nil {
				t.Fatalf("seed %d step %d: Reserve: %v", seed, i, err)
			}
			m, _ := tw.mem.Reserve(t.Context(), l, maxWait)
			if r.OK != m.OK || r.Delay != m.Delay {
				t.Fatalf("seed %d step %d (at %v, %v, maxWait %v): redis OK %v Delay %v, memory OK %v Delay %v",
					seed, i, at, l, maxWait, r.OK, r.Delay, m.OK, m.Delay)
			}
		}
	}
}

// TestReserveStrictWithCancels checks the Store contract on random calls
// with cancels: every start granted is no earlier than the ones before it
// that still stand, and the window ending at it holds at most MaxCount
// starts that still stand.
func TestReserveStrictWithCancels(t *testing.T) {
	srv := redistest.Run(t)
	for seed := range uint64(4) {
		tw := newTwin(t, srv, "test:cancel:"+string(rune('a'+seed)))
		rng := rand.New(rand.NewPCG(seed, 11))
		type start struct {
			r     ratelimit.Reservation
			at    time.Duration
			alive bool
		}
		var starts []start
		at := time.Duration(0)
		for i := range 500 {
			at += time.Duration(rng.IntN(40)) * ms
			tw.set(at)
			if len(starts) > 0 && rng.IntN(6) == 0 {
				j := rng.IntN(len(starts))
				if starts[j].alive {
					tw.redis.Cancel(t.Context(), starts[j].r)
					starts[j].alive = false
				}
				continue
			}
			l := lim(1+rng.IntN(5), time.Duration(1+rng.IntN(300))*ms)
			maxWait := []time.Duration{-1, 0, time.Duration(rng.IntN(500)) * ms}[rng.IntN(3)]
			r, err := tw.redis.Reserve(t.Context(), l, maxWait)
			if err != nil {
				t.Fatalf("seed %d step %d: Reserve: %v", seed, i, err)
			}
			if !r.OK {
				continue
			}
			s := at + r.Delay
			inWindow := 1
			for _, o := range starts {
				if !o.alive {
					continue
				}
				if o.at > s {
					t.Fatalf("seed %d step %d: start %v granted after a standing start at %v", seed, i, s, o.at)
				}
				if o.at > s-l.Interval {
					inWindow++
				}
			}
			if inWindow > l.MaxCount {
				t.Fatalf("seed %d step %d: start %v under %v: %d starts in the window", seed, i, s, l, inWindow)
			}
			starts = append(starts, start{r: r, at: s, alive: true})
		}
	}
}

func TestKeyExpiresWhenIdle(t *testing.T) {
	srv := redistest.Run(t)
	c := newClient(t, srv)
	s := redislimit.NewStore(c, "test:ttl", func(o *redislimit.Options) { o.KeyTTL = 50 * ms })
	if _, err := s.Reserve(t.Context(), lim(5, 20*ms), 0); err != nil {
		t.Fatal(err)
	}
	ttl, err := c.PTTL(t.Context(), "test:ttl").Result()
	if err != nil || ttl <= 0 || ttl > 50*ms {
		t.Fatalf("PTTL after a start = %v, %v; want in (0, 50ms]", ttl, err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for c.Exists(t.Context(), "test:ttl").Val() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("idle key still there after 2s")
		}
		time.Sleep(10 * ms)
	}
}

func TestUnlimitedNeedsNoRedis(t *testing.T) {
	// A dead address: an unlimited limit must not even try.
	s := redislimit.NewStore(nil, "test:unlimited", func(o *redislimit.Options) { o.OnError = redislimit.Fail })
	r, err := s.Reserve(context.Background(), ratelimit.Limit{}, 0)
	if err != nil || !r.OK || r.Delay != 0 {
		t.Fatalf("Reserve(unlimited) = %+v, %v; want OK at once", r, err)
	}
}

// TestLimiterOverRedis admits through a Limiter: blocking requests start in
// turn, fail-fast ones are refused with ratelimit.ErrExceeded.
func TestLimiterOverRedis(t *testing.T) {
	srv := redistest.Run(t)
	s := redislimit.NewStore(newClient(t, srv), "test:limiter")
	l := ratelimit.New(ratelimit.Limit{MaxCount: 2, Interval: 200 * ms, Block: true}, ratelimit.WithStore(s))
	begin := time.Now()
	for range 4 {
		if err := l.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(begin); d < 200*ms || d > 400*ms {
		t.Errorf("4 starts at 2 per 200ms took %v, want about 200ms", d)
	}
	l.SetBlock(false)
	err := l.Wait(t.Context())
	var ee *ratelimit.ExceededError
	if !errorsAs(err, &ee) || ee.RetryAfter <= 0 || ee.RetryAfter > 200*ms {
		t.Fatalf("fail-fast Wait over the limit = %v, want an ExceededError with RetryAfter in (0, 200ms]", err)
	}
}
