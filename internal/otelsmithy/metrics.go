package otelsmithy

import (
	"context"
	"errors"

	smithymetrics "github.com/aws/smithy-go/metrics"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
)

// MeterProvider returns mp as a smithy MeterProvider; nil and
// OpenTelemetry's no-op provider become smithy's no-op provider.
func MeterProvider(mp metric.MeterProvider) smithymetrics.MeterProvider {
	if IsNoopMeterProvider(mp) {
		return smithymetrics.NopMeterProvider{}
	}
	return &meterProvider{otel: mp}
}

// IsNoopMeterProvider reports whether mp is nil or OpenTelemetry's no-op
// provider: whether nothing it is given is ever seen, so that a caller
// may skip measuring.
func IsNoopMeterProvider(mp metric.MeterProvider) bool {
	switch mp.(type) {
	case nil, metricnoop.MeterProvider, *metricnoop.MeterProvider:
		return true
	}
	return false
}

type meterProvider struct{ otel metric.MeterProvider }

var _ smithymetrics.MeterProvider = (*meterProvider)(nil)

func (p *meterProvider) Meter(scope string, opts ...smithymetrics.MeterOption) smithymetrics.Meter {
	var o smithymetrics.MeterOptions
	for _, fn := range opts {
		fn(&o)
	}
	var mo []metric.MeterOption
	if kvs := attributes(&o.Properties); len(kvs) > 0 {
		mo = append(mo, metric.WithInstrumentationAttributes(kvs...))
	}
	return &meter{otel: p.otel.Meter(scope, mo...)}
}

type meter struct{ otel metric.Meter }

var _ smithymetrics.Meter = (*meter)(nil)

// instrumentOptions are the unit and description of a smithy instrument.
func instrumentOptions(opts []smithymetrics.InstrumentOption) []metric.InstrumentOption {
	var o smithymetrics.InstrumentOptions
	for _, fn := range opts {
		fn(&o)
	}
	var io []metric.InstrumentOption
	if o.UnitLabel != "" {
		io = append(io, metric.WithUnit(o.UnitLabel))
	}
	if o.Description != "" {
		io = append(io, metric.WithDescription(o.Description))
	}
	return io
}

// Each option type of the OpenTelemetry API is its own interface; the
// generic helpers below turn the unit and description into any of them.

func convert[T any](in []metric.InstrumentOption) []T {
	out := make([]T, 0, len(in))
	for _, o := range in {
		out = append(out, o.(T))
	}
	return out
}

func (m *meter) Int64Counter(name string, opts ...smithymetrics.InstrumentOption) (smithymetrics.Int64Counter, error) {
	c, err := m.otel.Int64Counter(name, convert[metric.Int64CounterOption](instrumentOptions(opts))...)
	return int64Adder{c}, err
}

func (m *meter) Int64UpDownCounter(name string, opts ...smithymetrics.InstrumentOption) (smithymetrics.Int64UpDownCounter, error) {
	c, err := m.otel.Int64UpDownCounter(name, convert[metric.Int64UpDownCounterOption](instrumentOptions(opts))...)
	return int64Adder{c}, err
}

func (m *meter) Int64Gauge(name string, opts ...smithymetrics.InstrumentOption) (smithymetrics.Int64Gauge, error) {
	g, err := m.otel.Int64Gauge(name, convert[metric.Int64GaugeOption](instrumentOptions(opts))...)
	return int64Gauge{g}, err
}

func (m *meter) Int64Histogram(name string, opts ...smithymetrics.InstrumentOption) (smithymetrics.Int64Histogram, error) {
	h, err := m.otel.Int64Histogram(name, convert[metric.Int64HistogramOption](instrumentOptions(opts))...)
	return int64Recorder{h}, err
}

func (m *meter) Float64Counter(name string, opts ...smithymetrics.InstrumentOption) (smithymetrics.Float64Counter, error) {
	c, err := m.otel.Float64Counter(name, convert[metric.Float64CounterOption](instrumentOptions(opts))...)
	return float64Adder{c}, err
}

func (m *meter) Float64UpDownCounter(name string, opts ...smithymetrics.InstrumentOption) (smithymetrics.Float64UpDownCounter, error) {
	c, err := m.otel.Float64UpDownCounter(name, convert[metric.Float64UpDownCounterOption](instrumentOptions(opts))...)
	return float64Adder{c}, err
}

func (m *meter) Float64Gauge(name string, opts ...smithymetrics.InstrumentOption) (smithymetrics.Float64Gauge, error) {
	g, err := m.otel.Float64Gauge(name, convert[metric.Float64GaugeOption](instrumentOptions(opts))...)
	return float64Gauge{g}, err
}

func (m *meter) Float64Histogram(name string, opts ...smithymetrics.InstrumentOption) (smithymetrics.Float64Histogram, error) {
	h, err := m.otel.Float64Histogram(name, convert[metric.Float64HistogramOption](instrumentOptions(opts))...)
	return float64Recorder{h}, err
}

// The asynchronous instruments are made without a callback and observed
// through a registered one, so that Stop can unregister it.

func (m *meter) Int64AsyncCounter(name string, cb smithymetrics.Int64Callback, opts ...smithymetrics.InstrumentOption) (smithymetrics.AsyncInstrument, error) {
	inst, err := m.otel.Int64ObservableCounter(name, convert[metric.Int64ObservableCounterOption](instrumentOptions(opts))...)
	if err != nil {
		return nil, err
	}
	return m.registerInt64(inst, cb)
}

func (m *meter) Int64AsyncUpDownCounter(name string, cb smithymetrics.Int64Callback, opts ...smithymetrics.InstrumentOption) (smithymetrics.AsyncInstrument, error) {
	inst, err := m.otel.Int64ObservableUpDownCounter(name, convert[metric.Int64ObservableUpDownCounterOption](instrumentOptions(opts))...)
	if err != nil {
		return nil, err
	}
	return m.registerInt64(inst, cb)
}

func (m *meter) Int64AsyncGauge(name string, cb smithymetrics.Int64Callback, opts ...smithymetrics.InstrumentOption) (smithymetrics.AsyncInstrument, error) {
	inst, err := m.otel.Int64ObservableGauge(name, convert[metric.Int64ObservableGaugeOption](instrumentOptions(opts))...)
	if err != nil {
		return nil, err
	}
	return m.registerInt64(inst, cb)
}

func (m *meter) Float64AsyncCounter(name string, cb smithymetrics.Float64Callback, opts ...smithymetrics.InstrumentOption) (smithymetrics.AsyncInstrument, error) {
	inst, err := m.otel.Float64ObservableCounter(name, convert[metric.Float64ObservableCounterOption](instrumentOptions(opts))...)
	if err != nil {
		return nil, err
	}
	return m.registerFloat64(inst, cb)
}

func (m *meter) Float64AsyncUpDownCounter(name string, cb smithymetrics.Float64Callback, opts ...smithymetrics.InstrumentOption) (smithymetrics.AsyncInstrument, error) {
	inst, err := m.otel.Float64ObservableUpDownCounter(name, convert[metric.Float64ObservableUpDownCounterOption](instrumentOptions(opts))...)
	if err != nil {
		return nil, err
	}
	return m.registerFloat64(inst, cb)
}

func (m *meter) Float64AsyncGauge(name string, cb smithymetrics.Float64Callback, opts ...smithymetrics.InstrumentOption) (smithymetrics.AsyncInstrument, error) {
	inst, err := m.otel.Float64ObservableGauge(name, convert[metric.Float64ObservableGaugeOption](instrumentOptions(opts))...)
	if err != nil {
		return nil, err
	}
	return m.registerFloat64(inst, cb)
}

var errNilCallback = errors.New("otelsmithy: asynchronous instrument without a callback")

func (m *meter) registerInt64(inst metric.Int64Observable, cb smithymetrics.Int64Callback) (smithymetrics.AsyncInstrument, error) {
	if cb == nil {
		return nil, errNilCallback
	}
	reg, err := m.otel.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		cb(ctx, int64Observer{o: o, inst: inst})
		return nil
	}, inst)
	if err != nil {
		return nil, err
	}
	return registration{reg}, nil
}

func (m *meter) registerFloat64(inst metric.Float64Observable, cb smithymetrics.Float64Callback) (smithymetrics.AsyncInstrument, error) {
	if cb == nil {
		return nil, errNilCallback
	}
	reg, err := m.otel.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		cb(ctx, float64Observer{o: o, inst: inst})
		return nil
	}, inst)
	if err != nil {
		return nil, err
	}
	return registration{reg}, nil
}

type registration struct{ reg metric.Registration }

// Stop unregisters the callback. Its error (the provider was shut down)
// has nowhere to go: smithy's Stop returns none.
func (r registration) Stop() { _ = r.reg.Unregister() }

// measurement turns a recording's properties into attributes.
func measurement(opts []smithymetrics.RecordMetricOption) metric.MeasurementOption {
	var o smithymetrics.RecordMetricOptions
	for _, fn := range opts {
		fn(&o)
	}
	return metric.WithAttributes(attributes(&o.Properties)...)
}

type int64Adder struct {
	otel interface {
		Add(context.Context, int64, ...metric.AddOption)
	}
}

func (a int64Adder) Add(ctx context.Context, v int64, opts ...smithymetrics.RecordMetricOption) {
	a.otel.Add(ctx, v, measurement(opts))
}

type float64Adder struct {
	otel interface {
		Add(context.Context, float64, ...metric.AddOption)
	}
}

func (a float64Adder) Add(ctx context.Context, v float64, opts ...smithymetrics.RecordMetricOption) {
	a.otel.Add(ctx, v, measurement(opts))
}

type int64Recorder struct{ otel metric.Int64Histogram }

func (r int64Recorder) Record(ctx context.Context, v int64, opts ...smithymetrics.RecordMetricOption) {
	r.otel.Record(ctx, v, measurement(opts))
}

type float64Recorder struct{ otel metric.Float64Histogram }

func (r float64Recorder) Record(ctx context.Context, v float64, opts ...smithymetrics.RecordMetricOption) {
	r.otel.Record(ctx, v, measurement(opts))
}

type int64Gauge struct{ otel metric.Int64Gauge }

func (g int64Gauge) Sample(ctx context.Context, v int64, opts ...smithymetrics.RecordMetricOption) {
	g.otel.Record(ctx, v, measurement(opts))
}

type float64Gauge struct{ otel metric.Float64Gauge }

func (g float64Gauge) Sample(ctx context.Context, v float64, opts ...smithymetrics.RecordMetricOption) {
	g.otel.Record(ctx, v, measurement(opts))
}

type int64Observer struct {
	o    metric.Observer
	inst metric.Int64Observable
}

func (o int64Observer) Observe(_ context.Context, v int64, opts ...smithymetrics.RecordMetricOption) {
	o.o.ObserveInt64(o.inst, v, measurement(opts))
}

type float64Observer struct {
	o    metric.Observer
	inst metric.Float64Observable
}

func (o float64Observer) Observe(_ context.Context, v float64, opts ...smithymetrics.RecordMetricOption) {
	o.o.ObserveFloat64(o.inst, v, measurement(opts))
}
