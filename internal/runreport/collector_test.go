package runreport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	awsratelimit "github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/internal/runreport"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/regions"
)

var testKeys = awsaccount.SessionParameters{
	AccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
	SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	Region:          "us-east-1",
}

// newRegistry returns a registry on endpoint whose metrics go to c, with
// fast retries and no retry quota, so that throttled calls finish.
func newRegistry(endpoint string, c *runreport.Collector) *awsaccount.Registry {
	return awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.MeterProvider = c.MeterProvider()
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.LoadOptions = append(so.LoadOptions, config.WithBaseEndpoint(endpoint))
		})
		o.RegionalAccountOptions = append(o.RegionalAccountOptions, func(ro *awsaccount.RegionalAccountOptions) {
			ro.RetryOptions = append(ro.RetryOptions, func(so *retry.StandardOptions) {
				so.RateLimiter = awsratelimit.None
				so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 100 * time.Millisecond, nil })
			})
		})
	})
}

func in(region string) regions.Filter {
	return regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {Regions: regions.RegionFilter{Include: []string{region}}}}}
}

// Two role-entered accounts in two regions, through AWS-style throttling
// in eu-west-1 and a strict limit of our own in us-east-1 (STS calls:
// moto serves them at once, where its EC2 takes seconds to set up each
// new account): the summary
// holds what the throttler saw, per target and per service, the waits,
// the AssumeRoles, and says where the time went.
func TestCollectorSumsAFleet(t *testing.T) {
	ctx := context.Background()
	th := awstest.RunThrottler(t, moto.URL(), func(o *awstest.ThrottlerOptions) {
		o.Buckets = func(r awstest.Request) []awstest.Draw {
			if r.Action == "GetCallerIdentity" && r.Region == "eu-west-1" {
				return []awstest.Draw{{Group: "sts", Limit: awstest.Limit{Burst: 2, Rate: 4}}}
			}
			return nil
		}
	})
	warmUp(t)
	c := runreport.New()
	t.Cleanup(func() { _ = c.Shutdown(ctx) })
	reg := newRegistry(th.URL(), c)
	accounts := []string{"210000000001", "210000000002"}
	var specs []awsaccount.RegionalAccountsSpec
	for _, id := range accounts {
		account := awsaccount.AccountSpec{SessionParameters: testKeys,
			AssumeRole: &awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::" + id + ":role/report"}}
		specs = append(specs,
			awsaccount.RegionalAccountsSpec{Account: account, Filter: in("us-east-1"),
				RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 1, Interval: 250 * time.Millisecond, Block: true}}},
			awsaccount.RegionalAccountsSpec{Account: account, Filter: in("eu-west-1")})
	}
	set, err := reg.RegionalAccountSet(ctx, specs...)
	if err != nil {
		t.Fatal(err)
	}
	const callsPerTarget = 6
	for _, r := range awsaccount.ForEach(ctx, set, func(ctx context.Context, ra *awsaccount.RegionalAccount) (int, error) {
		client := awsaccount.Client(ra, sts.NewFromConfig)
		for range callsPerTarget {
			if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
				return 0, err
			}
		}
		return callsPerTarget, nil
	}) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	sum, err := c.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := sum.WriteText(&text, 0); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", text.String())

	st := th.Proxy().Stats()
	var throttled int64
	for _, b := range th.Stats() {
		throttled += b.Throttled
	}
	tot := sum.Totals
	if want := int64(len(specs) * callsPerTarget); tot.Calls != want {
		t.Errorf("calls %d, want %d", tot.Calls, want)
	}
	if tot.Requests != st.ByAction["sts:GetCallerIdentity"] {
		t.Errorf("requests %d, the throttler received %d", tot.Requests, st.ByAction["sts:GetCallerIdentity"])
	}
	if throttled == 0 || tot.Throttled() != throttled || tot.Throttles["Throttling"] != throttled {
		t.Errorf("throttles %v, the throttler throttled %d", tot.Throttles, throttled)
	}
	if tot.Retries != tot.Requests-tot.Calls {
		t.Errorf("retries %d, want requests - calls = %d", tot.Retries, tot.Requests-tot.Calls)
	}
	if len(sum.Targets) != len(specs) {
		t.Fatalf("%d targets, want %d: %+v", len(sum.Targets), len(specs), sum.Targets)
	}
	for _, tg := range sum.Targets {
		if tg.AccountID != accounts[0] && tg.AccountID != accounts[1] {
			t.Errorf("target of account %q", tg.AccountID)
		}
		if tg.Calls != callsPerTarget {
			t.Errorf("%s %s: %d calls", tg.AccountID, tg.Region, tg.Calls)
		}
		// 6 calls at 1 per 250 ms: up to 1.25 s of waiting, less the
		// time of the calls (a few ms each, more when moto is busy); none
		// without a limit.
		switch wait := tg.WaitSeconds; tg.Region {
		case "us-east-1":
			if wait < 0.5 || wait > 1.3 {
				t.Errorf("%s us-east-1: waited %.3fs, want about 1.2s", tg.AccountID, wait)
			}
		case "eu-west-1":
			if wait > 0.05 {
				t.Errorf("%s eu-west-1: waited %.3fs without a limit", tg.AccountID, wait)
			}
		}
		if tg.CallSeconds < tg.WaitSeconds+tg.AWSSeconds || tg.AWSSeconds <= 0 {
			t.Errorf("%s %s: call %.3fs < wait %.3fs + AWS %.3fs", tg.AccountID, tg.Region, tg.CallSeconds, tg.WaitSeconds, tg.AWSSeconds)
		}
	}
	var waited float64
	for _, tg := range sum.Targets {
		waited += tg.WaitSeconds
	}
	if math.Abs(waited-tot.WaitSeconds) > 1e-9 {
		t.Errorf("totals wait %.3f, targets' %.3f", tot.WaitSeconds, waited)
	}
	if len(sum.Services) != 2 || sum.Services[0].Service != "STS" {
		t.Errorf("services %+v", sum.Services)
	}
	if len(sum.Roles) != 2 || sum.Roles[0].AssumeRoles != 1 || sum.Roles[1].AssumeRoles != 1 || st.AssumeRoles != 2 {
		t.Errorf("roles %+v, proxy saw %d AssumeRole", sum.Roles, st.AssumeRoles)
	}
	if !strings.Contains(text.String(), "sts in us-east-1: ") || !strings.Contains(text.String(), "waiting on our rate limit") {
		t.Errorf("no finding on the wait of sts in us-east-1")
	}
	var decoded map[string]any
	b, _ := json.Marshal(sum)
	if err := json.Unmarshal(b, &decoded); err != nil || decoded["totals"] == nil || decoded["targets"] == nil {
		t.Errorf("JSON %s: %v", b, err)
	}
}

// warmUp makes moto's first STS call, which takes it most of a second,
// outside the measured run.
func warmUp(t *testing.T) {
	t.Helper()
	reg := awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.LoadOptions = append(so.LoadOptions, config.WithBaseEndpoint(moto.URL()))
		})
	})
	s, err := reg.Session(context.Background(), testKeys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccountID(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// The wall time runs from New to Summary, by the given clock.
func TestCollectorWallTime(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := runreport.New(func(o *runreport.Options) { o.Now = func() time.Time { return now } })
	defer c.Shutdown(context.Background())
	now = now.Add(90 * time.Second)
	sum, err := c.Summary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.WallSeconds != 90 || len(sum.Targets) != 0 || sum.Totals.Calls != 0 {
		t.Errorf("empty run: %+v", sum)
	}
	var b bytes.Buffer
	if err := sum.WriteText(&b, 0); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "Run: 1m30s wall; 0 calls, 0 requests (0 retries), 0 throttled, 0 failed.\n" {
		t.Errorf("empty report %q", got)
	}
}
