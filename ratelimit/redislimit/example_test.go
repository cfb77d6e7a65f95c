package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

// Two Limiters, as in two processes, share 2 starts per second through
// Redis: the third request, fail-fast, is refused.
func Example() {
	srv, err := redistest.Start() // a throwaway redis-server
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	b := redislimit.NewBackend()
	defer b.Close()
	spec := ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: srv.URL()}}
	limit := ratelimit.Limit{MaxCount: 2, Interval: time.Second}
	var workers []*ratelimit.Limiter
	for range 2 {
		store, err := b.Open(context.Background(), spec, "123456789012:us-east-1")
		if err != nil {
			fmt.Println(err)
			return
		}
		workers = append(workers, ratelimit.New(limit, ratelimit.WithStore(store)))
	}
	ctx := context.Background()
	fmt.Println(workers[0].Wait(ctx))
	fmt.Println(workers[1].Wait(ctx))
	fmt.Println(errors.Is(workers[0].Wait(ctx), ratelimit.ErrExceeded))
	// Output:
	// <nil>
	// <nil>
	// true
}

// With on_backend_error local (the default), an unreachable Redis leaves
// each process its own copy of the limit.
func Example_fallback() {
	b := redislimit.NewBackend()
	defer b.Close()
	spec := ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: "redis://127.0.0.1:1/0"}}
	store, err := b.Open(context.Background(), spec, "123456789012:us-east-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second}, ratelimit.WithStore(store))
	ctx := context.Background()
	fmt.Println(l.Wait(ctx))
	fmt.Println(errors.Is(l.Wait(ctx), ratelimit.ErrExceeded))
	// Output:
	// <nil>
	// true
}

// The metrics of an outage, read with the OpenTelemetry SDK's ManualReader
// (an exporter in a program): Redis does not answer, one outage begins,
// and the local fallback admits the request.
func Example_metrics() {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(ctx)

	b := redislimit.NewBackend(func(o *redislimit.Options) { o.MeterProvider = mp })
	defer b.Close()
	spec := ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: "redis://app:s3cret@127.0.0.1:1/0"}}
	store, err := b.Open(ctx, spec, "123456789012:us-east-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	l := ratelimit.New(ratelimit.Limit{MaxCount: 10, Interval: time.Second}, ratelimit.WithStore(store))
	fmt.Println(l.Wait(ctx))

	var rm metricdata.ResourceMetrics
	_ = reader.Collect(ctx, &rm)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[int64]); ok {
				host, _ := s.DataPoints[0].Attributes.Value("redis_host")
				fmt.Println(m.Name, s.DataPoints[0].Value, host.AsString())
			}
		}
	}
	// Unordered output:
	// <nil>
	// awsaccount.redislimit.fallbacks 1 127.0.0.1:1
	// awsaccount.redislimit.local.admissions 1 127.0.0.1:1
}
