package awsaccount_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/regions"
)

func testRegistry(endpoint string, optFns ...func(*awsaccount.RegistryOptions)) *awsaccount.Registry {
	return awsaccount.NewRegistry(append([]func(*awsaccount.RegistryOptions){func(o *awsaccount.RegistryOptions) {
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.LoadOptions = append(so.LoadOptions, config.WithBaseEndpoint(endpoint))
		})
	}}, optFns...)...)
}

func include(partition string, names ...string) regions.Filter {
	return regions.Filter{Partitions: map[string]regions.PartitionFilter{partition: {Regions: regions.RegionFilter{Include: names}}}}
}

// The seed's container narrative, line by line.
func TestRegionalAccountsSeedNarrative(t *testing.T) {
	ctx := context.Background()
	reg := testRegistry(emulatorURL)
	rl := ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 1, Interval: time.Second}}
	account := awsaccount.AccountSpec{SessionParameters: testKeys}

	filter1 := include("aws", "us-east-1")
	filter1Raccts, err := reg.RegionalAccounts(ctx, awsaccount.RegionalAccountsSpec{RateLimit: rl, Account: account, Filter: filter1})
	if err != nil {
		t.Fatal(err)
	}
	if keys := filter1Raccts.Keys(); !slices.Equal(keys, []string{"us-east-1"}) {
		t.Fatalf("filter1 keys %v", keys)
	}
	if !filter1Raccts.Contains("us-east-1") || filter1Raccts.Len() != 1 {
		t.Fatal("contains / len")
	}
	ra, ok := filter1Raccts.Get("us-east-1")
	if !ok || ra.Region() != "us-east-1" {
		t.Fatal("get")
	}
	if _, ok := filter1Raccts.Get("us-east-2"); ok {
		t.Fatal("get of a region not in the filter")
	}
	if vs := filter1Raccts.Values(); len(vs) != 1 || vs[0] != ra {
		t.Fatal("values")
	}
	n := 0
	for region, target := range filter1Raccts.All() {
		if region != target.Region() {
			t.Fatal("All yields mismatched pairs")
		}
		n++
	}
	if n != 1 {
		t.Fatal("All count")
	}

	allRaccts, err := reg.RegionalAccounts(ctx, awsaccount.RegionalAccountsSpec{RateLimit: rl, Account: account})
	if err != nil {
		t.Fatal(err)
	}
	if allRaccts.Len() <= filter1Raccts.Len() || !allRaccts.Contains("us-east-2") || filter1Raccts.Contains("us-east-2") {
		t.Fatalf("unfiltered %d regions, filtered %d", allRaccts.Len(), filter1Raccts.Len())
	}
	ecRegions, _ := regions.Regions("aws", "ec2", false)
	if allRaccts.Len() != len(ecRegions) {
		t.Fatalf("unfiltered container has %d regions, aws ec2 has %d", allRaccts.Len(), len(ecRegions))
	}
	// The same object under both containers: they share its limiter.
	if all1, _ := allRaccts.Get("us-east-1"); all1 != ra {
		t.Fatal("containers over the same account and region hold different targets")
	}

	// Filters can be mutated, not replaced.
	if err := filter1Raccts.Include("aws", "us-east-2"); err != nil {
		t.Fatal(err)
	}
	if !filter1Raccts.Contains("us-east-2") || filter1Raccts.Len() != 2 {
		t.Fatalf("after Include: %v", filter1Raccts.Keys())
	}
	f := filter1Raccts.Filter()
	f.Partitions = nil // a copy: the container's own filter cannot be replaced
	if filter1Raccts.Len() != 2 {
		t.Fatal("changing the copy changed the container")
	}
	if err := filter1Raccts.Include("aws", "us-eest-9"); err == nil || filter1Raccts.Len() != 2 {
		t.Fatalf("a bad region must be refused and change nothing: %v", err)
	}
	if err := filter1Raccts.Exclude("aws", "us-east-*"); err != nil || filter1Raccts.Len() != 0 {
		t.Fatalf("exclude wins: %v %v", err, filter1Raccts.Keys())
	}
	if err := filter1Raccts.UpdateFilter(func(f *regions.Filter) {
		p := f.Partitions["aws"]
		p.Regions.Exclude = nil
		f.Partitions["aws"] = p
	}); err != nil || filter1Raccts.Len() != 2 {
		t.Fatalf("remove exclude: %v %v", err, filter1Raccts.Keys())
	}
	if again, _ := reg.RegionalAccounts(ctx, awsaccount.RegionalAccountsSpec{RateLimit: rl, Account: account, Filter: filter1}); again != filter1Raccts {
		t.Fatal("the factory did not return the cached container")
	}

	// The set: add, discard, values, iteration.
	set1 := awsaccount.NewRegionalAccountSet(allRaccts)
	if len(set1.Containers()) != 1 || len(set1.Targets()) != allRaccts.Len() {
		t.Fatal("set of one container")
	}
	set1.Add(filter1Raccts)
	if len(set1.Containers()) != 2 || len(set1.Targets()) != allRaccts.Len() {
		t.Fatalf("targets are unique across containers: %d, want %d", len(set1.Targets()), allRaccts.Len())
	}
	set1.Discard(allRaccts)
	if len(set1.Targets()) != filter1Raccts.Len() || !slices.Equal(set1.Containers(), []*awsaccount.RegionalAccounts{filter1Raccts}) {
		t.Fatal("discard")
	}
}

func TestRegionalAccountsBadSpecs(t *testing.T) {
	ctx := context.Background()
	reg := testRegistry(emulatorURL)
	account := awsaccount.AccountSpec{SessionParameters: testKeys}
	tests := map[string]struct {
		spec awsaccount.RegionalAccountsSpec
		want string
	}{
		"unknown partition": {awsaccount.RegionalAccountsSpec{Account: account, Filter: include("aws-moon")}, "aws-moon"},
		"unknown region":    {awsaccount.RegionalAccountsSpec{Account: account, Filter: include("aws", "us-eest-1")}, "us-eest-1"},
		"negative limit":    {awsaccount.RegionalAccountsSpec{Account: account, RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: -1}}}, "RateLimit"},
		"bad role":          {awsaccount.RegionalAccountsSpec{Account: awsaccount.AccountSpec{SessionParameters: testKeys, AssumeRole: &awsaccount.AssumeRoleParameters{RoleArn: "nope"}}}, "Account.AssumeRole.RoleArn"},
		"bad region source": {awsaccount.RegionalAccountsSpec{Account: account, RegionSource: "dns"}, "RegionSource"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := reg.RegionalAccounts(ctx, tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to name %q", err, tc.want)
			}
		})
	}
}

// Region source "account": the account's DescribeRegions answer decides,
// asked once per TTL.
func TestRegionSourceAccount(t *testing.T) {
	ctx := context.Background()
	var calls atomic.Int64
	proxy := countingProxy(t, &calls)
	now := time.Now()
	var clockMu sync.Mutex
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	reg := testRegistry(proxy, func(o *awsaccount.RegistryOptions) { o.Clock = clock; o.RegionTTL = time.Minute })
	c, err := reg.RegionalAccounts(ctx, awsaccount.RegionalAccountsSpec{
		Account: awsaccount.AccountSpec{SessionParameters: testKeys}, RegionSource: "account",
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ec2.NewFromConfig(mustSession(t, emulatorURL).Config()).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var enabled []string
	for _, r := range out.Regions {
		if p, _ := regions.PartitionOf(aws.ToString(r.RegionName)); p == "aws" {
			enabled = append(enabled, aws.ToString(r.RegionName))
		}
	}
	slices.Sort(enabled)
	if got := c.Keys(); !slices.Equal(got, enabled) {
		t.Fatalf("container %v\nDescribeRegions %v", got, enabled)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d calls, want 1 DescribeRegions", n)
	}
	c.Keys()
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d calls within the TTL, want 1", n)
	}
	clockMu.Lock()
	now = now.Add(2 * time.Minute)
	clockMu.Unlock()
	c.Keys() // readers make no call
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d calls after the TTL from a reader, want still 1", n)
	}
	for range awsaccount.ForEach(ctx, awsaccount.NewRegionalAccountSet(c), func(context.Context, *awsaccount.RegionalAccount) (int, error) { return 0, nil }) {
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("%d calls after the TTL and a ForEach, want 2", n)
	}
}

// Registry identity: key order, number format and map order do not matter;
// 64 goroutines asking at once get one object built once.
func TestRegistryIdentity(t *testing.T) {
	ctx := context.Background()
	var calls atomic.Int64
	proxy := countingProxy(t, &calls)
	reg := testRegistry(proxy)
	spec := awsaccount.RegionalAccountSpec{
		RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 1, Interval: time.Second}},
		Account: awsaccount.AccountSpec{SessionParameters: testKeys, AssumeRole: &awsaccount.AssumeRoleParameters{
			RoleArn: "arn:aws:iam::111122223333:role/x", Tags: map[string]string{"a": "1", "b": "2", "c": "3"},
		}},
		Region: "us-east-1",
	}
	var wg sync.WaitGroup
	got := make([]*awsaccount.RegionalAccount, 64)
	for i := range got {
		wg.Go(func() {
			var err error
			if got[i], err = reg.RegionalAccount(ctx, spec); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, ra := range got {
		if ra != got[0] {
			t.Fatal("64 concurrent requests got different objects")
		}
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("%d calls while building, want 0 (roles are assumed on first use)", n)
	}
	// 64 first requests at once assume the role once.
	for range 64 {
		wg.Go(func() {
			if _, err := got[0].Account().Session().AccessKey(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d AssumeRole calls for 64 first uses, want 1", n)
	}
	other := spec
	other.Region = "us-west-2"
	ra2, err := reg.RegionalAccount(ctx, other)
	if err != nil || ra2 == got[0] || ra2.Account() != got[0].Account() {
		t.Fatalf("another region of the same account: want a new target on the same account (%v)", err)
	}
	// The account factory and session factory answer alike.
	s1, _ := reg.Session(ctx, testKeys)
	s2, _ := reg.Session(ctx, testKeys)
	a1, _ := reg.Account(ctx, awsaccount.AccountSpec{SessionParameters: testKeys})
	a2, _ := reg.Account(ctx, awsaccount.AccountSpec{SessionParameters: testKeys})
	if s1 != s2 || a1 != a2 || a1.Session() != s1 {
		t.Fatal("session/account factories do not cache")
	}
}

// ForEach over 3 accounts × 3 regions: 9 results, a failing target does not
// stop the others.
func TestForEachFanOut(t *testing.T) {
	ctx := context.Background()
	proxy, err := awstest.StartFaultProxy(emulatorURL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.Inject(func(r awstest.Request) bool {
		return r.Action == "DescribeVpcs" && r.Region == "eu-west-1" && r.KeyID != testKeys.AccessKeyID
	},
		awstest.Fault{Status: 403, Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."})
	reg := testRegistry(proxy.URL())
	set, err := reg.RegionalAccountSet(ctx, fanOutSpecs()...)
	if err != nil {
		t.Fatal(err)
	}
	results := awsaccount.ForEach(ctx, set, func(ctx context.Context, ra *awsaccount.RegionalAccount) (int, error) {
		out, err := awsaccount.Client(ra, ec2.NewFromConfig).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
		if err != nil {
			return 0, err
		}
		return len(out.Vpcs), nil
	}, func(o *awsaccount.ForEachOptions) { o.Concurrency = 4 })
	var failed []string
	var order []string
	n := 0
	for i, r := range results {
		if i != n {
			t.Fatalf("result %d yielded as %d: not in target order", n, i)
		}
		n++
		id, _ := r.Target.Account().AccountID(ctx)
		order = append(order, id+"/"+r.Target.Region())
		if r.Err != nil {
			var ce *awsaccount.CallError
			if !errors.As(r.Err, &ce) || ce.Code != "UnauthorizedOperation" || ce.Region != r.Target.Region() || ce.AccountID != id {
				t.Fatalf("error %v: want a CallError naming the target", r.Err)
			}
			failed = append(failed, id+"/"+r.Target.Region())
			continue
		}
		if r.Value < 1 {
			t.Fatalf("%s/%s: %d VPCs (moto makes a default one)", id, r.Target.Region(), r.Value)
		}
	}
	want := []string{"222222222222/eu-west-1", "111111111111/eu-west-1"}
	if !slices.Equal(failed, want) {
		t.Fatalf("failed %v, want %v", failed, want)
	}
	// Account in the order the containers were added, then region.
	wantOrder := []string{
		"123456789012/ap-northeast-1", "123456789012/eu-west-1", "123456789012/us-east-1",
		"222222222222/ap-northeast-1", "222222222222/eu-west-1", "222222222222/us-east-1",
		"111111111111/ap-northeast-1", "111111111111/eu-west-1", "111111111111/us-east-1",
	}
	if !slices.Equal(order, wantOrder) {
		t.Fatalf("results in order %v, want %v", order, wantOrder)
	}
}

// ForEach starts each account's first target before the others (it enters
// the account, which the others wait for), and still yields in target
// order.
func TestForEachStartsEachAccountFirst(t *testing.T) {
	ctx := context.Background()
	set, err := testRegistry(emulatorURL).RegionalAccountSet(ctx, fanOutSpecs()...)
	if err != nil {
		t.Fatal(err)
	}
	var started []int
	results := awsaccount.ForEach(ctx, set, func(context.Context, *awsaccount.RegionalAccount) (struct{}, error) {
		return struct{}{}, nil
	}, func(o *awsaccount.ForEachOptions) {
		o.Concurrency = 1 // finishing order is starting order
		o.OnResult = func(index, _, _ int, _ error) { started = append(started, index) }
	})
	var yielded []int
	for i := range results {
		yielded = append(yielded, i)
	}
	if want := []int{0, 3, 6, 1, 2, 4, 5, 7, 8}; !slices.Equal(started, want) {
		t.Errorf("started %v, want %v: each of the 3 accounts' first target, then the rest", started, want)
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8}; !slices.Equal(yielded, want) {
		t.Errorf("yielded %v, want target order", yielded)
	}
}

func fanOutSpecs() []awsaccount.RegionalAccountsSpec {
	three := include("aws", "us-east-1", "eu-west-1", "ap-northeast-1")
	var specs []awsaccount.RegionalAccountsSpec
	for _, role := range []string{"", "arn:aws:iam::222222222222:role/fan", "arn:aws:iam::111111111111:role/fan"} {
		acct := awsaccount.AccountSpec{SessionParameters: testKeys}
		if role != "" {
			acct.AssumeRole = &awsaccount.AssumeRoleParameters{RoleArn: role}
		}
		specs = append(specs, awsaccount.RegionalAccountsSpec{Account: acct, Filter: three,
			RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 10, Interval: time.Second, Block: true}}})
	}
	return specs
}

// Cancelling ForEach stops it promptly: waiting targets are not started and
// running ones see the cancel.
func TestForEachCancel(t *testing.T) {
	reg := testRegistry(emulatorURL)
	set, err := reg.RegionalAccountSet(context.Background(), fanOutSpecs()...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var started atomic.Int64
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	results := awsaccount.ForEach(ctx, set, func(ctx context.Context, ra *awsaccount.RegionalAccount) (struct{}, error) {
		started.Add(1)
		<-ctx.Done() // a call that would take forever
		return struct{}{}, ctx.Err()
	}, func(o *awsaccount.ForEachOptions) { o.Concurrency = 2 })
	n := 0
	for _, r := range results {
		n++
		if !errors.Is(r.Err, context.Canceled) {
			t.Fatalf("result %v, want context.Canceled", r.Err)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("cancel took %v", d)
	}
	if started.Load() != 2 || n != 9 {
		t.Fatalf("%d started, %d results; want 2 (the concurrency) and 9", started.Load(), n)
	}
}

// BenchmarkScale builds 1,000 accounts × every aws ec2 region and iterates
// the set once; it reports time and heap bytes per target and fails if any
// API request was made.
//
// With AWS_CA_BUNDLE set (as on many corporate machines), the bundle is
// read and parsed once per Registry, not once per account: the ca-bundle
// case should stay within noise of the plain one.
func BenchmarkScale(b *testing.B) {
	b.Run("no-ca-bundle", benchScale)
	b.Run("ca-bundle", func(b *testing.B) {
		const bundle = "/etc/ssl/certs/ca-certificates.crt"
		if _, err := os.Stat(bundle); err != nil {
			b.Skip("no system CA bundle to point AWS_CA_BUNDLE at")
		}
		b.Setenv("AWS_CA_BUNDLE", bundle)
		benchScale(b)
	})
}

func benchScale(b *testing.B) {
	var calls atomic.Int64
	proxy := countingProxy(b, &calls)
	const accounts = 1000
	for b.Loop() {
		b.StopTimer()
		reg := testRegistry(proxy)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		start := time.Now()
		set := awsaccount.NewRegionalAccountSet()
		for i := range accounts {
			p := testKeys
			p.AccessKeyID = fmt.Sprintf("AKIA%016d", i)
			c, err := reg.RegionalAccounts(context.Background(), awsaccount.RegionalAccountsSpec{
				Account:   awsaccount.AccountSpec{SessionParameters: p},
				RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 20, Interval: time.Second, Block: true}},
			})
			if err != nil {
				b.Fatal(err)
			}
			set.Add(c)
		}
		built := time.Since(start)
		n := 0
		for range set.Targets() {
			n++
		}
		iterated := time.Since(start) - built
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(n), "targets")
		b.ReportMetric(float64(built.Milliseconds()), "build-ms")
		b.ReportMetric(float64(iterated.Milliseconds()), "iterate-ms")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "heap-B/target")
		runtime.KeepAlive(set)
		runtime.KeepAlive(reg)
		b.StartTimer()
	}
	if calls.Load() != 0 {
		b.Fatalf("%d API requests made, want 0", calls.Load())
	}
}
