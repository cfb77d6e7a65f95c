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
// Custom (VPC) endpoints are given per service in
// [SessionParameters.ServiceEndpoints], as one URL or one URL per region, and
// reach every client through the SDK's own endpoint resolution.
//
// Bad input is refused before any network call with a [*ParameterError] that
// names the field by its YAML key. Secrets (secret keys, session tokens,
// external ids, MFA codes, web identity tokens) never appear in a String,
// %v/%+v/%#v output, a log record or an error.
package awsaccount
