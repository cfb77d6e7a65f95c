package awslimits_test

import (
	"context"
	"errors"

	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/awslimits"
)

// BenchmarkAWSLimits: 64 workers call EC2 DescribeVpcs and DescribeSubnets
// for 30s (AWSLIMITS_BENCH_RUN to change it) through the throttling
// emulator in front of moto, whose one bucket for EC2 holds 100 tokens and
// gains 20 a second (AWS's non-mutating numbers), in five modes:
//
//	none             the target's standard retryer only (10 attempts)
//	sdk-adaptive     the SDK's adaptive retry mode (retry.NewAdaptiveMode, 10 attempts)
//	preset           RateLimit {preset: aws}
//	adaptive         RateLimit {adaptive: true}, no preset: each operation learns
//	preset+adaptive  RateLimit {preset: aws, adaptive: true}
//
// It reports successful calls a second as a fraction of the bucket's
// sustainable rate (20/s; the first 100 tokens let a 30s run reach about
// 117%), throttled responses as a share of the requests the emulator saw,
// and the p99 latency of a call (waits in the limiter and between retries
// included). Run it with
//
//	go test -run '^$' -bench BenchmarkAWSLimits -benchtime 1x ./ratelimit/awslimits/
//
// or make awslimitsbench. It needs moto_server (see package awstest).
func BenchmarkAWSLimits(b *testing.B) {
	run := 30 * time.Second
	if s := os.Getenv("AWSLIMITS_BENCH_RUN"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			b.Fatal(err)
		}
		run = d
	}
	awstest.IsolateEnv()
	moto := awstest.RunMoto(b)
	modes := []struct {
		name string
		ops  opLimits
		sdk  bool
	}{
		{name: "none"},
		{name: "sdk-adaptive", sdk: true},
		{name: "preset", ops: opLimits{Preset: awslimits.AWS()}},
		{name: "adaptive", ops: opLimits{Adaptive: true}},
		{name: "preset+adaptive", ops: opLimits{Preset: awslimits.AWS(), Adaptive: true}},
	}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			for range b.N {
				r := runAWSLimits(b, moto.URL(), run, m.ops, m.sdk)
				b.ReportMetric(r.ofSustainable*100, "%sustainable")
				b.ReportMetric(r.throttledPct, "%throttled")
				b.ReportMetric(float64(r.p99.Milliseconds()), "p99-ms")
				b.ReportMetric(float64(r.calls), "calls")
				b.Logf("%-16s %6.1f%% of 20/s (%d calls, %.1f/s), %5.2f%% of %d requests throttled, p99 %v, %d calls failed",
					m.name, r.ofSustainable*100, r.calls, float64(r.calls)/run.Seconds(), r.throttledPct, r.requests, r.p99, r.failed)
			}
		})
	}
}

type benchResult struct {
	calls, failed, requests int64
	ofSustainable           float64
	throttledPct            float64
	p99                     time.Duration
}

func runAWSLimits(b *testing.B, motoURL string, run time.Duration, ops opLimits, sdkAdaptive bool) benchResult {
	const (
		workers     = 64
		sustainable = 20.0
	)
	th := awstest.RunThrottler(b, motoURL, func(o *awstest.ThrottlerOptions) {
		o.Buckets = awstest.UniformBuckets(awstest.Limit{Burst: 100, Rate: sustainable})
	})
	keys := awsaccount.SessionParameters{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Region: "us-east-1"}
	s, err := awsaccount.NewSession(context.Background(), keys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(th.URL()))
	})
	if err != nil {
		b.Fatal(err)
	}
	ra := awsaccount.NewRegionalAccount(ratelimit.New(ratelimit.Limit{}), awsaccount.NewAccount(s), "us-east-1",
		func(o *awsaccount.RegionalAccountOptions) { o.Preset, o.Adaptive = ops.Preset, ops.Adaptive })
	var optFns []func(*ec2.Options)
	if sdkAdaptive {
		a := retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) { so.MaxAttempts = 10 })
		})
		optFns = append(optFns, func(o *ec2.Options) { o.Retryer = a })
	}
	c := ec2.NewFromConfig(ra.Config(), optFns...)
	// moto makes the region's default VPC on its first call; then the
	// bucket starts full.
	if _, err := c.DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{}); err != nil {
		b.Fatal(err)
	}
	th.Reset()

	ctx, cancel := context.WithTimeout(context.Background(), run)
	defer cancel()
	var calls, failed atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := range workers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				begin := time.Now()
				var err error
				if (w+i)%2 == 0 {
					_, err = c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
				} else {
					_, err = c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
				}
				switch {
				case errors.Is(err, context.DeadlineExceeded):
					return // the run is over, or the call's turn would come after it
				case err == nil:
					calls.Add(1)
					mu.Lock()
					lat = append(lat, time.Since(begin))
					mu.Unlock()
				case ctx.Err() == nil:
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	var allowed, throttled int64
	for _, st := range th.Stats() {
		allowed += st.Allowed
		throttled += st.Throttled
	}
	r := benchResult{calls: calls.Load(), failed: failed.Load(), requests: allowed + throttled}
	r.ofSustainable = float64(r.calls) / run.Seconds() / sustainable
	if r.requests > 0 {
		r.throttledPct = 100 * float64(throttled) / float64(r.requests)
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		r.p99 = lat[len(lat)*99/100]
	}
	return r
}

// opLimits are the per-operation options a benchmark mode sets.
type opLimits struct {
	Preset   *awslimits.Preset
	Adaptive bool
}
