package ratelimit_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/ratelimit"
)

// TestMemoryStoreBucket drives a bucket with a fake clock.
func TestMemoryStoreBucket(t *testing.T) {
	type step struct {
		advance time.Duration
		limit   ratelimit.Limit // zero: the test's
		maxWait time.Duration   // < 0: no bound
		ok      bool
		delay   time.Duration
	}
	const ms = time.Millisecond
	b2 := ratelimit.Limit{Burst: 2, Rate: 10} // a token every 100ms
	tests := map[string]struct {
		limit ratelimit.Limit
		steps []step
	}{
		"the burst at once, then a token per 1/rate": {b2, []step{
			{0, b2, 0, true, 0}, {0, b2, 0, true, 0}, {0, b2, 0, false, 100 * ms},
			{40 * ms, b2, 0, false, 60 * ms}, {60 * ms, b2, 0, true, 0}, {0, b2, 0, false, 100 * ms},
		}},
		"blocking starts queue one token apart": {b2, []step{
			{0, b2, -1, true, 0}, {0, b2, -1, true, 0}, {0, b2, -1, true, 100 * ms}, {0, b2, -1, true, 200 * ms},
		}},
		"the bucket refills to its burst, no more": {b2, []step{
			{0, b2, 0, true, 0}, {0, b2, 0, true, 0}, {time.Hour, b2, 0, true, 0}, {0, b2, 0, true, 0}, {0, b2, 0, false, 100 * ms},
		}},
		"fail fast does not jump the queue": {b2, []step{
			{0, b2, 0, true, 0}, {0, b2, 0, true, 0}, {0, b2, -1, true, 100 * ms}, {50 * ms, b2, 0, false, 150 * ms},
		}},
		"maxWait shorter than the turn takes no token": {b2, []step{
			{0, b2, 0, true, 0}, {0, b2, 0, true, 0}, {0, b2, 50 * ms, false, 100 * ms}, {0, b2, -1, true, 100 * ms},
		}},
		"a slower rate keeps the tokens left": {b2, []step{
			{0, b2, 0, true, 0}, // one token left
			{0, ratelimit.Limit{Burst: 2, Rate: 1}, 0, true, 0},
			{0, ratelimit.Limit{Burst: 2, Rate: 1}, 0, false, time.Second},
		}},
		"a smaller burst caps the tokens": {b2, []step{
			{0, ratelimit.Limit{Burst: 1, Rate: 10}, 0, true, 0},
			{0, ratelimit.Limit{Burst: 1, Rate: 10}, 0, false, 100 * ms},
		}},
		"a window after a bucket counts its starts as at the latest": {b2, []step{
			{0, b2, 0, true, 0},
			{10 * ms, ratelimit.Limit{MaxCount: 5, Interval: time.Second}, 0, false, 990 * ms},
		}},
		"a bucket after a window is empty after the latest start": {b2, []step{
			{0, ratelimit.Limit{MaxCount: 5, Interval: time.Second}, 0, true, 0},
			{0, b2, 0, false, 100 * ms},
			{100 * ms, b2, 0, true, 0},
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock()
			s := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
			for i, st := range tc.steps {
				clock.Advance(st.advance)
				r, err := s.Reserve(context.Background(), st.limit, st.maxWait)
				if err != nil || r.OK != st.ok || r.Delay != st.delay {
					t.Fatalf("step %d (%v): got ok=%v delay=%v err=%v, want ok=%v delay=%v", i, st.limit, r.OK, r.Delay, err, st.ok, st.delay)
				}
			}
		})
	}
}

func TestMemoryStoreBucketCancel(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
	one := ratelimit.Limit{Burst: 1, Rate: 1}
	var rs []ratelimit.Reservation
	for range 4 {
		r, _ := s.Reserve(ctx, one, -1) // at 0, 1s, 2s, 3s
		rs = append(rs, r)
	}
	s.Cancel(ctx, rs[1]) // out of order: kept until the later ones go
	if r, _ := s.Reserve(ctx, one, 0); r.OK || r.Delay != 4*time.Second {
		t.Fatalf("after a middle start is given back, next turn in %v, want 4s", r.Delay)
	}
	s.Cancel(ctx, rs[3])
	s.Cancel(ctx, rs[2]) // now 1s, 2s and 3s are all back
	if r, _ := s.Reserve(ctx, one, -1); r.Delay != time.Second {
		t.Fatalf("after the latest starts are given back, next start in %v, want 1s", r.Delay)
	}
	// Giving back waiting starts, newest first, then a higher rate: the
	// turns come at the new rate, as when a Limiter's rate is raised. (A
	// larger burst alone would not help: it adds no tokens.)
	s2 := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
	rs = rs[:0]
	for range 4 {
		r, _ := s2.Reserve(ctx, one, -1)
		rs = append(rs, r)
	}
	for _, r := range slices.Backward(rs[1:]) {
		s2.Cancel(ctx, r)
	}
	ten := ratelimit.Limit{Burst: 1, Rate: 10}
	for i := range 3 {
		if r, _ := s2.Reserve(ctx, ten, -1); r.Delay != time.Duration(i+1)*100*time.Millisecond {
			t.Fatalf("start %d under %v in %v, want %dms", i, ten, r.Delay, (i+1)*100)
		}
	}
}

// TestMemoryStoreBucketRecord: starts granted elsewhere take tokens too.
func TestMemoryStoreBucketRecord(t *testing.T) {
	clock := newFakeClock()
	s := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
	b := ratelimit.Limit{Burst: 2, Rate: 10}
	s.Record(clock.Now(), b)
	s.Record(clock.Now(), b)
	if r, _ := s.Reserve(context.Background(), b, 0); r.OK || r.Delay != 100*time.Millisecond {
		t.Fatalf("Reserve after two recorded starts = %+v, want a turn in 100ms", r)
	}
}

// checkBucket fails t if some span of starts (sorted) holds more than
// burst + rate·(span + slack) of them.
func checkBucket(t *testing.T, starts []time.Duration, burst int, rate float64, slack time.Duration) {
	t.Helper()
	for i := range starts {
		for j := i + burst; j < len(starts); j++ {
			n := float64(j - i + 1)
			span := starts[j] - starts[i] + slack
			if allowed := float64(burst) + rate*span.Seconds(); n > allowed+1e-9 {
				t.Fatalf("starts %d..%d: %v apart (slack %v) hold %.0f, more than %g + %g·t = %.2f",
					i, j, starts[j]-starts[i], slack, n, float64(burst), rate, allowed)
			}
		}
	}
}

// TestBucketStrictnessAndUtilization: 64 goroutines against a bucket of 50
// and 200/s for 2s on the real clock. No span t of granted starts holds
// more than 50 + 200·t; they use at least 97% of the budget 50 + 200·2s.
// Wait never returns before its start.
func TestBucketStrictnessAndUtilization(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for 2s")
	}
	const (
		burst = 50
		rate  = 200.0
		run   = 2 * time.Second
	)
	s := ratelimit.NewMemoryStore()
	var mu sync.Mutex
	var starts, returns []time.Duration
	ratelimit.OnReserve(s, func(d time.Duration) { starts = append(starts, d) })
	l := ratelimit.New(ratelimit.Limit{Burst: burst, Rate: rate, Block: true}, ratelimit.WithStore(s))
	base := ratelimit.Base(s)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for time.Since(base) < run {
				if err := l.Wait(context.Background()); err != nil {
					t.Error(err)
					return
				}
				d := time.Since(base)
				mu.Lock()
				returns = append(returns, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(returns)
	if !slices.IsSorted(starts) || len(starts) != len(returns) {
		t.Fatalf("%d starts (sorted %v), %d admissions", len(starts), slices.IsSorted(starts), len(returns))
	}
	for i := range starts {
		if returns[i] < starts[i] {
			t.Fatalf("admission %d at %v, before its start %v", i, returns[i], starts[i])
		}
	}
	checkBucket(t, starts, burst, rate, 0)
	inRun := 0
	for _, d := range starts {
		if d < run {
			inRun++
		}
	}
	budget := burst + int(rate*run.Seconds())
	t.Logf("%d starts within %v, budget %d (%.1f%%)", inRun, run, budget, 100*float64(inRun)/float64(budget))
	if inRun < budget*97/100 {
		t.Fatalf("only %d starts within %v, want >= 97%% of %d", inRun, run, budget)
	}
}

// TestBucketAtTheWire: requests admitted by a bucket of 20 and 100/s reach
// an HTTP server for 1.5s. Every span t of arrivals holds at most 20 +
// 100·(t + J), J being the spread of the delays between admission and
// arrival measured in the run (the wire cannot be stricter than its
// jitter).
func TestBucketAtTheWire(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for 1.5s")
	}
	const (
		burst = 20
		rate  = 100.0
		run   = 1500 * time.Millisecond
	)
	base := time.Now()
	var mu sync.Mutex
	var arrivals []time.Duration
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Since(base))
		mu.Unlock()
	}))
	defer srv.Close()
	client := srv.Client()
	l := ratelimit.New(ratelimit.Limit{Burst: burst, Rate: rate, Block: true})
	var hi time.Duration // the longest admission-to-response: no less than any admission-to-arrival
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for time.Since(base) < run {
				if err := l.Wait(context.Background()); err != nil {
					t.Error(err)
					return
				}
				admitted := time.Since(base)
				resp, err := client.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				mu.Lock()
				d := time.Since(base) - admitted
				hi = max(hi, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(arrivals)
	t.Logf("%d requests; admission-to-response up to %v", len(arrivals), hi)
	checkBucket(t, arrivals, burst, rate, hi)
	if want := burst + int(rate*run.Seconds())*9/10; len(arrivals) < want {
		t.Fatalf("%d requests in %v, want >= %d", len(arrivals), run, want)
	}
}

// TestBucketKnobs: the setters of each form switch the form; SetLimit
// sets all.
func TestBucketKnobs(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second}, ratelimit.WithClock(clock))
	l.SetBurst(3)
	if got := l.Limit(); got != (ratelimit.Limit{Burst: 3}) || !got.Unlimited() {
		t.Fatalf("after SetBurst on a window: %+v", got)
	}
	l.SetRate(10)
	for i := range 3 {
		if err := l.Wait(ctx); err != nil {
			t.Fatalf("Wait %d: %v", i, err)
		}
	}
	var ee *ratelimit.ExceededError
	if err := l.Wait(ctx); !errors.As(err, &ee) || ee.RetryAfter != 100*time.Millisecond {
		t.Fatalf("Wait after the burst = %v, want a retry in 100ms", err)
	}
	l.SetMaxCount(5)
	if got := l.Limit(); got != (ratelimit.Limit{MaxCount: 5}) {
		t.Fatalf("after SetMaxCount on a bucket: %+v", got)
	}
	want := ratelimit.Limit{Burst: 7, Rate: 2, Block: true}
	l.SetLimit(want)
	if l.Limit() != want || l.Effective() != want {
		t.Fatalf("after SetLimit: %v, effective %v", l.Limit(), l.Effective())
	}
}

func TestBucketLimit(t *testing.T) {
	tests := map[string]struct {
		l         ratelimit.Limit
		str       string
		unlimited bool
		perSecond float64
		err       string
	}{
		"aws describe":   {ratelimit.Limit{Burst: 100, Rate: 20, Block: true}, "burst 100, 20/s, block", false, 20, ""},
		"fraction":       {ratelimit.Limit{Burst: 1, Rate: 0.1}, "burst 1, 0.1/s, fail fast", false, 0.1, ""},
		"no rate":        {ratelimit.Limit{Burst: 10}, "unlimited", true, math.Inf(1), ""},
		"no burst":       {ratelimit.Limit{Rate: 10}, "unlimited", true, math.Inf(1), ""},
		"window":         {ratelimit.Limit{MaxCount: 10, Interval: 2 * time.Second}, "10 per 2s, fail fast", false, 5, ""},
		"negative burst": {ratelimit.Limit{Burst: -1, Rate: 1}, "unlimited", true, math.Inf(1), "burst must be >= 0, got -1"},
		"negative rate":  {ratelimit.Limit{Burst: 1, Rate: -1}, "unlimited", true, math.Inf(1), "rate must be a number >= 0, got -1"},
		"NaN rate":       {ratelimit.Limit{Burst: 1, Rate: math.NaN()}, "unlimited", true, math.Inf(1), "rate must be a number >= 0, got NaN"},
		"both forms": {ratelimit.Limit{MaxCount: 1, Interval: time.Second, Burst: 1, Rate: 1}, "burst 1, 1/s, fail fast", false, 1,
			"burst and rate exclude max_count and interval (a limit is a window or a bucket)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.l.String(); got != tc.str {
				t.Errorf("String() = %q, want %q", got, tc.str)
			}
			if got := tc.l.Unlimited(); got != tc.unlimited {
				t.Errorf("Unlimited() = %v, want %v", got, tc.unlimited)
			}
			if got := tc.l.PerSecond(); got != tc.perSecond {
				t.Errorf("PerSecond() = %v, want %v", got, tc.perSecond)
			}
			checkValidate(t, tc.l.Validate(), tc.err)
		})
	}
}
