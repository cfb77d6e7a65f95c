package awsaccount_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// An endpoint that accepts connections and never answers: each attempt ends
// at the read timeout, timed-out attempts are retried twice, and the call
// fails naming the target, instead of hanging.
func TestSilentEndpointIsBounded(t *testing.T) {
	silent := awstest.RunStalledServer(t)
	s := newTestSession(t, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = []func(*config.LoadOptions) error{config.WithBaseEndpoint(silent.URL())}
		o.ReadTimeout = 300 * time.Millisecond
	})
	ra := awsaccount.NewRegionalAccount(nil, awsaccount.NewAccount(s), "us-east-1")
	start := time.Now()
	_, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	took := time.Since(start)
	var ce *awsaccount.CallError
	if !errors.As(err, &ce) || ce.Region != "us-east-1" {
		t.Fatalf("err = %v, want a CallError naming the target", err)
	}
	var timeout interface{ Timeout() bool }
	if !errors.As(err, &timeout) || !timeout.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if n := silent.Conns(); n != 3 {
		t.Errorf("%d attempts, want 3 (one, then two retries of a timeout)", n)
	}
	if took > 10*time.Second {
		t.Errorf("the call took %v", took)
	}
	t.Logf("silent endpoint: failed after %v and %d attempts: %v", took, silent.Conns(), err)
}

// CallTimeout bounds a whole call, whatever the attempts' own bounds.
func TestCallTimeout(t *testing.T) {
	silent := awstest.RunStalledServer(t)
	s := newTestSession(t, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = []func(*config.LoadOptions) error{config.WithBaseEndpoint(silent.URL())}
	})
	ra := awsaccount.NewRegionalAccount(nil, awsaccount.NewAccount(s), "us-east-1",
		func(o *awsaccount.RegionalAccountOptions) { o.CallTimeout = 400 * time.Millisecond })
	start := time.Now()
	_, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if took := time.Since(start); err == nil || !errors.Is(err, context.DeadlineExceeded) || took > 5*time.Second {
		t.Fatalf("err = %v after %v, want the call's deadline within about 400ms", err, took)
	}
}

// A response body cut mid-stream is retried for an operation that only
// reads, and never for one that changes something.
func TestTruncatedBodyRetriedOnlyForReads(t *testing.T) {
	ctx := context.Background()
	proxy := awstest.RunProxy(t, emulatorURL)
	proxy.Truncate(func(r awstest.Request) bool { return r.Action == "DescribeVpcs" }, awstest.Truncation{After: 20, Times: 1})
	proxy.Truncate(func(r awstest.Request) bool { return r.Action == "CreateTags" }, awstest.Truncation{After: 20, Times: 1})
	ra := awsaccount.NewRegionalAccount(nil, awsaccount.NewAccount(mustSession(t, proxy.URL())), "us-east-1")
	client := awsaccount.Client(ra, ec2.NewFromConfig)

	out, err := client.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil || len(out.Vpcs) == 0 {
		t.Fatalf("DescribeVpcs after one truncated body: %v", err)
	}
	if n := proxy.Stats().ByAction["ec2:DescribeVpcs"]; n != 2 {
		t.Errorf("%d DescribeVpcs requests, want 2 (the truncated one retried)", n)
	}

	_, err = client.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{aws.ToString(out.Vpcs[0].VpcId)},
		Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("CreateTags with a truncated body: %v, want the truncation, not retried", err)
	}
	if n := proxy.Stats().ByAction["ec2:CreateTags"]; n != 1 {
		t.Errorf("%d CreateTags requests, want 1 (a mutating call is never repeated)", n)
	}
}

// A fleet of role-entered accounts is built without one request, and a
// fan-out over it assumes each role exactly once, sharing connections.
func TestFleetEntersAccountsLazilyOnce(t *testing.T) {
	ctx := context.Background()
	proxy := awstest.RunLatencyProxy(t, emulatorURL, 20*time.Millisecond)
	reg := testRegistry(proxy.URL())
	const accounts = 40
	specs := make([]awsaccount.RegionalAccountsSpec, accounts)
	for i := range specs {
		specs[i] = awsaccount.RegionalAccountsSpec{
			Account: awsaccount.AccountSpec{SessionParameters: testKeys, AssumeRole: &awsaccount.AssumeRoleParameters{
				RoleArn: fmt.Sprintf("arn:aws:iam::%012d:role/fleet", 100000000000+i)}},
			Filter:    include("aws", "us-east-1", "eu-west-1", "ap-southeast-2"),
			RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 10, Interval: time.Second, Block: true}},
		}
	}
	set, err := reg.RegionalAccountSet(ctx, specs...)
	if err != nil {
		t.Fatal(err)
	}
	if n := proxy.Stats().Requests; n != 0 {
		t.Fatalf("%d requests while building the set, want 0", n)
	}
	var firstAt, lastAssume atomic.Int64
	start := time.Now()
	n, failed := 0, 0
	for _, r := range awsaccount.ForEach(ctx, set, func(ctx context.Context, ra *awsaccount.RegionalAccount) (string, error) {
		out, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", err
		}
		firstAt.CompareAndSwap(0, int64(time.Since(start)))
		lastAssume.Store(int64(time.Since(start)))
		return aws.ToString(out.Account), nil
	}, func(o *awsaccount.ForEachOptions) { o.Concurrency = 32 }) {
		n++
		if r.Err != nil {
			failed++
			t.Errorf("%s: %v", r.Target.Region(), r.Err)
			continue
		}
		if id, _ := r.Target.Account().AccountID(ctx); id != r.Value || !strings.HasPrefix(id, "1000000000") {
			t.Errorf("target of %s acted in %s", id, r.Value)
		}
	}
	st := proxy.Stats()
	t.Logf("%d targets in %v: %d requests, %d AssumeRole, %d TCP connections, peak %d in flight",
		n, time.Since(start), st.Requests, st.AssumeRoles, st.Conns, st.PeakInFlight)
	if n != accounts*3 || failed != 0 {
		t.Fatalf("%d results, %d failed; want %d, 0", n, failed, accounts*3)
	}
	if st.AssumeRoles != accounts {
		t.Errorf("%d AssumeRole calls, want %d (one per account)", st.AssumeRoles, accounts)
	}
	if st.Conns > 2*32 {
		t.Errorf("%d TCP connections, want at most %d (twice the concurrency)", st.Conns, 2*32)
	}
}

// Sessions of one registry share one HTTP client (one connection pool,
// one CA bundle), whatever their credentials.
func TestRegistrySharesOneHTTPClient(t *testing.T) {
	ctx := context.Background()
	reg := testRegistry(emulatorURL)
	a, err := reg.Account(ctx, awsaccount.AccountSpec{SessionParameters: testKeys})
	if err != nil {
		t.Fatal(err)
	}
	other := testKeys
	other.AccessKeyID = "AKIAOTHEROTHEROTHER1"
	b, err := reg.Account(ctx, awsaccount.AccountSpec{SessionParameters: other,
		AssumeRole: &awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111122223333:role/x"}})
	if err != nil {
		t.Fatal(err)
	}
	ca, cb := a.Session().Config().HTTPClient, b.Session().Config().HTTPClient
	if ca == nil || ca != cb {
		t.Fatalf("HTTP clients %p and %p, want one shared", ca, cb)
	}
}

// A region no partition has is refused before any call, with a suggestion.
func TestUnknownRegionRefused(t *testing.T) {
	ctx := context.Background()
	p := testKeys
	p.Region = "us-moon-1"
	_, err := awsaccount.NewSession(ctx, p)
	var pe *awsaccount.ParameterError
	if !errors.As(err, &pe) || pe.Path != "SessionParameters.region_name" || !strings.Contains(pe.Problem, "us-moon-1") {
		t.Fatalf("err = %v, want a ParameterError at SessionParameters.region_name naming us-moon-1", err)
	}
	reg := testRegistry(emulatorURL)
	_, err = reg.RegionalAccount(ctx, awsaccount.RegionalAccountSpec{Account: awsaccount.AccountSpec{SessionParameters: testKeys}, Region: "eu-wets-1"})
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "did you mean eu-west-1") {
		t.Fatalf("err = %v, want a suggestion of eu-west-1", err)
	}
}

// The region-less RegionalAccount factory takes the session's region, as the
// seed's does.
func TestRegionalAccountFactoryTakesTheSessionRegion(t *testing.T) {
	reg := testRegistry(emulatorURL)
	p := testKeys
	p.Region = "eu-central-1"
	ra, err := reg.RegionalAccount(context.Background(), awsaccount.RegionalAccountSpec{Account: awsaccount.AccountSpec{SessionParameters: p}})
	if err != nil || ra.Region() != "eu-central-1" {
		t.Fatalf("RegionalAccount without region_name: %v, %v; want eu-central-1", ra, err)
	}
}

// An SSO profile whose login has expired says how to log in again.
func TestSSOHint(t *testing.T) {
	dir := t.TempDir()
	cfgFile := dir + "/config"
	if err := os.WriteFile(cfgFile, []byte(`[profile sso-dev]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = us-east-1
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("HOME", dir) // no cached token under ~/.aws/sso/cache
	s, err := awsaccount.NewSession(context.Background(), awsaccount.SessionParameters{Profile: "sso-dev"},
		func(o *awsaccount.SessionOptions) {
			o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(emulatorURL))
		})
	if err != nil {
		t.Fatal(err)
	}
	ra := awsaccount.NewRegionalAccount(nil, awsaccount.NewAccount(s), "us-east-1")
	_, err = awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	var ce *awsaccount.CallError
	if !errors.As(err, &ce) || !strings.Contains(ce.Hint, "aws sso login --profile sso-dev") || ce.Source != "profile sso-dev" {
		t.Fatalf("err = %v (hint %q), want the aws sso login hint naming the profile", err, ce.Hint)
	}
}

// Readers of a container never wait on the network: while a Refresh asks a
// slow endpoint for the account's regions, concurrent readers answer at
// once from the last view.
func TestReadersNeverWaitOnARefresh(t *testing.T) {
	ctx := context.Background()
	proxy := awstest.RunLatencyProxy(t, emulatorURL, 0)
	reg := testRegistry(proxy.URL())
	c, err := reg.RegionalAccounts(ctx, awsaccount.RegionalAccountsSpec{
		Account: awsaccount.AccountSpec{SessionParameters: testKeys}, RegionSource: "account",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := c.Len()
	proxy.SetLatency(time.Second)
	done := make(chan error, 1)
	go func() { done <- c.Refresh(ctx) }()
	for proxy.Stats().InFlight == 0 { // the refresh is on the wire
		time.Sleep(time.Millisecond)
	}
	var slowest time.Duration
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 16 {
		wg.Go(func() {
			for range 100 {
				start := time.Now()
				n := c.Len()
				_, ok := c.Get("us-east-1")
				_ = c.Keys()
				_ = c.Filter()
				if d := time.Since(start); n != want || !ok {
					t.Errorf("a reader saw %d regions (want %d), us-east-1 %v", n, want, ok)
				} else {
					mu.Lock()
					slowest = max(slowest, d)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if slowest > 200*time.Millisecond {
		t.Errorf("a reader took %v while the refresh waited on a 1s endpoint", slowest)
	}
	t.Logf("slowest of 1,600 reads during a 1s refresh: %v", slowest)
}

// Every bad spec the Registry refuses is a FieldError, and a
// *ParameterError matching ErrInvalidParameter, whichever layer found it
// (a bad RateLimit used to escape as a bare error).
func TestBadSpecsAreFieldErrors(t *testing.T) {
	ctx := context.Background()
	reg := testRegistry(emulatorURL)
	acct := awsaccount.AccountSpec{SessionParameters: testKeys}
	tests := map[string]struct {
		spec awsaccount.RegionalAccountsSpec
		path string
	}{
		"negative max_count": {awsaccount.RegionalAccountsSpec{Account: acct, RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: -1}}}, "RateLimit.max_count"},
		"bad region limit": {awsaccount.RegionalAccountsSpec{Account: acct, RateLimitRegionSpec: map[string]ratelimit.Spec{
			"us-east-1": {Limit: ratelimit.Limit{Interval: -time.Second}}}}, "RateLimitRegionSpec.us-east-1.interval"},
		"unknown region":     {awsaccount.RegionalAccountsSpec{Account: acct, Filter: include("aws", "us-eest-1")}, "Filter.Partitions.aws.Regions.include[0]"},
		"bad role":           {awsaccount.RegionalAccountsSpec{Account: awsaccount.AccountSpec{SessionParameters: testKeys, AssumeRole: &awsaccount.AssumeRoleParameters{RoleArn: "nope"}}}, "Account.AssumeRole.RoleArn"},
		"bad session region": {awsaccount.RegionalAccountsSpec{Account: awsaccount.AccountSpec{SessionParameters: awsaccount.SessionParameters{Region: "us-moon-1"}}}, "Account.SessionParameters.region_name"},
		"bad region source":  {awsaccount.RegionalAccountsSpec{Account: acct, RegionSource: "dns"}, "RegionSource"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := reg.RegionalAccounts(ctx, tc.spec)
			var fe awsaccount.FieldError
			var pe *awsaccount.ParameterError
			if !errors.As(err, &fe) || !errors.As(err, &pe) || !errors.Is(err, awsaccount.ErrInvalidParameter) {
				t.Fatalf("err = %v (%T), want a FieldError and *ParameterError matching ErrInvalidParameter", err, err)
			}
			if path, _ := fe.Field(); path != tc.path {
				t.Fatalf("path %q, want %q (%v)", path, tc.path, err)
			}
		})
	}
}
