package otelsmithy

import (
	"reflect"

	smithymetrics "github.com/aws/smithy-go/metrics"
	smithytracing "github.com/aws/smithy-go/tracing"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ServiceOption returns an aws.Config.ServiceOptions function that gives
// every service client built from the config mp and tp (adapted; a nil one
// is left as the client has it).
//
// Every service's Options has MeterProvider and TracerProvider fields of
// smithy's interface types, but Options is a different struct per service
// and ServiceOptions hands it over as an any: the fields are found by name
// and type, once per client built. A client whose Options lack them is
// left alone.
func ServiceOption(mp metric.MeterProvider, tp trace.TracerProvider) func(serviceID string, options any) {
	var m smithymetrics.MeterProvider
	var t smithytracing.TracerProvider
	if mp != nil {
		m = MeterProvider(mp)
	}
	if tp != nil {
		t = TracerProvider(tp)
	}
	return func(_ string, options any) {
		v := reflect.ValueOf(options)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			return
		}
		if m != nil {
			setField(v.Elem(), "MeterProvider", m)
		}
		if t != nil {
			setField(v.Elem(), "TracerProvider", t)
		}
	}
}

// setField sets the field name of struct s to val when it exists and val's
// interface type is the field's.
func setField[T any](s reflect.Value, name string, val T) {
	f := s.FieldByName(name)
	if f.IsValid() && f.CanSet() && f.Type() == reflect.TypeFor[T]() {
		f.Set(reflect.ValueOf(&val).Elem())
	}
}
