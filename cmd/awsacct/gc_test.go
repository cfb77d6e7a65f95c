package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestTuneGC: the CLI collects garbage at GOGC=50 unless GOGC is set.
func TestTuneGC(t *testing.T) {
	restore := debug.SetGCPercent(100)
	defer debug.SetGCPercent(restore)

	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC") // unset, not empty; t.Setenv restores it
	tuneGC()
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("GOGC unset: the collector's target is %d%%, want 50%%", got)
	}
	t.Setenv("GOGC", "100")
	tuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC=100: the collector's target is %d%%, want the environment's 100%%", got)
	}
}
