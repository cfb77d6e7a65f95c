package ratelimit_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/ratelimit"
)

func TestLimit(t *testing.T) {
	tests := map[string]struct {
		l         ratelimit.Limit
		str       string
		unlimited bool
		zero      bool
		err       string
	}{
		"zero":              {ratelimit.Limit{}, "unlimited", true, true, ""},
		"block only":        {ratelimit.Limit{Block: true}, "unlimited", true, false, ""},
		"no interval":       {ratelimit.Limit{MaxCount: 10}, "unlimited", true, false, ""},
		"seed default":      {ratelimit.Limit{MaxCount: 10, Interval: time.Second, Block: true}, "10 per 1s, block", false, false, ""},
		"fail fast":         {ratelimit.Limit{MaxCount: 1, Interval: 500 * time.Millisecond}, "1 per 500ms, fail fast", false, false, ""},
		"negative count":    {ratelimit.Limit{MaxCount: -1, Interval: time.Second}, "unlimited", true, false, "max_count must be >= 0, got -1"},
		"negative interval": {ratelimit.Limit{MaxCount: 1, Interval: -time.Second}, "unlimited", true, false, "interval must be >= 0, got -1s"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.l.String(); got != tc.str {
				t.Errorf("String() = %q, want %q", got, tc.str)
			}
			if got := tc.l.Unlimited(); got != tc.unlimited {
				t.Errorf("Unlimited() = %v, want %v", got, tc.unlimited)
			}
			if got := tc.l.IsZero(); got != tc.zero {
				t.Errorf("IsZero() = %v, want %v", got, tc.zero)
			}
			checkValidate(t, tc.l.Validate(), tc.err)
		})
	}
}

// TestMemoryStore drives a store with a fake clock.
func TestMemoryStore(t *testing.T) {
	type step struct {
		advance time.Duration
		maxWait time.Duration // < 0: no bound
		ok      bool
		delay   time.Duration
	}
	const ms = time.Millisecond
	two := ratelimit.Limit{MaxCount: 2, Interval: time.Second}
	tests := map[string]struct {
		limit ratelimit.Limit
		steps []step
	}{
		"up to max at once, then one interval after the oldest": {two, []step{
			{0, 0, true, 0}, {0, 0, true, 0}, {0, 0, false, time.Second},
			{300 * ms, 0, false, 700 * ms},
			{700 * ms, 0, true, 0}, {0, 0, true, 0}, {0, 0, false, time.Second},
		}},
		"blocking starts queue in order and fill every window": {two, []step{
			{0, -1, true, 0}, {0, -1, true, 0}, {0, -1, true, time.Second}, {0, -1, true, time.Second}, {0, -1, true, 2 * time.Second},
		}},
		"fail fast does not jump the queue": {two, []step{
			{0, 0, true, 0}, {0, 0, true, 0}, {0, -1, true, time.Second}, {500 * ms, 0, false, 500 * ms},
		}},
		"maxWait shorter than the turn reserves nothing": {two, []step{
			{0, -1, true, 0}, {0, -1, true, 0}, {0, 500 * ms, false, time.Second}, {0, -1, true, time.Second},
		}},
		"the window slides": {ratelimit.Limit{MaxCount: 3, Interval: time.Second}, []step{
			{0, 0, true, 0}, {400 * ms, 0, true, 0}, {400 * ms, 0, true, 0},
			{100 * ms, 0, false, 100 * ms}, {100 * ms, 0, true, 0},
			{0, 0, false, 400 * ms},
		}},
		"a window is half open: a start one interval later is fine": {ratelimit.Limit{MaxCount: 1, Interval: time.Second}, []step{
			{0, 0, true, 0}, {999 * ms, 0, false, ms}, {ms, 0, true, 0},
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock()
			s := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
			for i, st := range tc.steps {
				clock.Advance(st.advance)
				r, err := s.Reserve(context.Background(), tc.limit, st.maxWait)
				if err != nil || r.OK != st.ok || r.Delay != st.delay {
					t.Fatalf("step %d: got ok=%v delay=%v err=%v, want ok=%v delay=%v", i, r.OK, r.Delay, err, st.ok, st.delay)
				}
			}
		})
	}
}

// TestMemoryStoreLimitChanges checks that the store stays strict when the
// limit changes between reservations, both ways.
func TestMemoryStoreLimitChanges(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
	reserve := func(l ratelimit.Limit, want time.Duration) {
		t.Helper()
		r, err := s.Reserve(ctx, l, -1)
		if err != nil || !r.OK || r.Delay != want {
			t.Fatalf("Reserve(%v) = %+v, %v; want delay %v", l, r, err, want)
		}
	}
	// 2 per second, one start every 100ms for a second: the store keeps
	// only the last two, yet a longer interval must count them.
	for range 5 {
		reserve(ratelimit.Limit{MaxCount: 2, Interval: 100 * time.Millisecond}, 0)
		clock.Advance(100 * time.Millisecond)
	}
	// Now 2 per 10s: the 2nd most recent start was 200ms ago.
	reserve(ratelimit.Limit{MaxCount: 2, Interval: 10 * time.Second}, 9800*time.Millisecond)
	// 5 per 10s: the 5th most recent start was forgotten; it is no later
	// than the horizon (300ms ago), so the next start waits for it.
	reserve(ratelimit.Limit{MaxCount: 5, Interval: 10 * time.Second}, 9800*time.Millisecond)
}

func TestMemoryStoreHugeMaxCount(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
	huge := ratelimit.Limit{MaxCount: 1 << 30, Interval: time.Hour}
	for i := range 200_000 {
		if r, _ := s.Reserve(ctx, huge, 0); !r.OK {
			t.Fatalf("reservation %d refused: %+v", i, r)
		}
		clock.Advance(100 * time.Millisecond) // 5.5 hours in all
	}
	if n := ratelimit.Entries(s); n > 8192 {
		t.Errorf("store keeps %d entries for a huge MaxCount, want <= 8192", n)
	}

	// Above 4096 the store counts in buckets: still strict.
	big := ratelimit.Limit{MaxCount: 5000, Interval: time.Second}
	clock.Advance(2 * time.Hour)
	admitted := 0
	for {
		r, _ := s.Reserve(ctx, big, 0)
		if !r.OK {
			if r.Delay <= 0 || r.Delay > time.Second+time.Second/4096 {
				t.Fatalf("RetryAfter %v, want about 1s", r.Delay)
			}
			break
		}
		admitted++
	}
	if admitted != 5000 {
		t.Fatalf("admitted %d at once under %v, want 5000", admitted, big)
	}
	clock.Advance(time.Second + time.Second/4096)
	if r, _ := s.Reserve(ctx, big, 0); !r.OK {
		t.Fatalf("refused one bucket after the interval: %+v", r)
	}
}

func TestMemoryStoreCancel(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
	one := ratelimit.Limit{MaxCount: 1, Interval: time.Second}
	s.Reserve(ctx, one, -1)
	r1, _ := s.Reserve(ctx, one, -1) // at 1s
	r2, _ := s.Reserve(ctx, one, -1) // at 2s
	s.Cancel(ctx, r1)                // a start in the middle: 2s stays
	if r, _ := s.Reserve(ctx, one, -1); r.Delay != 3*time.Second {
		t.Fatalf("after cancelling a middle start, next start in %v, want 3s", r.Delay)
	}
	s2 := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
	s2.Reserve(ctx, one, -1)
	r1, _ = s2.Reserve(ctx, one, -1)
	r2, _ = s2.Reserve(ctx, one, -1)
	s2.Cancel(ctx, r2)
	s2.Cancel(ctx, r1) // the latest two, newest first: both given back
	if r, _ := s2.Reserve(ctx, one, -1); r.Delay != time.Second {
		t.Fatalf("after cancelling the latest starts, next start in %v, want 1s", r.Delay)
	}
	// Giving back every waiting start, newest first, then asking under a
	// higher limit: the turns come at once, as when a Limiter's limit is
	// raised while requests wait.
	s3 := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
	var waiting []ratelimit.Reservation
	for range 4 {
		r, _ := s3.Reserve(ctx, one, -1) // at 0, 1s, 2s, 3s
		waiting = append(waiting, r)
	}
	for _, r := range slices.Backward(waiting[1:]) {
		s3.Cancel(ctx, r)
	}
	ten := ratelimit.Limit{MaxCount: 10, Interval: time.Second}
	for i := range 3 {
		if r, _ := s3.Reserve(ctx, ten, -1); r.Delay != 0 {
			t.Fatalf("after giving back the waiting starts, start %d under %v in %v, want 0", i, ten, r.Delay)
		}
	}
}

// TestMemoryStoreRecord: starts granted elsewhere count as the store's own;
// one before the latest known start counts at that start.
func TestMemoryStoreRecord(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
	two := ratelimit.Limit{MaxCount: 2, Interval: time.Second}
	now := clock.Now()
	if r := s.Record(now.Add(-300*time.Millisecond), two); !r.OK || r.Delay != 0 {
		t.Fatalf("Record in the past = %+v", r)
	}
	future := s.Record(now.Add(500*time.Millisecond), two) // a waiting request's turn
	if !future.OK || future.Delay != 500*time.Millisecond {
		t.Fatalf("Record in the future = %+v", future)
	}
	// Two starts in the window: the next is one interval after the first.
	if r, _ := s.Reserve(ctx, two, -1); r.Delay != 700*time.Millisecond {
		t.Fatalf("Reserve after two recorded starts: delay %v, want 700ms", r.Delay)
	}
	// Before the latest start (at 700ms): counted there, not earlier.
	if r := s.Record(now.Add(100*time.Millisecond), two); r.Delay != 700*time.Millisecond {
		t.Fatalf("Record before the latest start: delay %v, want 700ms", r.Delay)
	}
	if r, _ := s.Reserve(ctx, two, -1); r.Delay != 1700*time.Millisecond {
		t.Fatalf("Reserve: delay %v, want 1.7s (two starts at 700ms)", r.Delay)
	}
	if r := s.Record(now, ratelimit.Limit{}); !r.OK || r.ID != 0 {
		t.Fatalf("Record unlimited = %+v, want OK and nothing recorded", r)
	}
	// A recorded start is given back like a granted one.
	s2 := ratelimit.NewMemoryStore(func(o *ratelimit.MemoryStoreOptions) { o.Clock = clock })
	r := s2.Record(now.Add(time.Hour), two)
	s2.Cancel(ctx, r)
	if r, _ := s2.Reserve(ctx, two, -1); r.Delay != 0 {
		t.Fatalf("Reserve after the recorded start was given back: delay %v, want 0", r.Delay)
	}
}

func TestFailFast(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second}, ratelimit.WithClock(clock))
	if err := l.Wait(ctx); err != nil {
		t.Fatalf("first Wait: %v", err)
	}
	clock.Advance(250 * time.Millisecond)
	err := l.Wait(ctx)
	var ee *ratelimit.ExceededError
	if !errors.Is(err, ratelimit.ErrExceeded) || !errors.As(err, &ee) || ee.RetryAfter != 750*time.Millisecond {
		t.Fatalf("second Wait = %v, want ErrExceeded with RetryAfter 750ms", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a fail-fast refusal matches context.DeadlineExceeded")
	}
	l.SetMaxCount(2)
	if err := l.Wait(ctx); err != nil {
		t.Fatalf("Wait after SetMaxCount(2): %v", err)
	}
	want := ratelimit.Stats{Admitted: 2, Refused: 1}
	if got := l.Stats(); got != want {
		t.Fatalf("Stats() = %+v, want %+v", got, want)
	}
}

// TestKnobs is a table of fail-fast admissions under knob changes.
func TestKnobs(t *testing.T) {
	type step struct {
		advance time.Duration
		change  func(*ratelimit.Limiter)
		ok      bool
		retry   time.Duration
	}
	const ms = time.Millisecond
	tests := map[string]struct {
		limit ratelimit.Limit
		steps []step
	}{
		"unlimited by count":    {ratelimit.Limit{Interval: time.Second}, []step{{0, nil, true, 0}, {0, nil, true, 0}, {0, nil, true, 0}}},
		"unlimited by interval": {ratelimit.Limit{MaxCount: 1}, []step{{0, nil, true, 0}, {0, nil, true, 0}}},
		"raise max count": {ratelimit.Limit{MaxCount: 1, Interval: time.Second}, []step{
			{0, nil, true, 0}, {0, nil, false, time.Second},
			{0, func(l *ratelimit.Limiter) { l.SetMaxCount(3) }, true, 0}, {0, nil, true, 0}, {0, nil, false, time.Second},
		}},
		"lower max count counts past starts": {ratelimit.Limit{MaxCount: 3, Interval: time.Second}, []step{
			{0, nil, true, 0}, {100 * ms, nil, true, 0}, {100 * ms, nil, true, 0},
			{0, func(l *ratelimit.Limiter) { l.SetMaxCount(1) }, false, 1000 * ms},
		}},
		"shorter interval": {ratelimit.Limit{MaxCount: 1, Interval: time.Hour}, []step{
			{0, nil, true, 0}, {500 * ms, nil, false, time.Hour - 500*ms},
			{0, func(l *ratelimit.Limiter) { l.SetInterval(time.Second) }, false, 500 * ms},
			{500 * ms, nil, true, 0},
		}},
		"longer interval counts past starts": {ratelimit.Limit{MaxCount: 1, Interval: time.Second}, []step{
			{0, nil, true, 0}, {2 * time.Second, func(l *ratelimit.Limiter) { l.SetInterval(time.Minute) }, false, time.Minute - 2*time.Second},
		}},
		"limit removed and back": {ratelimit.Limit{MaxCount: 1, Interval: time.Second}, []step{
			{0, nil, true, 0}, {0, func(l *ratelimit.Limiter) { l.SetMaxCount(0) }, true, 0}, {0, nil, true, 0},
			// unlimited starts are not recorded
			{0, func(l *ratelimit.Limiter) { l.SetMaxCount(1) }, false, time.Second},
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock()
			l := ratelimit.New(tc.limit, ratelimit.WithClock(clock))
			for i, st := range tc.steps {
				clock.Advance(st.advance)
				if st.change != nil {
					st.change(l)
				}
				err := l.Wait(context.Background())
				var ee *ratelimit.ExceededError
				switch {
				case st.ok && err != nil:
					t.Fatalf("step %d: Wait = %v, want nil", i, err)
				case !st.ok && (!errors.As(err, &ee) || ee.RetryAfter != st.retry):
					t.Fatalf("step %d: Wait = %v, want ExceededError with RetryAfter %v", i, err, st.retry)
				}
			}
		})
	}
}

func TestNilAndZeroLimiter(t *testing.T) {
	ctx := context.Background()
	var nl *ratelimit.Limiter
	if err := nl.Wait(ctx); err != nil {
		t.Fatalf("nil Limiter: Wait = %v", err)
	}
	nl.SetMaxCount(1)
	if nl.Limit() != (ratelimit.Limit{}) || nl.Stats() != (ratelimit.Stats{}) {
		t.Fatal("nil Limiter has a limit or stats")
	}
	var z ratelimit.Limiter
	for range 3 {
		if err := z.Wait(ctx); err != nil {
			t.Fatalf("zero Limiter: Wait = %v", err)
		}
	}
	z.SetMaxCount(1)
	z.SetInterval(time.Hour)
	if err := z.Wait(ctx); err != nil {
		t.Fatalf("zero Limiter limited: first Wait = %v", err)
	}
	if err := z.Wait(ctx); !errors.Is(err, ratelimit.ErrExceeded) {
		t.Fatalf("zero Limiter limited: second Wait = %v, want ErrExceeded", err)
	}
	if got := z.Stats(); got.Admitted != 4 || got.Refused != 1 {
		t.Fatalf("Stats() = %+v", got)
	}
}

type failingStore struct{ err error }

func (s failingStore) Reserve(context.Context, ratelimit.Limit, time.Duration) (ratelimit.Reservation, error) {
	return ratelimit.Reservation{}, s.err
}
func (failingStore) Cancel(context.Context, ratelimit.Reservation) {}

func TestStoreErrorIsWrapped(t *testing.T) {
	down := errors.New("redis: connection refused")
	for _, block := range []bool{false, true} {
		l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second, Block: block}, ratelimit.WithStore(failingStore{down}))
		err := l.Wait(context.Background())
		if !errors.Is(err, down) || errors.Is(err, ratelimit.ErrExceeded) {
			t.Fatalf("block=%v: Wait = %v, want it to wrap %v", block, err, down)
		}
	}
}

// TestBlockInOrder: blocked requests sleep without holding anything and
// start in arrival order, each at its turn of the fake clock.
func TestBlockInOrder(t *testing.T) {
	clock := newFakeClock()
	l := ratelimit.New(ratelimit.Limit{MaxCount: 2, Interval: time.Second, Block: true}, ratelimit.WithClock(clock))
	ctx := context.Background()
	for range 2 {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan int, 4)
	for i := range 4 {
		go func() {
			if err := l.Wait(ctx); err != nil {
				t.Error(err)
			}
			done <- i
		}()
		// Each request goes to sleep before the next one arrives.
		if d := <-clock.timers; d != time.Duration(1+i/2)*time.Second {
			t.Fatalf("request %d sleeps %v, want %ds", i, d, 1+i/2)
		}
	}
	for turn := range 2 {
		clock.Advance(time.Second)
		got := []int{<-done, <-done}
		slices.Sort(got)
		if want := []int{2 * turn, 2*turn + 1}; !slices.Equal(got, want) {
			t.Fatalf("turn %d admitted %v, want %v", turn, got, want)
		}
	}
	st := l.Stats()
	if st.Admitted != 6 || st.Waited != 4 || st.TotalWait != 6*time.Second {
		t.Fatalf("Stats() = %+v", st)
	}
}

func TestCancelWhileWaiting(t *testing.T) {
	clock := newFakeClock()
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second, Block: true}, ratelimit.WithClock(clock))
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- l.Wait(ctx) }()
	<-clock.timers // asleep
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	// The slot was given back: the next request gets it, not the one after.
	go func() { errc <- l.Wait(context.Background()) }()
	if d := <-clock.timers; d != time.Second {
		t.Fatalf("next request sleeps %v, want 1s", d)
	}
	clock.Advance(time.Second)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with a done context = %v, want context.Canceled", err)
	}
}

func TestDeadlineBeforeTurn(t *testing.T) {
	clock := newFakeClock()
	clock.now = time.Now() // contexts have real deadlines
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second, Block: true}, ratelimit.WithClock(clock))
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithDeadline(context.Background(), clock.Now().Add(500*time.Millisecond))
	defer cancel()
	start := time.Now()
	err := l.Wait(ctx)
	if took := time.Since(start); took > 250*time.Millisecond {
		t.Errorf("Wait took %v to see it cannot meet its deadline", took)
	}
	var ee *ratelimit.ExceededError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ratelimit.ErrExceeded) || !errors.As(err, &ee) || ee.RetryAfter != time.Second {
		t.Fatalf("Wait = %v, want DeadlineExceeded and ErrExceeded with RetryAfter 1s", err)
	}
	// Nothing consumed: the next request has the 1s turn.
	errc := make(chan error, 1)
	go func() { errc <- l.Wait(context.Background()) }()
	if d := <-clock.timers; d != time.Second {
		t.Fatalf("next request sleeps %v, want 1s", d)
	}
	clock.Advance(time.Second)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.Admitted != 2 || st.Refused != 1 {
		t.Fatalf("Stats() = %+v", st)
	}
}

// TestStrictnessAndUtilization runs 64 goroutines against 50 per 200ms for
// 3s on the real clock. The store's granted starts are checked exactly: no
// window of 200ms holds more than 50 of them, and they use at least 97% of
// the budget. Wait may return later than its start (scheduling), never
// earlier: the i-th return is no earlier than the i-th start.
func TestStrictnessAndUtilization(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for 3s")
	}
	const (
		maxCount = 50
		interval = 200 * time.Millisecond
		run      = 3 * time.Second
	)
	s := ratelimit.NewMemoryStore()
	var mu sync.Mutex
	var starts, returns []time.Duration
	ratelimit.OnReserve(s, func(d time.Duration) { starts = append(starts, d) }) // under the store's lock
	l := ratelimit.New(ratelimit.Limit{MaxCount: maxCount, Interval: interval, Block: true}, ratelimit.WithStore(s))
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
	if !slices.IsSorted(starts) {
		t.Fatal("starts granted out of order")
	}
	if len(starts) != len(returns) {
		t.Fatalf("%d starts granted, %d admissions", len(starts), len(returns))
	}
	for i := range starts {
		if returns[i] < starts[i] {
			t.Fatalf("admission %d at %v, before its start %v", i, returns[i], starts[i])
		}
		if j := i + maxCount; j < len(starts) && starts[j]-starts[i] < interval {
			t.Fatalf("starts %d..%d (%v..%v) fall within %v", i, j, starts[i], starts[j], interval)
		}
	}
	inRun := 0
	for _, d := range starts {
		if d < run {
			inRun++
		}
	}
	budget := int(run/interval) * maxCount
	t.Logf("%d starts within %v, budget %d (%.1f%%)", inRun, run, budget, 100*float64(inRun)/float64(budget))
	if inRun < budget*97/100 {
		t.Fatalf("only %d starts within %v, want >= 97%% of %d", inRun, run, budget)
	}
}

// TestChangesWhileWaiting: 64 requests wait under 1 per second; raising the
// limit lets all of them through at once, not one per second.
func TestChangesWhileWaiting(t *testing.T) {
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second, Block: true})
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 64 {
		wg.Go(func() {
			if err := l.Wait(context.Background()); err != nil {
				failed.Add(1)
			}
		})
	}
	waitSleeping(t, l, 63)
	start := time.Now()
	l.SetMaxCount(1000)
	l.SetInterval(10 * time.Millisecond)
	wg.Wait()
	if took := time.Since(start); took > time.Second {
		t.Errorf("waiters took %v after the limit was raised, want well under the old 1s interval", took)
	}
	if st := l.Stats(); failed.Load() != 0 || st.Admitted != 64 || st.Waited != 63 {
		t.Fatalf("failed %d, Stats() = %+v", failed.Load(), st)
	}
}

// TestBlockOffWhileWaiting: turning Block off refuses the waiting requests.
func TestBlockOffWhileWaiting(t *testing.T) {
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Hour, Block: true})
	var wg sync.WaitGroup
	var refused atomic.Int32
	for range 64 {
		wg.Go(func() {
			if err := l.Wait(context.Background()); errors.Is(err, ratelimit.ErrExceeded) {
				refused.Add(1)
			} else if err != nil {
				t.Error(err)
			}
		})
	}
	waitSleeping(t, l, 63)
	l.SetBlock(false)
	wg.Wait()
	if st := l.Stats(); refused.Load() != 63 || st.Admitted != 1 || st.Refused != 63 {
		t.Fatalf("refused %d, Stats() = %+v", refused.Load(), st)
	}
}

// TestTightenWhileWaiting: lowering the limit gives waiting requests later
// turns; the starts stay strict under the new limit.
func TestTightenWhileWaiting(t *testing.T) {
	clock := newFakeClock()
	l := ratelimit.New(ratelimit.Limit{MaxCount: 4, Interval: time.Second, Block: true}, ratelimit.WithClock(clock))
	ctx := context.Background()
	for range 4 {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{}, 4)
	for range 4 {
		go func() {
			if err := l.Wait(ctx); err != nil {
				t.Error(err)
			}
			done <- struct{}{}
		}()
		<-clock.timers
	}
	l.SetMaxCount(1) // the four now come one per second after the last start
	for range 4 {
		<-clock.timers
	}
	for i := range 4 {
		clock.Advance(time.Second)
		<-done
		select {
		case <-done:
			t.Fatalf("two requests admitted in second %d", i+1)
		default:
		}
	}
}

// TestKnobsUnderLoad flips all knobs while 64 goroutines hammer Wait; run
// with -race.
func TestKnobsUnderLoad(t *testing.T) {
	l := ratelimit.New(ratelimit.Limit{MaxCount: 5, Interval: 20 * time.Millisecond, Block: true})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	var admitted, refused atomic.Int64
	for range 64 {
		wg.Go(func() {
			for ctx.Err() == nil {
				err := l.Wait(ctx)
				switch {
				case err == nil:
					admitted.Add(1)
				case errors.Is(err, ratelimit.ErrExceeded):
					refused.Add(1)
				case ctx.Err() != nil:
				default:
					t.Error(err)
				}
			}
		})
	}
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			switch i % 5 {
			case 0:
				l.SetMaxCount(1 + i%7)
			case 1:
				l.SetInterval(time.Duration(1+i%13) * time.Millisecond)
			case 2:
				l.SetBlock(i%3 != 0)
			case 3:
				l.SetMaxCount(0)
			case 4:
				l.SetMaxCount(3)
			}
			time.Sleep(time.Millisecond)
		}
	})
	wg.Wait()
	if st := l.Stats(); uint64(admitted.Load()) != st.Admitted || uint64(refused.Load()) != st.Refused {
		t.Fatalf("counted %d admitted, %d refused; Stats() = %+v", admitted.Load(), refused.Load(), st)
	}
	if n := ratelimit.Sleeping(l); n != 0 {
		t.Fatalf("%d requests still registered as sleeping", n)
	}
	t.Logf("%d admitted, %d refused", admitted.Load(), refused.Load())
}

func waitSleeping(t *testing.T, l *ratelimit.Limiter, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for ratelimit.Sleeping(l) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests asleep, want %d", ratelimit.Sleeping(l), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// stallStore is a MemoryStore whose next call, once armed, stalls until
// released: a Redis that stopped answering, for one caller.
type stallStore struct {
	*ratelimit.MemoryStore
	mu      sync.Mutex
	gate    chan struct{} // non-nil: the next call waits for it to close
	entered chan struct{} // receives when a call stalls
}

func newStallStore() *stallStore {
	return &stallStore{MemoryStore: ratelimit.NewMemoryStore(), entered: make(chan struct{}, 1)}
}

// stallNext makes the next call stall until release is called.
func (s *stallStore) stallNext() (release func()) {
	gate := make(chan struct{})
	s.mu.Lock()
	s.gate = gate
	s.mu.Unlock()
	return sync.OnceFunc(func() { close(gate) })
}

func (s *stallStore) stall() {
	s.mu.Lock()
	gate := s.gate
	s.gate = nil
	s.mu.Unlock()
	if gate != nil {
		s.entered <- struct{}{}
		<-gate
	}
}

func (s *stallStore) Reserve(ctx context.Context, l ratelimit.Limit, maxWait time.Duration) (ratelimit.Reservation, error) {
	s.stall()
	return s.MemoryStore.Reserve(ctx, l, maxWait)
}

func (s *stallStore) Cancel(ctx context.Context, r ratelimit.Reservation) {
	s.stall()
	s.MemoryStore.Cancel(ctx, r)
}

// TestKnobChangeDoesNotWaitForStore: while the store stalls on a call made
// to give the waiting requests new turns, the knob change has returned,
// and nobody else waits for that call: a waiting request that gives up
// returns, the limiter's lock is free, new requests are answered. Once the
// store answers, the waiting requests are admitted under the new limit.
func TestKnobChangeDoesNotWaitForStore(t *testing.T) {
	store := newStallStore()
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Hour, Block: true}, ratelimit.WithStore(store))
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	const waiters = 4
	errs := make([]chan error, waiters)
	quit, giveUp := context.WithCancel(context.Background())
	defer giveUp()
	for i := range waiters {
		errs[i] = make(chan error, 1)
		ctx := context.Background()
		if i == 1 {
			ctx = quit
		}
		go func() { errs[i] <- l.Wait(ctx) }()
		waitSleeping(t, l, i+1) // in arrival order
	}

	release := store.stallNext()
	defer release()
	within := func(what string, d time.Duration, f func()) {
		t.Helper()
		done := make(chan struct{})
		go func() { f(); close(done) }()
		select {
		case <-done:
		case <-time.After(d):
			t.Fatalf("%s: blocked behind the stalled store call", what)
		}
	}
	within("SetMaxCount", time.Second, func() {
		begin := time.Now()
		l.SetMaxCount(100)
		if took := time.Since(begin); took > 10*time.Millisecond {
			t.Errorf("SetMaxCount took %v while the store stalls, want < 10ms", took)
		}
	})
	within("the rebook goroutine reaching the store", 5*time.Second, func() { <-store.entered })
	within("another knob change", time.Second, func() { l.SetInterval(30 * time.Minute) })
	within("the limiter's lock", time.Second, func() { ratelimit.Sleeping(l) })
	within("a waiting request that gives up", time.Second, func() {
		giveUp()
		if err := <-errs[1]; !errors.Is(err, context.Canceled) {
			t.Errorf("Wait after its context was cancelled = %v, want context.Canceled", err)
		}
	})
	within("a new request with a deadline", time.Second, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		_ = l.Wait(ctx) // admitted or refused, but answered
	})
	for i := range waiters {
		if i == 1 {
			continue
		}
		select {
		case err := <-errs[i]:
			t.Fatalf("waiter %d returned %v before the store answered", i, err)
		default:
		}
	}

	release()
	within("the waiting requests, under the new limit", 5*time.Second, func() {
		for i := range waiters {
			if i == 1 {
				continue
			}
			if err := <-errs[i]; err != nil {
				t.Errorf("waiter %d: %v", i, err)
			}
		}
	})
	if n := ratelimit.Sleeping(l); n != 0 {
		t.Errorf("%d requests still registered as sleeping", n)
	}
}
