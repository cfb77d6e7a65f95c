package ratelimit_test

import (
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/ratelimit"
)

// fakeClock is a manual clock: now moves only when the test says.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestMemoryStoreSemantics drives the store with a fake clock.
func TestMemoryStoreSemantics(t *testing.T) {
	ctx := context.Background()
	type step struct {
		advance time.Duration
		maxWait time.Duration
		ok      bool
		delay   time.Duration
	}
	lim := ratelimit.Limit{MaxCount: 2, Interval: time.Second}
	tests := map[string]struct {
		limit ratelimit.Limit
		steps []step
	}{
		"burst up to max, then the next slot is one interval after the oldest": {lim, []step{
			{0, 0, true, 0}, {0, 0, true, 0}, {0, 0, false, time.Second},
			{300 * time.Millisecond, 0, false, 700 * time.Millisecond},
			{700 * time.Millisecond, 0, true, 0},
		}},
		"blocking reservations queue in order and fill the window": {lim, []step{
			{0, -1, true, 0}, {0, -1, true, 0}, {0, -1, true, time.Second}, {0, -1, true, time.Second}, {0, -1, true, 2 * time.Second},
		}},
		"maxWait shorter than the turn reserves nothing": {lim, []step{
			{0, -1, true, 0}, {0, -1, true, 0}, {0, 500 * time.Millisecond, false, time.Second}, {0, -1, true, time.Second},
		}},
		"the window slides": {ratelimit.Limit{MaxCount: 3, Interval: time.Second}, []step{
			{0, 0, true, 0}, {400 * time.Millisecond, 0, true, 0}, {400 * time.Millisecond, 0, true, 0},
			{100 * time.Millisecond, 0, false, 100 * time.Millisecond}, {100 * time.Millisecond, 0, true, 0},
			{0, 0, false, 400 * time.Millisecond},
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(1000, 0)}
			s := ratelimit.NewMemoryStore(clock.Now)
			for i, st := range tc.steps {
				clock.Add(st.advance)
				r, err := s.Reserve(ctx, tc.limit, st.maxWait)
				if err != nil || r.OK != st.ok || r.Delay != st.delay {
					t.Fatalf("step %d: got ok=%v delay=%v err=%v, want ok=%v delay=%v", i, r.OK, r.Delay, err, st.ok, st.delay)
				}
			}
		})
	}
}

func TestCancelGivesBackTheLatestSlot(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Unix(1000, 0)}
	s := ratelimit.NewMemoryStore(clock.Now)
	lim := ratelimit.Limit{MaxCount: 1, Interval: time.Second}
	s.Reserve(ctx, lim, -1)
	r, _ := s.Reserve(ctx, lim, -1)
	if r.Delay != time.Second {
		t.Fatalf("delay %v", r.Delay)
	}
	s.Cancel(ctx, r)
	if r2, _ := s.Reserve(ctx, lim, -1); r2.Delay != time.Second {
		t.Fatalf("after cancel the next waiter gets the cancelled slot: delay %v, want 1s", r2.Delay)
	}
}

func TestFailFast(t *testing.T) {
	ctx := context.Background()
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second})
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	err := l.Wait(ctx)
	var ee *ratelimit.ExceededError
	if !errors.Is(err, ratelimit.ErrExceeded) || !errors.As(err, &ee) || ee.RetryAfter <= 0 || ee.RetryAfter > time.Second {
		t.Fatalf("second Wait: %v", err)
	}
	if st := l.Stats(); st.Admitted != 1 || st.Refused != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestUnlimitedAndNil(t *testing.T) {
	ctx := context.Background()
	for _, lim := range []ratelimit.Limit{{}, {MaxCount: 5}, {Interval: time.Second}} {
		l := ratelimit.New(lim)
		for range 100 {
			if err := l.Wait(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	var nilLimiter *ratelimit.Limiter
	if err := nilLimiter.Wait(ctx); err != nil || !nilLimiter.Limit().Unlimited() {
		t.Fatal("a nil Limiter admits everything")
	}
	if err := (ratelimit.Limit{MaxCount: -1}).Validate(); err == nil || err.Error() != "max_count must be >= 0, got -1" {
		t.Fatalf("validate: %v", err)
	}
}

// TestStrictnessAndUtilization: 64 goroutines, 50 per 200 ms, for 3 s. The
// limiter's admissions (recorded as each Wait returns, which can only be
// later than the slot) never put more than 50 in a 200 ms window, and at
// least 97% of the budget is used.
func TestStrictnessAndUtilization(t *testing.T) {
	if testing.Short() {
		t.Skip("3 s")
	}
	const maxCount, interval, runFor = 50, 200 * time.Millisecond, 3 * time.Second
	var mu sync.Mutex
	var starts []time.Time
	var reserved []time.Time
	clockStore := &recordingStore{inner: ratelimit.NewMemoryStore(nil), record: func(t time.Time) {
		mu.Lock()
		reserved = append(reserved, t)
		mu.Unlock()
	}}
	l := ratelimit.New(ratelimit.Limit{MaxCount: maxCount, Interval: interval, Block: true}, ratelimit.WithStore(clockStore))
	ctx, cancel := context.WithTimeout(context.Background(), runFor)
	defer cancel()
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for {
				if err := l.Wait(ctx); err != nil {
					return
				}
				now := time.Now()
				mu.Lock()
				starts = append(starts, now)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	sort.Slice(reserved, func(i, j int) bool { return reserved[i].Before(reserved[j]) })
	for i := 0; i+maxCount < len(reserved); i++ {
		if gap := reserved[i+maxCount].Sub(reserved[i]); gap < interval {
			t.Fatalf("reserved starts %d and %d are %v apart (< %v)", i, i+maxCount, gap, interval)
		}
	}
	budget := maxCount * int(runFor/interval)
	used := float64(len(starts)) / float64(budget)
	t.Logf("%d admitted in %v, budget %d: %.1f%% used", len(starts), runFor, budget, used*100)
	if used < 0.97 {
		t.Fatalf("used %.1f%% of the budget", used*100)
	}
	if used > 1+1.0/float64(runFor/interval) {
		t.Fatalf("admitted %d, more than the budget %d + one window", len(starts), budget)
	}
}

// recordingStore records every reserved start.
type recordingStore struct {
	inner  ratelimit.Store
	record func(time.Time)
}

func (r *recordingStore) Reserve(ctx context.Context, l ratelimit.Limit, maxWait time.Duration) (ratelimit.Reservation, error) {
	res, err := r.inner.Reserve(ctx, l, maxWait)
	if err == nil && res.OK {
		r.record(res.Start)
	}
	return res, err
}

func (r *recordingStore) Cancel(ctx context.Context, res ratelimit.Reservation) {
	r.inner.Cancel(ctx, res)
}

// TestRuntimeChangesUnderLoad: 64 goroutines wait on 1 per 20 ms; raising
// the limit lets new requests through at once, and flipping Block makes the
// next ones fail fast.
func TestRuntimeChangesUnderLoad(t *testing.T) {
	ctx := context.Background()
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: 20 * time.Millisecond, Block: true})
	var done atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			if err := l.Wait(ctx); err == nil {
				done.Add(1)
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	// Waiters keep their slots (up to 64 × 20 ms); new requests queue after
	// them, then go at the new limit.
	l.SetInterval(time.Millisecond)
	l.SetMaxCount(1000)
	start := time.Now()
	for range 100 {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	l.SetBlock(false)
	l.SetMaxCount(1)
	l.SetInterval(time.Hour)
	refused := 0
	for range 10 {
		if errors.Is(l.Wait(ctx), ratelimit.ErrExceeded) {
			refused++
		}
	}
	wg.Wait()
	if refused != 10 || done.Load() != 64 {
		t.Fatalf("refused %d (want 10), waiters done %d (want 64)", refused, done.Load())
	}
	t.Logf("100 requests under the raised limit took %v", time.Since(start))
	if got := l.Limit(); got != (ratelimit.Limit{MaxCount: 1, Interval: time.Hour}) {
		t.Fatalf("limit %+v", got)
	}
}

func TestCancelAndDeadline(t *testing.T) {
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Hour, Block: true})
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A waiting Wait returns promptly on cancel.
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- l.Wait(ctx) }()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Wait: %v", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("cancel took %v", d)
	}
	// A deadline before the turn returns at once and consumes nothing.
	l2 := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: 300 * time.Millisecond, Block: true})
	_ = l2.Wait(context.Background())
	dctx, dcancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer dcancel()
	start = time.Now()
	err := l2.Wait(dctx)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ratelimit.ErrDeadline) {
		t.Fatalf("unmeetable deadline: %v", err)
	}
	if d := time.Since(start); d > 20*time.Millisecond {
		t.Fatalf("unmeetable deadline returned after %v, want at once", d)
	}
	// Nothing consumed: the next blocking request gets the very next slot.
	start = time.Now()
	if err := l2.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 450*time.Millisecond {
		t.Fatalf("next request waited %v, want about 300ms: the refused one consumed a slot", d)
	}
}
