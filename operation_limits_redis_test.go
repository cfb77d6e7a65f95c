package awsaccount_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/redis/go-redis/v9"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

// TestPresetSharedThroughRedis: two Registries (two processes) with the
// same RateLimit block, {preset: aws, backend: redis}, draw their EC2
// Describe* calls from one bucket in Redis, keyed by account, region and
// group.
func TestPresetSharedThroughRedis(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Run(t)
	spec := awsaccount.RegionalAccountSpec{Account: awsaccount.AccountSpec{SessionParameters: testKeys}, Region: "us-east-1",
		RateLimit: ratelimit.Spec{Preset: "aws", Backend: &ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: srv.URL()}}}}
	for range 2 {
		b := redislimit.NewBackend()
		t.Cleanup(func() { _ = b.Close() })
		reg := awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
			o.Backends = map[string]ratelimit.BackendFactory{"redis": b.Open}
			o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
				so.LoadOptions = append(so.LoadOptions, configEndpoint(emulatorURL))
			})
		})
		ra, err := reg.RegionalAccount(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		c := awsaccount.Client(ra, ec2.NewFromConfig)
		if _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	rc := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rc.Close()
	members, err := rc.ZRangeWithScores(ctx, "awsaccount:123456789012:us-east-1:ec2:nonmutating", 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	// Four starts, and the bucket on top: burst 99, a token per 50ms.
	if len(members) != 5 || members[4].Member != "#99:50000" {
		t.Fatalf("the shared bucket's key holds %v, want 4 starts and #99:50000 on top", members)
	}
}
