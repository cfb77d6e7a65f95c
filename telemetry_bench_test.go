package awsaccount

import (
	"context"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/awsaccount/awsaccount/ratelimit"
)

// BenchmarkLimiterPath runs a call's own middleware alone, the error
// wrapper and the limiter's admission around an attempt that returns at
// once: the part of the hot path that telemetry changes, without the SDK
// or the network around it. "nil" is a target without telemetry, "noop"
// one with OpenTelemetry's no-op providers, "sdk" one with the
// OpenTelemetry SDK (a ManualReader, a tracer without exporter).
func BenchmarkLimiterPath(b *testing.B) {
	ctx := awsmiddleware.SetOperationName(awsmiddleware.SetServiceID(context.Background(), "STS"), "GetCallerIdentity")
	s, err := NewSession(ctx, SessionParameters{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "secret", Region: "us-east-1"})
	if err != nil {
		b.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer mp.Shutdown(ctx)
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(ctx)
	never := ratelimit.Limit{MaxCount: 1 << 30, Interval: 1000000, Block: true} // never binds
	for _, tc := range []struct {
		name string
		opt  func(*RegionalAccountOptions)
	}{
		{"nil", func(*RegionalAccountOptions) {}},
		{"noop", func(o *RegionalAccountOptions) {
			o.MeterProvider, o.TracerProvider = metricnoop.NewMeterProvider(), tracenoop.NewTracerProvider()
		}},
		{"sdk", func(o *RegionalAccountOptions) { o.MeterProvider, o.TracerProvider = mp, tp }},
	} {
		ra := NewRegionalAccount(ratelimit.New(never), NewAccount(s), "us-east-1", tc.opt)
		send := middleware.FinalizeHandlerFunc(func(context.Context, middleware.FinalizeInput) (middleware.FinalizeOutput, middleware.Metadata, error) {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, nil
		})
		call := middleware.InitializeHandlerFunc(func(ctx context.Context, _ middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
			_, md, err := ra.admit(ctx, middleware.FinalizeInput{}, send)
			return middleware.InitializeOutput{}, md, err
		})
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, _, err := ra.wrapError(ctx, middleware.InitializeInput{}, call); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
