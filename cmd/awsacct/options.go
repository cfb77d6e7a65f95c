package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/awsaccount/awsaccount"
)

// targetOptions are the flags of every command that acts on targets.
type targetOptions struct {
	configFile  string
	setPath     string
	region      string
	regions     []string
	concurrency int
	verbose     bool
	noProgress  bool
}

func (o *targetOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.configFile, "config", "c", "", "config `FILE` (the seed's YAML format)")
	fs.StringVar(&o.setPath, "set", "", "dotted `PATH` of the RegionalAccountSet list in the config (default: the only one)")
	fs.StringVar(&o.region, "region", "", "without -c: the region (default AWS_REGION)")
	fs.StringSliceVar(&o.regions, "regions", nil, "without -c: regions or globs, comma separated (e.g. 'us-*,eu-west-1')")
	fs.IntVar(&o.concurrency, "concurrency", awsaccount.DefaultConcurrency, "targets worked on at once")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "debug logs on stderr")
	fs.BoolVar(&o.noProgress, "no-progress", false, "no progress line on stderr")
}

func (o *targetOptions) validate() error {
	if o.concurrency < 1 {
		return fmt.Errorf("--concurrency %d: want at least 1", o.concurrency)
	}
	return nil
}

// outputOptions choose how a command prints its rows.
type outputOptions struct {
	format  string
	allowed []string // the formats the command prints
}

func (o *outputOptions) addFlags(fs *pflag.FlagSet, allowed ...string) {
	o.allowed = allowed
	fs.StringVarP(&o.format, "output", "o", "table", "output `FORMAT`: "+strings.Join(allowed, ", "))
}

func (o *outputOptions) validate() error {
	if !slices.Contains(o.allowed, o.format) {
		return fmt.Errorf("--output %q: want one of %s", o.format, strings.Join(o.allowed, ", "))
	}
	return nil
}
