package main

import (
	"context"
	"errors"
	"io"
	"reflect"
	"time"

	smithymetrics "github.com/aws/smithy-go/metrics"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/embedded"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/awsaccount/awsaccount/internal/runreport"
)

// A run's telemetry: the run report's collector (--report). Without it,
// the Registry gets no provider and requests take the path they take
// without telemetry: nothing is measured.

// flushTimeout bounds the final export at the end of a run, interrupted or
// not: a collector that does not answer costs the user at most this.
const flushTimeout = 5 * time.Second

// reportTargets is how many targets the text report lists: the slowest.
const reportTargets = 10

// awsaccountScope is the root package's instrumentation scope, the one
// meter the run's provider serves.
//
// SEAM(root): the root package does not export its scope name; a rename
// empties the report and fails TestCallReport.
const awsaccountScope = "github.com/awsaccount/awsaccount"

type telemetry struct {
	collector *runreport.Collector     // nil: no report, no metrics exported
	meter     metric.MeterProvider     // the collector's, our scope only
	tracer    *sdktrace.TracerProvider // nil: no traces exported
	// flushTimeout bounds shutdown; flushTimeout unless a test says.
	flushTimeout time.Duration
}

// startTelemetry builds the run's telemetry: a collector when report is
// asked for. It returns nil otherwise.
func startTelemetry(ctx context.Context, getenv func(string) string, stderr io.Writer, report bool) (*telemetry, error) {
	if !report {
		return nil, nil
	}
	t := &telemetry{flushTimeout: flushTimeout}
	t.collector = runreport.New()
	t.meter = ourMetricsOnly{mp: t.collector.MeterProvider()}
	return t, nil
}

// providers are the Registry's; each nil (a nil interface, which the
// root takes as unset) without telemetry of its kind.
func (t *telemetry) providers() (mp metric.MeterProvider, tp trace.TracerProvider) {
	if t == nil {
		return nil, nil
	}
	if t.tracer != nil {
		tp = t.tracer
	}
	return t.meter, tp
}

// summary is the run's report so far; nil without a collector.
func (t *telemetry) summary(ctx context.Context) (*runreport.Summary, error) {
	if t == nil || t.collector == nil {
		return nil, nil
	}
	return t.collector.Summary(context.WithoutCancel(ctx))
}

// shutdown flushes the exporters, at most flushTimeout, even when ctx (the
// run's) is already done: an interrupted or timed-out run is exported too.
func (t *telemetry) shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.flushTimeout)
	defer cancel()
	var errs []error
	if t.collector != nil {
		errs = append(errs, t.collector.Shutdown(ctx))
	}
	if t.tracer != nil {
		errs = append(errs, t.tracer.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// ourMetricsOnly serves the awsaccount package's meter and a no-op meter
// for every other scope: the SDK's own metrics (client.call.duration and
// the like, which the root hands the same provider) are neither reported
// nor exported. They would cost a few hundred allocations per call and
// double what our own metrics say.
type ourMetricsOnly struct {
	embedded.MeterProvider
	mp metric.MeterProvider
}

var _ metric.MeterProvider = ourMetricsOnly{}

func (p ourMetricsOnly) Meter(name string, opts ...metric.MeterOption) metric.Meter {
	if name == awsaccountScope {
		return p.mp.Meter(name, opts...)
	}
	return metricnoop.Meter{}
}

// noSDKMetrics is a client option (for awsapi's Service.NewClient) that
// gives the client smithy's no-op MeterProvider, after the root's
// ServiceOptions gave it the run's: the SDK then skips its metrics work
// altogether, where ourMetricsOnly alone would still have it build and
// drop every measurement. Its tracing is left alone.
func noSDKMetrics(options any) {
	v := reflect.ValueOf(options)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return
	}
	f := v.Elem().FieldByName("MeterProvider")
	if f.IsValid() && f.CanSet() && f.Type() == reflect.TypeFor[smithymetrics.MeterProvider]() {
		f.Set(reflect.ValueOf(smithymetrics.MeterProvider(smithymetrics.NopMeterProvider{})))
	}
}
