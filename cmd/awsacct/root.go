package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Exit statuses, the same for every command.
const (
	exitOK            = 0
	exitError         = 1 // bad arguments, bad config, nothing ran
	exitTargetsFailed = 2 // the command ran; at least one target failed
	exitInterrupted   = 130
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

const rootLong = `awsacct runs one AWS API operation across many accounts and regions,
speaking the AWS CLI's language.

Targets come from a config file (-c FILE, the seed's YAML format; --region
and --regions narrow it), or, without one, from the account of --profile
(or AWS_PROFILE, else the SDK's default chain) in its region, or in the
--regions given (names or globs such as 'us-*', comma separated).

SERVICE and OPERATION take the AWS CLI's names (ec2 describe-instances),
boto3's (describe_instances) or the SDK's (EC2 DescribeInstances).

Exit status: 0 when every target succeeded, 2 when any target failed, 1 when
the command could not run (bad arguments or config), 130 when interrupted.`

// errTargetsFailed reports that a command ran and some targets failed; their
// errors are already in the output.
var errTargetsFailed = errors.New("some targets failed")

// errUsageShown ends a run whose usage text is already on stderr.
var errUsageShown = errors.New("usage")

// usageError is a mistake in the command line: the message, then where
// to read the usage.
type usageError struct {
	cmd string // "awsacct call"
	err error
}

func (e *usageError) Error() string {
	return fmt.Sprintf("%v\nRun '%s --help' for usage.", e.err, e.cmd)
}

func (e *usageError) Unwrap() error { return e.err }

func usageErr(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd.CommandPath(), err: fmt.Errorf(format, args...)}
}

// newCmdRoot builds the awsacct command and its subcommands.
func newCmdRoot(f *factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "awsacct",
		Short:         "Run one AWS API operation across many accounts and regions",
		Long:          rootLong,
		Version:       versionString(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// No command: the usage, on stderr, and exit 1.
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(f.stderr)
			_ = cmd.Usage()
			return errUsageShown
		},
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	// --version has no -v: that is every command's --verbose.
	root.Flags().Bool("version", false, "print the version")
	root.SetOut(f.stdout)
	root.SetErr(f.stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{cmd: cmd.CommandPath(), err: err}
	})
	root.AddCommand(
		newCmdTargets(f, nil),
		newCmdAccounts(f, nil),
		newCmdWhoami(f, nil),
		newCmdCall(f, nil),
		newCmdVersion(f),
		newCmdCompletion(f),
	)
	return root
}

// execute runs the command line args and returns the exit status.
func execute(ctx context.Context, f *factory, args []string) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(f.stderr, "awsacct: internal error (please report it): %v\n", p)
			code = exitError
		}
	}()
	root := newCmdRoot(f)
	root.SetArgs(args)
	return exitCode(ctx, root.ExecuteContext(ctx), f.stderr)
}

func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "awsacct: interrupted")
		return exitInterrupted
	case errors.Is(err, errTargetsFailed):
		return exitTargetsFailed
	case errors.Is(err, errUsageShown):
		return exitError
	default:
		fmt.Fprintln(stderr, "awsacct:", err)
		return exitError
	}
}

func newCmdVersion(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(f.stdout, versionString())
			return err
		},
	}
}

// versionString is "awsacct <version> <go version>": the -ldflags version,
// else the module's, else the VCS revision.
func versionString() string {
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
	return fmt.Sprintf("awsacct %s %s", v, strings.TrimSpace(goVersion))
}
