package runreport_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/runreport"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// A Collector's MeterProvider given to a Registry; at the end of the run,
// the Summary.
func Example() {
	ctx := context.Background()
	c := runreport.New()
	defer c.Shutdown(ctx)
	reg := newRegistry(moto.URL(), c)
	ra, err := reg.RegionalAccount(ctx, awsaccount.RegionalAccountSpec{Account: awsaccount.AccountSpec{SessionParameters: testKeys},
		Region: "us-east-1", RateLimit: ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 1, Interval: 50 * time.Millisecond, Block: true}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 3 {
		if _, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			fmt.Println(err)
			return
		}
	}
	sum, err := c.Summary(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	t := sum.Targets[0]
	fmt.Printf("%s: %d calls, %d requests, %d throttled\n", t.Region, t.Calls, t.Requests, t.Throttled())
	// Output:
	// us-east-1: 3 calls, 3 requests, 0 throttled
}
