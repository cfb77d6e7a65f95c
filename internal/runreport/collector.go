package runreport

import (
	"context"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
)

// Options tune a Collector.
type Options struct {
	// Readers are more readers of the Collector's MeterProvider, for
	// example an exporter's periodic reader, so that one provider feeds
	// both the report and a metrics backend.
	Readers []sdkmetric.Reader
	// Now is the clock of the run's wall time. Default time.Now.
	Now func() time.Time
	// Resource describes the program to those other readers (an
	// exporter's); the report does not read it. Default: the SDK's.
	Resource *resource.Resource
}

// Collector gathers the metrics of one run. Its wall time starts when it
// is made.
//
// A Collector is safe for concurrent use by multiple goroutines.
type Collector struct {
	reader   *sdkmetric.ManualReader
	provider *sdkmetric.MeterProvider
	now      func() time.Time
	start    time.Time
}

// New returns a Collector whose MeterProvider is ready for
// awsaccount.RegistryOptions.MeterProvider.
func New(optFns ...func(*Options)) *Collector {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	reader := sdkmetric.NewManualReader()
	// No cardinality limit: the SDK's default (2000 series per
	// instrument) would fold a fleet's targets into one overflow series.
	opts := []sdkmetric.Option{sdkmetric.WithReader(reader), sdkmetric.WithCardinalityLimit(0)}
	if o.Resource != nil {
		opts = append(opts, sdkmetric.WithResource(o.Resource))
	}
	for _, r := range o.Readers {
		opts = append(opts, sdkmetric.WithReader(r))
	}
	return &Collector{reader: reader, provider: sdkmetric.NewMeterProvider(opts...), now: o.Now, start: o.Now()}
}

// MeterProvider is the provider to give the awsaccount package.
func (c *Collector) MeterProvider() *sdkmetric.MeterProvider { return c.provider }

// Summary sums what was measured since the Collector was made. It may be
// called more than once; each call sums everything since the start.
func (c *Collector) Summary(ctx context.Context) (*Summary, error) {
	var rm metricdata.ResourceMetrics
	if err := c.reader.Collect(ctx, &rm); err != nil {
		return nil, err
	}
	return summarize(&rm, c.now().Sub(c.start)), nil
}

// Shutdown flushes and stops the provider and its readers.
func (c *Collector) Shutdown(ctx context.Context) error { return c.provider.Shutdown(ctx) }
