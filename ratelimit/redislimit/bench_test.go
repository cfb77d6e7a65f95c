package redislimit_test

import (
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

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
			s := redislimit.NewStore(newClient(b, srv), "bench:"+strconv.Itoa(goroutines))
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
		})
	}
}
