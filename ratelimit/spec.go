package ratelimit

import (
	"context"
	"fmt"
)

// Spec is a RateLimit block of a config file: the limit's knobs (max_count
// and interval, or burst and rate; block), optionally where its state lives
// (backend), AWS's published throttling buckets under it (preset), and
// adaptive mode. The root package takes one per target, per region and per
// API; a program builds the Store of a Spec whose Backend is set with the
// BackendFactory registered under the backend's name.
//
// A block that is present must limit, or say that it does not:
//
//	RateLimit: {max_count: 10, interval: 1, block: true}
//	RateLimit: {burst: 100, rate: 20, block: true}
//	RateLimit: {preset: aws}
//	RateLimit: {preset: aws, adaptive: true, max_count: 100, interval: 1}
//	RateLimit: {adaptive: true}
//	RateLimit: {unlimited: true}
//
// Validate refuses a present block whose max_count or interval (or burst or
// rate) is missing or not positive, which would otherwise silently mean no
// limit, unless the block names a preset or turns adaptive mode on. The
// zero Spec, an absent block, is unlimited as the zero Limit is: code that
// builds a Spec in Go may leave it zero (IsZero) and not call Validate.
type Spec struct {
	Limit `yaml:",inline" json:",inline"`
	// Unlimited says that the block means no limit, on purpose: then
	// max_count and interval must be absent. (The enforced limit is Limit,
	// whose method Limit.Unlimited also reports a zero MaxCount or
	// Interval.)
	Unlimited bool `yaml:"unlimited,omitempty" json:"unlimited,omitempty"`
	// Backend shares the limit with other processes (see BackendSpec). Nil
	// keeps the state in this process.
	Backend *BackendSpec `yaml:"backend,omitempty" json:"backend,omitempty"`
	// Preset names a table of AWS's published request quotas that applies
	// under this limit, one limit per operation or group of operations
	// that AWS throttles together: PresetAWS, the tables of package
	// ratelimit/awslimits. "" is none. The root package honours it on a
	// target's RateLimit block.
	Preset string `yaml:"preset,omitempty" json:"preset,omitempty"`
	// Adaptive turns adaptive mode on (Options.Adaptive): a throttle lowers
	// the rate of the limit of the operation throttled, which recovers
	// while no throttle comes.
	Adaptive bool `yaml:"adaptive,omitempty" json:"adaptive,omitempty"`
}

// PresetAWS is the one preset name, "aws": AWS's published throttling
// buckets and request quotas (package ratelimit/awslimits).
const PresetAWS = "aws"

// IsZero reports whether s is the zero Spec: no block, no limit. Encoders
// use it for omitempty.
func (s Spec) IsZero() bool {
	return s.Limit.IsZero() && !s.Unlimited && s.Backend == nil && s.Preset == "" && !s.Adaptive
}

// Validate checks a RateLimit block that is present: max_count at least 1
// and interval positive, or burst at least 1 and rate positive (not both
// forms), or unlimited: true with none of them; a preset, if any, that
// exists; a backend block, if any, that names a backend (redis, with a
// url). A block with a preset or adaptive: true may leave the knobs out:
// then the preset's limits, or adaptive mode alone, limit. The error is a
// *LimitError naming the key relative to the block, e.g. "interval must be
// positive, got 0s (a block without a limit says unlimited: true)"; it
// matches ErrInvalidLimit. The zero Spec (an absent block) is refused too:
// call Validate only for a block that is there.
func (s Spec) Validate() error {
	const hint = " (a block without a limit says unlimited: true)"
	knobs := s.MaxCount != 0 || s.Interval != 0 || s.IsBucket()
	switch {
	case s.Unlimited && s.MaxCount != 0:
		return &LimitError{Path: "max_count", Problem: fmt.Sprintf("must be absent with unlimited: true, got %d", s.MaxCount)}
	case s.Unlimited && s.Interval != 0:
		return &LimitError{Path: "interval", Problem: fmt.Sprintf("must be absent with unlimited: true, got %v", s.Interval)}
	case s.Unlimited && s.IsBucket():
		return &LimitError{Path: "burst", Problem: "and rate must be absent with unlimited: true"}
	case s.Unlimited && s.Preset != "":
		return &LimitError{Path: "preset", Problem: "must be absent with unlimited: true"}
	case s.Unlimited && s.Adaptive:
		return &LimitError{Path: "adaptive", Problem: "must be absent with unlimited: true"}
	case s.Unlimited, !knobs && (s.Preset != "" || s.Adaptive):
	case s.IsBucket() && s.Burst <= 0:
		return &LimitError{Path: "burst", Problem: fmt.Sprintf("must be at least 1, got %d%s", s.Burst, hint)}
	case s.IsBucket() && !(s.Rate > 0):
		return &LimitError{Path: "rate", Problem: fmt.Sprintf("must be positive, got %v%s", s.Rate, hint)}
	case s.IsBucket():
	case s.MaxCount <= 0:
		return &LimitError{Path: "max_count", Problem: fmt.Sprintf("must be at least 1, got %d%s", s.MaxCount, hint)}
	case s.Interval <= 0:
		return &LimitError{Path: "interval", Problem: fmt.Sprintf("must be positive, got %v%s", s.Interval, hint)}
	}
	if err := s.Limit.Validate(); err != nil {
		return err
	}
	if s.Preset != "" && s.Preset != PresetAWS {
		return &LimitError{Path: "preset", Problem: fmt.Sprintf("must be %q, got %q", PresetAWS, s.Preset)}
	}
	if b := s.Backend; b != nil {
		if b.Redis == nil {
			return &LimitError{Path: "backend", Problem: "must name a backend: redis"}
		}
		if b.Redis.URL == "" {
			return &LimitError{Path: "backend.redis.url", Problem: "is required"}
		}
	}
	return nil
}

// BackendSpec selects a shared store for the state of a limit: the backend
// block of a RateLimit block. Exactly one field is set; its name ("redis")
// is the name of the BackendFactory that builds the store.
type BackendSpec struct {
	// Redis shares the limit through Redis (package ratelimit/redislimit).
	Redis *RedisSpec `yaml:"redis,omitempty" json:"redis,omitempty"`
}

// RedisSpec shares a limit through Redis: the redis block of a backend
// block, read by package ratelimit/redislimit.
type RedisSpec struct {
	// URL is a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0. A
	// password in it is never printed.
	URL string `yaml:"url" json:"url"`
	// Prefix of every key; default "awsaccount".
	Prefix string `yaml:"prefix,omitempty" json:"prefix,omitempty"`
	// OnBackendError is "local" (default: fall back to the in-process limit
	// while Redis is unreachable) or "fail" (the request fails).
	OnBackendError string `yaml:"on_backend_error,omitempty" json:"on_backend_error,omitempty"`
}

// BackendFactory builds the Store of one limit whose Spec has a Backend.
// key names what the limit covers, "<account id>:<region>[:<service>
// [:<operation>]]"; every process that builds a store for the same key and
// backend shares the limit. redislimit.Backend.Open is one.
type BackendFactory func(ctx context.Context, spec BackendSpec, key string) (Store, error)
