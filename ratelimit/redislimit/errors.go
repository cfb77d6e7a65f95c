package redislimit

import "errors"

// ErrBackend is matched (errors.Is) by every failure to reach Redis that a
// Store reports: with OnError Fail, a Limiter's Wait returns an error that
// matches it while Redis is unreachable or too slow. The error itself is a
// *BackendError that wraps the cause.
var ErrBackend = errors.New("redislimit: redis unavailable")

// ErrInvalidSpec is matched (errors.Is) by the errors of Backend.Open for a
// spec it cannot use: no redis block, an unparsable URL, an unknown
// on_backend_error.
var ErrInvalidSpec = errors.New("redislimit: invalid backend spec")

// BackendError is a shared limit that could not be consulted. It matches
// ErrBackend and unwraps to the cause (a network error, a timeout,
// redis.ErrClosed, ...). Its message names the key, never the password of
// the Redis URL.
type BackendError struct {
	// Key is the Redis key of the limit.
	Key string
	// Err is the cause.
	Err error
}

// Error names the key and the cause.
func (e *BackendError) Error() string {
	return "redislimit: shared limit " + e.Key + ": redis unavailable: " + e.Err.Error()
}

// Is makes errors.Is(err, ErrBackend) true.
func (e *BackendError) Is(target error) bool { return target == ErrBackend }

// Unwrap returns the cause.
func (e *BackendError) Unwrap() error { return e.Err }
