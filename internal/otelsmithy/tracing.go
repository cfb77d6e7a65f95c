package otelsmithy

import (
	"context"

	smithytracing "github.com/aws/smithy-go/tracing"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// TracerProvider returns tp as a smithy TracerProvider; nil and
// OpenTelemetry's no-op provider become smithy's no-op provider.
func TracerProvider(tp trace.TracerProvider) smithytracing.TracerProvider {
	if IsNoopTracerProvider(tp) {
		return smithytracing.NopTracerProvider{}
	}
	return &tracerProvider{otel: tp}
}

// IsNoopTracerProvider reports whether tp is nil or OpenTelemetry's no-op
// provider, as IsNoopMeterProvider does for meters.
func IsNoopTracerProvider(tp trace.TracerProvider) bool {
	switch tp.(type) {
	case nil, tracenoop.TracerProvider, *tracenoop.TracerProvider:
		return true
	}
	return false
}

type tracerProvider struct{ otel trace.TracerProvider }

var _ smithytracing.TracerProvider = (*tracerProvider)(nil)

func (p *tracerProvider) Tracer(scope string, opts ...smithytracing.TracerOption) smithytracing.Tracer {
	var o smithytracing.TracerOptions
	for _, fn := range opts {
		fn(&o)
	}
	var to []trace.TracerOption
	if kvs := attributes(&o.Properties); len(kvs) > 0 {
		to = append(to, trace.WithInstrumentationAttributes(kvs...))
	}
	return &tracer{otel: p.otel.Tracer(scope, to...)}
}

type tracer struct{ otel trace.Tracer }

var _ smithytracing.Tracer = (*tracer)(nil)

// StartSpan starts an OpenTelemetry span, a child of the SDK's innermost
// live span when there is one (see ParentContext), else of the
// OpenTelemetry span of ctx. The returned context carries the new span
// both ways: for OpenTelemetry and for smithy's span lineage, which the
// SDK pops as its middleware steps end.
func (t *tracer) StartSpan(ctx context.Context, name string, opts ...smithytracing.SpanOption) (context.Context, smithytracing.Span) {
	var o smithytracing.SpanOptions
	for _, fn := range opts {
		fn(&o)
	}
	ctx, s := t.otel.Start(ParentContext(ctx), name,
		trace.WithSpanKind(spanKind(o.Kind)), trace.WithAttributes(attributes(&o.Properties)...))
	sp := &span{otel: s, name: name}
	return smithytracing.WithSpan(ctx, sp), sp
}

// ParentContext returns ctx whose OpenTelemetry span is the SDK's innermost
// live span, when that is one of this package's: the SDK pops a span off
// its own lineage when a step ends, but cannot take it out of the
// OpenTelemetry context, so a span started from ctx as it is could be
// made the child of an ended sibling. Without such a span, ctx is
// returned as it is.
func ParentContext(ctx context.Context) context.Context {
	if s, ok := smithytracing.GetSpan(ctx); ok {
		if ours, ok := s.(*span); ok {
			return trace.ContextWithSpan(ctx, ours.otel)
		}
	}
	return ctx
}

type span struct {
	otel trace.Span
	name string
}

var _ smithytracing.Span = (*span)(nil)

func (s *span) Name() string { return s.name }

func (s *span) Context() smithytracing.SpanContext {
	sc := s.otel.SpanContext()
	return smithytracing.SpanContext{TraceID: sc.TraceID().String(), SpanID: sc.SpanID().String(), IsRemote: sc.IsRemote()}
}

func (s *span) AddEvent(name string, opts ...smithytracing.EventOption) {
	var o smithytracing.EventOptions
	for _, fn := range opts {
		fn(&o)
	}
	s.otel.AddEvent(name, trace.WithAttributes(attributes(&o.Properties)...))
}

func (s *span) SetStatus(status smithytracing.SpanStatus) {
	switch status {
	case smithytracing.SpanStatusOK:
		s.otel.SetStatus(codes.Ok, "")
	case smithytracing.SpanStatusError:
		s.otel.SetStatus(codes.Error, "")
	}
}

func (s *span) SetProperty(k, v any) {
	if kv, ok := attributeOf(k, v); ok {
		s.otel.SetAttributes(kv)
	}
}

func (s *span) End() { s.otel.End() }

func spanKind(k smithytracing.SpanKind) trace.SpanKind {
	switch k {
	case smithytracing.SpanKindClient:
		return trace.SpanKindClient
	case smithytracing.SpanKindServer:
		return trace.SpanKindServer
	case smithytracing.SpanKindProducer:
		return trace.SpanKindProducer
	case smithytracing.SpanKindConsumer:
		return trace.SpanKindConsumer
	}
	return trace.SpanKindInternal
}
