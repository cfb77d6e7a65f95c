package awslimits_test

import (
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// TestRateLimitYAML: the one-line opt-in decodes from a config file, and a
// bad block is refused with its position and key.
func TestRateLimitYAML(t *testing.T) {
	tests := map[string]struct {
		yaml string
		want ratelimit.Spec
		err  string
	}{
		"preset":          {"RateLimit: {preset: aws}", ratelimit.Spec{Preset: "aws"}, ""},
		"preset adaptive": {"RateLimit: {preset: aws, adaptive: true, burst: 200, rate: 40, block: true}", ratelimit.Spec{Preset: "aws", Adaptive: true, Limit: ratelimit.Limit{Burst: 200, Rate: 40, Block: true}}, ""},
		"fraction":        {"RateLimit: {burst: 1, rate: 0.5}", ratelimit.Spec{Limit: ratelimit.Limit{Burst: 1, Rate: 0.5}}, ""},
		"unknown preset":  {"RateLimit: {preset: azure}", ratelimit.Spec{}, `RateLimit.preset: must be "aws", got "azure"`},
		"mixed":           {"RateLimit: {max_count: 1, interval: 1, burst: 1, rate: 1}", ratelimit.Spec{}, "RateLimit.burst: and rate exclude max_count and interval"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := configfile.Read(strings.NewReader(tc.yaml), name+".yaml")
			if err != nil {
				t.Fatal(err)
			}
			var got ratelimit.Spec
			err = f.Decode("RateLimit", &got)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Decode = %v, want an error with %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Decode = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}
