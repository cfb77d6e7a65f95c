package ratelimit

import (
	"fmt"
	"strconv"
	"time"
)

// Limit is what a Limiter enforces: at most MaxCount requests start in any
// window of length Interval. Block says what a request over the limit does:
// wait for its turn (true) or fail at once with ErrExceeded (false).
//
// A Limit with MaxCount <= 0 or Interval <= 0 is unlimited (see Unlimited);
// negative values are rejected by Validate. A config file's RateLimit block
// is checked more strictly (Spec.Validate): it must limit, or say
// unlimited: true. Limit is a plain value: copy it
// freely. Decoding an interval from a config file (seconds or "500ms") is the
// config reader's job; here Interval is a time.Duration.
type Limit struct {
	// MaxCount is the most requests that may start in any window of
	// length Interval. 0 means unlimited.
	MaxCount int `yaml:"max_count" json:"max_count"`
	// Interval is the length of the sliding window. 0 means unlimited.
	Interval time.Duration `yaml:"interval" json:"interval"`
	// Block makes a request over the limit wait for its turn instead of
	// failing with ErrExceeded.
	Block bool `yaml:"block" json:"block"`
}

// Unlimited reports whether l admits every request: MaxCount <= 0 or
// Interval <= 0.
func (l Limit) Unlimited() bool { return l.MaxCount <= 0 || l.Interval <= 0 }

// IsZero reports whether l is the zero Limit. The zero Limit is unlimited,
// but so are others (see Unlimited); IsZero is what encoders use for
// omitempty, so a lone block: true is not dropped.
func (l Limit) IsZero() bool { return l == Limit{} }

// String describes l, e.g. "10 per 1s, block", "10 per 1s, fail fast" or
// "unlimited".
func (l Limit) String() string {
	if l.Unlimited() {
		return "unlimited"
	}
	mode := "fail fast"
	if l.Block {
		mode = "block"
	}
	return strconv.Itoa(l.MaxCount) + " per " + l.Interval.String() + ", " + mode
}

// Validate reports a negative MaxCount or Interval as a *LimitError naming
// the field by its config key, e.g. "max_count must be >= 0, got -1".
func (l Limit) Validate() error {
	if l.MaxCount < 0 {
		return &LimitError{Path: "max_count", Problem: fmt.Sprintf("must be >= 0, got %d", l.MaxCount)}
	}
	if l.Interval < 0 {
		return &LimitError{Path: "interval", Problem: fmt.Sprintf("must be >= 0, got %v", l.Interval)}
	}
	return nil
}
