package awstest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func ec2Req(action string, params ...string) Request {
	v := url.Values{"Action": {action}}
	for i := 0; i+1 < len(params); i += 2 {
		v.Add(params[i], params[i+1])
	}
	return Request{Service: "ec2", Region: "us-east-1", Action: action, proto: protoEC2, params: v}
}

// Each EC2 action draws from the bucket AWS's table puts it in.
func TestEC2Buckets(t *testing.T) {
	for name, tc := range map[string]struct {
		req  Request
		want string
	}{
		"describe":              {ec2Req("DescribeVpcs"), "[{ec2:non-mutating burst 100, 20/s 0}]"},
		"list":                  {ec2Req("ListImagesInRecycleBin"), "[{ec2:non-mutating burst 100, 20/s 0}]"},
		"unfiltered":            {ec2Req("DescribeInstances"), "[{ec2:unfiltered-non-mutating burst 50, 10/s 0}]"},
		"filtered":              {ec2Req("DescribeInstances", "Filter.1.Name", "tag:env"), "[{ec2:non-mutating burst 100, 20/s 0}]"},
		"paginated":             {ec2Req("DescribeVolumes", "MaxResults", "5"), "[{ec2:non-mutating burst 100, 20/s 0}]"},
		"mutating":              {ec2Req("CreateVpc"), "[{ec2:mutating burst 50, 5/s 0}]"},
		"resource-intensive":    {ec2Req("AuthorizeSecurityGroupIngress"), "[{ec2:resource-intensive burst 50, 5/s 0}]"},
		"own bucket":            {ec2Req("CreateTags"), "[{ec2:CreateTags burst 100, 10/s 0}]"},
		"fractional refill":     {ec2Req("CreateVpcEndpoint"), "[{ec2:CreateVpcEndpoint burst 4, 0.3/s 0}]"},
		"run instances":         {ec2Req("RunInstances", "MaxCount", "40"), "[{ec2:RunInstances burst 5, 2/s 0} {ec2:RunInstances/instances burst 1000, 2/s 40}]"},
		"stop instances":        {ec2Req("StopInstances", "InstanceId.1", "i-1", "InstanceId.2", "i-2"), "[{ec2:mutating burst 50, 5/s 0} {ec2:StopInstances/instances burst 1000, 20/s 2}]"},
		"another service":       {Request{Service: "sts", Action: "GetCallerIdentity"}, "[]"},
		"ec2 without an action": {Request{Service: "ec2"}, "[]"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := fmt.Sprint(EC2Buckets(tc.req)); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// A bucket allows its burst at once and then its refill rate; a request
// drawing from two buckets takes from both or from neither.
func TestThrottlerAllowAt(t *testing.T) {
	th := &Throttler{opts: DefaultThrottlerOptions(), buckets: map[BucketKey]*bucket{}, keys: map[string]string{}}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	describe := ec2Req("DescribeVpcs")
	allowed := func(req Request, at time.Time, n int) int {
		got := 0
		for range n {
			if _, ok := th.allowAt("", req, EC2Buckets(req), at); ok {
				got++
			}
		}
		return got
	}
	if got := allowed(describe, t0, 150); got != 100 {
		t.Fatalf("burst: %d allowed, want 100", got)
	}
	if got := allowed(describe, t0.Add(time.Second), 50); got != 20 {
		t.Fatalf("after 1s: %d allowed, want 20", got)
	}
	if got := allowed(describe, t0.Add(time.Hour), 150); got != 100 {
		t.Fatalf("a full bucket holds no more than its burst: %d", got)
	}
	if got := allowed(ec2Req("DescribeVpcs"), t0, 1); got != 0 {
		t.Fatal("another request of the same group drew from another bucket")
	}
	other := describe
	other.Region = "eu-west-1"
	if got := allowed(other, t0, 1); got != 1 {
		t.Fatal("another Region shares the bucket")
	}

	// 1000 instances empty the resource bucket; a 1-instance launch is
	// then refused, and its request token is not spent.
	if got := allowed(ec2Req("RunInstances", "MaxCount", "1000"), t0, 1); got != 1 {
		t.Fatal("the first launch of 1000 was refused")
	}
	if got := allowed(ec2Req("RunInstances", "MaxCount", "1"), t0, 1); got != 0 {
		t.Fatal("a launch past the resource bucket was allowed")
	}
	st := th.Stats()
	run := st[BucketKey{TestAccountID, "us-east-1", "ec2:RunInstances"}]
	res := st[BucketKey{TestAccountID, "us-east-1", "ec2:RunInstances/instances"}]
	if run != (BucketStats{Allowed: 1}) || res != (BucketStats{Allowed: 1, Throttled: 1}) {
		t.Fatalf("request bucket %+v, resource bucket %+v", run, res)
	}
	if got := st[BucketKey{TestAccountID, "us-east-1", EC2NonMutating}]; got != (BucketStats{Allowed: 220, Throttled: 131}) {
		t.Fatalf("non-mutating %+v", got)
	}
	th.Reset()
	if len(th.Stats()) != 0 {
		t.Fatal("Reset kept buckets")
	}
}

// noRetries makes a client give up after one attempt.
func noRetries(o *config.LoadOptions) error {
	o.RetryMaxAttempts = 1
	return nil
}

// SDK clients of each protocol, against moto through the throttler, get
// their protocol's throttling error: the code and status AWS sends, an
// error the SDK's retryer counts as a throttle.
func TestThrottlerSDK(t *testing.T) {
	ctx := context.Background()
	th := RunThrottler(t, moto.URL(), func(o *ThrottlerOptions) {
		o.Buckets = UniformBuckets(Limit{Burst: 2}) // two requests, never a refill
	})
	cfg := sdkConfig(t, th.URL(), noRetries)
	for name, tc := range map[string]struct {
		service string
		call    func() error
		code    string
		status  int
	}{
		"ec2query": {"ec2", func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
			return err
		}, "RequestLimitExceeded", 503},
		"awsquery sts": {"sts", func() error {
			_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, "Throttling", 400},
		"awsquery iam": {"iam", func() error {
			_, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{})
			return err
		}, "Throttling", 400},
		"awsjson 1.0": {"dynamodb", func() error {
			_, err := dynamodb.NewFromConfig(cfg).ListTables(ctx, &dynamodb.ListTablesInput{})
			return err
		}, "ThrottlingException", 400},
		"awsjson 1.1": {"logs", func() error {
			_, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
			return err
		}, "ThrottlingException", 400},
		"restjson1": {"lambda", func() error {
			_, err := lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{})
			return err
		}, "TooManyRequestsException", 429},
		"restxml s3": {"s3", func() error {
			_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, "SlowDown", 503},
	} {
		t.Run(name, func(t *testing.T) {
			for i := range 2 {
				if err := tc.call(); err != nil {
					t.Fatalf("call %d within the burst: %v", i, err)
				}
			}
			err := tc.call()
			var api smithy.APIError
			var resp *awshttp.ResponseError
			if !errors.As(err, &api) || api.ErrorCode() != tc.code || !errors.As(err, &resp) || resp.HTTPStatusCode() != tc.status {
				t.Fatalf("got %v, want %s with status %d", err, tc.code, tc.status)
			}
			if !retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool() {
				t.Fatalf("the SDK's retryer does not see %v as a throttle", err)
			}
			if got := th.Stats()[BucketKey{TestAccountID, "us-east-1", tc.service}]; got != (BucketStats{Allowed: 2, Throttled: 1}) {
				t.Fatalf("bucket %+v", got)
			}
		})
	}
}

// With retries, the SDK's standard retryer rides out throttling: each
// backoff moves the throttler's clock, so exactly the retries the buckets
// call for happen.
func TestThrottlerRetries(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	th := RunThrottler(t, moto.URL(), func(o *ThrottlerOptions) {
		o.Now = clock.Now
		o.Buckets = func(r Request) []Draw { return []Draw{{Group: "vpcs", Limit: Limit{Burst: 1, Rate: 10}}} }
	})
	cfg := sdkConfig(t, th.URL(), config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 5
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
				clock.Advance(100 * time.Millisecond) // one token's worth
				return 0, nil
			})
		})
	}))
	client := ec2.NewFromConfig(cfg)
	for i := range 3 {
		if _, err := client.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if got := th.Stats()[BucketKey{TestAccountID, "us-east-1", "vpcs"}]; got != (BucketStats{Allowed: 3, Throttled: 2}) {
		t.Fatalf("bucket %+v, want 3 allowed and 2 throttled", got)
	}
	if st := th.Proxy().Stats(); st.ByAction["ec2:DescribeVpcs"] != 5 {
		t.Fatalf("proxy saw %+v", st.ByAction)
	}
}

// With AWS's EC2 numbers, an unfiltered DescribeInstances has a burst of
// 50; the same call with a filter draws from the larger bucket.
func TestThrottlerEC2Numbers(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock() // frozen: no refill
	th := RunThrottler(t, moto.URL(), func(o *ThrottlerOptions) { o.Now = clock.Now })
	client := ec2.NewFromConfig(sdkConfig(t, th.URL(), noRetries))
	for i := range 50 {
		if _, err := client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	_, err := client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if api := smithy.APIError(nil); !errors.As(err, &api) || api.ErrorCode() != "RequestLimitExceeded" {
		t.Fatalf("51st unfiltered call: %v", err)
	}
	filtered := &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("tag:env"), Values: []string{"prod"}}}}
	if _, err := client.DescribeInstances(ctx, filtered); err != nil {
		t.Fatalf("a filtered call drew from the unfiltered bucket: %v", err)
	}
	st := th.Stats()
	if st[BucketKey{TestAccountID, "us-east-1", EC2UnfilteredNonMutating}] != (BucketStats{Allowed: 50, Throttled: 1}) ||
		st[BucketKey{TestAccountID, "us-east-1", EC2NonMutating}] != (BucketStats{Allowed: 1}) {
		t.Fatalf("stats %v", st)
	}
}

// Buckets are per account: credentials from an AssumeRole forwarded by the
// throttler draw from the role's account, the base key from moto's default.
func TestThrottlerAccounts(t *testing.T) {
	ctx := context.Background()
	th := RunThrottler(t, moto.URL(), func(o *ThrottlerOptions) { o.Buckets = UniformBuckets(Limit{Burst: 100}) })
	cfg := sdkConfig(t, th.URL(), noRetries)
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::111122223333:role/audit"), RoleSessionName: aws.String("t"),
	})
	if err != nil {
		t.Fatal(err)
	}
	member := cfg.Copy()
	member.Credentials = credentials.NewStaticCredentialsProvider(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	id, err := sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Account != "111122223333" {
		t.Fatalf("moto says %v %v", id, err)
	}
	if _, err := ec2.NewFromConfig(member, func(o *ec2.Options) { o.Region = "eu-west-1" }).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Fatal(err)
	}
	want := map[BucketKey]BucketStats{
		{TestAccountID, "us-east-1", "sts"}:  {Allowed: 1},
		{"111122223333", "us-east-1", "sts"}: {Allowed: 1},
		{"111122223333", "eu-west-1", "ec2"}: {Allowed: 1},
	}
	if got := th.Stats(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if th.Proxy().Stats().AssumeRoles != 1 {
		t.Fatal("AssumeRole not counted")
	}
}

// CloudWatch speaks rpcv2Cbor, which moto 5.2 does not serve (it answers
// 404); the throttler's CBOR error still reaches the SDK as a throttle.
func TestThrottlerCBOR(t *testing.T) {
	ctx := context.Background()
	th := RunThrottler(t, moto.URL(), func(o *ThrottlerOptions) { o.Buckets = UniformBuckets(Limit{Burst: 1}) })
	client := cloudwatch.NewFromConfig(sdkConfig(t, th.URL(), noRetries))
	_, _ = client.ListMetrics(ctx, &cloudwatch.ListMetricsInput{}) // the burst: moto's 404, whatever it says
	_, err := client.ListMetrics(ctx, &cloudwatch.ListMetricsInput{})
	var api smithy.APIError
	var resp *awshttp.ResponseError
	if !errors.As(err, &api) || api.ErrorCode() != "ThrottlingException" || !errors.As(err, &resp) || resp.HTTPStatusCode() != 400 ||
		!retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool() {
		t.Fatalf("got %v", err)
	}
	if got := th.Stats()[BucketKey{TestAccountID, "us-east-1", "monitoring"}]; got != (BucketStats{Allowed: 1, Throttled: 1}) {
		t.Fatalf("bucket %+v", got)
	}
}
