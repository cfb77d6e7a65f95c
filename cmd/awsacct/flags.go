package main

import (
	"flag"
	"fmt"
	"strings"
)

// parseInterleaved parses flags that may come before, between or after the
// positional arguments (`awsacct call ec2 describe_instances -c f.yaml`),
// which the flag package alone stops at. "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if rest[0] == "--" {
			return append(positional, rest[1:]...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// stringList is a flag that may be given several times or as a comma list.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

func (s *stringList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*s = append(*s, part)
		}
	}
	return nil
}

// noArgs is the args check of a command that takes none.
func noArgs(cmd string, positional []string) error {
	if len(positional) > 0 {
		return fmt.Errorf("%s takes no arguments, got %q", cmd, positional)
	}
	return nil
}
