package awsaccount_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsratelimit "github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// otelTest is an OpenTelemetry SDK whose metrics a test reads with a
// ManualReader and whose spans it reads from an in-memory exporter.
type otelTest struct {
	reader *sdkmetric.ManualReader
	mp     *sdkmetric.MeterProvider
	spans  *tracetest.InMemoryExporter
	tp     *sdktrace.TracerProvider
}

func newOtelTest(t testing.TB) *otelTest {
	t.Helper()
	o := &otelTest{reader: sdkmetric.NewManualReader(), spans: tracetest.NewInMemoryExporter()}
	o.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(o.reader))
	o.tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(o.spans))
	t.Cleanup(func() {
		_ = o.mp.Shutdown(context.Background())
		_ = o.tp.Shutdown(context.Background())
	})
	return o
}

// withProviders sets both providers on a target.
func (o *otelTest) withProviders(ro *awsaccount.RegionalAccountOptions) {
	ro.MeterProvider, ro.TracerProvider = o.mp, o.tp
}

// metrics reads the package's metrics by name.
func (o *otelTest) metrics(t testing.TB) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := o.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != "github.com/awsaccount/awsaccount" {
			continue
		}
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// matches reports whether set holds every key=value of want.
func matches(set attribute.Set, want map[string]string) bool {
	for k, v := range want {
		got, ok := set.Value(attribute.Key(k))
		if !ok || got.Emit() != v {
			return false
		}
	}
	return true
}

// count sums a counter's points whose attributes match want.
func count(ms map[string]metricdata.Metrics, name string, want map[string]string) int64 {
	sum, ok := ms[name].Data.(metricdata.Sum[int64])
	if !ok {
		return 0
	}
	var n int64
	for _, dp := range sum.DataPoints {
		if matches(dp.Attributes, want) {
			n += dp.Value
		}
	}
	return n
}

// histogram sums a histogram's points whose attributes match want.
func histogram(ms map[string]metricdata.Metrics, name string, want map[string]string) (sum float64, n uint64) {
	h, ok := ms[name].Data.(metricdata.Histogram[float64])
	if !ok {
		return 0, 0
	}
	for _, dp := range h.DataPoints {
		if matches(dp.Attributes, want) {
			sum += dp.Sum
			n += dp.Count
		}
	}
	return sum, n
}

func sessionAt(t testing.TB, endpoint string, optFns ...func(*awsaccount.SessionOptions)) *awsaccount.Session {
	t.Helper()
	s, err := awsaccount.NewSession(context.Background(), testKeys, append([]func(*awsaccount.SessionOptions){
		func(o *awsaccount.SessionOptions) {
			o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(endpoint))
		}}, optFns...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A burst of EC2 calls against AWS-style throttling: the metrics count
// exactly the requests the throttler received and the ones it throttled,
// and every attempt after a call's first is a retry.
func TestMetricsCountWhatTheThrottlerSaw(t *testing.T) {
	ctx := context.Background()
	th := awstest.RunThrottler(t, emulatorURL, func(o *awstest.ThrottlerOptions) {
		o.Buckets = awstest.UniformBuckets(awstest.Limit{Burst: 4, Rate: 20})
	})
	ot := newOtelTest(t)
	ra := newTarget(t, sessionAt(t, th.URL()), ratelimit.Limit{}, "us-east-1", ot.withProviders,
		func(o *awsaccount.RegionalAccountOptions) {
			o.RetryOptions = append(o.RetryOptions, func(so *retry.StandardOptions) {
				so.RateLimiter = awsratelimit.None // no retry quota: let every call finish
				so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 20 * time.Millisecond, nil })
			})
		})
	const calls, workers = 40, 8
	var failed atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range calls / workers {
				if _, err := awsaccount.Client(ra, ec2.NewFromConfig).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
					failed.Add(1)
					t.Logf("worker %d: %v", w, err)
				}
			}
		})
	}
	wg.Wait()

	var throttled int64
	for _, b := range th.Stats() {
		throttled += b.Throttled
	}
	requests := th.Proxy().Stats().ByAction["ec2:DescribeVpcs"]
	ms := ot.metrics(t)
	op := map[string]string{"region": "us-east-1", "service": "EC2", "operation": "DescribeVpcs"}
	attempts := count(ms, "awsaccount.client.attempts", op)
	t.Logf("%d calls: %d requests, %d throttled, %d failed", calls, requests, throttled, failed.Load())
	if throttled == 0 {
		t.Fatal("the throttler throttled nothing: the test shows nothing")
	}
	if attempts != requests {
		t.Errorf("attempts %d, the throttler received %d", attempts, requests)
	}
	if got := count(ms, "awsaccount.client.throttles", map[string]string{"error_code": "RequestLimitExceeded"}); got != throttled {
		t.Errorf("throttles %d, the throttler throttled %d", got, throttled)
	}
	if got := count(ms, "awsaccount.client.retries", op); got != attempts-calls {
		t.Errorf("retries %d, want %d (attempts - calls)", got, attempts-calls)
	}
	if got := count(ms, "awsaccount.ratelimit.admissions", op); got != attempts {
		t.Errorf("admissions %d, want %d", got, attempts)
	}
	if _, n := histogram(ms, "awsaccount.client.call.duration", op); n != calls {
		t.Errorf("%d call durations, want %d", n, calls)
	}
	if _, n := histogram(ms, "awsaccount.client.attempt.duration", op); int64(n) != attempts {
		t.Errorf("%d attempt durations, want %d", n, attempts)
	}
	if got := count(ms, "awsaccount.client.call.errors", nil); got != failed.Load() {
		t.Errorf("call errors %d, %d calls failed", got, failed.Load())
	}
	// Static keys: the account is not known without a call, so it is not
	// an attribute.
	if got := count(ms, "awsaccount.client.attempts", map[string]string{"account_id": awstest.TestAccountID}); got != 0 {
		t.Errorf("%d attempts carry an account_id nobody asked for", got)
	}
}

// Six calls through a limit of one per 300 ms: the wait the metrics and
// the spans record is, within 10%, the time the calls spent between
// their start and their request's arrival at the proxy (which also holds
// their serializing and signing, a few ms).
func TestWaitTimeMatchesWallTime(t *testing.T) {
	ctx := context.Background()
	proxy := awstest.RunProxy(t, emulatorURL)
	ot := newOtelTest(t)
	ra := newTarget(t, sessionAt(t, proxy.URL()), ratelimit.Limit{MaxCount: 1, Interval: 300 * time.Millisecond, Block: true},
		"us-east-1", ot.withProviders)
	client := awsaccount.Client(ra, sts.NewFromConfig)
	const calls = 6
	starts := make([]time.Time, calls)
	for i := range calls {
		starts[i] = time.Now()
		if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := proxy.Requests()
	if len(reqs) != calls {
		t.Fatalf("proxy saw %d requests, want %d", len(reqs), calls)
	}
	var measured time.Duration
	for i, r := range reqs {
		measured += r.At.Sub(starts[i])
	}
	ms := ot.metrics(t)
	waited, n := histogram(ms, "awsaccount.ratelimit.wait.duration", nil)
	var spanWait time.Duration
	waits := 0
	for _, s := range ot.spans.GetSpans() {
		if s.Name == "ratelimit.wait" {
			spanWait += s.EndTime.Sub(s.StartTime)
			waits++
		}
	}
	t.Logf("measured %v between call start and arrival; metric %.3fs over %d waits; spans %v over %d",
		measured, waited, n, spanWait, waits)
	if n != calls || waits != calls {
		t.Errorf("%d waits recorded, %d spans, want %d", n, waits, calls)
	}
	if measured < 600*time.Millisecond {
		t.Fatalf("only %v measured waiting: the limit did not bind", measured)
	}
	if d := math.Abs(waited - measured.Seconds()); d > 0.1*measured.Seconds() {
		t.Errorf("metric wait %.3fs, measured %v: off by more than 10%%", waited, measured)
	}
	if d := math.Abs((spanWait - measured).Seconds()); d > 0.1*measured.Seconds() {
		t.Errorf("span wait %v, measured %v: off by more than 10%%", spanWait, measured)
	}
}

// A fail-fast limit's refusals are counted, as failed calls by their code,
// and their wait spans fail.
func TestRefusalsAreCounted(t *testing.T) {
	ctx := context.Background()
	ot := newOtelTest(t)
	ra := newTarget(t, newTestSession(t), ratelimit.Limit{MaxCount: 1, Interval: time.Minute}, "us-east-1", ot.withProviders)
	client := awsaccount.Client(ra, sts.NewFromConfig)
	for i := range 3 {
		_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if (i == 0) != (err == nil) {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	ms := ot.metrics(t)
	if got := count(ms, "awsaccount.ratelimit.refusals", nil); got != 2 {
		t.Errorf("refusals %d, want 2", got)
	}
	if got := count(ms, "awsaccount.ratelimit.admissions", nil); got != 1 {
		t.Errorf("admissions %d, want 1", got)
	}
	if got := count(ms, "awsaccount.client.attempts", nil); got != 1 {
		t.Errorf("attempts %d, want 1: a refused attempt is never sent", got)
	}
	if got := count(ms, "awsaccount.client.call.errors", map[string]string{"error_code": "RateLimitExceeded"}); got != 2 {
		t.Errorf("RateLimitExceeded errors %d, want 2", got)
	}
	failed := 0
	for _, s := range ot.spans.GetSpans() {
		if s.Name == "ratelimit.wait" && s.Status.Code == codes.Error {
			failed++
		}
	}
	if failed != 2 {
		t.Errorf("%d failed wait spans, want 2", failed)
	}
}

// A fan-out over role-entered accounts of a Registry with providers: the
// role metrics count the AssumeRole calls the proxy saw, by the role's
// account; each target has a span, failed ones with their code; the
// SDK's operation spans are children of the target's, and each limiter
// wait is a child of the SDK's attempt.
func TestRegistryFleetTelemetry(t *testing.T) {
	ctx := context.Background()
	proxy := awstest.RunLatencyProxy(t, emulatorURL, 5*time.Millisecond)
	proxy.Inject(func(r awstest.Request) bool { return r.Action == "GetCallerIdentity" && r.Region == "eu-west-1" },
		awstest.Fault{Status: 403, Code: "AccessDenied", Message: "no"})
	ot := newOtelTest(t)
	reg := testRegistry(proxy.URL(), func(o *awsaccount.RegistryOptions) { o.MeterProvider, o.TracerProvider = ot.mp, ot.tp })
	const accounts = 3
	specs := make([]awsaccount.RegionalAccountsSpec, accounts)
	for i := range specs {
		specs[i] = awsaccount.RegionalAccountsSpec{
			Account: awsaccount.AccountSpec{SessionParameters: testKeys, AssumeRole: &awsaccount.AssumeRoleParameters{
				RoleArn: fmt.Sprintf("arn:aws:iam::%012d:role/fleet", 200000000000+i)}},
			Filter:    include("aws", "us-east-1", "eu-west-1"),
			RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 10, Interval: time.Second, Block: true}},
		}
	}
	set, err := reg.RegionalAccountSet(ctx, specs...)
	if err != nil {
		t.Fatal(err)
	}
	rootCtx, root := ot.tp.Tracer("test").Start(ctx, "run")
	failed := 0
	for _, r := range awsaccount.ForEach(rootCtx, set, func(ctx context.Context, ra *awsaccount.RegionalAccount) (string, error) {
		out, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Account), nil
	}) {
		if r.Err != nil {
			failed++
		}
	}
	root.End()
	if failed != accounts {
		t.Fatalf("%d targets failed, want %d (eu-west-1 of each account)", failed, accounts)
	}

	ms := ot.metrics(t)
	st := proxy.Stats()
	if got := count(ms, "awsaccount.role.assumes", map[string]string{"refresh": "false"}); got != st.AssumeRoles || got != accounts {
		t.Errorf("role assumes %d, proxy saw %d AssumeRole, want %d", got, st.AssumeRoles, accounts)
	}
	for i := range accounts {
		id := fmt.Sprintf("%012d", 200000000000+i)
		if got := count(ms, "awsaccount.role.assumes", map[string]string{"account_id": id}); got != 1 {
			t.Errorf("account %s: %d assumes, want 1", id, got)
		}
		if got := count(ms, "awsaccount.client.call.errors", map[string]string{"account_id": id, "region": "eu-west-1", "error_code": "AccessDenied"}); got != 1 {
			t.Errorf("account %s: %d AccessDenied errors in eu-west-1, want 1", id, got)
		}
	}
	if got := count(ms, "awsaccount.client.attempts", map[string]string{"service": "STS", "operation": "GetCallerIdentity"}); got != st.ByAction["sts:GetCallerIdentity"] {
		t.Errorf("attempts %d, proxy saw %d GetCallerIdentity", got, st.ByAction["sts:GetCallerIdentity"])
	}

	spans := ot.spans.GetSpans()
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, s := range spans {
		byID[s.SpanContext.SpanID()] = s
	}
	// ancestor returns the nearest ancestor of s named name.
	ancestor := func(s tracetest.SpanStub, name string) (tracetest.SpanStub, bool) {
		for p, ok := byID[s.Parent.SpanID()]; ok; p, ok = byID[p.Parent.SpanID()] {
			if p.Name == name {
				return p, true
			}
		}
		return tracetest.SpanStub{}, false
	}
	targets, failedSpans, waits := 0, 0, 0
	for _, s := range spans {
		switch s.Name {
		case "awsaccount.target":
			targets++
			if s.Parent.SpanID() != root.SpanContext().SpanID() {
				t.Errorf("target span's parent is not the run's span")
			}
			attrs := attribute.NewSet(s.Attributes...)
			if v, _ := attrs.Value("account_id"); v.AsString() == "" {
				t.Errorf("target span without account_id: %v", s.Attributes)
			}
			if v, _ := attrs.Value("region"); v.AsString() == "eu-west-1" {
				failedSpans++
				if code, _ := attrs.Value("error_code"); s.Status.Code != codes.Error || code.AsString() != "AccessDenied" {
					t.Errorf("failed target's span: status %v, error_code %q", s.Status, code.AsString())
				}
			}
		case "STS.GetCallerIdentity":
			if _, ok := ancestor(s, "awsaccount.target"); !ok {
				t.Errorf("operation span outside any target span")
			}
		case "ratelimit.wait":
			waits++
			if p := byID[s.Parent.SpanID()]; p.Name != "Attempt" {
				t.Errorf("wait span's parent is %q, want the SDK's Attempt", p.Name)
			}
			if _, ok := ancestor(s, "awsaccount.target"); !ok {
				t.Errorf("wait span outside any target span")
			}
		}
	}
	if targets != 2*accounts || failedSpans != accounts {
		t.Errorf("%d target spans (%d failed), want %d (%d)", targets, failedSpans, 2*accounts, accounts)
	}
	if int64(waits) != count(ms, "awsaccount.client.attempts", map[string]string{"service": "STS", "operation": "GetCallerIdentity"}) {
		t.Errorf("%d wait spans, not one per attempt", waits)
	}
}

// Credentials that live 1 s: every retrieval is counted, the first as an
// assume and the rest as refreshes, as many as the STS served.
func TestRoleRefreshesCounted(t *testing.T) {
	if testing.Short() {
		t.Skip("3 s of refreshes")
	}
	ctx := context.Background()
	fake := awstest.StartShortLivedSTS(time.Second, testKeys.AccessKeyID)
	defer fake.Close()
	ot := newOtelTest(t)
	s := sessionAt(t, fake.URL(), func(o *awsaccount.SessionOptions) { o.MeterProvider = ot.mp })
	if err := s.AssumeRole(ctx, awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111122223333:role/short", RoleSessionName: "telemetry"}); err != nil {
		t.Fatal(err)
	}
	client := sts.NewFromConfig(s.Config())
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
	}
	ms := ot.metrics(t)
	calls := fake.AssumeRoleCalls()
	role := map[string]string{"account_id": "111122223333"}
	if got := count(ms, "awsaccount.role.assumes", role); got != calls {
		t.Errorf("assumes %d, STS served %d", got, calls)
	}
	if got := count(ms, "awsaccount.role.assumes", map[string]string{"refresh": "true"}); got != calls-1 || got < 2 {
		t.Errorf("refreshes %d, want %d (all but the first, at least 2)", got, calls-1)
	}
}

// A failed AssumeRole is counted with its code.
func TestFailedAssumeRoleCounted(t *testing.T) {
	ctx := context.Background()
	proxy := awstest.RunProxy(t, emulatorURL)
	proxy.Inject(func(r awstest.Request) bool { return r.Action == "AssumeRole" }, awstest.Fault{Status: 403, Code: "AccessDenied", Message: "no"})
	ot := newOtelTest(t)
	s := sessionAt(t, proxy.URL(), func(o *awsaccount.SessionOptions) { o.MeterProvider = ot.mp })
	err := s.AssumeRole(ctx, awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111122223333:role/denied", RoleSessionName: "telemetry"})
	if err == nil {
		t.Fatal("AssumeRole succeeded through a proxy that denies it")
	}
	if got := count(ot.metrics(t), "awsaccount.role.assumes", map[string]string{"account_id": "111122223333", "error_code": "AccessDenied"}); got != 1 {
		t.Errorf("%d failed assumes counted, want 1", got)
	}
}

// Without providers a target's config gives the SDK nothing extra, and no
// span is started.
func TestNoTelemetryByDefault(t *testing.T) {
	ra := newTarget(t, newTestSession(t), ratelimit.Limit{}, "us-east-1")
	if n := len(ra.Config().ServiceOptions); n != 0 {
		t.Errorf("%d ServiceOptions without telemetry, want 0", n)
	}
	ot := newOtelTest(t)
	withTel := newTarget(t, newTestSession(t), ratelimit.Limit{}, "us-east-1", ot.withProviders)
	if n := len(withTel.Config().ServiceOptions); n != 1 {
		t.Errorf("%d ServiceOptions with telemetry, want 1", n)
	}
	if _, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if n := len(ot.spans.GetSpans()); n != 0 {
		t.Errorf("%d spans from a target without telemetry", n)
	}
	// OpenTelemetry's no-op providers count as unset: nothing is measured
	// for them, the SDK included.
	noop := newTarget(t, newTestSession(t), ratelimit.Limit{}, "us-east-1", func(o *awsaccount.RegionalAccountOptions) {
		o.MeterProvider, o.TracerProvider = metricnoop.NewMeterProvider(), tracenoop.NewTracerProvider()
	})
	if n := len(noop.Config().ServiceOptions); n != 0 {
		t.Errorf("%d ServiceOptions with no-op providers, want 0", n)
	}
}
