package ratelimit

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
)

// instrumentationScope names this package's meter: its metrics are apart
// from the root package's (whose run report reads that scope only).
const instrumentationScope = "github.com/awsaccount/awsaccount/ratelimit"

// The names of the instruments; doc.go lists them for users.
const (
	metricWaiters      = "awsaccount.ratelimit.waiters"
	metricRebookings   = "awsaccount.ratelimit.rebookings"
	metricStoreErrors  = "awsaccount.ratelimit.store.errors"
	metricAdaptiveRate = "awsaccount.ratelimit.adaptive.rate"
)

// telemetry is what a Limiter reports to. A Limiter without a
// MeterProvider (or with a no-op one) has none: a nil *telemetry, whose
// methods return at once, so the admission paths cost what they cost
// before telemetry existed.
//
// No method is called with Limiter.mu held: the paths that decide what to
// record under mu note it, and record after they unlock.
type telemetry struct {
	waiters     metric.Int64UpDownCounter
	rebookings  metric.Int64Counter
	storeErrors metric.Int64Counter
	rate        metric.Float64Gauge
	// rateMu orders the recordings of rate (see recordRate); it is not
	// the Limiter's lock, and no admission takes it.
	rateMu sync.Mutex

	// The Limiter's attributes, built once: recording with a prepared
	// attribute set allocates nothing.
	add    []metric.AddOption
	record []metric.RecordOption
}

// newTelemetry returns nil when mp is nil or one of OpenTelemetry's no-op
// providers: those see nothing, so nothing is measured for them.
func newTelemetry(mp metric.MeterProvider, attrs []attribute.KeyValue) *telemetry {
	switch mp.(type) {
	case nil, metricnoop.MeterProvider, *metricnoop.MeterProvider:
		return nil
	}
	m := mp.Meter(instrumentationScope)
	opt := metric.WithAttributeSet(attribute.NewSet(attrs...))
	t := &telemetry{add: []metric.AddOption{opt}, record: []metric.RecordOption{opt}}
	// The API returns a usable instrument with any error, which only a bad
	// name causes: ours are constants, which the tests read back.
	t.waiters, _ = m.Int64UpDownCounter(metricWaiters, metric.WithUnit("{request}"),
		metric.WithDescription("Requests sleeping until their turn under the rate limit."))
	t.rebookings, _ = m.Int64Counter(metricRebookings, metric.WithUnit("{request}"),
		metric.WithDescription("Turns of waiting requests given back to the store after a change of the limit (a knob, or an adaptive decrease), to be booked anew under the new limit."))
	t.storeErrors, _ = m.Int64Counter(metricStoreErrors, metric.WithUnit("{call}"),
		metric.WithDescription("Store calls that failed for a request that had not given up; the request failed with the store's error."))
	t.rate, _ = m.Float64Gauge(metricAdaptiveRate, metric.WithUnit("{request}/s"),
		metric.WithDescription("Rate in force of an adaptive limit, recorded at each change: a decrease after a throttle, each step of its recovery, a change of its knobs (0: unlimited)."))
	return t
}

// waiting adds n (1 or -1) to the requests sleeping.
func (t *telemetry) waiting(ctx context.Context, n int64) {
	if t == nil {
		return
	}
	t.waiters.Add(ctx, n, t.add...)
}

// rebooked counts n turns taken back by a change of the limit.
func (t *telemetry) rebooked(ctx context.Context, n int) {
	if t == nil || n == 0 {
		return
	}
	t.rebookings.Add(ctx, int64(n), t.add...)
}

// storeFailed counts a failed store call made for the request of ctx,
// unless the request had given up: its end says nothing of the store.
func (t *telemetry) storeFailed(ctx context.Context) {
	if t == nil || ctx.Err() != nil {
		return
	}
	t.storeErrors.Add(ctx, 1, t.add...)
}

// recordRate records the rate in force of an adaptive Limiter after a
// change, once mu is released. Unlimited is 0, as a Limit's zero knobs
// mean (an exporter such as CloudWatch refuses an infinite value).
func (l *Limiter) recordRate() {
	t := l.tel
	if t == nil {
		return
	}
	t.rateMu.Lock()
	defer t.rateMu.Unlock()
	// Read here, not taken from the change: when two changes are recorded
	// in the other order, the last recording still shows the limit in
	// force, since every change is stored before it is recorded.
	eff := *l.limit.Load()
	r := 0.0
	if !eff.Unlimited() {
		r = eff.PerSecond()
	}
	t.rate.Record(context.Background(), r, t.record...)
}
