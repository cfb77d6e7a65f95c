package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/internal/awsapi"
	"github.com/awsaccount/awsaccount/regions"
)

const completionLong = `Print the shell completion script for bash, zsh or fish. It completes
commands, flags, services, operations, regions, profiles, output formats,
and the set paths (--set) of the config given with -c.

  bash:  source <(awsacct completion bash)
         or, for every session: awsacct completion bash > /etc/bash_completion.d/awsacct
  zsh:   awsacct completion zsh > "${fpath[1]}/_awsacct"   (with compinit enabled)
  fish:  awsacct completion fish > ~/.config/fish/completions/awsacct.fish`

func newCmdCompletion(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:       "completion bash|zsh|fish",
		Short:     "Print the shell completion script",
		Long:      completionLong,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || !slices.Contains(cmd.ValidArgs, args[0]) {
				return usageErr(cmd, "completion takes one of bash, zsh, fish")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(f.stdout, true)
			case "zsh":
				return root.GenZshCompletion(f.stdout)
			}
			return root.GenFishCompletion(f.stdout, true)
		},
	}
}

// completeCall completes call's SERVICE and OPERATION from
// internal/awsapi's tables.
func completeCall(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	switch len(args) {
	case 0:
		var out []cobra.Completion
		for _, s := range awsapi.Services() {
			if strings.HasPrefix(s.Name, strings.ToLower(toComplete)) {
				out = append(out, cobra.CompletionWithDesc(s.Name, s.SDKID))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	case 1:
		svc, err := awsapi.LookupService(args[0])
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, op := range svc.Operations() {
			if name := operationName(op, toComplete); strings.HasPrefix(name, toComplete) {
				out = append(out, name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// operationName spells an SDK operation name the way the word being
// completed does: DescribeInstances (it has a capital), describe_instances
// (boto3's, it has a '_'), else describe-instances (the AWS CLI's). call
// takes all three.
func operationName(sdk, toComplete string) string {
	switch {
	case strings.ToLower(toComplete) != toComplete:
		return sdk
	case strings.Contains(toComplete, "_"):
		return xformName(sdk, "_")
	}
	return xformName(sdk, "-")
}

var (
	firstCap = regexp.MustCompile(`(.)([A-Z][a-z]+)`)
	endCap   = regexp.MustCompile(`([a-z0-9])([A-Z])`)
)

// xformName is botocore's xform_name: DescribeDBInstances becomes
// describe_db_instances (with sep "_").
func xformName(name, sep string) string {
	s := firstCap.ReplaceAllString(name, "${1}"+sep+"${2}")
	return strings.ToLower(endCap.ReplaceAllString(s, "${1}"+sep+"${2}"))
}

// registerCompletions completes the flags of targetOptions and
// outputOptions on cmd.
func registerCompletions(f *factory, cmd *cobra.Command) {
	_ = cmd.MarkFlagFilename("config", "yaml", "yml")
	_ = cmd.RegisterFlagCompletionFunc("set", func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		path, _ := cmd.Flags().GetString("config")
		if path == "" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		file, err := configfile.Load(path, func(o *configfile.Options) { o.Data = f.templateData() })
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return prefixed(file.SetPaths(), toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("output", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return prefixed(formats, toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("region", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return prefixed(allRegions(), toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("regions", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		// A comma list: complete its last entry.
		done, last := "", toComplete
		if i := strings.LastIndex(toComplete, ","); i >= 0 {
			done, last = toComplete[:i+1], toComplete[i+1:]
		}
		var out []cobra.Completion
		for _, r := range prefixed(allRegions(), last) {
			out = append(out, done+r)
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
	_ = cmd.RegisterFlagCompletionFunc("profile", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return prefixed(sharedProfiles(f.getenv), toComplete), cobra.ShellCompDirectiveNoFileComp
	})
}

func prefixed(names []string, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

// allRegions lists the regions of every partition.
func allRegions() []string {
	var out []string
	for _, p := range regions.Partitions() {
		if rs, err := regions.Regions(p, "ec2", false); err == nil {
			out = append(out, rs...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sharedProfiles lists the profiles of the AWS shared config and
// credentials files ([profile NAME] and [default] in the one, [NAME] in
// the other), where the SDK looks for them.
func sharedProfiles(getenv func(string) string) []string {
	home, _ := os.UserHomeDir()
	files := []struct {
		env, def string
		config   bool
	}{
		{"AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"), true},
		{"AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials"), false},
	}
	var out []string
	for _, fl := range files {
		path := getenv(fl.env)
		if path == "" {
			path = fl.def
		}
		file, err := os.Open(path)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			name, ok := strings.CutPrefix(line, "[")
			if name, ok = strings.CutSuffix(name, "]"); !ok {
				continue
			}
			name = strings.TrimSpace(name)
			if fl.config {
				if p, isProfile := strings.CutPrefix(name, "profile "); isProfile {
					name = strings.TrimSpace(p)
				} else if name != "default" {
					continue // sso-session and services sections
				}
			}
			out = append(out, name)
		}
		file.Close()
	}
	slices.Sort(out)
	return slices.Compact(out)
}
