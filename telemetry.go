package awsaccount

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/awsaccount/awsaccount/internal/otelsmithy"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// instrumentationScope names this package's meter and tracer.
const instrumentationScope = "github.com/awsaccount/awsaccount"

// The attribute keys of the metrics and spans: the keys of the package's
// log records. Every value is bounded: account ids and regions of the
// targets in use, the SDK's service ids and operation names, AWS error
// codes.
const (
	attrAccountID = "account_id"
	attrRegion    = "region"
	attrService   = "service"
	attrOperation = "operation"
	attrErrorCode = "error_code"
	attrRefresh   = "refresh"
)

// The names of the instruments; doc.go lists them for users.
const (
	metricCallDuration    = "awsaccount.client.call.duration"
	metricCallErrors      = "awsaccount.client.call.errors"
	metricAttempts        = "awsaccount.client.attempts"
	metricAttemptDuration = "awsaccount.client.attempt.duration"
	metricRetries         = "awsaccount.client.retries"
	metricThrottles       = "awsaccount.client.throttles"
	metricWaitDuration    = "awsaccount.ratelimit.wait.duration"
	metricAdmissions      = "awsaccount.ratelimit.admissions"
	metricRefusals        = "awsaccount.ratelimit.refusals"
	metricRoleAssumes     = "awsaccount.role.assumes"

	spanTarget = "awsaccount.target"
	spanWait   = "ratelimit.wait"
)

// secondsBuckets suit durations from a free admission (well under a
// millisecond) to a long wait on a strict limit; OpenTelemetry's default
// boundaries are for milliseconds.
var secondsBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120}

// clientInstruments are the instruments of the API calls of targets.
type clientInstruments struct {
	callDuration    metric.Float64Histogram
	callErrors      metric.Int64Counter
	attempts        metric.Int64Counter
	attemptDuration metric.Float64Histogram
	retries         metric.Int64Counter
	throttles       metric.Int64Counter
	waitDuration    metric.Float64Histogram
	admissions      metric.Int64Counter
	refusals        metric.Int64Counter
}

// newClientInstruments makes the instruments from mp. The API returns a
// usable instrument with any error (which only a bad name or unit causes),
// so the errors are joined for one log record.
func newClientInstruments(mp metric.MeterProvider) (*clientInstruments, error) {
	m := mp.Meter(instrumentationScope)
	var errs [9]error
	ci := &clientInstruments{}
	ci.callDuration, errs[0] = m.Float64Histogram(metricCallDuration, metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(secondsBuckets...),
		metric.WithDescription("Duration of API calls through a target: limiter waits, attempts and the backoff between them."))
	ci.callErrors, errs[1] = m.Int64Counter(metricCallErrors, metric.WithUnit("{call}"),
		metric.WithDescription("API calls through a target that failed, by error code."))
	ci.attempts, errs[2] = m.Int64Counter(metricAttempts, metric.WithUnit("{attempt}"),
		metric.WithDescription("Requests sent to AWS: attempts the rate limits admitted, retries and pages included."))
	ci.attemptDuration, errs[3] = m.Float64Histogram(metricAttemptDuration, metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(secondsBuckets...),
		metric.WithDescription("Duration of attempts after admission: credentials, signing, the HTTP exchange and decoding (time in AWS)."))
	ci.retries, errs[4] = m.Int64Counter(metricRetries, metric.WithUnit("{attempt}"),
		metric.WithDescription("Attempts after the first of an API call."))
	ci.throttles, errs[5] = m.Int64Counter(metricThrottles, metric.WithUnit("{attempt}"),
		metric.WithDescription("Attempts AWS answered with a throttling error, by error code."))
	ci.waitDuration, errs[6] = m.Float64Histogram(metricWaitDuration, metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(secondsBuckets...),
		metric.WithDescription("Time attempts waited on the client-side rate limits (operation, service and target) before they were admitted or refused."))
	ci.admissions, errs[7] = m.Int64Counter(metricAdmissions, metric.WithUnit("{attempt}"),
		metric.WithDescription("Attempts admitted by the client-side rate limits."))
	ci.refusals, errs[8] = m.Int64Counter(metricRefusals, metric.WithUnit("{attempt}"),
		metric.WithDescription("Attempts refused by the client-side rate limits (ratelimit.ErrExceeded)."))
	return ci, errors.Join(errs[:]...)
}

// targetTelemetry is what a RegionalAccount reports to; a target without
// providers has none (a nil *targetTelemetry), and its requests take the
// path they took before telemetry existed.
type targetTelemetry struct {
	inst   *clientInstruments // nil without a MeterProvider
	tracer trace.Tracer       // nil without a TracerProvider
	// sdk gives the SDK's clients the same providers (aws.Config.ServiceOptions).
	sdk func(string, any)

	region string
	series sync.Map // seriesKey → *series
}

// providers returns mp and tp, each nil when it is nil or one of
// OpenTelemetry's no-op providers: those see nothing, so nothing is
// measured for them.
func providers(mp metric.MeterProvider, tp trace.TracerProvider) (metric.MeterProvider, trace.TracerProvider) {
	if otelsmithy.IsNoopMeterProvider(mp) {
		mp = nil
	}
	if otelsmithy.IsNoopTracerProvider(tp) {
		tp = nil
	}
	return mp, tp
}

// newTargetTelemetry returns nil when opts has no provider (or only no-op
// ones).
func newTargetTelemetry(opts RegionalAccountOptions, region string) *targetTelemetry {
	mp, tp := providers(opts.MeterProvider, opts.TracerProvider)
	if mp == nil && tp == nil {
		return nil
	}
	t := &targetTelemetry{region: region, sdk: otelsmithy.ServiceOption(mp, tp)}
	if mp != nil {
		var err error
		if t.inst, err = newClientInstruments(mp); err != nil {
			opts.Logger.Debug("awsaccount: telemetry instruments", "err", err)
		}
	}
	if tp != nil {
		t.tracer = tp.Tracer(instrumentationScope)
	}
	return t
}

// seriesKey names one time series of a target: its account (when known),
// the operation, and an error code for the counters that have one.
type seriesKey struct {
	account, service, operation, code string
}

// series holds the attributes of one seriesKey, built once: recording
// with a prepared attribute set allocates nothing.
type series struct {
	add    []metric.AddOption
	record []metric.RecordOption
	span   []trace.SpanStartOption
}

// seriesOf returns the series of the call in ctx on r, with code.
func (t *targetTelemetry) seriesOf(ctx context.Context, r *RegionalAccount, code string) *series {
	k := seriesKey{account: r.account.knownID(), service: awsmiddleware.GetServiceID(ctx),
		operation: awsmiddleware.GetOperationName(ctx), code: code}
	if s, ok := t.series.Load(k); ok {
		return s.(*series)
	}
	attrs := make([]attribute.KeyValue, 0, 5)
	if k.account != "" {
		attrs = append(attrs, attribute.String(attrAccountID, k.account))
	}
	attrs = append(attrs, attribute.String(attrRegion, t.region),
		attribute.String(attrService, k.service), attribute.String(attrOperation, k.operation))
	if code != "" {
		attrs = append(attrs, attribute.String(attrErrorCode, code))
	}
	opt := metric.WithAttributeSet(attribute.NewSet(attrs...))
	s, _ := t.series.LoadOrStore(k, &series{add: []metric.AddOption{opt}, record: []metric.RecordOption{opt},
		span: []trace.SpanStartOption{trace.WithAttributes(attrs...)}})
	return s.(*series)
}

// isThrottle is the SDK's own test of a throttling error, as its retryers
// apply it.
var isThrottle = retry.IsErrorThrottles(retry.DefaultThrottles)

// admitObserved is admit with telemetry: each attempt is counted (a retry
// when it is not the call's first), its wait on the limits is timed and
// traced, and, once admitted, its time in AWS is timed and a throttling
// answer counted by code.
func (r *RegionalAccount) admitObserved(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	t := r.tel
	s := t.seriesOf(ctx, r, "")
	if st, ok := ctx.Value(callStateKey{}).(*callState); ok && st.attempts.Add(1) > 1 && t.inst != nil {
		t.inst.retries.Add(ctx, 1, s.add...)
	}
	admitted, err := t.observeWait(ctx, s, r.wait)
	if err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, err
	}
	if t.inst == nil {
		return r.attempt(ctx, in, next)
	}
	t.inst.attempts.Add(ctx, 1, s.add...)
	out, md, err := next.HandleFinalize(ctx, in)
	t.inst.attemptDuration.Record(ctx, time.Since(admitted).Seconds(), s.record...)
	if err != nil {
		if isThrottle.IsErrorThrottle(err) == aws.TrueTernary {
			t.inst.throttles.Add(ctx, 1, t.seriesOf(ctx, r, metricCode(err)).add...)
		}
		err = r.retryPolicy(ctx, err)
	}
	return out, md, err
}

// observeWait runs wait under a "ratelimit.wait" span, a child of the
// attempt's (the SDK's Attempt span when the SDK traces), and records its
// duration and outcome. It returns when the wait ended.
func (t *targetTelemetry) observeWait(ctx context.Context, s *series, wait func(context.Context) error) (time.Time, error) {
	var span trace.Span
	if t.tracer != nil {
		_, span = t.tracer.Start(otelsmithy.ParentContext(ctx), spanWait, s.span...)
	}
	start := time.Now()
	err := wait(ctx)
	end := time.Now()
	if t.inst != nil {
		t.inst.waitDuration.Record(ctx, end.Sub(start).Seconds(), s.record...)
		switch {
		case err == nil:
			t.inst.admissions.Add(ctx, 1, s.add...)
		case errors.Is(err, ratelimit.ErrExceeded):
			t.inst.refusals.Add(ctx, 1, s.add...)
		}
	}
	if span != nil {
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		}
		span.End(trace.WithTimestamp(end))
	}
	return end, err
}

// observeCall records the duration and the outcome of one API call.
func (t *targetTelemetry) observeCall(ctx context.Context, r *RegionalAccount, d time.Duration, ce *CallError) {
	if t.inst == nil {
		return
	}
	t.inst.callDuration.Record(ctx, d.Seconds(), t.seriesOf(ctx, r, "").record...)
	if ce != nil {
		t.inst.callErrors.Add(ctx, 1, t.seriesOf(ctx, r, ce.metricCode()).add...)
	}
}

// Codes of failures that carry no AWS error code, for metrics.
const (
	codeCanceled    = "Canceled"
	codeDeadline    = "DeadlineExceeded"
	codeTimeout     = "Timeout"
	codeUnreachable = "Unreachable"
	codeOther       = "Other"
)

// metricCode is e's Code, or a coarse class of failure when it has none:
// a metric attribute must never hold an error message.
func (e *CallError) metricCode() string {
	if e.Code != "" {
		return e.Code
	}
	return metricCode(e.Err)
}

// metricCode is the AWS error code of err, or a coarse class of failure.
func metricCode(err error) string {
	var api smithy.APIError
	var op *net.OpError
	var dns *net.DNSError
	switch {
	case errors.As(err, &api) && api.ErrorCode() != "":
		return api.ErrorCode()
	case errors.Is(err, context.Canceled):
		return codeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return codeDeadline
	case timedOut(err):
		return codeTimeout
	case errors.As(err, &op), errors.As(err, &dns):
		return codeUnreachable
	}
	return codeOther
}

// targetSpan starts the span of one target of a ForEach, or returns ctx
// and nil without a tracer.
func targetSpan(ctx context.Context, tr trace.Tracer, ra *RegionalAccount) (context.Context, trace.Span) {
	if tr == nil {
		return ctx, nil
	}
	attrs := []attribute.KeyValue{attribute.String(attrRegion, ra.region)}
	if id := ra.account.knownID(); id != "" {
		attrs = append(attrs, attribute.String(attrAccountID, id))
	}
	return tr.Start(ctx, spanTarget, trace.WithAttributes(attrs...))
}

// endTargetSpan ends a target's span with the outcome; the account id,
// when the work made it known, is added.
func endTargetSpan(span trace.Span, ra *RegionalAccount, err error) {
	if span == nil {
		return
	}
	if id := ra.account.knownID(); id != "" {
		span.SetAttributes(attribute.String(attrAccountID, id))
	}
	if err != nil {
		code := metricCode(err)
		var ce *CallError
		if errors.As(err, &ce) {
			code = ce.metricCode()
		}
		span.SetAttributes(attribute.String(attrErrorCode, code))
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// sessionTelemetry is what a Session's role layers report to.
type sessionTelemetry struct {
	assumes metric.Int64Counter
	sdk     func(string, any) // for aws.Config.ServiceOptions
}

// newSessionTelemetry returns nil when opts has no provider (or only
// no-op ones).
func newSessionTelemetry(opts SessionOptions) *sessionTelemetry {
	mp, tp := providers(opts.MeterProvider, opts.TracerProvider)
	if mp == nil && tp == nil {
		return nil
	}
	t := &sessionTelemetry{sdk: otelsmithy.ServiceOption(mp, tp)}
	if mp != nil {
		var err error
		t.assumes, err = mp.Meter(instrumentationScope).Int64Counter(metricRoleAssumes, metric.WithUnit("{call}"),
			metric.WithDescription("Credentials retrieved by assuming a role (STS AssumeRole or AssumeRoleWithWebIdentity), the first time and each refresh."))
		if err != nil {
			opts.Logger.Debug("awsaccount: telemetry instruments", "err", err)
		}
	}
	return t
}

// withSDKTelemetry returns cfg whose service clients report to the
// providers of sdk; cfg's ServiceOptions are not changed in place (a
// Config's copies share the slice).
func withSDKTelemetry(cfg aws.Config, sdk func(string, any)) aws.Config {
	cfg.ServiceOptions = append(slices.Clip(cfg.ServiceOptions), sdk)
	return cfg
}

// assumeCounter counts the Retrieve calls of one role layer's provider:
// each is one call to STS.
type assumeCounter struct {
	counter   metric.Int64Counter
	accountID string      // of the role's ARN: its ARN would be a series per role
	retrieved atomic.Bool // the layer has had credentials: the next retrieval is a refresh
}

func (a *assumeCounter) observe(ctx context.Context, err error) {
	attrs := make([]attribute.KeyValue, 0, 3)
	attrs = append(attrs, attribute.String(attrAccountID, a.accountID), attribute.Bool(attrRefresh, a.retrieved.Load()))
	if err != nil {
		attrs = append(attrs, attribute.String(attrErrorCode, metricCode(err)))
	} else {
		a.retrieved.Store(true)
	}
	a.counter.Add(ctx, 1, metric.WithAttributes(attrs...))
}
