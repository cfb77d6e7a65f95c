package ratelimit_test

import (
	"errors"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/ratelimit"
)

func TestSpecValidate(t *testing.T) {
	redis := func(url string) *ratelimit.BackendSpec {
		return &ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: url}}
	}
	limit := ratelimit.Limit{MaxCount: 10, Interval: time.Second, Block: true}
	tests := map[string]struct {
		spec ratelimit.Spec
		err  string // "" for valid
	}{
		"a limit":               {ratelimit.Spec{Limit: limit}, ""},
		"fail fast":             {ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 1, Interval: time.Millisecond}}, ""},
		"a limit on redis":      {ratelimit.Spec{Limit: limit, Backend: redis("redis://127.0.0.1:6379/0")}, ""},
		"explicitly unlimited":  {ratelimit.Spec{Unlimited: true}, ""},
		"unlimited with block":  {ratelimit.Spec{Unlimited: true, Limit: ratelimit.Limit{Block: true}}, ""},
		"absent block":          {ratelimit.Spec{}, "max_count must be at least 1, got 0 (a block without a limit says unlimited: true)"},
		"block only":            {ratelimit.Spec{Limit: ratelimit.Limit{Block: true}}, "max_count must be at least 1, got 0 (a block without a limit says unlimited: true)"},
		"no interval":           {ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 10}}, "interval must be positive, got 0s (a block without a limit says unlimited: true)"},
		"negative count":        {ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: -1, Interval: time.Second}}, "max_count must be at least 1, got -1 (a block without a limit says unlimited: true)"},
		"negative interval":     {ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 1, Interval: -time.Second}}, "interval must be positive, got -1s (a block without a limit says unlimited: true)"},
		"unlimited and a count": {ratelimit.Spec{Unlimited: true, Limit: ratelimit.Limit{MaxCount: 10}}, "max_count must be absent with unlimited: true, got 10"},
		"unlimited and an interval": {ratelimit.Spec{Unlimited: true, Limit: ratelimit.Limit{Interval: time.Second}},
			"interval must be absent with unlimited: true, got 1s"},
		"empty backend":        {ratelimit.Spec{Limit: limit, Backend: &ratelimit.BackendSpec{}}, "backend must name a backend: redis"},
		"redis, no url":        {ratelimit.Spec{Limit: limit, Backend: redis("")}, "backend.redis.url is required"},
		"a bucket":             {ratelimit.Spec{Limit: ratelimit.Limit{Burst: 100, Rate: 20, Block: true}}, ""},
		"a preset alone":       {ratelimit.Spec{Preset: "aws"}, ""},
		"adaptive alone":       {ratelimit.Spec{Adaptive: true}, ""},
		"a preset under limit": {ratelimit.Spec{Limit: limit, Preset: "aws", Adaptive: true}, ""},
		"unknown preset":       {ratelimit.Spec{Preset: "gcp"}, `preset must be "aws", got "gcp"`},
		"a preset, half a limit": {ratelimit.Spec{Preset: "aws", Limit: ratelimit.Limit{MaxCount: 10}},
			"interval must be positive, got 0s (a block without a limit says unlimited: true)"},
		"burst, no rate": {ratelimit.Spec{Limit: ratelimit.Limit{Burst: 10}}, "rate must be positive, got 0 (a block without a limit says unlimited: true)"},
		"rate, no burst": {ratelimit.Spec{Limit: ratelimit.Limit{Rate: 2.5}}, "burst must be at least 1, got 0 (a block without a limit says unlimited: true)"},
		"both forms": {ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 10, Interval: time.Second, Burst: 10, Rate: 1}},
			"burst and rate exclude max_count and interval (a limit is a window or a bucket)"},
		"unlimited and a bucket": {ratelimit.Spec{Unlimited: true, Limit: ratelimit.Limit{Burst: 1, Rate: 1}}, "burst and rate must be absent with unlimited: true"},
		"unlimited and a preset": {ratelimit.Spec{Unlimited: true, Preset: "aws"}, "preset must be absent with unlimited: true"},
		"limit checked first": {ratelimit.Spec{Backend: &ratelimit.BackendSpec{}},
			"max_count must be at least 1, got 0 (a block without a limit says unlimited: true)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			checkValidate(t, tc.spec.Validate(), tc.err)
		})
	}
}

func TestSpecIsZero(t *testing.T) {
	tests := map[string]struct {
		spec ratelimit.Spec
		zero bool
	}{
		"zero":       {ratelimit.Spec{}, true},
		"block only": {ratelimit.Spec{Limit: ratelimit.Limit{Block: true}}, false},
		"unlimited":  {ratelimit.Spec{Unlimited: true}, false},
		"backend":    {ratelimit.Spec{Backend: &ratelimit.BackendSpec{}}, false},
		"preset":     {ratelimit.Spec{Preset: "aws"}, false},
		"adaptive":   {ratelimit.Spec{Adaptive: true}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.spec.IsZero(); got != tc.zero {
				t.Errorf("IsZero() = %v, want %v", got, tc.zero)
			}
		})
	}
}

// checkValidate wants err, from a Validate method, to be nil if want is
// empty, and otherwise a *LimitError with message want, matching
// ErrInvalidLimit, whose Field makes the message.
func checkValidate(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("Validate() = %v, want nil", err)
		}
		return
	}
	var le *ratelimit.LimitError
	if err == nil || err.Error() != want || !errors.Is(err, ratelimit.ErrInvalidLimit) || !errors.As(err, &le) {
		t.Fatalf("Validate() = %v, want %q matching ErrInvalidLimit", err, want)
	}
	if path, problem := le.Field(); path+" "+problem != want {
		t.Errorf("Field() = %q, %q: does not make the message", path, problem)
	}
}
