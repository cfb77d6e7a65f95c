package redislimit_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

// BenchmarkAdmission admits through a Limiter over Redis on loopback with a
// limit that never binds (1000 per µs): the cost of one script run per
// admission. It reports admissions/s and the p50 and p99 latency of one
// admission.
func BenchmarkAdmission(b *testing.B) {
	srv := redistest.Run(b)
	for _, goroutines := range []int{1, 16} {
		b.Run("goroutines="+strconv.Itoa(goroutines), func(b *testing.B) {
			benchAdmission(b, srv, "bench:"+strconv.Itoa(goroutines), goroutines)
		})
	}
}

// BenchmarkAdmissionMeterProvider is BenchmarkAdmission with 16
// goroutines, without a MeterProvider and with the SDK's (a ManualReader):
// the cost of timing each round trip.
func BenchmarkAdmissionMeterProvider(b *testing.B) {
	srv := redistest.Run(b)
	sdk := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = sdk.Shutdown(context.Background()) })
	for _, p := range []struct {
		name string
		mp   metric.MeterProvider
	}{{"none", nil}, {"sdk", sdk}} {
		b.Run(p.name, func(b *testing.B) {
			benchAdmission(b, srv, "bench-mp:"+p.name, 16, func(o *redislimit.Options) { o.MeterProvider = p.mp })
		})
	}
}

// benchAdmission admits b.N times from goroutines goroutines through a
// Store of key made with optFns.
func benchAdmission(b *testing.B, srv *redistest.Server, key string, goroutines int, optFns ...func(*redislimit.Options)) {
	s := redislimit.NewStore(newClient(b, srv), key, optFns...)
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1000, Interval: time.Microsecond, Block: true}, ratelimit.WithStore(s))
	var mu sync.Mutex
	var lat []time.Duration
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	begin := time.Now()
	var wg sync.WaitGroup
	next := make(chan struct{}, b.N)
	for range b.N {
		next <- struct{}{}
	}
	close(next)
	for range goroutines {
		wg.Go(func() {
			var mine []time.Duration
			for range next {
				t0 := time.Now()
				if err := l.Wait(ctx); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(begin)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "admissions/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
