// Package awsapi calls any operation of the supported AWS services by name,
// with JSON input, on an aws.Config: the engine under `awsacct call`.
//
// Resolve a service by boto3's name or the SDK's, then an operation by
// either spelling, decode the input, call, and print:
//
//	svc, err := awsapi.LookupService("ec2")            // or "EC2"
//	op, err := svc.Operation("describe_instances")     // or "DescribeInstances"
//	in, err := op.DecodeInput([]byte(`{"MaxResults": 5}`)) // exact field names
//	err = op.Validate(in)                              // required fields, no request
//	res, err := op.Call(ctx, cfg, in, true)            // follow pages, merge them
//	out, err := awsapi.ToJSON(res.Output)
//
// Paging follows the AWS CLI: [Operation.Invoke] with the zero
// [CallOptions] follows every page and merges them; NoPaginate makes one
// request; MaxItems stops after that many items of the output's main list
// ([Operation.ItemList]), and [Result.More] says whether results were left:
//
//	res, err := op.Invoke(ctx, client, in, awsapi.CallOptions{MaxItems: 100})
//	if res.More { /* tell the user the output is cut */ }
//
// Over many accounts and regions, [Operation.Placement] tells whether the
// operation's service is global in a partition (IAM, Organizations) and in
// which region to make the one call per account, from botocore's endpoint
// data and the SDK's endpoint rules.
//
// [Operation.Call] builds a client per call; to reuse one (the SDK's clients
// are safe for concurrent use), build it with [Service.NewClient] and call
// [Operation.Invoke] or [Operation.CallWith]. Every page is a separate call of that client, so
// middleware in the aws.Config (such as a per-target rate limiter) sees each.
//
// The operations are the SDK client's methods, found by reflection. The
// paginators are package functions reflection cannot reach, so the service
// table (services_gen.go) is generated from the SDK modules' source by
// internal/gen; after upgrading an SDK service module, regenerate it:
//
//	go generate ./internal/awsapi
//
// Errors are [*NameError] (matching [ErrUnknownService] or
// [ErrUnknownOperation]), [*InputError] (matching [ErrInvalidInput]) and
// [*OptionError] (matching [ErrMaxItems]); errors from AWS are the SDK's own.
package awsapi

//go:generate go run ./internal/gen -o services_gen.go
