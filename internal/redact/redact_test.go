package redact_test

import (
	"fmt"
	"testing"

	"github.com/awsaccount/awsaccount/internal/redact"
)

func TestURL(t *testing.T) {
	tests := map[string]struct{ raw, want string }{
		"password":        {"redis://user:s3cret@127.0.0.1:6379/0", "redis://user:xxxxx@127.0.0.1:6379/0"},
		"no password":     {"redis://user@127.0.0.1:6379/0", "redis://user@127.0.0.1:6379/0"},
		"no user":         {"https://ec2.us-east-1.amazonaws.com", "https://ec2.us-east-1.amazonaws.com"},
		"query":           {"rediss://h:6380/0?password=s3cret&dial_timeout=1s", "rediss://h:6380/0"},
		"fragment":        {"http://h/#s3cret", "http://h/"},
		"breaks the URL":  {"redis://user:s3cr/et@127.0.0.1:6379/0", "(unparsable URL)"},
		"control char":    {"redis://h\x7f/0", "(unparsable URL)"},
		"empty":           {"", ""},
		"password only":   {"redis://:s3cret@h:6379", "redis://:xxxxx@h:6379"},
		"escaped in path": {"http://h/a%2Fb", "http://h/a%2Fb"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := redact.URL(tc.raw); got != tc.want {
				t.Errorf("URL(%q) = %q, want %q", tc.raw, got, tc.want)
			}
		})
	}
}

func ExampleURL() {
	fmt.Println(redact.URL("rediss://app:s3cret@cache:6380/0?password=x"))
	// Output: rediss://app:xxxxx@cache:6380/0
}
