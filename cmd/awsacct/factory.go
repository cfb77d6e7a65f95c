package main

import (
	"context"
	"errors"
	"fmt"
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
		templateData: func() map[string]any { return configfile.Environ(os.Environ()) },
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
	// report asks prepare for the run report's collector (call --report).
	report bool
	tel    *telemetry // set by prepare; nil without report or export

	cancel context.CancelFunc // ends the run's context
	// interrupted reports whether the run was cancelled from outside
	// (Ctrl-C), as opposed to running out of --timeout.
	interrupted func() bool
}

// newRun starts a run with the command's target options. The context it
// returns ends at --timeout; close ends it.
func (f *factory) newRun(ctx context.Context, o *targetOptions) (context.Context, *cli) {
	level := slog.LevelWarn
	if o.verbose || o.debug {
		level = slog.LevelDebug
	}
	parent := ctx
	c := &cli{f: f, opts: o, log: slog.New(slog.NewTextHandler(f.stderr, &slog.HandlerOptions{Level: level})),
		interrupted: func() bool { return parent.Err() != nil }}
	if o.timeout > 0 {
		ctx, c.cancel = context.WithTimeout(ctx, o.timeout)
	} else {
		ctx, c.cancel = context.WithCancel(ctx)
	}
	return ctx, c
}

func (c *cli) close() {
	c.cancel()
	// The final export, bounded, also after an interrupt or --timeout.
	if err := c.tel.shutdown(context.Background()); err != nil {
		fmt.Fprintf(c.f.stderr, "awsacct: telemetry export: %v\n", err)
	}
	if c.redis != nil {
		c.redis.Close()
	}
}

// timedOut reports whether ctx, the run's, ended by --timeout.
func (c *cli) timedOut(ctx context.Context) bool {
	return !c.interrupted() && errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// end is a run's error once its rows are out: the interrupt (exit 130),
// errTargetsFailed when a target failed or --timeout cut the run short
// (exit 2, with a note), else nil.
func (c *cli) end(ctx context.Context, failed int) error {
	switch {
	case c.interrupted():
		return context.Canceled
	case c.timedOut(ctx):
		fmt.Fprintf(c.f.stderr, "awsacct: --timeout %v passed: the targets that had not finished failed with Timeout\n", c.opts.timeout)
		return errTargetsFailed
	case failed > 0:
		return errTargetsFailed
	}
	return nil
}

// loadErr is the error of a run that could not get its targets: said to
// be --timeout's doing when it was.
func (c *cli) loadErr(ctx context.Context, err error) error {
	if c.timedOut(ctx) {
		return fmt.Errorf("--timeout %v passed before the targets were ready: %w", c.opts.timeout, err)
	}
	return err
}

// registry is the run's factory of sessions and targets: quiet sessions
// logging to the run's logger.
func (c *cli) registry() *awsaccount.Registry {
	return awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.Logger = c.log
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.Logger = c.log
			// A role with an MFA device and no code asks the run's codes
			// (asked once per device, before any request).
			so.MFACode = func(serial string) (string, error) { return c.mfa.code(c.mfa.ctx, serial) }
			so.LoadOptions = append(so.LoadOptions, c.loadOptions()...)
		})
		o.Backends = c.backends()
		if mp, tp := c.tel.providers(); mp != nil || tp != nil {
			o.MeterProvider, o.TracerProvider = mp, tp
		}
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
