// Package awsapi calls any operation of the supported AWS services by name,
// with JSON input, on an aws.Config: the engine under `awsacct call`.
//
// Resolve a service by boto3's name or the SDK's, then an operation by
// either spelling, decode the input, call, and print:
//
//	svc, err := awsapi.LookupService("ec2")             // or "EC2"
//	op, err := svc.Operation("describe_instances")     // or "DescribeInstances"
//	in, err := op.DecodeInput([]byte(`{"MaxResults": 5}`)) // field names are exact
//	err = op.Validate(in)                              // required fields, no request
//	res, err := op.Call(ctx, cfg, in, true)             // follow pages, merge them
//	out, err := awsapi.ToJSON(res.Output)
//
// [Operation.Call] builds a client per call; to reuse one (the SDK's clients
// are safe for concurrent use), build it with [Service.NewClient] and call
// [Operation.CallWith]. Every page is a separate call of that client, so
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
// [ErrUnknownOperation]) and [*InputError] (matching [ErrInvalidInput]);
// errors from AWS are the SDK's own.
package awsapi

//go:generate go run ./internal/gen -o services_gen.go
