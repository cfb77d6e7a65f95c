package keypath

import (
	"errors"
	"fmt"
	"testing"
)

type fe string

func (e fe) Error() string                 { return string(e) }
func (e fe) Field() (path, problem string) { return string(e), "bad" }

func TestJoin(t *testing.T) {
	tests := map[string]struct{ parent, child, want string }{
		"key":          {"a", "b", "a.b"},
		"index":        {"a", "[1].b", "a[1].b"},
		"empty parent": {"", "b", "b"},
		"empty child":  {"a", "", "a"},
	}
	for name, tc := range tests {
		if got := Join(tc.parent, tc.child); got != tc.want {
			t.Errorf("%s: Join(%q, %q) = %q, want %q", name, tc.parent, tc.child, got, tc.want)
		}
	}
}

func TestCountFieldErrors(t *testing.T) {
	joined := errors.Join(fe("a"), fmt.Errorf("wrapped: %w", fe("b")), errors.New("plain"))
	if n := CountFieldErrors(joined); n != 2 {
		t.Fatalf("CountFieldErrors = %d, want 2", n)
	}
	if n := CountFieldErrors(errors.New("plain")); n != 0 {
		t.Fatalf("CountFieldErrors(plain) = %d, want 0", n)
	}
}
