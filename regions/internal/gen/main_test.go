package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestUpToDate regenerates the tables from the installed botocore and
// compares them with the committed ../../tables_gen.go. Without python3 and
// botocore it fails when CI=true and is skipped otherwise.
func TestUpToDate(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		unavailable(t, "python3 not found")
	}
	dir, err := BotocoreDir()
	if err != nil {
		unavailable(t, err.Error())
	}
	got, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "tables_gen.go")
	if err := run(out, dir); err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, got) {
		t.Fatal("run and Generate disagree")
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "tables_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("regions/tables_gen.go is stale for botocore in %s: run go generate ./regions", dir)
	}
}

func unavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why + " (required when CI=true)")
	}
	t.Skip(why)
}
