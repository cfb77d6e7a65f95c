package textdist

import "testing"

func TestDistance(t *testing.T) {
	tests := map[string]struct {
		a, b string
		want int
	}{
		"equal":        {"us-east-1", "us-east-1", 0},
		"one typo":     {"us-eest-1", "us-east-1", 1},
		"insert":       {"ec", "ec2", 1},
		"empty":        {"", "abc", 3},
		"transposed":   {"ab", "ba", 2},
		"all replaced": {"abc", "xyz", 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Distance(tc.a, tc.b); got != tc.want {
				t.Fatalf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}
