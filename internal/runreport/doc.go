// Package runreport tells where a run's time went: it collects the
// awsaccount package's OpenTelemetry metrics while a fleet run goes on and,
// at its end, sums them per run, per target (account × region), per
// service in a region and per role account, in a [Summary] that renders
// as a text report or a JSON object.
//
// The CLI installs a [Collector]'s MeterProvider in its Registry, runs,
// and reports:
//
//	c := runreport.New()
//	defer c.Shutdown(ctx)
//	reg := awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) { o.MeterProvider = c.MeterProvider() })
//	// ... the run ...
//	sum, err := c.Summary(ctx)
//	sum.WriteText(os.Stderr, 20) // or json.NewEncoder(w).Encode(sum)
//
// which reads, for example (testdata/report.txt):
//
//	Run: 12.4s wall; 222 calls, 228 requests (6 retries), 6 throttled, 2 failed.
//	Time in calls: 2m10.1s: waiting on our rate limits 1m39.7s (77%), in AWS 23.3s (18%), backoff and other 7.1s (5%).
//	AssumeRole: 3 calls for 2 accounts (refreshes 1, failed 0).
//
//	Where the time went:
//	  ec2 in eu-west-1: 82% of the time its calls took was spent waiting on our rate limit (1m39.5s of 2m1s), and AWS throttled none of its 200 requests: the limit may be stricter than AWS needs.
//	  sts in us-east-1: AWS throttled 6 of 28 requests (Throttling 6), and retries took 6.2s: lower our rate limit for it.
//	  sts in us-east-1: 2 of 22 calls failed (AccessDenied 2).
//
//	Targets:
//	ACCOUNT       REGION     CALLS  REQUESTS  RETRIES  THROTTLED  WAIT   IN AWS  OTHER  ERRORS
//	111122223333  eu-west-1  100    100       0        0          50s    10.5s   500ms  -
//	...
//
// The time of a target's calls is split three ways: waiting on the
// client-side rate limits (awsaccount.ratelimit.wait.duration), in AWS
// (awsaccount.client.attempt.duration: an admitted attempt, from signing
// to decoding), and the rest (the retryer's backoff between attempts, and
// the little the SDK does before the first). The shares are of call time,
// which, when targets run concurrently, adds up to more than the wall
// time.
//
// The collector's provider has no cardinality limit, so that a fleet of
// thousands of targets is summed exactly (a series per target and
// operation costs a few hundred bytes); other readers (an exporter's,
// given in [Options].Readers) share it.
package runreport
