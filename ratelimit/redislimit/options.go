package redislimit

import (
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"
)

// Defaults of Options.
const (
	// DefaultTimeout bounds every Redis call of a Store.
	DefaultTimeout = 200 * time.Millisecond
	// DefaultProbeInterval is how often a Store tries Redis again during
	// an outage.
	DefaultProbeInterval = time.Second
	// DefaultKeyTTL is how long an idle key outlives its latest start
	// when the limit's Interval is shorter.
	DefaultKeyTTL = time.Minute
	// DefaultPrefix starts every key a Backend makes, unless the spec
	// sets its own.
	DefaultPrefix = "awsaccount"
)

// OnError says what a Store does while Redis is unreachable or too slow.
// The zero value is Local.
type OnError uint8

const (
	// Local admits requests under the same limit kept in this process
	// (a ratelimit.MemoryStore that also counts the starts Redis granted
	// to the process) until Redis answers again, and then tells Redis the
	// starts it granted: the program goes on, each process within the
	// limit on its own. Config value "local", the default.
	Local OnError = iota
	// Fail refuses requests with an error matching ErrBackend. Config
	// value "fail".
	Fail
)

// String is the config value: "local" or "fail".
func (o OnError) String() string {
	switch o {
	case Local:
		return "local"
	case Fail:
		return "fail"
	}
	return fmt.Sprintf("OnError(%d)", uint8(o))
}

// parseOnError reads the config value on_backend_error.
func parseOnError(s string) (OnError, error) {
	switch s {
	case "", "local":
		return Local, nil
	case "fail":
		return Fail, nil
	}
	return 0, fmt.Errorf("%w: on_backend_error must be \"local\" or \"fail\", got %q", ErrInvalidSpec, s)
}

// Options configure a Store, or every Store of a Backend. The zero Options
// take the defaults.
type Options struct {
	// OnError is what happens while Redis cannot be consulted. A Backend
	// takes it from the spec's on_backend_error instead.
	OnError OnError
	// Timeout bounds each Redis call; a slower answer counts as an outage.
	// Default DefaultTimeout.
	Timeout time.Duration
	// ProbeInterval is how often, during an outage, one request tries
	// Redis again (the others go straight to the fallback). Default
	// DefaultProbeInterval.
	ProbeInterval time.Duration
	// KeyTTL is how long a key outlives its latest start when the limit's
	// Interval is shorter; an idle key then vanishes. A limit whose
	// Interval grows beyond it after such an idle spell no longer counts
	// the vanished starts. Default DefaultKeyTTL.
	KeyTTL time.Duration
	// Logger receives one record when an outage starts and one when it
	// ends. Default: discard.
	Logger *slog.Logger
	// MeterProvider, if set, receives the metrics of the client's
	// Stores (see the package documentation): outages begun and ended,
	// the duration of Redis calls and the local fallback's admissions,
	// with the server's host:port as their one attribute (never a
	// password, nothing per key). A Backend's Stores of one URL share
	// one series, as they share the client. Default none; nil or one of
	// OpenTelemetry's no-op providers costs nothing.
	MeterProvider metric.MeterProvider
}

// resolve applies the defaults to what is unset.
func (o *Options) resolve() {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ProbeInterval <= 0 {
		o.ProbeInterval = DefaultProbeInterval
	}
	if o.KeyTTL <= 0 {
		o.KeyTTL = DefaultKeyTTL
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}
