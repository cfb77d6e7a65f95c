package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

// Exit statuses.
const (
	exitOK            = 0
	exitError         = 1 // bad arguments, bad config, nothing ran
	exitTargetsFailed = 2 // the command ran; at least one target failed
	exitInterrupted   = 130
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

const usage = `awsacct runs one AWS API operation across many accounts and regions.

Usage:
  awsacct targets -c FILE [--set PATH] [-o table|json]
  awsacct whoami  -c FILE [--set PATH] [-o table|json]
  awsacct call SERVICE OPERATION -c FILE [--set PATH] [--input JSON|@file]
               [--paginate] [--concurrency N] [-o table|json|jsonl]
  awsacct version

Without -c, the one account of the SDK's default credential chain is used,
in --region (or AWS_REGION), or in the --regions given (names or globs such
as 'us-*', comma separated).

SERVICE and OPERATION take the SDK's names (EC2 DescribeInstances) or
boto3's (ec2 describe_instances).

Exit status: 0 when every target succeeded, 2 when any target failed, 1 when
the command could not run (bad arguments or config), 130 when interrupted.
`

// env is what a command reads from its environment; tests replace it.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	environ        func() []string
	isTerminal     func(io.Writer) bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runEnv(ctx, args, env{stdout: stdout, stderr: stderr, getenv: os.Getenv, environ: os.Environ, isTerminal: isTerminal})
}

func runEnv(ctx context.Context, args []string, e env) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(e.stderr, "awsacct: internal error (please report it): %v\n", p)
			code = exitError
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitError
	}
	var err error
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version", "--version", "-version":
		err = runVersion(e.stdout)
	case "targets":
		err = runCommand(ctx, rest, e, newTargetsCommand())
	case "whoami":
		err = runCommand(ctx, rest, e, newWhoamiCommand())
	case "call":
		err = runCommand(ctx, rest, e, newCallCommand())
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(e.stderr, "awsacct: unknown command %q\n\n%s", cmd, usage)
		return exitError
	}
	return exitCode(ctx, err, e.stderr)
}

// errTargetsFailed reports that a command ran and some targets failed; their
// errors are already in the output.
var errTargetsFailed = errors.New("some targets failed")

func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "awsacct: interrupted")
		return exitInterrupted
	case errors.Is(err, errTargetsFailed):
		return exitTargetsFailed
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	default:
		fmt.Fprintln(stderr, "awsacct:", err)
		return exitError
	}
}

// command is one subcommand: its flags and what it does.
type command interface {
	name() string
	flags(fs *flag.FlagSet)
	args(positional []string) error
	run(ctx context.Context, c *cli) error
}

// cli carries what every command shares.
type cli struct {
	env
	common *commonFlags
	log    *slog.Logger
	redis  *redislimit.Backend // opened by backends, closed by runCommand
}

func runCommand(ctx context.Context, args []string, e env, cmd command) error {
	fs := flag.NewFlagSet("awsacct "+cmd.name(), flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	common := &commonFlags{}
	common.register(fs)
	cmd.flags(fs)
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := cmd.args(positional); err != nil {
		return err
	}
	level := slog.LevelWarn
	if common.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	c := &cli{env: e, common: common, log: logger}
	defer func() {
		if c.redis != nil {
			c.redis.Close()
		}
	}()
	return cmd.run(ctx, c)
}

func runVersion(w io.Writer) error {
	v := version
	goVersion := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		if v == "" {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 12 {
					v = "devel-" + s.Value[:12]
				}
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	_, err := fmt.Fprintf(w, "awsacct %s %s\n", v, strings.TrimSpace(goVersion))
	return err
}
