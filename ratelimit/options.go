package ratelimit

import (
	"slices"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Options configure a Limiter. The zero Options keep the state in a new
// MemoryStore and use the system clock.
type Options struct {
	// Store keeps the admission state; nil is NewMemoryStore with Clock.
	// Share a Store to share a limit, e.g. between processes through
	// package ratelimit/redislimit.
	Store Store
	// Clock tells time and makes timers; nil is the system clock. Tests
	// inject a fake one.
	Clock Clock
	// Adaptive turns on adaptive mode: a throttle reported with
	// Limiter.Throttled lowers the rate in force, which then recovers
	// while no throttle is reported, never above the limit the knobs set
	// (see Limiter.Throttled). Off by default.
	Adaptive bool
	// MeterProvider, if set, receives the Limiter's metrics (see the
	// package documentation): the requests sleeping for their turn,
	// turns rebooked after a change of the limit, store errors and, in
	// adaptive mode, the rate in force. Default none; nil or one of
	// OpenTelemetry's no-op providers costs nothing: the Limiter keeps
	// no telemetry state and its admissions take the path they take
	// without it.
	MeterProvider metric.MeterProvider
	// Attributes are on every metric of the Limiter: what its limit
	// covers. The root package's Registry sets region, service,
	// operation and account_id. Each distinct set is a time series: keep
	// the values bounded, and never put a secret or a message in them.
	Attributes []attribute.KeyValue
}

// WithStore sets Options.Store.
func WithStore(s Store) func(*Options) {
	return func(o *Options) { o.Store = s }
}

// WithAdaptive sets Options.Adaptive.
func WithAdaptive(on bool) func(*Options) {
	return func(o *Options) { o.Adaptive = on }
}

// WithMeterProvider sets Options.MeterProvider and adds attrs to
// Options.Attributes.
func WithMeterProvider(mp metric.MeterProvider, attrs ...attribute.KeyValue) func(*Options) {
	return func(o *Options) {
		o.MeterProvider = mp
		o.Attributes = append(slices.Clip(o.Attributes), attrs...) // never into a shared slice
	}
}

// WithClock sets Options.Clock.
func WithClock(c Clock) func(*Options) {
	return func(o *Options) { o.Clock = c }
}

// Clock is the time source of a Limiter or a MemoryStore.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a channel that receives once d has passed (at once
	// for d <= 0), and a function that stops the timer (as time.Timer.Stop).
	NewTimer(d time.Duration) (c <-chan time.Time, stop func() bool)
}
