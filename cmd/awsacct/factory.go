package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

// factory is what every command is built from (gh's cmdutil.Factory):
// where it writes, what it reads of its environment, and how a run loads
// its targets. main builds the real one; tests build theirs around
// buffers, and check a command's flag parsing through its runF seam
// without loading anything.
type factory struct {
	stdout, stderr io.Writer
	// getenv reads the CLI's own variables. The SDK reads the process
	// environment itself.
	getenv func(string) string
	// templateData returns the variables of config templates.
	templateData func() map[string]any
	isTerminal   func(io.Writer) bool
	// askMFA asks a person for an MFA device's current code.
	askMFA func(ctx context.Context, serial string) (string, error)
}

func newFactory(stdout, stderr io.Writer) *factory {
	return &factory{
		stdout: stdout, stderr: stderr,
		getenv:       os.Getenv,
		templateData: configfile.Environ,
		isTerminal:   isTerminal,
		askMFA:       askOnTerminal,
	}
}

// cli is one run of a command: its options, its logger and what it
// opened. close releases what it opened.
type cli struct {
	f     *factory
	opts  *targetOptions
	log   *slog.Logger
	redis *redislimit.Backend // opened by backends, closed by close
	mfa   *mfaCodes           // set by prepare
}

// newRun starts a run with the command's target options.
func (f *factory) newRun(o *targetOptions) *cli {
	level := slog.LevelWarn
	if o.verbose || o.debug {
		level = slog.LevelDebug
	}
	return &cli{f: f, opts: o, log: slog.New(slog.NewTextHandler(f.stderr, &slog.HandlerOptions{Level: level}))}
}

func (c *cli) close() {
	if c.redis != nil {
		c.redis.Close()
	}
}

// registry is the run's factory of sessions and targets: quiet sessions
// logging to the run's logger.
func (c *cli) registry() *awsaccount.Registry {
	return awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.Logger = c.log
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.Logger = c.log
			so.LoadOptions = append(so.LoadOptions, c.loadOptions()...)
		})
		o.Backends = c.backends()
	})
}

// loadOptions are the run's additions to every session's SDK config.
func (c *cli) loadOptions() []func(*config.LoadOptions) error {
	load := []func(*config.LoadOptions) error{c.mfa.loadOption()}
	if u := c.opts.endpointURL; u != "" {
		// The SDK's global endpoint: every service, in the SDK's order of
		// precedence below per-service settings of the config's
		// ServiceEndpoints, and above AWS_ENDPOINT_URL and
		// AWS_ENDPOINT_URL_<SERVICE>.
		load = append(load, config.WithBaseEndpoint(u))
	}
	if c.opts.debug {
		d := &debugLog{log: c.log}
		load = append(load, config.WithAPIOptions([]func(*middleware.Stack) error{d.addTo}))
	}
	return load
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
