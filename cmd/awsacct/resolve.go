package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/regions"
)

// commonFlags are the flags every target-taking command has.
type commonFlags struct {
	configFile string
	setPath    string
	region     string
	regions    stringList
	output     string
	verbose    bool
	noProgress bool
}

func (f *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.configFile, "c", "", "config `FILE` (the seed's YAML format)")
	fs.StringVar(&f.configFile, "config", "", "config `FILE` (same as -c)")
	fs.StringVar(&f.setPath, "set", "", "dotted `PATH` of the RegionalAccountSet list in the config (default: the only one)")
	fs.StringVar(&f.region, "region", "", "without -c: the region (default AWS_REGION)")
	fs.Var(&f.regions, "regions", "without -c: regions or globs, comma separated (e.g. 'us-*,eu-west-1')")
	fs.StringVar(&f.output, "o", "table", "output `FORMAT`: table, json or jsonl")
	fs.BoolVar(&f.verbose, "v", false, "debug logs on stderr")
	fs.BoolVar(&f.noProgress, "no-progress", false, "no progress line on stderr")
}

func (f *commonFlags) checkOutput(allowed ...string) error {
	for _, a := range allowed {
		if f.output == a {
			return nil
		}
	}
	return fmt.Errorf("-o %q: want one of %s", f.output, strings.Join(allowed, ", "))
}

// registry is the CLI's factory: quiet sessions logging to the CLI's logger.
func (c *cli) registry() *awsaccount.Registry {
	return awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.Logger = c.log
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) { so.Logger = c.log })
		o.Backends = c.backends()
	})
}

// targets resolves the set of targets the command acts on.
func (c *cli) targets(ctx context.Context) (*awsaccount.RegionalAccountSet, error) {
	reg := c.registry()
	f := c.common
	if f.configFile == "" {
		return c.defaultChainTargets(ctx, reg)
	}
	if f.region != "" || len(f.regions) > 0 {
		return nil, errors.New("--region and --regions are for use without -c: the config file's filters choose regions")
	}
	file, err := configfile.Load(f.configFile, func(o *configfile.Options) { o.Data = envMap(c.environ()) })
	if err != nil {
		return nil, err
	}
	// An empty path means the only set in the file; the error lists the
	// candidates when there are none or several.
	return file.RegionalAccountSet(ctx, f.setPath, reg)
}

// defaultChainTargets is one account from the SDK's default chain, in
// --region or the --regions given.
func (c *cli) defaultChainTargets(ctx context.Context, reg *awsaccount.Registry) (*awsaccount.RegionalAccountSet, error) {
	f := c.common
	region := f.region
	if region == "" {
		region = c.getenv("AWS_REGION")
	}
	if region == "" {
		region = c.getenv("AWS_DEFAULT_REGION")
	}
	include := []string(f.regions)
	if len(include) == 0 {
		if region == "" {
			return nil, errors.New("no region: give -c FILE, --region, --regions or set AWS_REGION")
		}
		include = []string{region}
	}
	partition := regions.DefaultPartition
	if p, ok := regions.PartitionOf(include[0]); ok {
		partition = p
	}
	spec := awsaccount.RegionalAccountsSpec{
		Account: awsaccount.AccountSpec{SessionParameters: awsaccount.SessionParameters{Region: region}},
		Filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{
			partition: {Regions: regions.RegionFilter{Include: include}},
		}},
	}
	set, err := reg.RegionalAccountSet(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("--regions: %w", err)
	}
	return set, nil
}

func envMap(environ []string) map[string]any {
	m := make(map[string]any, len(environ))
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}
