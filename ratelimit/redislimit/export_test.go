package redislimit

import (
	"time"

	"github.com/awsaccount/awsaccount/ratelimit"
)

// SetFakeNow makes s's script use now (microseconds) instead of the
// server's TIME. Call it before s is used.
func SetFakeNow(s *Store, now func() int64) { s.fakeNow = now }

// SetHooks makes s report every start it records in Redis (id 0: not
// cancellable) and every start it removes. Call it before s is used.
func SetHooks(s *Store, onGrant func(id uint64, start time.Time, l ratelimit.Limit), onCancel func(id uint64)) {
	s.onGrant, s.onCancel = onGrant, onCancel
}

// SetLocalHook makes s report every start its local fallback grants, in
// the process's clock. Call it before s is used.
func SetLocalHook(s *Store, onLocal func(id uint64, start time.Time)) { s.onLocal = onLocal }

// Key is s's Redis key.
func Key(s *Store) string { return s.key }

// SameClient reports whether a and b use one client.
func SameClient(a, b *Store) bool { return a.client == b.client }

// HasTelemetry reports whether s keeps telemetry state.
func HasTelemetry(s *Store) bool { return s.health.tel != nil }
