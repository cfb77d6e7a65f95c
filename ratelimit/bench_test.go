package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"golang.org/x/time/rate"

	"github.com/awsaccount/awsaccount/ratelimit"
)

// Our Limiter beside golang.org/x/time/rate on the same harness.
func BenchmarkWait(b *testing.B) {
	ctx := context.Background()
	cases := map[string]struct {
		ours   ratelimit.Limit
		theirs *rate.Limiter
	}{
		"unlimited": {ratelimit.Limit{}, rate.NewLimiter(rate.Inf, 0)},
		// A limit that never binds at benchmark speed: the full admission path.
		"limited-not-waiting": {ratelimit.Limit{MaxCount: 1 << 30, Interval: time.Hour, Block: true}, rate.NewLimiter(rate.Limit(1e12), 1<<30)},
	}
	for name, tc := range cases {
		for _, mode := range []string{"serial", "parallel"} {
			b.Run(name+"/"+mode+"/ours", func(b *testing.B) {
				l := ratelimit.New(tc.ours)
				runBench(b, mode, func() error { return l.Wait(ctx) })
			})
			b.Run(name+"/"+mode+"/x-time-rate", func(b *testing.B) {
				l := tc.theirs
				runBench(b, mode, func() error { return l.Wait(ctx) })
			})
		}
	}
}

// BenchmarkWaitMeterProvider admits through a limit that never binds
// without a MeterProvider, with OpenTelemetry's no-op one and with the
// SDK's (a ManualReader): an admission that does not sleep records
// nothing, so the three should cost the same as BenchmarkWait's
// limited-not-waiting/ours.
func BenchmarkWaitMeterProvider(b *testing.B) {
	ctx := context.Background()
	sdk := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = sdk.Shutdown(context.Background()) })
	providers := []struct {
		name string
		mp   metric.MeterProvider
	}{{"none", nil}, {"noop", metricnoop.NewMeterProvider()}, {"sdk", sdk}}
	attrs := []attribute.KeyValue{attribute.String("region", "us-east-1"), attribute.String("service", "ec2")}
	for _, p := range providers {
		name, mp := p.name, p.mp
		for _, mode := range []string{"serial", "parallel"} {
			b.Run(name+"/"+mode, func(b *testing.B) {
				l := ratelimit.New(ratelimit.Limit{MaxCount: 1 << 30, Interval: time.Hour, Block: true},
					ratelimit.WithMeterProvider(mp, attrs...))
				runBench(b, mode, func() error { return l.Wait(ctx) })
			})
		}
	}
}

func runBench(b *testing.B, mode string, wait func() error) {
	b.ReportAllocs()
	if mode == "serial" {
		for b.Loop() {
			if err := wait(); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := wait(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkUtilization reports achieved admissions per second ÷ the limit
// for a blocked stream of 8 goroutines at 200 per 100 ms over 1 s.
func BenchmarkUtilization(b *testing.B) {
	const maxCount, interval, runFor = 200, 100 * time.Millisecond, time.Second
	for b.Loop() {
		l := ratelimit.New(ratelimit.Limit{MaxCount: maxCount, Interval: interval, Block: true})
		ctx, cancel := context.WithTimeout(context.Background(), runFor)
		done := make(chan int)
		for range 8 {
			go func() {
				n := 0
				for l.Wait(ctx) == nil {
					n++
				}
				done <- n
			}()
		}
		total := 0
		for range 8 {
			total += <-done
		}
		cancel()
		b.ReportMetric(float64(total)/(maxCount*float64(runFor/interval)), "utilization")
	}
}
