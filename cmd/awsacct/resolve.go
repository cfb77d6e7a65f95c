package main

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/regions"
)

// plan is what a command acts on once its preamble is done: the targets,
// in set order, and the book of who their accounts are.
type plan struct {
	set     *awsaccount.RegionalAccountSet
	targets []*awsaccount.RegionalAccount
	book    *accountBook
}

// info is the account of ra, as far as the book knows it.
func (p *plan) info(ra *awsaccount.RegionalAccount) accountInfo { return p.book.known(ra) }

// prepare is every command's preamble: load the targets and narrow them to
// the regions asked for. With lookupAll (whoami, targets: the accounts are
// their output) it asks who every account is, concurrently; otherwise
// accounts are asked when their first target runs, inside the fan-out,
// except under --shard, which needs every account's id first.
//
// An empty run is an error naming what emptied it (the config's filters,
// --shard) unless --allow-empty.
func (c *cli) prepare(ctx context.Context, lookupAll, withARN bool) (*plan, error) {
	var err error
	if c.tel, err = startTelemetry(ctx, c.f.getenv, c.f.stderr, c.report); err != nil {
		return nil, err
	}
	c.mfa = newMFACodes(ctx, c.opts.mfaCode, c.f.askMFA)
	set, err := c.loadTargets(ctx)
	if err != nil {
		return nil, c.loadErr(ctx, err)
	}
	p := &plan{set: set, targets: set.Targets(), book: newAccountBook(withARN)}
	if len(p.targets) == 0 && !c.opts.allowEmpty {
		return nil, fmt.Errorf("no targets: %s select no region (--allow-empty accepts an empty run)", c.setName())
	}
	if c.opts.configFile != "" {
		if p.targets, err = narrowRegions(p.targets, c.opts.narrowing()); err != nil {
			return nil, err
		}
	}
	if lookupAll || c.opts.shard.n > 1 {
		p.book.lookupAll(ctx, set, p.targets, c.opts.concurrency)
	}
	if sh := c.opts.shard; sh.n > 1 {
		all := p.targets
		p.targets = slices.DeleteFunc(slices.Clone(all), func(ra *awsaccount.RegionalAccount) bool {
			return !sh.holds(p.info(ra).shardKey(), ra.Region())
		})
		if len(p.targets) == 0 && !c.opts.allowEmpty {
			return nil, fmt.Errorf("no targets: --shard %s holds none of the %d targets (--allow-empty accepts an empty run)", sh.String(), len(all))
		}
	}
	return p, nil
}

// setName names the set of targets for messages: the config's set, or the
// account and regions without one.
func (c *cli) setName() string {
	o := c.opts
	switch {
	case o.configFile != "" && o.setPath != "":
		return fmt.Sprintf("the Filters of %s in %s", o.setPath, o.configFile)
	case o.configFile != "":
		return fmt.Sprintf("the Filters of the set in %s", o.configFile)
	}
	return "--regions" // never empty: each entry must name a region
}

// narrowRegions keeps the targets whose region one of entries (names or
// globs) names. An entry that names no target is an error: a typo must not
// silently drop coverage. No entries keep every target.
func narrowRegions(targets []*awsaccount.RegionalAccount, entries []string) ([]*awsaccount.RegionalAccount, error) {
	if len(entries) == 0 {
		return targets, nil
	}
	keep := make([]bool, len(targets))
	for _, e := range entries {
		if _, err := path.Match(e, ""); err != nil {
			return nil, fmt.Errorf("--regions %q: %w", e, err)
		}
		matched := false
		for i, ra := range targets {
			if ok, _ := path.Match(e, ra.Region()); ok {
				keep[i], matched = true, true
			}
		}
		if !matched {
			return nil, fmt.Errorf("--regions %q: the config has no target in it (its regions: %s)", e, strings.Join(regionsOf(targets), ", "))
		}
	}
	var out []*awsaccount.RegionalAccount
	for i, ra := range targets {
		if keep[i] {
			out = append(out, ra)
		}
	}
	return out, nil
}

// regionsOf lists the distinct regions of targets, sorted.
func regionsOf(targets []*awsaccount.RegionalAccount) []string {
	var out []string
	for _, ra := range targets {
		out = append(out, ra.Region())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// loadTargets resolves the set of targets the command acts on.
func (c *cli) loadTargets(ctx context.Context) (*awsaccount.RegionalAccountSet, error) {
	reg := c.registry()
	o := c.opts
	if o.configFile == "" {
		return c.defaultChainTargets(ctx, reg)
	}
	file, err := configfile.Load(o.configFile, func(fo *configfile.Options) { fo.Data = c.f.templateData() })
	if err != nil {
		return nil, err
	}
	// MFA codes are asked for now, before any request, once per device;
	// the roles get them through the sessions' MFACode hook. An empty path
	// means the only set in the file; the error lists the candidates when
	// there are none or several.
	if err := c.askMFACodes(ctx, file, o.setPath); err != nil {
		return nil, err
	}
	return file.RegionalAccountSet(ctx, o.setPath, reg)
}

// askMFACodes asks for the codes of the MFA devices the set at path names:
// the profiles' (mfa_serial) and the roles' (SerialNumber without a
// TokenCode), once per device, so that no question comes up in the middle
// of a run.
func (c *cli) askMFACodes(ctx context.Context, file *configfile.File, path string) error {
	if path == "" {
		if paths := file.SetPaths(); len(paths) == 1 {
			path = paths[0]
		}
	}
	var list []any
	if err := file.Decode(path, &list); err != nil {
		return nil // no set there: RegionalAccountSet says so, with the candidates
	}
	if err := c.mfa.askProfiles(ctx, profilesIn(list, c.f.getenv("AWS_PROFILE"))); err != nil {
		return err
	}
	return c.mfa.askRoles(ctx, list)
}

// defaultChainTargets is one account, from --profile (or AWS_PROFILE) or
// else the SDK's default chain, in the --regions given, else in --region,
// else in the region the SDK resolves (AWS_REGION, the profile's region).
func (c *cli) defaultChainTargets(ctx context.Context, reg *awsaccount.Registry) (*awsaccount.RegionalAccountSet, error) {
	o := c.opts
	params := awsaccount.SessionParameters{Profile: o.profile, Region: o.region}
	if params.Profile == "" {
		// The SDK reads AWS_PROFILE too; naming it makes errors say
		// "profile NAME" rather than "default credentials".
		params.Profile = c.f.getenv("AWS_PROFILE")
	}
	if params.Profile != "" {
		if err := c.mfa.askProfiles(ctx, []string{params.Profile}); err != nil {
			return nil, err
		}
	}
	include := o.regions
	if len(include) == 0 {
		region := o.region
		if region == "" {
			// The registry keeps this session: the targets below use it.
			s, err := reg.Session(ctx, params)
			if err != nil {
				return nil, err
			}
			region = s.Config().Region
		}
		if region == "" {
			return nil, errors.New("no region: give -c FILE, --region or --regions, set AWS_REGION, or give the profile a region")
		}
		include = []string{region}
	}
	partition := regions.DefaultPartition
	if p, ok := regions.PartitionOf(include[0]); ok {
		partition = p
	}
	spec := awsaccount.RegionalAccountsSpec{
		Account: awsaccount.AccountSpec{SessionParameters: params},
		Filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{
			partition: {Regions: regions.RegionFilter{Include: include}},
		}},
	}
	set, err := reg.RegionalAccountSet(ctx, spec)
	var fe awsaccount.FieldError
	if errors.As(err, &fe) {
		return nil, fmt.Errorf("--regions: %w", err)
	}
	return set, err
}
