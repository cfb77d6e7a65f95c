package awstest

import (
	"os"
	"strings"
)

// IsolateEnv clears what the SDK would read from the caller's environment
// (credentials, profiles, endpoints, regions, instance metadata), so tests
// see only what they set. Call it from TestMain, before any test runs: it
// changes the process environment.
func IsolateEnv() {
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") {
			os.Unsetenv(k)
		}
	}
	os.Setenv("AWS_CONFIG_FILE", os.DevNull)
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}
