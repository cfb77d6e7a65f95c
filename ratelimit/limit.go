package ratelimit

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Limit is what a Limiter enforces, in one of two forms:
//
//   - a strict window (MaxCount, Interval): at most MaxCount requests start
//     in any window of length Interval;
//   - a token bucket (Burst, Rate): a bucket of Burst tokens, full at
//     first, gains Rate tokens a second and gives one to each request, so
//     that no span of length t holds more than Burst + Rate·t starts. This
//     is AWS's own model of its throttling.
//
// A Limit sets the fields of one form only (Validate refuses both). Block
// says what a request over the limit does: wait for its turn (true) or fail
// at once with ErrExceeded (false).
//
// A window with MaxCount <= 0 or Interval <= 0, or a bucket with Burst <= 0
// or Rate <= 0, is unlimited (see Unlimited); negative values are rejected
// by Validate. A config file's RateLimit block is checked more strictly
// (Spec.Validate): it must limit, or say unlimited: true. Limit is a plain
// value: copy it freely. Decoding an interval from a config file (seconds or
// "500ms") is the config reader's job; here Interval is a time.Duration.
type Limit struct {
	// MaxCount is the most requests that may start in any window of
	// length Interval. 0 means unlimited.
	MaxCount int `yaml:"max_count" json:"max_count"`
	// Interval is the length of the sliding window. 0 means unlimited.
	Interval time.Duration `yaml:"interval" json:"interval"`
	// Burst is the capacity of a token bucket: the most requests that may
	// start at once. Setting it (or Rate) makes the Limit a bucket.
	Burst int `yaml:"burst,omitempty" json:"burst,omitempty"`
	// Rate is the bucket's refill, in tokens (requests) per second: its
	// sustained rate. Fractions are allowed (0.1 is one request every 10s).
	Rate float64 `yaml:"rate,omitempty" json:"rate,omitempty"`
	// Block makes a request over the limit wait for its turn instead of
	// failing with ErrExceeded.
	Block bool `yaml:"block" json:"block"`
}

// IsBucket reports whether l is a token bucket: Burst or Rate is set.
func (l Limit) IsBucket() bool { return l.Burst != 0 || l.Rate != 0 }

// Unlimited reports whether l admits every request: a window with MaxCount
// <= 0 or Interval <= 0, or a bucket with Burst <= 0 or Rate <= 0 (or a
// Rate that is not a finite number).
func (l Limit) Unlimited() bool {
	if l.IsBucket() {
		return l.Burst <= 0 || !(l.Rate > 0) || math.IsInf(l.Rate, 1)
	}
	return l.MaxCount <= 0 || l.Interval <= 0
}

// IsZero reports whether l is the zero Limit. The zero Limit is unlimited,
// but so are others (see Unlimited); IsZero is what encoders use for
// omitempty, so a lone block: true is not dropped.
func (l Limit) IsZero() bool { return l == Limit{} }

// PerSecond is l's sustained rate in requests per second: Rate for a
// bucket, MaxCount/Interval for a window, +Inf when unlimited.
func (l Limit) PerSecond() float64 {
	switch {
	case l.Unlimited():
		return math.Inf(1)
	case l.IsBucket():
		return l.Rate
	}
	return float64(l.MaxCount) / l.Interval.Seconds()
}

// String describes l, e.g. "10 per 1s, block", "burst 100, 20/s, fail
// fast" or "unlimited".
func (l Limit) String() string {
	if l.Unlimited() {
		return "unlimited"
	}
	mode := "fail fast"
	if l.Block {
		mode = "block"
	}
	if l.IsBucket() {
		return "burst " + strconv.Itoa(l.Burst) + ", " + strconv.FormatFloat(l.Rate, 'g', -1, 64) + "/s, " + mode
	}
	return strconv.Itoa(l.MaxCount) + " per " + l.Interval.String() + ", " + mode
}

// Validate reports a negative knob, a Rate that is not a finite number, or
// a Limit that mixes the two forms, as a *LimitError naming the field by
// its config key, e.g. "max_count must be >= 0, got -1".
func (l Limit) Validate() error {
	switch {
	case l.MaxCount < 0:
		return &LimitError{Path: "max_count", Problem: fmt.Sprintf("must be >= 0, got %d", l.MaxCount)}
	case l.Interval < 0:
		return &LimitError{Path: "interval", Problem: fmt.Sprintf("must be >= 0, got %v", l.Interval)}
	case l.Burst < 0:
		return &LimitError{Path: "burst", Problem: fmt.Sprintf("must be >= 0, got %d", l.Burst)}
	case l.Rate < 0 || math.IsNaN(l.Rate) || math.IsInf(l.Rate, 0):
		return &LimitError{Path: "rate", Problem: fmt.Sprintf("must be a number >= 0, got %v", l.Rate)}
	case l.IsBucket() && (l.MaxCount != 0 || l.Interval != 0):
		return &LimitError{Path: "burst", Problem: "and rate exclude max_count and interval (a limit is a window or a bucket)"}
	}
	return nil
}

// tokenNanos is the time a bucket of rate r takes to gain one token,
// rounded up (a slower refill is stricter), and at least 1ns.
func tokenNanos(r float64) int64 {
	ns := math.Ceil(1e9 / r)
	if ns >= math.MaxInt64/4 {
		return math.MaxInt64 / 4
	}
	return max(1, int64(ns))
}

// toWindow clears the bucket's knobs, if l is a bucket.
func (l *Limit) toWindow() {
	if l.IsBucket() {
		l.Burst, l.Rate = 0, 0
	}
}

// toBucket clears the window's knobs.
func (l *Limit) toBucket() { l.MaxCount, l.Interval = 0, 0 }
