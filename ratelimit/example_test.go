package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/awsaccount/awsaccount/ratelimit"
)

// The seed's narrative: one call per second, fail fast, then a higher limit
// at run time.
func Example() {
	ctx := context.Background()
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second})
	fmt.Println(l.Wait(ctx))
	if err := l.Wait(ctx); errors.Is(err, ratelimit.ErrExceeded) {
		fmt.Println("Too fast!")
	}
	l.SetMaxCount(2)
	fmt.Println(l.Wait(ctx))
	st := l.Stats()
	fmt.Printf("admitted %d, refused %d\n", st.Admitted, st.Refused)
	// Output:
	// <nil>
	// Too fast!
	// <nil>
	// admitted 2, refused 1
}

// Two callers at one per 100 ms with Block: the second waits its turn.
func ExampleLimiter_Wait_block() {
	ctx := context.Background()
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: 100 * time.Millisecond, Block: true})
	start := time.Now()
	_ = l.Wait(ctx)
	_ = l.Wait(ctx)
	fmt.Println(time.Since(start) >= 100*time.Millisecond, l.Stats().Waited)
	// Output: true 1
}

// A fail-fast refusal says when to retry.
func ExampleExceededError() {
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Minute})
	_ = l.Wait(context.Background())
	err := l.Wait(context.Background())
	var ee *ratelimit.ExceededError
	if errors.As(err, &ee) {
		fmt.Println(ee.RetryAfter > 59*time.Second, ee.RetryAfter <= time.Minute)
	}
	// Output: true true
}

func ExampleLimit_Validate() {
	fmt.Println(ratelimit.Limit{MaxCount: -1, Interval: time.Second}.Validate())
	fmt.Println(ratelimit.Limit{MaxCount: 10, Interval: time.Second, Block: true})
	fmt.Println(ratelimit.Limit{})
	// Output:
	// max_count must be >= 0, got -1
	// 10 per 1s, block
	// unlimited
}

// A RateLimit block that is present must limit, or say that it does not.
func ExampleSpec_Validate() {
	var typo ratelimit.Spec // max_count: 10, intervall: 1
	typo.MaxCount = 10
	fmt.Println(typo.Validate())
	fmt.Println(ratelimit.Spec{Unlimited: true}.Validate())
	fmt.Println(ratelimit.Spec{}.IsZero(), ratelimit.Spec{}.Limit) // an absent block
	// Output:
	// interval must be positive, got 0s (a block without a limit says unlimited: true)
	// <nil>
	// true unlimited
}

// AWS's model: a bucket of 100 tokens, refilled at 20 a second. The first
// 100 requests start at once; the next waits for a token (50ms).
func ExampleLimit_bucket() {
	ctx := context.Background()
	l := ratelimit.New(ratelimit.Limit{Burst: 100, Rate: 20})
	n := 0
	for l.Wait(ctx) == nil {
		n++
	}
	var ee *ratelimit.ExceededError
	err := l.Wait(ctx)
	fmt.Println(n, l.Limit(), errors.As(err, &ee) && ee.RetryAfter > 40*time.Millisecond)
	// Output: 100 burst 100, 20/s, fail fast true
}

// An adaptive limit's metrics, read with the OpenTelemetry SDK's
// ManualReader (an exporter in a program): a throttle after 20 requests a
// second lowers the rate in force to 14 a second.
func ExampleWithMeterProvider() {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(ctx)

	l := ratelimit.New(ratelimit.Limit{Burst: 10, Rate: 20}, ratelimit.WithAdaptive(true),
		ratelimit.WithMeterProvider(mp, attribute.String("service", "ec2")))
	// 10 at once, the last throttled: the server accepted 9 in the meter's
	// shortest span, half a second, 18 a second; the rate drops to 0.7×18.
	for range 10 {
		_ = l.Wait(ctx)
	}
	l.Throttled(time.Now())

	var rm metricdata.ResourceMetrics
	_ = reader.Collect(ctx, &rm)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if g, ok := m.Data.(metricdata.Gauge[float64]); ok {
				service, _ := g.DataPoints[0].Attributes.Value("service")
				fmt.Println(m.Name, m.Unit, g.DataPoints[0].Value, service.AsString())
			}
		}
	}
	// Output: awsaccount.ratelimit.adaptive.rate {request}/s 12.6 ec2
}
