package otelsmithy_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithymetrics "github.com/aws/smithy-go/metrics"
	smithytracing "github.com/aws/smithy-go/tracing"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/awsaccount/awsaccount/internal/otelsmithy"
)

// collect reads every metric of reader, by name.
func collect(t *testing.T, reader *sdkmetric.ManualReader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

func withProps(kv ...any) smithymetrics.RecordMetricOption {
	return func(o *smithymetrics.RecordMetricOptions) {
		for i := 0; i < len(kv); i += 2 {
			o.Properties.Set(kv[i], kv[i+1])
		}
	}
}

func unit(u string) smithymetrics.InstrumentOption {
	return func(o *smithymetrics.InstrumentOptions) { o.UnitLabel, o.Description = u, "what "+u }
}

// Every kind of smithy instrument reaches the OpenTelemetry SDK with its
// name, unit, description, value and attributes.
func TestMeterInstruments(t *testing.T) {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(ctx) })
	m := otelsmithy.MeterProvider(mp).Meter("test")
	props := withProps("rpc.service", "STS", "rpc.method", "GetCallerIdentity")

	ic, err := m.Int64Counter("i.counter", unit("{call}"))
	must(t, err)
	ic.Add(ctx, 2, props)
	ic.Add(ctx, 3, props)
	iu, err := m.Int64UpDownCounter("i.updown")
	must(t, err)
	iu.Add(ctx, -4)
	ig, err := m.Int64Gauge("i.gauge")
	must(t, err)
	ig.Sample(ctx, 7)
	ih, err := m.Int64Histogram("i.histogram", unit("By"))
	must(t, err)
	ih.Record(ctx, 10)
	fc, err := m.Float64Counter("f.counter")
	must(t, err)
	fc.Add(ctx, 0.5)
	fu, err := m.Float64UpDownCounter("f.updown")
	must(t, err)
	fu.Add(ctx, -0.25)
	fg, err := m.Float64Gauge("f.gauge")
	must(t, err)
	fg.Sample(ctx, 1.5)
	fh, err := m.Float64Histogram("f.histogram", unit("s"))
	must(t, err)
	fh.Record(ctx, 0.125, props)
	fh.Record(ctx, 0.375, props)

	got := collect(t, reader)
	if c := got["i.counter"]; c.Unit != "{call}" || c.Description != "what {call}" {
		t.Errorf("i.counter unit %q description %q", c.Unit, c.Description)
	}
	dp := got["i.counter"].Data.(metricdata.Sum[int64]).DataPoints
	if len(dp) != 1 || dp[0].Value != 5 {
		t.Fatalf("i.counter points %+v, want one of 5", dp)
	}
	if v, _ := dp[0].Attributes.Value("rpc.method"); v.AsString() != "GetCallerIdentity" {
		t.Errorf("i.counter attributes %v", dp[0].Attributes.ToSlice())
	}
	if v := got["i.updown"].Data.(metricdata.Sum[int64]).DataPoints[0].Value; v != -4 {
		t.Errorf("i.updown %d", v)
	}
	if v := got["i.gauge"].Data.(metricdata.Gauge[int64]).DataPoints[0].Value; v != 7 {
		t.Errorf("i.gauge %d", v)
	}
	if v := got["i.histogram"].Data.(metricdata.Histogram[int64]).DataPoints[0].Sum; v != 10 {
		t.Errorf("i.histogram sum %d", v)
	}
	if v := got["f.counter"].Data.(metricdata.Sum[float64]).DataPoints[0].Value; v != 0.5 {
		t.Errorf("f.counter %v", v)
	}
	if v := got["f.updown"].Data.(metricdata.Sum[float64]).DataPoints[0].Value; v != -0.25 {
		t.Errorf("f.updown %v", v)
	}
	if v := got["f.gauge"].Data.(metricdata.Gauge[float64]).DataPoints[0].Value; v != 1.5 {
		t.Errorf("f.gauge %v", v)
	}
	h := got["f.histogram"].Data.(metricdata.Histogram[float64]).DataPoints
	if len(h) != 1 || h[0].Count != 2 || h[0].Sum != 0.5 || got["f.histogram"].Unit != "s" {
		t.Errorf("f.histogram %+v unit %q", h, got["f.histogram"].Unit)
	}
}

// Asynchronous instruments are observed at each collection until Stop.
func TestMeterAsyncInstruments(t *testing.T) {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(ctx) })
	m := otelsmithy.MeterProvider(mp).Meter("test")
	calls := 0
	ints := func(ctx context.Context, o smithymetrics.Int64Observer) {
		calls++
		o.Observe(ctx, 42, withProps("k", "v"))
	}
	floats := func(ctx context.Context, o smithymetrics.Float64Observer) { calls++; o.Observe(ctx, 2.5) }
	var stops []smithymetrics.AsyncInstrument
	for name, mk := range map[string]func() (smithymetrics.AsyncInstrument, error){
		"i.acounter": func() (smithymetrics.AsyncInstrument, error) { return m.Int64AsyncCounter("i.acounter", ints) },
		"i.aupdown":  func() (smithymetrics.AsyncInstrument, error) { return m.Int64AsyncUpDownCounter("i.aupdown", ints) },
		"i.agauge":   func() (smithymetrics.AsyncInstrument, error) { return m.Int64AsyncGauge("i.agauge", ints) },
		"f.acounter": func() (smithymetrics.AsyncInstrument, error) { return m.Float64AsyncCounter("f.acounter", floats) },
		"f.aupdown":  func() (smithymetrics.AsyncInstrument, error) { return m.Float64AsyncUpDownCounter("f.aupdown", floats) },
		"f.agauge":   func() (smithymetrics.AsyncInstrument, error) { return m.Float64AsyncGauge("f.agauge", floats) },
	} {
		inst, err := mk()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		stops = append(stops, inst)
	}
	got := collect(t, reader)
	if calls != 6 {
		t.Errorf("%d callbacks, want 6", calls)
	}
	for _, name := range []string{"i.acounter", "i.aupdown", "i.agauge", "f.acounter", "f.aupdown", "f.agauge"} {
		if _, ok := got[name]; !ok {
			t.Errorf("%s not collected", name)
		}
	}
	if dp := got["i.agauge"].Data.(metricdata.Gauge[int64]).DataPoints; len(dp) != 1 || dp[0].Value != 42 {
		t.Errorf("i.agauge %+v", dp)
	}
	for _, s := range stops {
		s.Stop()
	}
	calls = 0
	collect(t, reader)
	if calls != 0 {
		t.Errorf("%d callbacks after Stop, want 0", calls)
	}
}

// Without a provider, or with OpenTelemetry's no-op one, the SDK is given
// smithy's no-op providers, for which it skips its telemetry work.
func TestNoopProvidersStayNoop(t *testing.T) {
	for name, mp := range map[string]smithymetrics.MeterProvider{
		"nil":  otelsmithy.MeterProvider(nil),
		"noop": otelsmithy.MeterProvider(metricnoop.NewMeterProvider()),
	} {
		if _, ok := mp.(smithymetrics.NopMeterProvider); !ok {
			t.Errorf("meter provider of %s is %T", name, mp)
		}
	}
	for name, tp := range map[string]smithytracing.TracerProvider{
		"nil":  otelsmithy.TracerProvider(nil),
		"noop": otelsmithy.TracerProvider(tracenoop.NewTracerProvider()),
	} {
		if _, ok := tp.(smithytracing.NopTracerProvider); !ok {
			t.Errorf("tracer provider of %s is %T", name, tp)
		}
	}
}

func newTracer(t *testing.T) (*sdktrace.TracerProvider, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, exp
}

// byName indexes ended spans by name.
func byName(spans tracetest.SpanStubs) map[string]tracetest.SpanStub {
	out := map[string]tracetest.SpanStub{}
	for _, s := range spans {
		out[s.Name] = s
	}
	return out
}

// A span started after the SDK popped a step's span is a child of the
// step's parent, not of the ended step, though the OpenTelemetry context
// still holds the step.
func TestSpansFollowSmithyLineage(t *testing.T) {
	tp, exp := newTracer(t)
	tr := otelsmithy.TracerProvider(tp).Tracer("test")
	ctx := context.Background()
	ctx, op := tr.StartSpan(ctx, "op", func(o *smithytracing.SpanOptions) {
		o.Kind = smithytracing.SpanKindClient
		o.Properties.Set("rpc.service", "STS")
		o.Properties.Set("operation.attempt", 1)
	})
	ctx = smithytracing.WithOperationTracer(ctx, tr)
	stepCtx, step := smithytracing.StartSpan(ctx, "step")
	step.AddEvent("half", func(o *smithytracing.EventOptions) { o.Properties.Set("n", int64(1)) })
	step.End()
	popped, _ := smithytracing.PopSpan(stepCtx)
	_, next := smithytracing.StartSpan(popped, "next")
	next.SetProperty("error", true)
	next.SetStatus(smithytracing.SpanStatusError)
	next.End()
	op.SetStatus(smithytracing.SpanStatusOK)
	op.End()

	got := byName(exp.GetSpans())
	opID := got["op"].SpanContext.SpanID()
	if p := got["step"].Parent.SpanID(); p != opID {
		t.Errorf("step's parent %v, want op %v", p, opID)
	}
	if p := got["next"].Parent.SpanID(); p != opID {
		t.Errorf("next's parent %v, want op %v (not the popped step)", p, opID)
	}
	if got["op"].SpanKind.String() != "client" || got["op"].Status.Code != codes.Ok {
		t.Errorf("op kind %v status %v", got["op"].SpanKind, got["op"].Status)
	}
	if !slices.Contains(got["op"].Attributes, attribute.String("rpc.service", "STS")) ||
		!slices.Contains(got["op"].Attributes, attribute.Int("operation.attempt", 1)) {
		t.Errorf("op attributes %v", got["op"].Attributes)
	}
	if got["next"].Status.Code != codes.Error || !slices.Contains(got["next"].Attributes, attribute.Bool("error", true)) {
		t.Errorf("next status %v attributes %v", got["next"].Status, got["next"].Attributes)
	}
	if ev := got["step"].Events; len(ev) != 1 || ev[0].Name != "half" {
		t.Errorf("step events %+v", ev)
	}
	if sc := op.Context(); !sc.IsValid() || sc.TraceID != got["op"].SpanContext.TraceID().String() || op.Name() != "op" {
		t.Errorf("op context %+v name %q", sc, op.Name())
	}
}

// ServiceOption gives a real SDK client the providers: a call to moto
// leaves the SDK's operation span and its children, and its call metrics.
func TestServiceOptionWiresAnSDKClient(t *testing.T) {
	ctx := context.Background()
	tp, exp := newTracer(t)
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(ctx) })
	cfg := aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(moto.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "secret", ""),
	}
	cfg.ServiceOptions = append(cfg.ServiceOptions, otelsmithy.ServiceOption(mp, tp))
	parentCtx, parent := tp.Tracer("test").Start(ctx, "parent")
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(parentCtx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	parent.End()

	got := byName(exp.GetSpans())
	op, ok := got["STS.GetCallerIdentity"]
	if !ok {
		t.Fatalf("no operation span among %v", names(exp.GetSpans()))
	}
	if op.Parent.SpanID() != got["parent"].SpanContext.SpanID() {
		t.Errorf("operation span's parent %v, want the caller's span", op.Parent.SpanID())
	}
	for _, name := range []string{"RetryLoop", "Attempt", "DoHTTPRequest"} {
		s, ok := got[name]
		if !ok {
			t.Errorf("no %s span among %v", name, names(exp.GetSpans()))
			continue
		}
		if s.SpanContext.TraceID() != op.SpanContext.TraceID() {
			t.Errorf("%s is in another trace", name)
		}
	}
	if got["Attempt"].Parent.SpanID() != got["RetryLoop"].SpanContext.SpanID() {
		t.Errorf("Attempt's parent is not RetryLoop")
	}
	ms := collect(t, reader)
	for _, name := range []string{"client.call.duration", "client.call.attempts", "client.call.attempt_duration"} {
		if _, ok := ms[name]; !ok {
			t.Errorf("no %s metric", name)
		}
	}
	if dp := ms["client.call.attempts"].Data.(metricdata.Sum[int64]).DataPoints; len(dp) != 1 || dp[0].Value != 1 {
		t.Errorf("client.call.attempts %+v, want one attempt", dp)
	}
}

// A client's own options still win over the config's.
func TestServiceOptionYieldsToClientOptions(t *testing.T) {
	tp, exp := newTracer(t)
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(moto.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "secret", "")}
	cfg.ServiceOptions = append(cfg.ServiceOptions, otelsmithy.ServiceOption(nil, tp))
	c := sts.NewFromConfig(cfg, func(o *sts.Options) { o.TracerProvider = smithytracing.NopTracerProvider{} })
	if _, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if n := len(exp.GetSpans()); n != 0 {
		t.Errorf("%d spans, want none", n)
	}
	// A value that is not a pointer to a struct is left alone.
	otelsmithy.ServiceOption(nil, tp)("STS", sts.Options{})
	otelsmithy.ServiceOption(nil, tp)("STS", nil)
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
