package awsaccount_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
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
	"github.com/aws/smithy-go"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/ratelimit"
)

func newTarget(t testing.TB, s *awsaccount.Session, l ratelimit.Limit, region string, optFns ...func(*awsaccount.RegionalAccountOptions)) *awsaccount.RegionalAccount {
	t.Helper()
	return awsaccount.NewRegionalAccount(ratelimit.New(l), awsaccount.NewAccount(s), region, optFns...)
}

// The seed's RegionalAccount narrative: 1 call per second, fail fast.
func TestRegionalAccountSeedNarrative(t *testing.T) {
	ctx := context.Background()
	ra := newTarget(t, newTestSession(t), ratelimit.Limit{MaxCount: 1, Interval: time.Second}, "us-east-1")
	if ra.Region() != "us-east-1" || ra.Account().Session() == nil {
		t.Fatal("accessors")
	}
	client := awsaccount.Client(ra, sts.NewFromConfig)
	if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if !errors.Is(err, ratelimit.ErrExceeded) {
		t.Fatalf("second call: %v, want ErrExceeded", err)
	}
	var ce *awsaccount.CallError
	if !errors.As(err, &ce) || ce.Region != "us-east-1" || ce.Operation != "GetCallerIdentity" || ce.Hint != awsaccount.HintLimitRefusal {
		t.Fatalf("second call: %#v, want a CallError for us-east-1 GetCallerIdentity with the refusal hint", ce)
	}
	ra.RateLimit().SetMaxCount(2)
	if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("after SetMaxCount(2): %v", err)
	}
}

// The seed's paginator narrative: every page passes the limiter.
func TestRegionalAccountPaginator(t *testing.T) {
	ctx := context.Background()
	s := newTestSession(t)
	const region = "eu-west-3"
	setup := ec2.NewFromConfig(s.ConfigFor(region))
	for range 12 {
		if _, err := setup.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { terminateAll(t, setup) })
	ra := newTarget(t, s, ratelimit.Limit{MaxCount: 1, Interval: time.Minute}, region)
	p := ec2.NewDescribeInstancesPaginator(awsaccount.Client(ra, ec2.NewFromConfig), &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	page, err := p.NextPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	instances := countInstances(page)
	if _, err := p.NextPage(ctx); !errors.Is(err, ratelimit.ErrExceeded) {
		t.Fatalf("second page: %v, want ErrExceeded", err)
	}
	ra.RateLimit().SetMaxCount(3)
	pages := 1
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		instances += countInstances(page)
	}
	if pages != 3 || instances != 12 {
		t.Fatalf("%d pages, %d instances; want 3 pages, 12 instances", pages, instances)
	}
	if st := ra.RateLimit().Stats(); st.Admitted != 3 || st.Refused != 1 {
		t.Fatalf("stats %+v, want 3 admitted, 1 refused", st)
	}
}

func countInstances(page *ec2.DescribeInstancesOutput) int {
	n := 0
	for _, r := range page.Reservations {
		n += len(r.Instances)
	}
	return n
}

func terminateAll(t testing.TB, c *ec2.Client) {
	ctx := context.Background()
	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Error(err)
		return
	}
	var ids []string
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			ids = append(ids, aws.ToString(i.InstanceId))
		}
	}
	if len(ids) > 0 {
		if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids}); err != nil {
			t.Error(err)
		}
	}
}

// The seed's threading narrative: two blocking callers at 1 per 100 ms.
func TestRegionalAccountBlockingGoroutines(t *testing.T) {
	ctx := context.Background()
	ra := newTarget(t, newTestSession(t), ratelimit.Limit{MaxCount: 1, Interval: 100 * time.Millisecond, Block: true}, "us-east-1")
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			_, errs[i] = awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("two calls at 1 per 100 ms took %v", d)
	}
}

// TestStrictnessAndUtilization: 64 goroutines against a limit of 50 per
// 200 ms for 3 s. The starts the limiter grants are strict; every request
// that reaches the endpoint was granted one; the budget is used.
func TestStrictnessAndUtilization(t *testing.T) {
	if testing.Short() {
		t.Skip("3 s load test")
	}
	ctx := context.Background()
	var mu sync.Mutex
	var arrivals []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		mu.Lock()
		arrivals = append(arrivals, now)
		mu.Unlock()
		writeCallerIdentity(w)
	}))
	defer srv.Close()
	s, err := awsaccount.NewSession(ctx, testKeys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(srv.URL))
	})
	if err != nil {
		t.Fatal(err)
	}
	const maxCount, interval, runFor = 50, 200 * time.Millisecond, 3 * time.Second
	store := &slotRecorder{inner: ratelimit.NewMemoryStore(), slots: map[uint64]slot{}}
	limiter := ratelimit.New(ratelimit.Limit{MaxCount: maxCount, Interval: interval, Block: true}, ratelimit.WithStore(store))
	ra := awsaccount.NewRegionalAccount(limiter, awsaccount.NewAccount(s), "us-east-1")
	client := awsaccount.Client(ra, sts.NewFromConfig)
	runCtx, cancel := context.WithTimeout(ctx, runFor)
	defer cancel()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 64 {
		wg.Go(func() {
			for runCtx.Err() == nil {
				_, err := client.GetCallerIdentity(runCtx, &sts.GetCallerIdentityInput{})
				if errors.Is(err, context.DeadlineExceeded) {
					return // the turn comes after the run's end
				}
				if err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	srv.CloseClientConnections()

	slots := store.granted()
	// The granted starts: each is known to lie in [lo, hi], the clock read
	// before and after Reserve plus the delay the store gave. Starts i and
	// i+50 can be no further apart than hi[i+50]-lo[i]: below the interval
	// is a proven violation, and it cannot be scheduling noise.
	proven := 0
	for i := 0; i+maxCount < len(slots); i++ {
		if most := slots[i+maxCount].hi.Sub(slots[i].lo); most < interval {
			t.Fatalf("granted starts %d and %d are at most %v apart (< %v)", i, i+maxCount, most, interval)
		}
		if slots[i+maxCount].lo.Sub(slots[i].hi) >= interval-50*time.Microsecond {
			proven++
		}
	}
	mu.Lock()
	defer mu.Unlock()
	sort.Slice(arrivals, func(i, j int) bool { return arrivals[i].Before(arrivals[j]) })
	// Every request that reached the endpoint had a granted start (the last
	// few may be cut off by the run's end on the way).
	t.Logf("%d of %d windows proven strict to within 50µs by their clock brackets", proven, len(slots)-maxCount)
	if windows := len(slots) - maxCount; proven < windows/2 {
		t.Errorf("only %d of %d windows proven strict", proven, windows)
	}
	if len(arrivals) > len(slots) || len(arrivals) < len(slots)-64 {
		t.Fatalf("%d requests reached the endpoint for %d granted starts", len(arrivals), len(slots))
	}
	// At the endpoint, arrivals also carry the spread of sending a burst
	// of 50 from 2 cores under -race (tens of ms, differing per window);
	// a limiter that let a window through twice would show a span near 0.
	minGap := time.Hour
	for i := 0; i+maxCount < len(arrivals); i++ {
		minGap = min(minGap, arrivals[i+maxCount].Sub(arrivals[i]))
	}
	budget := maxCount * int(runFor/interval)
	used := float64(len(arrivals)) / float64(budget)
	t.Logf("%d requests reached the endpoint in %v (budget %d: %.1f%% used); tightest %d-arrival span %v; %d failed",
		len(arrivals), runFor, budget, used*100, maxCount+1, minGap, failed.Load())
	if minGap < interval/2 {
		t.Errorf("%d requests arrived within %v", maxCount+1, minGap)
	}
	if used < 0.97 {
		t.Errorf("used %.1f%% of the budget, want >= 97%%", used*100)
	}
	if failed.Load() != 0 {
		t.Errorf("%d calls failed", failed.Load())
	}
}

// slotRecorder wraps a Store and notes each granted start, bracketed by the
// clock read before and after Reserve.
type slotRecorder struct {
	inner ratelimit.Store
	mu    sync.Mutex
	slots map[uint64]slot
}

type slot struct{ lo, hi time.Time }

func (r *slotRecorder) Reserve(ctx context.Context, l ratelimit.Limit, maxWait time.Duration) (ratelimit.Reservation, error) {
	before := time.Now()
	res, err := r.inner.Reserve(ctx, l, maxWait)
	after := time.Now()
	if err == nil && res.OK {
		r.mu.Lock()
		r.slots[res.ID] = slot{lo: before.Add(res.Delay), hi: after.Add(res.Delay)}
		r.mu.Unlock()
	}
	return res, err
}

func (r *slotRecorder) Cancel(ctx context.Context, res ratelimit.Reservation) {
	r.inner.Cancel(ctx, res)
	r.mu.Lock()
	delete(r.slots, res.ID)
	r.mu.Unlock()
}

// granted lists the recorded starts in the order the store granted them:
// by ID, which a MemoryStore gives in grant order (and grants are never
// earlier than the ones before). Sorting by the brackets instead would
// misorder two starts when one waited long for the store's lock (its
// bracket then opens early), and pair starts 49 apart as if 50.
func (r *slotRecorder) granted() []slot {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := slices.Sorted(maps.Keys(r.slots))
	out := make([]slot, 0, len(ids))
	for _, id := range ids {
		out = append(out, r.slots[id])
	}
	return out
}

func writeCallerIdentity(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/t</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
}

// fastRetries keeps throttling backoff out of test time.
func fastRetries(o *awsaccount.RegionalAccountOptions) {
	o.RetryOptions = append(o.RetryOptions, func(so *retry.StandardOptions) {
		so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
	})
}

// Every attempt is counted: 3 throttled attempts and a success are 4
// admissions.
func TestRetriesPassTheLimiter(t *testing.T) {
	ctx := context.Background()
	proxy, err := awstest.StartFaultProxy(emulatorURL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.Inject(func(r awstest.Request) bool { return r.Action == "GetCallerIdentity" },
		awstest.Fault{Status: 400, Code: "Throttling", Message: "Rate exceeded", Times: 3})
	s, err := awsaccount.NewSession(ctx, testKeys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(proxy.URL()))
	})
	if err != nil {
		t.Fatal(err)
	}
	ra := newTarget(t, s, ratelimit.Limit{MaxCount: 100, Interval: time.Second, Block: true}, "us-east-1", fastRetries)
	if _, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if got := ra.RateLimit().Stats().Admitted; got != 4 {
		t.Fatalf("limiter admitted %d, want 4 (3 throttled attempts + 1)", got)
	}
}

// One throttled target drains its own retry quota, not the others'.
func TestRetryQuotaIsPerTarget(t *testing.T) {
	ctx := context.Background()
	proxy, err := awstest.StartFaultProxy(emulatorURL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.Inject(func(r awstest.Request) bool { return r.Region == "us-west-1" },
		awstest.Fault{Status: 400, Code: "Throttling", Message: "Rate exceeded"})
	s, err := awsaccount.NewSession(ctx, testKeys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(proxy.URL()))
	})
	if err != nil {
		t.Fatal(err)
	}
	unlimited := ratelimit.Limit{}
	hot := newTarget(t, s, unlimited, "us-west-1", fastRetries)
	calm := newTarget(t, s, unlimited, "us-west-2", fastRetries)
	hotClient := awsaccount.Client(hot, sts.NewFromConfig)
	var quotaErr awsratelimit.QuotaExceededError
	drained := false
	for i := 0; i < 200 && !drained; i++ {
		_, err := hotClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err == nil {
			t.Fatal("throttled target succeeded")
		}
		drained = errors.As(err, &quotaErr)
	}
	if !drained {
		t.Fatal("the hot target never exhausted its retry quota")
	}
	// The calm target has a throttle of its own to retry past.
	proxy.Inject(func(r awstest.Request) bool { return r.Region == "us-west-2" },
		awstest.Fault{Status: 400, Code: "Throttling", Message: "Rate exceeded", Times: 2})
	if _, err := awsaccount.Client(calm, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("calm target failed after the hot one drained its quota: %v", err)
	}
}

// Cached clients follow the session's role stack.
func TestClientFollowsSession(t *testing.T) {
	ctx := context.Background()
	s := newTestSession(t)
	ra := newTarget(t, s, ratelimit.Limit{}, "us-east-1")
	c1 := awsaccount.Client(ra, sts.NewFromConfig)
	if c2 := awsaccount.Client(ra, sts.NewFromConfig); c1 != c2 {
		t.Fatal("Client is not cached")
	}
	account := func(c *sts.Client) string {
		out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Account)
	}
	if got := account(c1); got != awstest.TestAccountID {
		t.Fatalf("base account %s", got)
	}
	if err := s.AssumeRole(ctx, awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111122223333:role/x"}); err != nil {
		t.Fatal(err)
	}
	assumed := awsaccount.Client(ra, sts.NewFromConfig)
	if assumed == c1 || account(assumed) != "111122223333" {
		t.Fatal("Client did not follow AssumeRole")
	}
	s.Revert()
	if got := account(awsaccount.Client(ra, sts.NewFromConfig)); got != awstest.TestAccountID {
		t.Fatalf("after Revert: account %s", got)
	}
}

func TestCallErrorNamesTargetAndHint(t *testing.T) {
	ctx := context.Background()
	proxy, err := awstest.StartFaultProxy(emulatorURL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	tests := map[string]struct {
		action, code string
		hint         string
	}{
		"access denied":  {"DescribeVpcs", "UnauthorizedOperation", awsaccount.HintAccessDenied},
		"opt-in region":  {"DescribeSubnets", "OptInRequired", awsaccount.HintNotEnabled},
		"auth failure":   {"DescribeVolumes", "AuthFailure", awsaccount.HintNotEnabled},
		"missing":        {"DescribeImages", "InvalidAMIID.NotFound", awsaccount.HintNotFound},
		"no hint for it": {"DescribeKeyPairs", "SomethingElse", ""},
	}
	for _, tc := range tests {
		proxy.Inject(func(r awstest.Request) bool { return r.Action == tc.action }, awstest.Fault{Status: 403, Code: tc.code, Message: "injected"})
	}
	s, err := awsaccount.NewSession(ctx, testKeys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(proxy.URL()))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AssumeRole(ctx, awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111122223333:role/x"}); err != nil {
		t.Fatal(err)
	}
	ra := newTarget(t, s, ratelimit.Limit{}, "ap-south-1", func(o *awsaccount.RegionalAccountOptions) { o.MaxAttempts = 1 })
	c := awsaccount.Client(ra, ec2.NewFromConfig)
	calls := map[string]func() error{
		"DescribeVpcs":     func() error { _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); return err },
		"DescribeSubnets":  func() error { _, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{}); return err },
		"DescribeVolumes":  func() error { _, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{}); return err },
		"DescribeImages":   func() error { _, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{}); return err },
		"DescribeKeyPairs": func() error { _, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{}); return err },
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := calls[tc.action]()
			var ce *awsaccount.CallError
			if !errors.As(err, &ce) {
				t.Fatalf("%v is not a CallError", err)
			}
			if ce.AccountID != "111122223333" || ce.Region != "ap-south-1" || ce.Service != "EC2" || ce.Operation != tc.action || ce.Code != tc.code || ce.Hint != tc.hint {
				t.Fatalf("CallError %+v", *ce)
			}
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != tc.code {
				t.Fatalf("errors.As does not reach the API error: %v", err)
			}
			t.Log(err)
		})
	}
	// An unreachable endpoint says so.
	dead := newTarget(t, mustSession(t, "http://127.0.0.1:1"), ratelimit.Limit{}, "eu-north-1", func(o *awsaccount.RegionalAccountOptions) { o.MaxAttempts = 1 })
	_, err = awsaccount.Client(dead, ec2.NewFromConfig).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	var ce *awsaccount.CallError
	if !errors.As(err, &ce) || ce.Hint != awsaccount.HintUnreachable || ce.Region != "eu-north-1" {
		t.Fatalf("unreachable endpoint: %v", err)
	}
}

func mustSession(t testing.TB, endpoint string) *awsaccount.Session {
	t.Helper()
	s, err := awsaccount.NewSession(context.Background(), testKeys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(endpoint))
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Narrower limits per service and per operation.
func TestAPILimits(t *testing.T) {
	ctx := context.Background()
	describeInstances := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Minute})
	ec2Limit := ratelimit.New(ratelimit.Limit{MaxCount: 3, Interval: time.Minute})
	ra := newTarget(t, newTestSession(t), ratelimit.Limit{}, "us-east-2", func(o *awsaccount.RegionalAccountOptions) {
		o.APILimits = map[string]*ratelimit.Limiter{"ec2:describe_instances": describeInstances, "EC2": ec2Limit}
	})
	c := awsaccount.Client(ra, ec2.NewFromConfig)
	if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); !errors.Is(err, ratelimit.ErrExceeded) {
		t.Fatalf("second DescribeInstances: %v, want ErrExceeded", err)
	}
	for i := range 2 {
		if _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
			t.Fatalf("DescribeVpcs %d: %v", i, err)
		}
	}
	if _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); !errors.Is(err, ratelimit.ErrExceeded) {
		t.Fatalf("4th EC2 call: %v, want ErrExceeded by the ec2 limit", err)
	}
	if _, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("STS is not under the EC2 limits: %v", err)
	}
	if l, ok := ra.APILimit("EC2:DescribeInstances"); !ok || l != describeInstances {
		t.Fatal("APILimit lookup")
	}
}
