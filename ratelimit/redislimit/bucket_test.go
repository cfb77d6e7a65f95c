package redislimit_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

func bkt(burst int, rate float64) ratelimit.Limit {
	return ratelimit.Limit{Burst: burst, Rate: rate, Block: true}
}

// TestBucketSemantics runs the same calls against Redis and against the
// in-memory store and wants the same, expected, answers from both.
func TestBucketSemantics(t *testing.T) {
	srv := redistest.Run(t)
	b2 := bkt(2, 10) // a token every 100ms
	tests := map[string][]step{
		"the burst at once, then a token per 1/rate": {
			{at: 0, limit: b2, ok: true}, {at: 0, limit: b2, ok: true}, {at: 0, limit: b2, delay: 100 * ms},
			{at: 40 * ms, limit: b2, delay: 60 * ms}, {at: 100 * ms, limit: b2, ok: true}, {at: 100 * ms, limit: b2, delay: 100 * ms},
		},
		"blocking requests queue one token apart": {
			{at: 0, limit: b2, maxWait: -1, ok: true}, {at: 0, limit: b2, maxWait: -1, ok: true},
			{at: 0, limit: b2, maxWait: -1, ok: true, delay: 100 * ms}, {at: 0, limit: b2, maxWait: -1, ok: true, delay: 200 * ms},
		},
		"max wait bounds the turn and takes no token": {
			{at: 0, limit: b2, ok: true}, {at: 0, limit: b2, ok: true},
			{at: 0, limit: b2, maxWait: 50 * ms, delay: 100 * ms}, {at: 0, limit: b2, maxWait: -1, ok: true, delay: 100 * ms},
		},
		"the bucket refills to its burst, no more": {
			{at: 0, limit: b2, ok: true}, {at: 0, limit: b2, ok: true},
			{at: time.Hour, limit: b2, ok: true}, {at: time.Hour, limit: b2, ok: true}, {at: time.Hour, limit: b2, delay: 100 * ms},
		},
		"a slower rate keeps the tokens left": {
			{at: 0, limit: b2, ok: true},
			{at: 0, limit: bkt(2, 1), ok: true}, {at: 0, limit: bkt(2, 1), delay: time.Second},
		},
		"a smaller burst caps the tokens": {
			{at: 0, limit: bkt(1, 10), ok: true}, {at: 0, limit: bkt(1, 10), delay: 100 * ms},
		},
		"giving back the latest starts, newest first, returns their tokens": {
			{at: 0, limit: bkt(1, 1), maxWait: -1, ok: true},
			{at: 0, limit: bkt(1, 1), maxWait: -1, ok: true, delay: time.Second},
			{at: 0, limit: bkt(1, 1), maxWait: -1, ok: true, delay: 2 * time.Second},
			{at: 0, cancel: 2}, // out of order: kept for now
			{at: 0, limit: bkt(1, 1), maxWait: 0, delay: 3 * time.Second},
			{at: 0, cancel: 3}, // the latest: both come back
			{at: 0, limit: bkt(1, 1), maxWait: -1, ok: true, delay: time.Second},
		},
		"a window after a bucket counts its starts as at the latest": {
			{at: 0, limit: b2, ok: true},
			{at: 10 * ms, limit: lim(5, time.Second), delay: 990 * ms},
		},
		"a bucket after a window is empty after the latest start": {
			{at: 0, limit: lim(5, time.Second), ok: true},
			{at: 0, limit: b2, delay: 100 * ms},
			{at: 100 * ms, limit: b2, ok: true},
		},
	}
	for name, steps := range tests {
		t.Run(name, func(t *testing.T) {
			tw := newTwin(t, srv, "test:bucket:"+name)
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
					t.Errorf("step %d: memory OK %v Delay %v, want OK %v Delay %v (the table is wrong)", i, m.OK, m.Delay, s.ok, s.delay)
				}
				rr, mr = append(rr, r), append(mr, m)
			}
		})
	}
}

// TestBucketMatchesMemoryStore compares the two stores on random calls
// under buckets whose token time is whole microseconds in both.
func TestBucketMatchesMemoryStore(t *testing.T) {
	srv := redistest.Run(t)
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 11))
		l := bkt(1+rng.IntN(5), []float64{1, 4, 10, 20, 50}[rng.IntN(5)])
		tw := newTwin(t, srv, "test:bucket:random:"+string(rune('a'+seed)))
		at := time.Duration(0)
		for i := range 400 {
			at += time.Duration(rng.IntN(60)) * ms
			tw.set(at)
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

// TestBucketSharedByStores: two Stores on clients of their own (two
// processes, as Redis sees them), each under a Limiter that 16 goroutines
// wait on, share a bucket of 20 and 100/s for 1.5s on the server's clock.
// No span t of the starts Redis granted holds more than 20 + 100·t, and
// together they use at least 90% of the budget.
func TestBucketSharedByStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for 1.5s")
	}
	const (
		burst = 20
		rate  = 100.0
		run   = 1500 * time.Millisecond
	)
	srv := redistest.Run(t)
	var mu sync.Mutex
	var starts []time.Time
	var limiters []*ratelimit.Limiter
	for range 2 {
		s := redislimit.NewStore(newClient(t, srv), "test:bucket:shared")
		redislimit.SetHooks(s, func(_ uint64, start time.Time, _ ratelimit.Limit) {
			mu.Lock()
			starts = append(starts, start)
			mu.Unlock()
		}, nil)
		limiters = append(limiters, ratelimit.New(bkt(burst, rate), ratelimit.WithStore(s)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), run)
	defer cancel()
	var wg sync.WaitGroup
	for i := range 32 {
		l := limiters[i%2]
		wg.Go(func() {
			for ctx.Err() == nil {
				_ = l.Wait(ctx) // admitted, or refused at the run's end
			}
		})
	}
	wg.Wait()
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	for i := range starts {
		for j := i + burst; j < len(starts); j++ {
			n := float64(j - i + 1)
			if allowed := burst + rate*starts[j].Sub(starts[i]).Seconds(); n > allowed+1e-9 {
				t.Fatalf("starts %d..%d, %v apart, hold %.0f, more than %.2f", i, j, starts[j].Sub(starts[i]), n, allowed)
			}
		}
	}
	inRun := 0
	for _, s := range starts {
		if s.Sub(starts[0]) < run {
			inRun++
		}
	}
	budget := burst + int(rate*run.Seconds())
	t.Logf("%d starts granted, %d within %v of the first (budget %d); admitted %d + %d",
		len(starts), inRun, run, budget, limiters[0].Stats().Admitted, limiters[1].Stats().Admitted)
	if inRun < budget*9/10 {
		t.Fatalf("only %d starts within %v, want >= 90%% of %d", inRun, run, budget)
	}
}
