package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/regions"
)

// plan is what a command acts on once its preamble is done: the targets,
// in set order, and who their accounts are.
type plan struct {
	set      *awsaccount.RegionalAccountSet
	targets  []*awsaccount.RegionalAccount
	accounts map[*awsaccount.Account]accountInfo
}

// info is the account of ra.
func (p *plan) info(ra *awsaccount.RegionalAccount) accountInfo { return p.accounts[ra.Account()] }

// failedAccounts counts the accounts whose identity lookup failed.
func (p *plan) failedAccounts() int {
	n := 0
	for _, i := range p.accounts {
		if i.err != nil {
			n++
		}
	}
	return n
}

// prepare is every command's preamble: load the targets and ask who their
// accounts are.
func (c *cli) prepare(ctx context.Context) (*plan, error) {
	set, err := c.loadTargets(ctx)
	if err != nil {
		return nil, err
	}
	p := &plan{set: set, targets: set.Targets()}
	p.accounts = accountInfos(ctx, set, p.targets, c.opts.concurrency)
	return p, nil
}

// loadTargets resolves the set of targets the command acts on.
func (c *cli) loadTargets(ctx context.Context) (*awsaccount.RegionalAccountSet, error) {
	reg := c.registry()
	o := c.opts
	if o.configFile == "" {
		return c.defaultChainTargets(ctx, reg)
	}
	if o.region != "" || len(o.regions) > 0 {
		return nil, errors.New("--region and --regions are for use without -c: the config file's filters choose regions")
	}
	file, err := configfile.Load(o.configFile, func(fo *configfile.Options) { fo.Data = c.f.templateData() })
	if err != nil {
		return nil, err
	}
	// An empty path means the only set in the file; the error lists the
	// candidates when there are none or several.
	return file.RegionalAccountSet(ctx, o.setPath, reg)
}

// defaultChainTargets is one account from the SDK's default chain, in
// --region or the --regions given.
func (c *cli) defaultChainTargets(ctx context.Context, reg *awsaccount.Registry) (*awsaccount.RegionalAccountSet, error) {
	o := c.opts
	region := o.region
	if region == "" {
		region = c.f.getenv("AWS_REGION")
	}
	if region == "" {
		region = c.f.getenv("AWS_DEFAULT_REGION")
	}
	include := o.regions
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

// firstAccountError joins the errors of the accounts that could not say
// who they are.
func (p *plan) firstAccountError() error {
	var errs []error
	for _, i := range p.accounts {
		if i.err != nil {
			errs = append(errs, i.err)
		}
	}
	return errors.Join(errs...)
}
