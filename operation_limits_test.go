package awsaccount_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/awslimits"
)

// TestPresetLimits: the preset's groups are looked up by either spelling,
// one limiter per group per target, and APILimits entries win, for an
// operation or for a whole group.
func TestPresetLimits(t *testing.T) {
	ctx := context.Background()
	own := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Minute})
	ra := newTarget(t, newTestSession(t), ratelimit.Limit{}, "us-east-1", func(o *awsaccount.RegionalAccountOptions) {
		o.APILimits = map[string]*ratelimit.Limiter{"ec2:DescribeInstances": own}
		o.Preset = awslimits.AWS()
	})
	vpcs, key, ok := ra.OperationLimit("ec2", "describe_vpcs")
	if !ok || key != "ec2:nonmutating" || vpcs.Limit() != (ratelimit.Limit{Burst: 99, Rate: 20, Block: true}) {
		t.Fatalf("OperationLimit(ec2, describe_vpcs) = %v, %q, %v", vpcs.Limit(), key, ok)
	}
	if subnets, _, _ := ra.OperationLimit("EC2", "DescribeSubnets"); subnets != vpcs {
		t.Fatal("DescribeSubnets and DescribeVpcs do not share the non-mutating limiter")
	}
	if l, key, _ := ra.OperationLimit("ec2", "DescribeInstances"); l != own || key != "ec2:describeinstances" {
		t.Fatalf("the APILimits entry does not win over the preset: %v, %q", l.Limit(), key)
	}
	if run, key, _ := ra.OperationLimit("ec2", "RunInstances"); run == vpcs || key != "ec2:runinstances" {
		t.Fatalf("RunInstances: key %q", key)
	}
	if _, _, ok := ra.OperationLimit("sts", "GetCallerIdentity"); ok {
		t.Fatal("STS has a preset limit")
	}
	c := awsaccount.Client(ra, ec2.NewFromConfig)
	for range 3 {
		if _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); !errors.Is(err, ratelimit.ErrExceeded) {
		t.Fatalf("second DescribeInstances = %v, want ErrExceeded from its own entry", err)
	}
	if got := vpcs.Stats().Admitted; got != 4 {
		t.Fatalf("the non-mutating group admitted %d, want 4", got)
	}

	// An entry naming the group replaces the preset's limit for the group.
	group := ratelimit.New(ratelimit.Limit{Burst: 5, Rate: 1})
	ra2 := newTarget(t, newTestSession(t), ratelimit.Limit{}, "us-east-1", func(o *awsaccount.RegionalAccountOptions) {
		o.APILimits = map[string]*ratelimit.Limiter{"ec2:non-mutating": group}
		o.Preset = awslimits.AWS()
	})
	if l, _, _ := ra2.OperationLimit("ec2", "DescribeVpcs"); l != group {
		t.Fatal("an APILimits entry for the group does not replace the preset's")
	}
}

// TestRegistryPreset: a RateLimit block names the preset; unknown presets
// and presets in APILimits entries are refused.
func TestRegistryPreset(t *testing.T) {
	ctx := context.Background()
	reg := awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.LoadOptions = append(so.LoadOptions, configEndpoint(emulatorURL))
		})
	})
	acct := awsaccount.AccountSpec{SessionParameters: testKeys}
	ra, err := reg.RegionalAccount(ctx, awsaccount.RegionalAccountSpec{Account: acct, Region: "us-east-1",
		RateLimit: ratelimit.Spec{Preset: "aws", Adaptive: true}})
	if err != nil {
		t.Fatal(err)
	}
	l, _, ok := ra.OperationLimit("ec2", "DescribeVpcs")
	if !ok || l.Limit().Burst != 99 {
		t.Fatalf("preset limit %v, %v", l.Limit(), ok)
	}
	tests := map[string]struct {
		spec awsaccount.RegionalAccountSpec
		want string
	}{
		"unknown preset": {awsaccount.RegionalAccountSpec{Account: acct, Region: "us-east-1", RateLimit: ratelimit.Spec{Preset: "gcp"}},
			`RateLimit.preset: unknown preset "gcp" (want "aws")`},
		"preset in an entry": {awsaccount.RegionalAccountSpec{Account: acct, Region: "us-east-1",
			APILimits: map[string]ratelimit.Spec{"ec2": {Preset: "aws"}}},
			"APILimits.ec2.preset: is for the RateLimit block, not an APILimits entry"},
		"mixed forms": {awsaccount.RegionalAccountSpec{Account: acct, Region: "us-east-1",
			RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 1, Interval: time.Second, Burst: 1, Rate: 1}}},
			"RateLimit.burst: and rate exclude max_count and interval (a limit is a window or a bucket)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := reg.RegionalAccount(ctx, tc.spec)
			var fe awsaccount.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a FieldError", err)
			}
			if p, problem := fe.Field(); p+": "+problem != tc.want {
				t.Fatalf("field error %q: %q, want %q", p, problem, tc.want)
			}
		})
	}
}

// TestAdaptiveAgainstThrottler: with adaptive mode, an operation that AWS
// (the emulator: a bucket of 10, 10/s) throttles gets a limit of its own,
// which lowers its rate; with no throttle for a while the rate recovers.
func TestAdaptiveAgainstThrottler(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for seconds")
	}
	ctx := context.Background()
	th := awstest.RunThrottler(t, emulatorURL, func(o *awstest.ThrottlerOptions) {
		o.Buckets = awstest.UniformBuckets(awstest.Limit{Burst: 10, Rate: 10})
	})
	s := newTestSessionAt(t, th.URL())
	var logged bytes.Buffer // slog handlers serialize their writes
	ra := newTarget(t, s, ratelimit.Limit{}, "us-east-1", func(o *awsaccount.RegionalAccountOptions) {
		o.Adaptive = true
		o.MaxAttempts = 1 // each throttle shows
		o.Logger = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	c := awsaccount.Client(ra, ec2.NewFromConfig)
	for i := range 5 { // moto makes the region's default VPC on the first call
		begin := time.Now()
		if _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
			t.Fatal(err)
		}
		t.Logf("warm-up call %d: %v", i, time.Since(begin))
	}
	time.Sleep(time.Second) // the bucket refills
	var throttled atomic.Int64
	run := func(d time.Duration) {
		var wg sync.WaitGroup
		end := time.Now().Add(d)
		for range 8 {
			wg.Go(func() {
				for time.Now().Before(end) {
					if _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
						if throttled.Add(1) < 3 {
							t.Log(err)
						}
					}
				}
			})
		}
		wg.Wait()
	}
	run(time.Second)
	t.Logf("throttler: %v", th.Stats())
	l, _, ok := ra.OperationLimit("ec2", "DescribeVpcs")
	if !ok {
		t.Fatalf("no adaptive limit after %d throttles", throttled.Load())
	}
	st := l.Stats()
	low := l.Effective().PerSecond()
	t.Logf("after 1s: %d throttled, %+v, effective %v", throttled.Load(), st, l.Effective())
	if st.Decreases == 0 || low > 20 {
		t.Fatalf("the rate was not lowered: %+v, effective %v", st, l.Effective())
	}
	if st.Decreases > st.Throttled {
		t.Fatalf("more decreases than throttles: %+v", st)
	}
	// Each throttle is a debug record with the limit in force after it.
	if log := logged.String(); !strings.Contains(log, `msg="awsaccount: throttled"`) ||
		!strings.Contains(log, "operation=DescribeVpcs limit=") || !strings.Contains(log, "limit_in_force=") {
		t.Fatalf("no debug record of a throttle with the lowered limit:\n%.600s", log)
	}
	// Recovery: with no requests the rate grows back on the next admission.
	time.Sleep(4 * time.Second)
	if _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Fatal(err)
	}
	if high := l.Effective().PerSecond(); high <= low {
		t.Fatalf("after 4s without throttles: %v/s, want more than %v/s", high, low)
	}
	// A second round stays near the bucket's rate with few throttles.
	before := throttled.Load()
	run(2 * time.Second)
	t.Logf("second round: %d throttled, %+v, effective %v", throttled.Load()-before, l.Stats(), l.Effective())
}

// newTestSessionAt returns a session whose endpoint is url (a proxy in
// front of moto).
func newTestSessionAt(t testing.TB, url string) *awsaccount.Session {
	t.Helper()
	s, err := awsaccount.NewSession(context.Background(), testKeys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, configEndpoint(url))
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func configEndpoint(url string) func(*config.LoadOptions) error { return config.WithBaseEndpoint(url) }
