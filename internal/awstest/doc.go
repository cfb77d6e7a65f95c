// Package awstest starts the test substrate of this module: a real AWS API
// emulator (moto_server) on a free loopback port, and small in-process
// servers for what moto cannot show: latency, throttling, faults, stalls,
// short-lived STS credentials. Every server binds 127.0.0.1:0, and each has
// a one-line start for a test that stops it in t.Cleanup (RunXxx), beside
// a StartXxx/Close pair for TestMain.
//
// # moto
//
// A package starts one emulator in TestMain and shares it:
//
//	var moto *awstest.Moto
//
//	func TestMain(m *testing.M) { os.Exit(awstest.Main(m, func(mo *awstest.Moto) { moto = mo })) }
//
// or one test starts its own with [RunMoto]. moto's default account is
// 123456789012 ([TestAccountID]); AssumeRole into
// arn:aws:iam::111122223333:role/anything yields credentials whose calls act
// in account 111122223333, with separate state per account. moto does not
// check signatures, so any static key works. moto 5.2 does not serve
// CloudWatch's rpcv2Cbor protocol (it answers 404).
//
// When moto_server is not installed, [StartMoto] returns [ErrNoMoto]; tests
// fail on it when the CI environment variable is set and skip otherwise (see
// [Require]).
//
// # Proxy: latency, counters, faults
//
// [RunProxy] (or [RunLatencyProxy]) puts a reverse proxy in front of moto:
//
//	p := awstest.RunLatencyProxy(t, moto.URL(), 50*time.Millisecond)
//	cfg := ... config.WithBaseEndpoint(p.URL()) ...
//	// run the fleet
//	st := p.Stats() // Requests, ByAction["ec2:DescribeVpcs"], AssumeRoles, Conns, PeakInFlight
//
// The latency is spent in the proxy, never in the code under test, and
// SetLatency changes it at run time. [Proxy.Inject] answers matching
// requests with an AWS error in the wire format of their protocol;
// [Proxy.Truncate] cuts their responses after N body bytes or drops them,
// a given number of times. [FaultProxy] and [StartFaultProxy] are the
// proxy's older names.
//
// # Throttler
//
// [RunThrottler] is a Proxy that enforces token buckets per account,
// Region and action group, by default AWS's published EC2 numbers
// ([EC2Buckets]), or a limit of the test's own ([UniformBuckets]), and
// answers requests over the limit with their protocol's throttling error
// (EC2 RequestLimitExceeded, Query Throttling, JSON ThrottlingException, …).
// [Throttler.Stats] counts what each bucket allowed and throttled.
//
// # Stalled endpoints
//
// [RunStalledServer] accepts connections and never answers, or answers
// with a Content-Length and stops part way through the body (see
// [StallMode]), for timeout tests.
//
// # Organizations
//
// [BuildOrganization] creates an organization in moto from an [OrgSpec]
// (nested OUs, tagged accounts, closed accounts) and returns ids by name.
package awstest
