package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// parse runs cmd on args with its run function replaced (the runF seam):
// flag parsing and validation only, no config, no request.
func parse(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.Execute()
}

func TestCallFlags(t *testing.T) {
	f, _, _ := testFactory()
	var got *callOptions
	runF := func(o *callOptions) error { got = o; return nil }
	err := parse(t, newCmdCall(f, runF), "ec2", "-c", "f.yaml", "describe_instances", "--paginate",
		"--input", `{"MaxResults": 5}`, "--regions", "us-*,eu-west-1", "--regions", "ap-south-1", "-o", "jsonl", "--concurrency", "3", "-v")
	if err != nil {
		t.Fatal(err)
	}
	if got.service != "ec2" || got.operation != "describe_instances" || !got.paginate || got.input != `{"MaxResults": 5}` ||
		got.targets.configFile != "f.yaml" || got.targets.concurrency != 3 || !got.targets.verbose || got.output.format != "jsonl" ||
		!slices.Equal(got.targets.regions, []string{"us-*", "eu-west-1", "ap-south-1"}) {
		t.Fatalf("parsed %+v", got)
	}
}

func TestFlagErrors(t *testing.T) {
	f, _, _ := testFactory()
	never := func(name string) func() *cobra.Command {
		fail := func() error { t.Errorf("%s: ran despite a bad command line", name); return nil }
		switch name {
		case "call":
			return func() *cobra.Command { return newCmdCall(f, func(*callOptions) error { return fail() }) }
		case "targets":
			return func() *cobra.Command { return newCmdTargets(f, func(*targetsOptions) error { return fail() }) }
		}
		return func() *cobra.Command { return newCmdWhoami(f, func(*whoamiOptions) error { return fail() }) }
	}
	tests := map[string]struct {
		cmd  string
		args []string
		want string
	}{
		"one argument":      {"call", []string{"ec2"}, "call takes SERVICE OPERATION, got 1 arguments"},
		"bad output":        {"call", []string{"ec2", "x", "-o", "xml"}, `--output "xml": want one of`},
		"bad concurrency":   {"call", []string{"ec2", "x", "--concurrency", "0"}, "--concurrency 0"},
		"unknown flag":      {"targets", []string{"--frobnicate"}, "unknown flag: --frobnicate"},
		"targets with args": {"targets", []string{"extra"}, `targets takes no arguments, got ["extra"]`},
		"whoami output":     {"whoami", []string{"-o", "jsonx"}, `--output "jsonx"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := parse(t, never(tc.cmd)(), tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			var ue *usageError
			if strings.Contains(name, "argument") && !errors.As(err, &ue) {
				t.Fatalf("%v is not a usage error", err)
			}
		})
	}
}

// The factory's environment, not the process's, gives the defaults.
func TestOutputDefaultFromEnvironment(t *testing.T) {
	f, _, _ := testFactory()
	f.getenv = func(k string) string { return map[string]string{"AWS_DEFAULT_OUTPUT": "json"}[k] }
	var got *whoamiOptions
	if err := parse(t, newCmdWhoami(f, func(o *whoamiOptions) error { got = o; return nil }), "--profile", "p"); err != nil {
		t.Fatal(err)
	}
	if got.output.format != "json" || got.targets.profile != "p" {
		t.Fatalf("parsed %+v", got)
	}
}

// --input and --cli-input-json take JSON, @FILE and file://PATH, and the
// input is checked before any request.
func TestInputForms(t *testing.T) {
	dir := t.TempDir()
	body := `{"MaxResults": 5}`
	if err := os.WriteFile(filepath.Join(dir, "in.json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(dir, "in.json")
	t.Chdir(dir)
	forms := map[string][]string{
		"inline":                   {"--input", body},
		"@file":                    {"--input", "@" + abs},
		"file:// absolute":         {"--input", "file://" + abs},
		"file:// relative":         {"--input", "file://in.json"},
		"cli-input-json, file://":  {"--cli-input-json", "file://" + abs},
		"cli-input-json, inline":   {"--cli-input-json", body},
		"cli-input-json, relative": {"--cli-input-json", "@in.json"},
	}
	for name, flags := range forms {
		t.Run(name, func(t *testing.T) {
			f, _, _ := testFactory()
			var got *callOptions
			if err := parse(t, newCmdCall(f, func(o *callOptions) error { got = o; return nil }), append([]string{"ec2", "describe_instances"}, flags...)...); err != nil {
				t.Fatal(err)
			}
			spec, err := got.prepareCall()
			if err != nil {
				t.Fatal(err)
			}
			if string(spec.inputJSON) != body {
				t.Fatalf("input %q, want %q", spec.inputJSON, body)
			}
		})
	}
	errs := map[string]struct {
		flags []string
		want  string
	}{
		"both flags":      {[]string{"--input", "{}", "--cli-input-json", "{}"}, "one flag by two names"},
		"missing file":    {[]string{"--cli-input-json", "file://nope.json"}, "--cli-input-json: open nope.json"},
		"bad JSON":        {[]string{"--input", "{"}, "--input: awsapi: EC2 DescribeInstances input"},
		"unknown field":   {[]string{"--input", `{"MaxResult": 5}`}, "MaxResults"},
		"unknown in file": {[]string{"--input", "file://" + writeTemp(t, `{"Nope": 1}`)}, "Nope"},
	}
	for name, tc := range errs {
		t.Run(name, func(t *testing.T) {
			f, _, _ := testFactory()
			var got *callOptions
			err := parse(t, newCmdCall(f, func(o *callOptions) error { got = o; return nil }), append([]string{"ec2", "describe_instances"}, tc.flags...)...)
			if err == nil {
				_, err = got.prepareCall()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func writeTemp(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
