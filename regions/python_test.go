package regions_test

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// requirePython runs script with python3 and returns its stdout. When
// python3 or the module it imports is missing, the test fails under CI=true
// and is skipped otherwise.
func requirePython(t *testing.T, script string) []byte {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		unavailable(t, "python3 not found")
	}
	if err := exec.Command("python3", "-c", "import boto3, botocore").Run(); err != nil {
		unavailable(t, "python3 cannot import boto3: "+err.Error())
	}
	cmd := exec.Command("python3", "-c", script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.String())
	}
	return out
}

func unavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why + " (required when CI=true)")
	}
	t.Skip(why)
}
