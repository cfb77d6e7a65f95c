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
// Bad input is refused before any network call with a [*ParameterError] that
// names the field by its YAML key. Secrets (secret keys, session tokens,
// external ids, MFA codes, web identity tokens) never appear in a String,
// %v/%+v/%#v output, a log record or an error.
package awsaccount
