package redislimit_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoRootDependency: a program that shares its limits through Redis
// links the rate limiter and a Redis client, not the root package and the
// AWS SDK behind it (the config spec types live in package ratelimit).
func TestNoRootDependency(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/awsaccount/awsaccount/ratelimit/redislimit").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "github.com/awsaccount/awsaccount" || strings.HasPrefix(pkg, "github.com/aws/") {
			t.Errorf("redislimit depends on %s", pkg)
		}
	}
}
