// Package awsaccount makes many-account, many-region AWS work on
// aws-sdk-go-v2 simple, fast and safe. It is the Go counterpart of the Python
// package cs.aws_account.
//
// A [Session] holds credentials: a base layer (static keys, a profile or the
// SDK's default chain) and a stack of assumed IAM roles above it, each of
// which refreshes itself through the layer below. [Session.Config] returns an
// aws.Config for the top of the stack from any goroutine, without a lock:
//
//	session, err := awsaccount.NewSession(ctx, awsaccount.SessionParameters{Region: "us-east-1"})
//	err = session.AssumeRole(ctx, awsaccount.AssumeRoleParameters{
//		RoleArn:         "arn:aws:iam::111122223333:role/audit",
//		RoleSessionName: "audit",
//	})
//	id, err := session.AccountID(ctx) // "111122223333", memoized
//	client := ec2.NewFromConfig(session.ConfigFor("eu-west-1"))
//	session.Revert() // back to the base credentials
//
// An [Account] adds the account's id and aliases, cached:
//
//	account := awsaccount.NewAccount(session)
//	alias, err := account.Alias(ctx) // first alias, else the id
//
// A [RegionalAccount] is one target, an account in one region, whose every
// API request passes a rate limiter ([ratelimit.Limiter], adjustable at run
// time): every attempt, every page, through the SDK's own clients and
// paginators.
//
//	ra := awsaccount.NewRegionalAccount(ratelimit.New(ratelimit.Limit{MaxCount: 20, Interval: time.Second, Block: true}), account, "eu-west-1")
//	out, err := awsaccount.Client(ra, ec2.NewFromConfig).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
//	var ce *awsaccount.CallError // which account and region failed, and a hint
//
// [RegionalAccounts] is a read-only, filtered map region → *RegionalAccount
// over one account; [RegionalAccountSet] a union of them across accounts,
// with [ForEach] for bounded-concurrency fan-out. A [Registry] (and
// [DefaultRegistry]) builds all of these from specs — the seed's YAML
// blocks, see package configfile — and returns the same object for the same
// spec, so targets and their limits are shared.
//
// Custom (VPC) endpoints are given per service in
// [SessionParameters.ServiceEndpoints], as one URL or one URL per region, and
// reach every client through the SDK's own endpoint resolution.
//
// # Telemetry
//
// Give an OpenTelemetry MeterProvider and TracerProvider to
// [RegistryOptions] (or to [SessionOptions], [RegionalAccountOptions] and
// [ForEachOptions] one by one) to see where a run's time goes. Unset, they
// cost nothing: requests take the path they take without telemetry. The
// SDK's own metrics and spans (client.call.duration, the operation span
// "EC2.DescribeVpcs" with its RetryLoop and Attempt) go to the same
// providers.
//
// Metrics (meter "github.com/awsaccount/awsaccount"; durations are
// histograms in seconds, the rest counters), by account_id, region,
// service (the SDK's service id, "EC2") and operation ("DescribeVpcs"):
//
//	awsaccount.client.call.duration     API calls: waits, attempts and backoff
//	awsaccount.client.call.errors       failed calls, + error_code
//	awsaccount.client.attempts          requests sent to AWS (admitted attempts)
//	awsaccount.client.attempt.duration  time in AWS: an admitted attempt, from signing to decoding
//	awsaccount.client.retries           attempts after a call's first
//	awsaccount.client.throttles         attempts AWS throttled, + error_code ("RequestLimitExceeded")
//	awsaccount.ratelimit.wait.duration  time an attempt waited on the client-side limits
//	awsaccount.ratelimit.admissions     attempts the limits admitted
//	awsaccount.ratelimit.refusals       attempts the limits refused (ratelimit.ErrExceeded)
//	awsaccount.role.assumes             credentials retrieved by assuming a role, by the
//	                                    role's account_id, refresh (false the first time),
//	                                    + error_code when it failed
//
// The rate limiters a [Registry] builds report to its MeterProvider too,
// under package ratelimit's meter ("github.com/awsaccount/awsaccount/ratelimit":
// awsaccount.ratelimit.waiters, .rebookings, .store.errors and, in adaptive
// mode, .adaptive.rate; see that package), by account_id (when known as
// the limiter is built), region, and the service and operation of the
// limit's key, folded as APILimits keys are ("ec2", "describeinstances";
// a preset group such as "nonmutating" in place of the operation): a
// target's own limit has neither. A program that shares its limits
// through Redis gives the provider to its redislimit.Backend.
//
// Cardinality is bounded: one series per target × operation in use (and
// per error code for the counters that have one). account_id is present
// only when it is known without a call (from an assumed role's ARN, or
// once the session's identity was asked); a role is counted by its
// account, not its ARN. No attribute ever holds a secret or an error
// message: error_code is AWS's code, this package's (RateLimitExceeded,
// AssumeRoleFailed) or a class (Timeout, Unreachable, Canceled,
// DeadlineExceeded, Other). A failed span's status carries the error's
// message, which, as every error of this package, holds no secret.
//
// Spans: "awsaccount.target" for each target of a [ForEach] (account_id,
// region; error status and error_code when it fails), the parent of the
// SDK's operation spans made with the function's ctx; and
// "ratelimit.wait" for each attempt's wait on the limits, a child of the
// SDK's Attempt span.
//
// Bad input is refused before any network call with a [*ParameterError] that
// names the field by its YAML key. Secrets (secret keys, session tokens,
// external ids, MFA codes, web identity tokens) never appear in a String,
// %v/%+v/%#v output, a log record or an error.
package awsaccount
