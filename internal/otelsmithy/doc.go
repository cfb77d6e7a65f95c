// Package otelsmithy lets the AWS SDK's own telemetry (smithy-go's metrics
// and tracing interfaces) report to OpenTelemetry providers, so that one
// MeterProvider and one TracerProvider receive both this module's
// measurements and the SDK's: client.call.duration, client.call.attempts,
// the operation span "EC2.DescribeVpcs" and its children (RetryLoop,
// Attempt, DoHTTPRequest, ...).
//
// smithy-go publishes adapters of its own (smithyotelmetrics,
// smithyoteltracing) as separate modules; this package is a small
// equivalent written from smithy-go's interfaces, so the module depends
// only on the OpenTelemetry API.
//
// A service client takes the providers through its Options, which
// aws.Config does not carry; [ServiceOption] is an aws.Config.ServiceOptions
// function that sets them on every client built from the config:
//
//	cfg.ServiceOptions = append(cfg.ServiceOptions, otelsmithy.ServiceOption(meterProvider, tracerProvider))
//	client := ec2.NewFromConfig(cfg) // its operations report to both providers
//
// A nil provider, or one of OpenTelemetry's no-op providers, becomes
// smithy's no-op provider, for which the SDK skips its telemetry work.
//
// Spans started through the adapter are OpenTelemetry spans: a span the
// SDK starts is a child of the OpenTelemetry span in the operation's
// context (a ForEach target's span, say), and [ParentContext] gives code
// inside the SDK's middleware stack a context whose OpenTelemetry span is
// the SDK's innermost live span (an attempt), so that its own spans nest
// under it.
package otelsmithy
