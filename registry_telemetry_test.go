package awsaccount_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// limiterWaiters reads awsaccount.ratelimit.waiters by attribute set.
func (o *otelTest) limiterWaiters(t *testing.T) map[attribute.Distinct]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := o.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[attribute.Distinct]int64{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != "github.com/awsaccount/awsaccount/ratelimit" {
			continue
		}
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "awsaccount.ratelimit.waiters" {
				for _, dp := range s.DataPoints {
					out[dp.Attributes.Equivalent()] = dp.Value
				}
			}
		}
	}
	return out
}

// TestRegistryLimiterMetrics: the limiters a Registry builds (the
// target's, its APILimits entries', a preset group's made at its first
// use) report to the Registry's MeterProvider, each by what it covers:
// the account (known from the role's ARN, without a call), the region,
// and the service and operation (or group) of its key.
func TestRegistryLimiterMetrics(t *testing.T) {
	ctx := context.Background()
	ot := newOtelTest(t)
	reg := awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.MeterProvider = ot.mp
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.LoadOptions = append(so.LoadOptions, configEndpoint(emulatorURL))
		})
	})
	one := ratelimit.Limit{MaxCount: 1, Interval: time.Hour, Block: true}
	ra, err := reg.RegionalAccount(ctx, awsaccount.RegionalAccountSpec{
		Account: awsaccount.AccountSpec{SessionParameters: testKeys,
			AssumeRole: &awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::123456789012:role/fleet"}},
		Region:    "eu-west-1",
		RateLimit: ratelimit.Spec{Limit: one, Preset: "aws"},
		APILimits: map[string]ratelimit.Spec{"ec2": {Limit: one}, "EC2:DescribeInstances": {Limit: one}},
	})
	if err != nil {
		t.Fatal(err)
	}
	apiService, _ := ra.APILimit("ec2")
	apiOperation, _ := ra.APILimit("ec2:describe_instances")
	group, key, ok := ra.OperationLimit("ec2", "DescribeVpcs")
	if !ok || key != "ec2:nonmutating" {
		t.Fatalf("DescribeVpcs: limit under %q (%v), want the preset group ec2:nonmutating", key, ok)
	}
	group.SetLimit(one)

	base := []attribute.KeyValue{attribute.String("account_id", "123456789012"), attribute.String("region", "eu-west-1")}
	set := func(extra ...attribute.KeyValue) attribute.Distinct {
		s := attribute.NewSet(append(append([]attribute.KeyValue{}, base...), extra...)...)
		return s.Equivalent()
	}
	limiters := map[attribute.Distinct]*ratelimit.Limiter{
		set():                                   ra.RateLimit(),
		set(attribute.String("service", "ec2")): apiService,
		set(attribute.String("service", "ec2"), attribute.String("operation", "describeinstances")): apiOperation,
		set(attribute.String("service", "ec2"), attribute.String("operation", "nonmutating")):       group,
	}
	quit, giveUp := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, l := range limiters {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { _ = l.Wait(quit) }) // sleeps for an hour, or until it gives up
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := ot.limiterWaiters(t)
		all := len(got) == len(limiters)
		for s := range limiters {
			all = all && got[s] == 1
		}
		if all {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiters by attributes: %v, want one for each of the %d limiters", got, len(limiters))
		}
		time.Sleep(5 * time.Millisecond)
	}
	giveUp()
	wg.Wait()
	for s, n := range ot.limiterWaiters(t) {
		if n != 0 {
			t.Errorf("%v waiters after all gave up: %d", s, n)
		}
	}
}

// TestRegistryLimiterOptionsProvider: a provider given through
// LimiterOptions, with none on the Registry, gets the same attributes;
// account_id is left out while the account's id is unknown (static keys,
// no call made yet).
func TestRegistryLimiterOptionsProvider(t *testing.T) {
	ctx := context.Background()
	ot := newOtelTest(t)
	reg := awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.LimiterOptions = []func(*ratelimit.Options){ratelimit.WithMeterProvider(ot.mp)}
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.LoadOptions = append(so.LoadOptions, configEndpoint(emulatorURL))
		})
	})
	ra, err := reg.RegionalAccount(ctx, awsaccount.RegionalAccountSpec{
		Account: awsaccount.AccountSpec{SessionParameters: testKeys}, Region: "us-west-2",
		RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 1, Interval: time.Hour, Block: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := ra.RateLimit()
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	quit, giveUp := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = l.Wait(quit); close(done) }()
	region := attribute.NewSet(attribute.String("region", "us-west-2"))
	want := region.Equivalent()
	deadline := time.Now().Add(5 * time.Second)
	for got := ot.limiterWaiters(t); got[want] != 1; got = ot.limiterWaiters(t) {
		if time.Now().After(deadline) {
			t.Fatalf("waiters by attributes: %v, want 1 for region=us-west-2 alone", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
	giveUp()
	<-done
}
