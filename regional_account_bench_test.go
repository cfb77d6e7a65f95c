package awsaccount_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// BenchmarkClientOverhead compares a call through a RegionalAccount's client
// (limiter, per-target retryer, error middleware) with the same call on a raw
// SDK client, against an in-process endpoint. Goal: at most 5% more ns/op.
// With telemetry: OpenTelemetry's no-op providers must cost nothing
// measurable ("regional-account/noop-otel" within noise of
// "regional-account"); the SDK's providers ("sdk-otel", a ManualReader and
// a tracer without exporter, the SDK's own spans and metrics included)
// show what full telemetry costs, "sdk-meter" what metrics alone (the run
// report's case) cost.
func BenchmarkClientOverhead(b *testing.B) {
	ctx := context.Background()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeCallerIdentity(w) }))
	defer srv.Close()
	s, err := awsaccount.NewSession(ctx, testKeys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(srv.URL))
	})
	if err != nil {
		b.Fatal(err)
	}
	limited := ratelimit.Limit{MaxCount: 1 << 30, Interval: 1000000, Block: true} // never binds
	ot := newOtelTest(b)
	clients := map[string]*sts.Client{
		"raw-sdk":          sts.NewFromConfig(s.Config()),
		"regional-account": awsaccount.Client(newTarget(b, s, limited, "us-east-1"), sts.NewFromConfig),
		"regional-account/noop-otel": awsaccount.Client(newTarget(b, s, limited, "us-east-1", func(o *awsaccount.RegionalAccountOptions) {
			o.MeterProvider, o.TracerProvider = metricnoop.NewMeterProvider(), tracenoop.NewTracerProvider()
		}), sts.NewFromConfig),
		"regional-account/sdk-otel": awsaccount.Client(newTarget(b, s, limited, "us-east-1", func(o *awsaccount.RegionalAccountOptions) {
			o.MeterProvider, o.TracerProvider = ot.mp, sdktrace.NewTracerProvider()
		}), sts.NewFromConfig),
		"regional-account/sdk-meter": awsaccount.Client(newTarget(b, s, limited, "us-east-1", func(o *awsaccount.RegionalAccountOptions) {
			o.MeterProvider = ot.mp
		}), sts.NewFromConfig),
	}
	for _, name := range []string{"raw-sdk", "regional-account", "regional-account/noop-otel", "regional-account/sdk-meter", "regional-account/sdk-otel"} {
		c := clients[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
