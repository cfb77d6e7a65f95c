package redislimit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

// otelTest is an OpenTelemetry SDK whose metrics a test reads with a
// ManualReader.
type otelTest struct {
	reader *sdkmetric.ManualReader
	mp     *sdkmetric.MeterProvider
}

func newOtelTest(t *testing.T) *otelTest {
	t.Helper()
	o := &otelTest{reader: sdkmetric.NewManualReader()}
	o.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(o.reader))
	t.Cleanup(func() { _ = o.mp.Shutdown(context.Background()) })
	return o
}

// metrics reads the package's metrics by name; every series must have
// exactly the attributes want.
func (o *otelTest) metrics(t *testing.T, want attribute.Set) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := o.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != "github.com/awsaccount/awsaccount/ratelimit/redislimit" {
			continue
		}
		for _, m := range sm.Metrics {
			out[m.Name] = m
			for _, set := range seriesAttrs(m) {
				if !set.Equals(&want) {
					t.Errorf("%s: attributes %v, want %v", m.Name, set.ToSlice(), want.ToSlice())
				}
			}
		}
	}
	return out
}

// seriesAttrs lists the attribute sets of m's series.
func seriesAttrs(m metricdata.Metrics) []attribute.Set {
	var sets []attribute.Set
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, dp := range d.DataPoints {
			sets = append(sets, dp.Attributes)
		}
	case metricdata.Histogram[float64]:
		for _, dp := range d.DataPoints {
			sets = append(sets, dp.Attributes)
		}
	}
	return sets
}

// count sums the int64 counter name.
func count(ms map[string]metricdata.Metrics, name string) int64 {
	s, _ := ms[name].Data.(metricdata.Sum[int64])
	var n int64
	for _, dp := range s.DataPoints {
		n += dp.Value
	}
	return n
}

// calls is the number of durations in the histogram name.
func calls(ms map[string]metricdata.Metrics, name string) uint64 {
	h, _ := ms[name].Data.(metricdata.Histogram[float64])
	var n uint64
	for _, dp := range h.DataPoints {
		n += dp.Count
	}
	return n
}

// TestMetricsOutage: against a real redis-server that is killed and
// restarted, the metrics count one fallback, the local admissions during
// the outage, and one recovery; each admission through Redis is one timed
// round trip. The one attribute is the server's host:port.
func TestMetricsOutage(t *testing.T) {
	srv := redistest.Run(t)
	ot := newOtelTest(t)
	b := redislimit.NewBackend(func(o *redislimit.Options) {
		o.MeterProvider = ot.mp
		o.ProbeInterval = 50 * time.Millisecond
	})
	t.Cleanup(func() { _ = b.Close() })
	s, err := b.Open(t.Context(), ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: srv.URL()}}, "123456789012:us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	// A limit that does not bind: every Wait is one admission.
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1000, Interval: time.Second, Block: true}, ratelimit.WithStore(s))
	wait := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		if err := l.Wait(ctx); err != nil {
			t.Fatalf("Wait: %v", err)
		}
	}
	host := attribute.NewSet(attribute.String("redis_host", srv.Addr()))

	for range 5 {
		wait()
	}
	ms := ot.metrics(t, host)
	if n := calls(ms, "awsaccount.redislimit.roundtrip.duration"); n != 5 {
		t.Errorf("%d round trips timed for 5 admissions, want 5", n)
	}
	if n := count(ms, "awsaccount.redislimit.fallbacks") + count(ms, "awsaccount.redislimit.local.admissions"); n != 0 {
		t.Errorf("fallbacks or local admissions (%d) with Redis up", n)
	}

	srv.Kill()
	for range 3 {
		wait()
	}
	ms = ot.metrics(t, host)
	if n := count(ms, "awsaccount.redislimit.fallbacks"); n != 1 {
		t.Errorf("fallbacks %d after a kill, want 1", n)
	}
	if n := count(ms, "awsaccount.redislimit.local.admissions"); n != 3 {
		t.Errorf("local admissions %d after 3 admissions with Redis down, want 3", n)
	}
	if n := count(ms, "awsaccount.redislimit.recoveries"); n != 0 {
		t.Errorf("recoveries %d with Redis down", n)
	}
	if n := calls(ms, "awsaccount.redislimit.roundtrip.duration"); n != 5 {
		t.Errorf("%d round trips timed, want still 5: a failed call is not timed", n)
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for count(ot.metrics(t, host), "awsaccount.redislimit.recoveries") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no recovery counted 3s after Redis restarted")
		}
		wait()
		time.Sleep(10 * time.Millisecond)
	}
	ms = ot.metrics(t, host)
	if n := count(ms, "awsaccount.redislimit.fallbacks"); n != 1 {
		t.Errorf("fallbacks %d after one outage, want 1", n)
	}
	if n := count(ms, "awsaccount.redislimit.recoveries"); n != 1 {
		t.Errorf("recoveries %d after one outage, want 1", n)
	}
	before := calls(ms, "awsaccount.redislimit.roundtrip.duration")
	wait()
	if n := calls(ot.metrics(t, host), "awsaccount.redislimit.roundtrip.duration"); n != before+1 {
		t.Errorf("%d round trips timed after one more admission, want %d", n, before+1)
	}
}

// TestMetricsNoPassword: a URL's password is in no attribute; its host is.
func TestMetricsNoPassword(t *testing.T) {
	const secret = "s3cr3t-pw"
	srv := redistest.Run(t)
	ot := newOtelTest(t)
	b := redislimit.NewBackend(func(o *redislimit.Options) { o.MeterProvider = ot.mp })
	t.Cleanup(func() { _ = b.Close() })
	// The server has no such user: AUTH fails, an outage.
	url := "redis://user:" + secret + "@" + srv.Addr() + "/0"
	s, err := b.Open(t.Context(), ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: url}}, "123456789012:us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reserve(t.Context(), ratelimit.Limit{MaxCount: 1, Interval: time.Second}, 0); err != nil {
		t.Fatal(err)
	}
	ms := ot.metrics(t, attribute.NewSet(attribute.String("redis_host", srv.Addr())))
	if n := count(ms, "awsaccount.redislimit.fallbacks"); n != 1 {
		t.Errorf("fallbacks %d after a refused AUTH, want 1", n)
	}
	for name, m := range ms {
		for _, set := range seriesAttrs(m) {
			if strings.Contains(set.Encoded(attribute.DefaultEncoder()), secret) {
				t.Errorf("%s: password in attributes %v", name, set.ToSlice())
			}
		}
	}
}

// TestMetricsOfNewStore: a Store made from a client is named by the
// client's address.
func TestMetricsOfNewStore(t *testing.T) {
	srv := redistest.Run(t)
	ot := newOtelTest(t)
	s := redislimit.NewStore(newClient(t, srv), "k", func(o *redislimit.Options) { o.MeterProvider = ot.mp })
	if _, err := s.Reserve(t.Context(), ratelimit.Limit{MaxCount: 1, Interval: time.Second}, 0); err != nil {
		t.Fatal(err)
	}
	ms := ot.metrics(t, attribute.NewSet(attribute.String("redis_host", srv.Addr())))
	if n := calls(ms, "awsaccount.redislimit.roundtrip.duration"); n != 1 {
		t.Errorf("%d round trips timed, want 1", n)
	}
}

// TestNoTelemetryState: without a provider, or with a no-op one, a Store
// keeps no telemetry state.
func TestNoTelemetryState(t *testing.T) {
	tests := map[string]struct {
		mp   metric.MeterProvider
		want bool
	}{
		"none": {nil, false},
		"noop": {metricnoop.NewMeterProvider(), false},
		"sdk":  {sdkmetric.NewMeterProvider(), true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := redislimit.NewBackend(func(o *redislimit.Options) { o.MeterProvider = tc.mp })
			defer b.Close()
			s, err := b.Open(t.Context(), ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: "redis://127.0.0.1:1/0"}}, "k")
			if err != nil {
				t.Fatal(err)
			}
			if got := redislimit.HasTelemetry(s.(*redislimit.Store)); got != tc.want {
				t.Errorf("HasTelemetry = %v, want %v", got, tc.want)
			}
		})
	}
}
