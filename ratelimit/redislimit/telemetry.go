package redislimit

import (
	"context"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
)

// instrumentationScope names this package's meter.
const instrumentationScope = "github.com/awsaccount/awsaccount/ratelimit/redislimit"

// The names of the instruments and their one attribute; doc.go lists them
// for users.
const (
	metricFallbacks       = "awsaccount.redislimit.fallbacks"
	metricRecoveries      = "awsaccount.redislimit.recoveries"
	metricRoundTrip       = "awsaccount.redislimit.roundtrip.duration"
	metricLocalAdmissions = "awsaccount.redislimit.local.admissions"

	attrRedisHost = "redis_host"
)

// roundTripBuckets suit Redis calls from a loopback round trip (tens of
// microseconds) to DefaultTimeout and beyond; OpenTelemetry's default
// boundaries are for milliseconds.
var roundTripBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}

// telemetry is what the Stores of one client (one health) report to. A
// client without a MeterProvider (or with a no-op one) has none: a nil
// *telemetry, whose methods return at once. No method is called with a
// lock held.
type telemetry struct {
	fallbacks       metric.Int64Counter
	recoveries      metric.Int64Counter
	roundTrip       metric.Float64Histogram
	localAdmissions metric.Int64Counter

	// The client's attributes, built once: recording with a prepared
	// attribute set allocates nothing.
	add    []metric.AddOption
	record []metric.RecordOption
}

// newTelemetry returns nil when mp is nil or one of OpenTelemetry's no-op
// providers. host is the server's host:port (never a URL, which may hold
// a password); "" leaves the attribute out.
func newTelemetry(mp metric.MeterProvider, host string) *telemetry {
	switch mp.(type) {
	case nil, metricnoop.MeterProvider, *metricnoop.MeterProvider:
		return nil
	}
	var attrs []attribute.KeyValue
	if host != "" {
		attrs = append(attrs, attribute.String(attrRedisHost, host))
	}
	opt := metric.WithAttributeSet(attribute.NewSet(attrs...))
	t := &telemetry{add: []metric.AddOption{opt}, record: []metric.RecordOption{opt}}
	m := mp.Meter(instrumentationScope)
	// The API returns a usable instrument with any error, which only a bad
	// name causes: ours are constants, which the tests read back.
	t.fallbacks, _ = m.Int64Counter(metricFallbacks, metric.WithUnit("{outage}"),
		metric.WithDescription("Outages begun: Redis did not answer a call within the timeout, and the stores of its client fell back per on_backend_error (local admissions, or errors) until it answers."))
	t.recoveries, _ = m.Int64Counter(metricRecoveries, metric.WithUnit("{outage}"),
		metric.WithDescription("Outages ended: a probe found Redis answering, and the limits are shared again."))
	t.roundTrip, _ = m.Float64Histogram(metricRoundTrip, metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(roundTripBuckets...),
		metric.WithDescription("Duration of the Redis calls of the stores that Redis answered: admissions, probes with their replays, give-backs."))
	t.localAdmissions, _ = m.Int64Counter(metricLocalAdmissions, metric.WithUnit("{request}"),
		metric.WithDescription("Starts granted by the local fallback (on_backend_error local) during outages."))
	return t
}

// clientHost is the address of client's server, for the attribute: a
// Client's host:port, a ClusterClient's seed addresses; "" for others.
func clientHost(client redis.UniversalClient) string {
	switch c := client.(type) {
	case *redis.Client:
		return c.Options().Addr
	case *redis.ClusterClient:
		return strings.Join(c.Options().Addrs, ",")
	}
	return ""
}

// start returns the time a Redis call starts, when it is timed.
func (t *telemetry) start() time.Time {
	if t == nil {
		return time.Time{}
	}
	return time.Now()
}

// answered records the duration of a call that began at begin and that
// Redis answered; a failed call (a timeout, a refused connection) says
// nothing of the round trip.
func (t *telemetry) answered(ctx context.Context, begin time.Time, err error) {
	if t == nil || err != nil {
		return
	}
	t.roundTrip.Record(ctx, time.Since(begin).Seconds(), t.record...)
}

func (t *telemetry) fellBack() {
	if t != nil {
		t.fallbacks.Add(context.Background(), 1, t.add...)
	}
}

func (t *telemetry) recovered() {
	if t != nil {
		t.recoveries.Add(context.Background(), 1, t.add...)
	}
}

func (t *telemetry) admittedLocally(ctx context.Context) {
	if t != nil {
		t.localAdmissions.Add(ctx, 1, t.add...)
	}
}
