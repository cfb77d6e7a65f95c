package ratelimit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/embedded"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/awsaccount/awsaccount/ratelimit"
)

// otelTest is an OpenTelemetry SDK whose metrics a test reads with a
// ManualReader. Its provider checks, at every measurement, that the
// limiter being watched does not hold its lock.
type otelTest struct {
	t      *testing.T
	reader *sdkmetric.ManualReader
	mp     *sdkmetric.MeterProvider
	// watched is the Limiter whose lock every measurement checks.
	watched atomic.Pointer[ratelimit.Limiter]
}

func newOtelTest(t *testing.T) *otelTest {
	t.Helper()
	o := &otelTest{t: t, reader: sdkmetric.NewManualReader()}
	o.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(o.reader))
	t.Cleanup(func() { _ = o.mp.Shutdown(context.Background()) })
	return o
}

// newLimiter makes a Limiter that reports to o with attrs, and watches it.
func (o *otelTest) newLimiter(l ratelimit.Limit, attrs []attribute.KeyValue, optFns ...func(*ratelimit.Options)) *ratelimit.Limiter {
	lim := ratelimit.New(l, append(optFns, ratelimit.WithMeterProvider(lockCheck{o: o}, attrs...))...)
	o.watched.Store(lim)
	return lim
}

// lockFree fails the test if the measuring goroutine holds the watched
// limiter's lock: taking it from another goroutine would then never end.
// (Another goroutine may hold it a moment; that only delays the check.)
func (o *otelTest) lockFree() {
	l := o.watched.Load()
	if l == nil {
		return
	}
	done := make(chan struct{})
	go func() { ratelimit.Sleeping(l); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		// The goroutine ends once the measurement returns and the lock is
		// released.
		o.t.Error("a metric was recorded with the limiter's lock held")
	}
}

// metrics reads the package's metrics by name.
func (o *otelTest) metrics() map[string]metricdata.Metrics {
	o.t.Helper()
	var rm metricdata.ResourceMetrics
	if err := o.reader.Collect(context.Background(), &rm); err != nil {
		o.t.Fatal(err)
	}
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != "github.com/awsaccount/awsaccount/ratelimit" {
			o.t.Errorf("metrics of scope %q", sm.Scope.Name)
			continue
		}
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// sum is the value of the one series of the int64 sum name (0 with no
// series), whose attributes must be want.
func (o *otelTest) sum(name string, want attribute.Set) int64 {
	o.t.Helper()
	m, ok := o.metrics()[name]
	if !ok {
		return 0
	}
	s, ok := m.Data.(metricdata.Sum[int64])
	if !ok || len(s.DataPoints) != 1 {
		o.t.Fatalf("%s: %#v, want one int64 series", name, m.Data)
	}
	if !s.DataPoints[0].Attributes.Equals(&want) {
		o.t.Errorf("%s: attributes %v, want %v", name, s.DataPoints[0].Attributes.ToSlice(), want.ToSlice())
	}
	return s.DataPoints[0].Value
}

// gauge is the value of the one series of the float64 gauge name, and
// whether it has one.
func (o *otelTest) gauge(name string) (float64, bool) {
	o.t.Helper()
	m, ok := o.metrics()[name]
	if !ok {
		return 0, false
	}
	g, ok := m.Data.(metricdata.Gauge[float64])
	if !ok || len(g.DataPoints) != 1 {
		o.t.Fatalf("%s: %#v, want one float64 gauge series", name, m.Data)
	}
	return g.DataPoints[0].Value, true
}

// lockCheck is o's SDK provider, whose instruments check lockFree at each
// measurement.
type lockCheck struct {
	embedded.MeterProvider
	o *otelTest
}

func (p lockCheck) Meter(name string, opts ...metric.MeterOption) metric.Meter {
	return checkMeter{p.o.mp.Meter(name, opts...), p.o}
}

type checkMeter struct {
	metric.Meter
	o *otelTest
}

func (m checkMeter) Int64Counter(name string, opts ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	c, err := m.Meter.Int64Counter(name, opts...)
	return checkCounter{c, m.o}, err
}

func (m checkMeter) Int64UpDownCounter(name string, opts ...metric.Int64UpDownCounterOption) (metric.Int64UpDownCounter, error) {
	c, err := m.Meter.Int64UpDownCounter(name, opts...)
	return checkUpDown{c, m.o}, err
}

func (m checkMeter) Float64Gauge(name string, opts ...metric.Float64GaugeOption) (metric.Float64Gauge, error) {
	g, err := m.Meter.Float64Gauge(name, opts...)
	return checkGauge{g, m.o}, err
}

type checkCounter struct {
	metric.Int64Counter
	o *otelTest
}

func (c checkCounter) Add(ctx context.Context, n int64, opts ...metric.AddOption) {
	c.o.lockFree()
	c.Int64Counter.Add(ctx, n, opts...)
}

type checkUpDown struct {
	metric.Int64UpDownCounter
	o *otelTest
}

func (c checkUpDown) Add(ctx context.Context, n int64, opts ...metric.AddOption) {
	c.o.lockFree()
	c.Int64UpDownCounter.Add(ctx, n, opts...)
}

type checkGauge struct {
	metric.Float64Gauge
	o *otelTest
}

func (g checkGauge) Record(ctx context.Context, v float64, opts ...metric.RecordOption) {
	g.o.lockFree()
	g.Float64Gauge.Record(ctx, v, opts...)
}

var targetAttrs = []attribute.KeyValue{
	attribute.String("account_id", "123456789012"), attribute.String("region", "eu-west-1"),
	attribute.String("service", "ec2"), attribute.String("operation", "describeinstances"),
}

// TestMetricsWaiters: the waiters gauge goes up as requests go to sleep,
// and back to 0 as they are admitted or give up.
func TestMetricsWaiters(t *testing.T) {
	ot := newOtelTest(t)
	clock := newFakeClock()
	l := ot.newLimiter(ratelimit.Limit{MaxCount: 1, Interval: time.Second, Block: true}, targetAttrs, ratelimit.WithClock(clock))
	want := attribute.NewSet(targetAttrs...)
	ctx := context.Background()
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if got := ot.sum("awsaccount.ratelimit.waiters", want); got != 0 {
		t.Fatalf("waiters %d before any request slept, want 0", got)
	}
	quit, giveUp := context.WithCancel(ctx)
	defer giveUp()
	var wg sync.WaitGroup
	for i := range 4 {
		wctx := ctx
		if i == 3 {
			wctx = quit
		}
		wg.Go(func() {
			if err := l.Wait(wctx); err != nil && !errors.Is(err, context.Canceled) {
				t.Error(err)
			}
		})
		<-clock.timers // asleep, and counted before its timer was made
		if got := ot.sum("awsaccount.ratelimit.waiters", want); got != int64(i+1) {
			t.Fatalf("waiters %d with %d requests asleep", got, i+1)
		}
	}
	giveUp()
	waitSleeping(t, l, 0)
	for range 3 {
		clock.Advance(time.Second)
	}
	wg.Wait()
	if got := ot.sum("awsaccount.ratelimit.waiters", want); got != 0 {
		t.Fatalf("waiters %d once all were admitted or gave up, want 0", got)
	}
	if _, ok := ot.metrics()["awsaccount.ratelimit.rebookings"]; ok {
		t.Error("rebookings recorded with no change of the limit")
	}
}

// TestMetricsRebookings: a knob change takes back the turns of the
// waiting requests: one rebooking each.
func TestMetricsRebookings(t *testing.T) {
	ot := newOtelTest(t)
	l := ot.newLimiter(ratelimit.Limit{MaxCount: 1, Interval: time.Hour, Block: true}, nil)
	ctx := context.Background()
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if err := l.Wait(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	waitSleeping(t, l, 5)
	l.SetMaxCount(100)
	wg.Wait()
	none := attribute.NewSet()
	if got := ot.sum("awsaccount.ratelimit.rebookings", none); got != 5 {
		t.Errorf("rebookings %d, want 5", got)
	}
	if got := ot.sum("awsaccount.ratelimit.waiters", none); got != 0 {
		t.Errorf("waiters %d after all were admitted, want 0", got)
	}
}

// cancellingStore fails as a store does when its caller has given up.
type cancellingStore struct{ cancel context.CancelFunc }

func (s cancellingStore) Reserve(ctx context.Context, _ ratelimit.Limit, _ time.Duration) (ratelimit.Reservation, error) {
	s.cancel()
	return ratelimit.Reservation{}, ctx.Err()
}
func (cancellingStore) Cancel(context.Context, ratelimit.Reservation) {}

// TestMetricsStoreErrors: each failed store call is counted, fail-fast or
// blocking, and during a rebook; not the failure of a request that gave up.
func TestMetricsStoreErrors(t *testing.T) {
	ot := newOtelTest(t)
	down := errors.New("redis: connection refused")
	for _, block := range []bool{false, true} {
		l := ot.newLimiter(ratelimit.Limit{MaxCount: 1, Interval: time.Second, Block: block}, targetAttrs, ratelimit.WithStore(failingStore{down}))
		if err := l.Wait(context.Background()); !errors.Is(err, down) {
			t.Fatalf("Wait = %v", err)
		}
	}
	want := attribute.NewSet(targetAttrs...)
	if got := ot.sum("awsaccount.ratelimit.store.errors", want); got != 2 {
		t.Errorf("store errors %d after 2 failed calls, want 2", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := ot.newLimiter(ratelimit.Limit{MaxCount: 1, Interval: time.Second, Block: true}, targetAttrs, ratelimit.WithStore(cancellingStore{cancel}))
	if err := l.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v", err)
	}
	if got := ot.sum("awsaccount.ratelimit.store.errors", want); got != 2 {
		t.Errorf("store errors %d after a request gave up, want 2 still", got)
	}

	// A store that fails the new turns a knob change books.
	store := &failAfter{MemoryStore: ratelimit.NewMemoryStore(), ok: 2, err: down}
	l = ot.newLimiter(ratelimit.Limit{MaxCount: 1, Interval: time.Hour, Block: true}, targetAttrs, ratelimit.WithStore(store))
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- l.Wait(context.Background()) }()
	waitSleeping(t, l, 1)
	l.SetMaxCount(2)
	if err := <-errc; !errors.Is(err, down) {
		t.Fatalf("Wait after a rebook the store failed = %v", err)
	}
	if got := ot.sum("awsaccount.ratelimit.store.errors", want); got != 3 {
		t.Errorf("store errors %d after a failed rebook, want 3", got)
	}
}

// failAfter is a MemoryStore whose Reserve fails after ok calls.
type failAfter struct {
	*ratelimit.MemoryStore
	mu  sync.Mutex
	ok  int
	err error
}

func (s *failAfter) Reserve(ctx context.Context, l ratelimit.Limit, maxWait time.Duration) (ratelimit.Reservation, error) {
	s.mu.Lock()
	s.ok--
	fail := s.ok < 0
	s.mu.Unlock()
	if fail {
		return ratelimit.Reservation{}, s.err
	}
	return s.MemoryStore.Reserve(ctx, l, maxWait)
}

// TestMetricsAdaptiveRate: the gauge shows the rate in force after each
// decrease and each step of the recovery, then the knobs' rate; a limit
// that is not adaptive has none.
func TestMetricsAdaptiveRate(t *testing.T) {
	ot := newOtelTest(t)
	ctx := context.Background()
	clock := newFakeClock()
	conf := ratelimit.Limit{Burst: 100, Rate: 20}
	l := ot.newLimiter(conf, targetAttrs, ratelimit.WithClock(clock), ratelimit.WithAdaptive(true))
	for range 50 {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := ot.gauge("awsaccount.ratelimit.adaptive.rate"); ok {
		t.Fatal("a rate recorded before any change")
	}
	clock.Advance(10 * time.Millisecond)
	l.Throttled(clock.Now())
	if got, ok := ot.gauge("awsaccount.ratelimit.adaptive.rate"); !ok || got != 14 {
		t.Fatalf("after a throttle: rate %v (recorded %v), want 14", got, ok)
	}
	last := 14.0
	for range 9 { // 8.62s to recover (TestAdaptive)
		clock.Advance(time.Second)
		_ = l.Wait(ctx) // looks at the recovery
		got, _ := ot.gauge("awsaccount.ratelimit.adaptive.rate")
		if got != l.Effective().PerSecond() || got < last {
			t.Fatalf("recovering: rate %v, want the effective %v, no lower than %v", got, l.Effective().PerSecond(), last)
		}
		last = got
	}
	if last != 20 {
		t.Fatalf("recovered: rate %v, want the knobs' 20", last)
	}
	l.SetRate(10)
	if got, _ := ot.gauge("awsaccount.ratelimit.adaptive.rate"); got != 10 {
		t.Errorf("after SetRate(10): rate %v, want 10", got)
	}
	l.SetLimit(ratelimit.Limit{})
	if got, _ := ot.gauge("awsaccount.ratelimit.adaptive.rate"); got != 0 {
		t.Errorf("unlimited: rate %v, want 0", got)
	}

	plain := ot.newLimiter(conf, targetAttrs)
	plain.Throttled(time.Now())
	plain.SetRate(5)
	if got, _ := ot.gauge("awsaccount.ratelimit.adaptive.rate"); got != 0 {
		t.Errorf("a limit that is not adaptive recorded rate %v", got)
	}
}

// TestNoTelemetryState: without a provider, or with a no-op one, a
// Limiter keeps no telemetry state (its admissions take the path they
// took before); with one, it does.
func TestNoTelemetryState(t *testing.T) {
	tests := map[string]struct {
		mp   metric.MeterProvider
		want bool
	}{
		"none":        {nil, false},
		"noop":        {metricnoop.NewMeterProvider(), false},
		"noop by ptr": {new(metricnoop.MeterProvider), false},
		"sdk":         {sdkmetric.NewMeterProvider(), true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second}, ratelimit.WithMeterProvider(tc.mp, targetAttrs...))
			if got := ratelimit.HasTelemetry(l); got != tc.want {
				t.Errorf("HasTelemetry = %v, want %v", got, tc.want)
			}
		})
	}
}
