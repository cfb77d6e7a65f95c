package main

import (
	"context"
	"encoding/json"
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
// in set order, and who their accounts are.
type plan struct {
	set      *awsaccount.RegionalAccountSet
	targets  []*awsaccount.RegionalAccount
	accounts map[*awsaccount.Account]accountInfo
}

// info is the account of ra.
func (p *plan) info(ra *awsaccount.RegionalAccount) accountInfo { return p.accounts[ra.Account()] }

// prepare is every command's preamble: load the targets, narrow them to
// the regions asked for, and ask who their accounts are.
//
// An empty run is an error naming what emptied it (the config's filters,
// --shard) unless --allow-empty.
func (c *cli) prepare(ctx context.Context) (*plan, error) {
	c.mfa = newMFACodes(ctx, c.opts.mfaCode, c.f.askMFA)
	set, err := c.loadTargets(ctx)
	if err != nil {
		return nil, c.loadErr(ctx, err)
	}
	p := &plan{set: set, targets: set.Targets()}
	if len(p.targets) == 0 && !c.opts.allowEmpty {
		return nil, fmt.Errorf("no targets: %s select no region (--allow-empty accepts an empty run)", c.setName())
	}
	if c.opts.configFile != "" {
		if p.targets, err = narrowRegions(p.targets, c.opts.narrowing()); err != nil {
			return nil, err
		}
	}
	p.accounts = accountInfos(ctx, set, p.targets, c.opts.concurrency)
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
	// MFA codes are asked for now, before any request, once per device.
	// An empty path means the only set in the file; the error lists the
	// candidates when there are none or several.
	filled, err := c.specsWithMFACodes(ctx, file, o.setPath)
	if err != nil {
		return nil, err
	}
	if filled == nil {
		return file.RegionalAccountSet(ctx, o.setPath, reg)
	}
	set, err := reg.RegionalAccountSet(ctx, filled...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file.Name(), err)
	}
	return set, nil
}

// specsWithMFACodes asks for the codes of the MFA devices the set at path
// names: the profiles' (mfa_serial) and the roles' (SerialNumber). Roles
// of the file that name a device without a code, which the root's spec
// check refuses ("TokenCode is required with SerialNumber"), are given the
// code: the list is decoded as plain data, the codes filled in, and the
// specs decoded from that, which it returns. It returns nil when no role
// of the file needed a code: the file is then used as it is, with its
// positioned errors.
//
// SEAM(root): once a role may name SerialNumber alone and the root asks a
// TokenProvider at each assumption (a SessionOptions hook fed by
// mfaCodes.tokenProvider, as profiles' roles are fed today), the filling
// and re-decoding go.
func (c *cli) specsWithMFACodes(ctx context.Context, file *configfile.File, path string) ([]awsaccount.RegionalAccountsSpec, error) {
	if path == "" {
		if paths := file.SetPaths(); len(paths) == 1 {
			path = paths[0]
		}
	}
	var list []any
	if err := file.Decode(path, &list); err != nil {
		// No set there: RegionalAccountSet says so, with the candidates.
		return nil, nil
	}
	if err := c.mfa.askProfiles(ctx, profilesIn(list, c.f.getenv("AWS_PROFILE"))); err != nil {
		return nil, err
	}
	filled, err := c.mfa.fillCodes(ctx, list)
	if err != nil || !filled {
		return nil, err
	}
	// The filled list goes back through the config decoder, so that the
	// specs are decoded and checked as the file's are. It is data: no
	// template rendering.
	text, err := json.Marshal(map[string]any{"Set": list})
	if err != nil {
		return nil, err
	}
	f, err := configfile.Read(strings.NewReader("{% raw %}"+string(text)+"{% endraw %}"), file.Name(), func(o *configfile.Options) { o.Data = map[string]any{} })
	if err == nil {
		var specs []awsaccount.RegionalAccountsSpec
		if specs, err = f.RegionalAccountSpecs("Set"); err == nil {
			return specs, nil
		}
	}
	// Positions in the text made above mean nothing to the user: name
	// the key path in the file instead.
	var ce *configfile.Error
	if errors.As(err, &ce) {
		ce.Path = path + strings.TrimPrefix(ce.Path, "Set")
		ce.Line, ce.Column = 0, 0
	}
	return nil, err
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
