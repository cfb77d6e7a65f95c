package redislimit

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// health follows the outages of one Redis client, for every Store that
// uses it: while the client is down, one request per probe interval tries
// Redis and the others do not wait for it. It logs one record when an
// outage starts and one when it ends.
type health struct {
	name       string // what is down, for logs: a redacted URL or a key
	probeEvery time.Duration
	logger     *slog.Logger
	tel        *telemetry // nil without a MeterProvider

	mu        sync.Mutex
	down      bool      // requires mu, like all below
	probing   bool      // a probe is in flight
	nextProbe time.Time // earliest next probe while down
	cause     error     // the last failure

	// outages counts the outages begun so far; written under mu, read
	// without it on every call.
	outages atomic.Uint64
}

// newHealth returns the health of a client of the server at host
// (host:port, for metrics), named name in logs.
func newHealth(name, host string, o *Options) *health {
	return &health{name: name, probeEvery: o.ProbeInterval, logger: o.Logger, tel: newTelemetry(o.MeterProvider, host)}
}

// begin reports whether a request should try Redis, and whether it does so
// as the probe of an outage (which must then be ended by end or abandon).
// When it should not, cause is the failure that started or prolonged the
// outage.
func (h *health) begin() (try, probe bool, cause error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down {
		return true, false, nil
	}
	if !h.probing && !time.Now().Before(h.nextProbe) {
		h.probing = true
		return true, true, nil
	}
	return false, false, h.cause
}

// end records the outcome of a try. Only a probe ends an outage: a request
// that set out before the outage was noticed proves little.
func (h *health) end(probe bool, err error, key string) {
	began, ended := h.settle(probe, err, key)
	// Counted once mu is released.
	switch {
	case began:
		h.tel.fellBack()
	case ended:
		h.tel.recovered()
	}
}

// settle is end's change of state, under mu; it reports whether an outage
// began or ended.
func (h *health) settle(probe bool, err error, key string) (began, ended bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if probe {
		h.probing = false
	}
	if err == nil {
		if h.down && probe {
			h.down = false
			h.cause = nil
			h.logger.Info("redislimit: redis answers again; limits are shared again",
				"redis", h.name, "key", key)
			return false, true
		}
		return false, false
	}
	h.cause = err
	h.nextProbe = time.Now().Add(h.probeEvery)
	if !h.down {
		h.down = true
		h.outages.Add(1)
		h.logger.Warn("redislimit: redis unavailable; limits fall back per on_backend_error until it answers",
			"redis", h.name, "key", key, "err", err)
		return true, false
	}
	return false, false
}

// abandon ends a probe whose caller gave up before Redis answered.
func (h *health) abandon(probe bool) {
	if !probe {
		return
	}
	h.mu.Lock()
	h.probing = false
	h.mu.Unlock()
}

// isDown reports whether an outage is in progress.
func (h *health) isDown() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.down
}

// outageCount is how many outages have begun. A Store replays its starts
// into Redis after each: the server may have restarted empty.
func (h *health) outageCount() uint64 { return h.outages.Load() }
