package ratelimit

import (
	"errors"
	"time"
)

// ErrExceeded is matched (errors.Is) by every refusal of a Limiter: a
// fail-fast request over the limit, and a blocking request whose context
// deadline comes before its turn. The error itself is an *ExceededError
// that says when to retry.
var ErrExceeded = errors.New("ratelimit: limit exceeded")

// ErrInvalidLimit is matched (errors.Is) by the errors of Limit.Validate and
// Spec.Validate.
var ErrInvalidLimit = errors.New("ratelimit: invalid limit")

// ExceededError is a refusal: nothing was consumed, and the request could
// have started RetryAfter from the moment it was refused (later requests
// may take that turn first). It matches ErrExceeded.
type ExceededError struct {
	// RetryAfter is how long the caller would have had to wait.
	RetryAfter time.Duration
	// Err is nil for a fail-fast refusal (Block false) and
	// context.DeadlineExceeded when a blocking request was refused because
	// its context's deadline comes before its turn.
	Err error
}

// Error says how long until a turn.
func (e *ExceededError) Error() string {
	msg := "ratelimit: limit exceeded, next start in " + e.RetryAfter.String()
	if e.Err != nil {
		msg += ", after the deadline: " + e.Err.Error()
	}
	return msg
}

// Is makes errors.Is(err, ErrExceeded) true.
func (e *ExceededError) Is(target error) bool { return target == ErrExceeded }

// Unwrap returns Err, so a refusal for a deadline also matches
// context.DeadlineExceeded.
func (e *ExceededError) Unwrap() error { return e.Err }

// LimitError names a field of a Limit or of a Spec that is out of range by
// its config key. Its message reads "max_count must be >= 0, got -1". It
// matches ErrInvalidLimit.
type LimitError struct {
	// Path is the field's config key relative to the RateLimit block:
	// "max_count", "interval", or a key of the backend block such as
	// "backend.redis.url".
	Path string
	// Problem says what is wrong with it, e.g. "must be >= 0, got -1".
	Problem string
}

// Error is Path followed by Problem.
func (e *LimitError) Error() string { return e.Path + " " + e.Problem }

// Field returns Path and Problem: a LimitError is one of the field errors
// that awsaccount.FieldError describes.
func (e *LimitError) Field() (path, problem string) { return e.Path, e.Problem }

// Is makes errors.Is(err, ErrInvalidLimit) true.
func (e *LimitError) Is(target error) bool { return target == ErrInvalidLimit }
