package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	smithymetrics "github.com/aws/smithy-go/metrics"
	"go.opentelemetry.io/contrib/exporters/autoexport"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/embedded"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/awsaccount/awsaccount/internal/runreport"
)

// A run's telemetry: the run report's collector (--report) and the
// exporters the standard OpenTelemetry environment asks for. With neither,
// the Registry gets no provider and requests take the path they take
// without telemetry: no exporter is built, nothing is measured.
//
// Export is off unless the environment turns it on for a signal:
//
//	OTEL_METRICS_EXPORTER / OTEL_TRACES_EXPORTER = otlp | console | prometheus | none
//
// or, with those unset, an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT, or
// the signal's OTEL_EXPORTER_OTLP_METRICS_ENDPOINT /
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) means otlp for that signal.
// OTEL_SDK_DISABLED=true turns both off. The rest of the OTLP settings
// (protocol, headers, timeout, temporality, export interval, resource
// attributes) are read by the OpenTelemetry SDK and autoexport as every
// OpenTelemetry program reads them. "console" writes to stderr, not to
// stdout as elsewhere: stdout holds the command's records.

// flushTimeout bounds the final export at the end of a run, interrupted or
// not: a collector that does not answer costs the user at most this.
const flushTimeout = 5 * time.Second

// reportTargets is how many targets the text report lists: the slowest.
const reportTargets = 10

// awsaccountScope is the root package's instrumentation scope, and the
// prefix of its other packages' (ratelimit, ratelimit/redislimit): the
// meters the run's provider serves.
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
// asked for or metrics are exported, a tracer provider when traces are. It
// returns nil when there is neither. An exporter the environment names
// but that cannot be built is an error: the run has not started.
func startTelemetry(ctx context.Context, getenv func(string) string, stderr io.Writer, report bool) (*telemetry, error) {
	metricsExporter := exporterFor(getenv, "METRICS")
	tracesExporter := exporterFor(getenv, "TRACES")
	if !report && metricsExporter == "" && tracesExporter == "" {
		return nil, nil
	}
	res, err := programResource(ctx)
	if err != nil {
		return nil, err
	}
	t := &telemetry{flushTimeout: flushTimeout}
	if report || metricsExporter != "" {
		var readers []sdkmetric.Reader
		if metricsExporter != "" {
			r, err := newMetricReader(ctx, metricsExporter, stderr)
			if err != nil {
				return nil, fmt.Errorf("OTEL_METRICS_EXPORTER %s: %w", metricsExporter, err)
			}
			readers = append(readers, r)
		}
		t.collector = runreport.New(func(o *runreport.Options) { o.Readers, o.Resource = readers, res })
		t.meter = ourMetricsOnly{mp: t.collector.MeterProvider()}
	}
	if tracesExporter != "" {
		exp, err := newSpanExporter(ctx, tracesExporter, stderr)
		if err != nil {
			err = fmt.Errorf("OTEL_TRACES_EXPORTER %s: %w", tracesExporter, err)
			return nil, errors.Join(err, t.shutdown(ctx))
		}
		t.tracer = sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	}
	return t, nil
}

// exporterFor is the exporter the environment names for signal ("METRICS",
// "TRACES"), or "" for none.
func exporterFor(getenv func(string) string, signal string) string {
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return ""
	}
	switch name := strings.TrimSpace(getenv("OTEL_" + signal + "_EXPORTER")); name {
	case "none":
		return ""
	case "":
		if getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_"+signal+"_ENDPOINT") != "" {
			return "otlp"
		}
		return ""
	default:
		return name
	}
}

// newMetricReader is autoexport's reader for name (which reads the rest of
// the environment), except console's, which writes to stderr.
func newMetricReader(ctx context.Context, name string, stderr io.Writer) (sdkmetric.Reader, error) {
	if name == "console" {
		exp, err := stdoutmetric.New(stdoutmetric.WithWriter(stderr))
		if err != nil {
			return nil, err
		}
		return sdkmetric.NewPeriodicReader(exp), nil
	}
	return autoexport.NewMetricReader(ctx)
}

// newSpanExporter is newMetricReader for traces.
func newSpanExporter(ctx context.Context, name string, stderr io.Writer) (sdktrace.SpanExporter, error) {
	if name == "console" {
		return stdouttrace.New(stdouttrace.WithWriter(stderr))
	}
	return autoexport.NewSpanExporter(ctx)
}

// programResource names awsacct and its version as the service; the
// environment (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) overrides.
func programResource(ctx context.Context) (*resource.Resource, error) {
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", "awsacct"), attribute.String("service.version", versionString())),
		resource.WithTelemetrySDK(),
		resource.WithFromEnv())
	if err != nil && res == nil {
		return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	return res, nil // a partial resource (a malformed attribute left out) will do
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

// ourMetricsOnly serves the meters of this module's packages (the root's,
// ratelimit's, redislimit's) and a no-op meter for every other scope: the
// SDK's own metrics (client.call.duration and the like, which the root
// hands the same provider) are neither reported nor exported. They would
// cost a few hundred allocations per call and say again what ours say.
type ourMetricsOnly struct {
	embedded.MeterProvider
	mp metric.MeterProvider
}

var _ metric.MeterProvider = ourMetricsOnly{}

func (p ourMetricsOnly) Meter(name string, opts ...metric.MeterOption) metric.Meter {
	if name == awsaccountScope || strings.HasPrefix(name, awsaccountScope+"/") {
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
