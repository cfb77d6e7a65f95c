package regions

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
)

// Filter selects regions across partitions: the Container Filter
// Specification of a RegionalAccounts container. In YAML:
//
//	Partitions:
//	  aws:                       # a partition name; no partitions means {aws: {}}
//	    IncludeNonRegional: true # also non-regional endpoint names; default false
//	    Regions:
//	      include: [us-*]        # absent or empty: every region of the partition
//	      exclude: [us-west-1]   # wins over include
//
// The zero Filter selects every region of the aws partition. A Filter is a
// plain value: methods do not modify it and are safe for concurrent use as
// long as no goroutine modifies the maps and slices it refers to; a holder
// that mutates a filter keeps a private Clone under its own lock.
type Filter struct {
	// Partitions maps a partition name to its filter. Nil or empty means
	// {DefaultPartition: {}}.
	Partitions map[string]PartitionFilter `yaml:"Partitions,omitempty" json:"Partitions,omitempty"`
}

// PartitionFilter selects regions within one partition.
type PartitionFilter struct {
	// IncludeNonRegional adds the service's non-regional endpoint names
	// ("aws-global", "fips-us-east-1", ...) to the candidates, as boto3's
	// allow_non_regional does.
	IncludeNonRegional bool `yaml:"IncludeNonRegional,omitempty" json:"IncludeNonRegional,omitempty"`
	// Regions narrows the candidates. Its JSON tag is omitzero, not
	// omitempty (which never omits a struct), so String stays terse.
	Regions RegionFilter `yaml:"Regions,omitempty" json:"Regions,omitzero"`
}

// RegionFilter narrows a partition's candidate names. Each entry is a region
// name or a glob with path.Match syntax ("us-*", "*-west-?", "eu-[nw]*").
type RegionFilter struct {
	// Include keeps the candidates that an entry names or matches. Absent
	// (nil) or empty keeps all candidates: the two cannot be told apart once
	// the filter is encoded with omitempty, so they must mean the same. To
	// select nothing from a partition, leave the partition out.
	Include []string `yaml:"include,omitempty" json:"include,omitempty"`
	// Exclude drops the candidates that an entry names or matches, even
	// when Include keeps them.
	Exclude []string `yaml:"exclude,omitempty" json:"exclude,omitempty"`
}

// Validate checks f against the tables, independently of any service:
//
//   - every partition name must be known (ErrUnknownPartition);
//   - a literal entry of include or exclude must be a region of its
//     partition, or, with IncludeNonRegional, a non-regional endpoint name
//     of some service in it (ErrUnknownRegion, with a suggestion);
//   - a glob must be well formed (ErrBadPattern) and match at least one such
//     name (ErrNoMatch): a typo must not silently drop coverage.
//
// All problems are reported, joined with errors.Join, each a *FilterError
// whose Path names the key, e.g. "Partitions.aws.Regions.include[1]".
func (f Filter) Validate() error {
	var errs []error
	var unknown []string
	for name := range f.Partitions {
		if lookupPartition(name) == nil {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		errs = append(errs, &FilterError{
			Path: "Partitions." + name,
			Err:  &NameError{Kind: ErrUnknownPartition, Name: name, Hint: suggest(name, Partitions())},
		})
	}
	f.each(func(p *partition, pf PartitionFilter) {
		errs = pf.validate(p, errs)
	})
	return errors.Join(errs...)
}

// Regions returns the names f selects for service from the generated
// tables: for each partition, the service's names as Regions(partition,
// service, IncludeNonRegional) lists them, narrowed by include and exclude.
// The result is sorted and free of duplicates; the caller owns it.
// An invalid filter (see Validate) or an unknown service is an error.
func (f Filter) Regions(service string) ([]string, error) {
	return f.Select(service, nil)
}

// Select is Regions with the candidates narrowed, per partition, to the
// regions available reports, typically the regions enabled for an account
// (EC2 DescribeRegions), so that opt-in regions that are off are left out.
// Non-regional names are kept: no region listing names them. A region that
// available reports but the tables do not list for the service is not
// selected. available is called once per partition in f, in sorted order;
// its error is returned wrapped in a *FilterError. A nil available selects
// from the tables alone, as Regions does.
func (f Filter) Select(service string, available func(partition string) ([]string, error)) ([]string, error) {
	prefix, ok := endpointPrefix(service)
	if !ok {
		return nil, &NameError{Kind: ErrUnknownService, Name: service, Hint: suggestService(service)}
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var all, cand bitset
	var err error
	f.each(func(p *partition, pf PartitionFilter) {
		if err != nil {
			return
		}
		e := p.endpointsFor(prefix)
		if e == nil {
			return
		}
		cand = bitset{}
		cand.addList(e.regional.list())
		if available != nil {
			var avail []string
			avail, err = available(p.name)
			if err != nil {
				err = &FilterError{Path: "Partitions." + p.name, Err: fmt.Errorf("available regions: %w", err)}
				return
			}
			var on bitset
			for _, r := range avail {
				if i, ok := nameIndex(r); ok {
					on.add(i)
				}
			}
			cand.and(&on)
		}
		if pf.IncludeNonRegional {
			cand.addList(e.nonRegional.list())
		}
		pf.Regions.apply(&cand)
		all.or(&cand)
	})
	if err != nil {
		return nil, err
	}
	return all.names(), nil
}

// Clone returns a deep copy of f: its maps and slices are not shared, and
// nil stays nil.
func (f Filter) Clone() Filter {
	if f.Partitions == nil {
		return Filter{}
	}
	out := Filter{Partitions: make(map[string]PartitionFilter, len(f.Partitions))}
	for k, v := range f.Partitions {
		v.Regions.Include = slices.Clone(v.Regions.Include)
		v.Regions.Exclude = slices.Clone(v.Regions.Exclude)
		out.Partitions[k] = v
	}
	return out
}

// String returns f as compact JSON with sorted keys, e.g.
// {"Partitions":{"aws":{"Regions":{"include":["us-east-1"]}}}}; the zero
// Filter is {}. Equal filters have equal strings.
func (f Filter) String() string {
	b, err := json.Marshal(f)
	if err != nil { // cannot happen: only strings, bools, maps and slices
		return fmt.Sprintf("Filter(%v)", err)
	}
	return string(b)
}

// each calls fn for each known partition of f in name order, or for the
// default partition when f names none.
func (f Filter) each(fn func(*partition, PartitionFilter)) {
	if len(f.Partitions) == 0 {
		fn(lookupPartition(DefaultPartition), PartitionFilter{})
		return
	}
	for _, i := range partitionOrder() {
		p := &partitions[i]
		if pf, ok := f.Partitions[p.name]; ok {
			fn(p, pf)
		}
	}
}

// partitionOrder holds the indices of partitions sorted by name.
var partitionOrder = sync.OnceValue(func() []int {
	order := make([]int, len(partitions))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(partitions[a].name, partitions[b].name) })
	return order
})

// validate appends pf's problems in partition p to errs.
func (pf PartitionFilter) validate(p *partition, errs []error) []error {
	check := func(key string, list []string) {
		for i, entry := range list {
			if err := pf.checkEntry(p, entry); err != nil {
				where := fmt.Sprintf("Partitions.%s.Regions.%s[%d]", p.name, key, i)
				errs = append(errs, &FilterError{Path: where, Err: err})
			}
		}
	}
	check("include", pf.Regions.Include)
	check("exclude", pf.Regions.Exclude)
	return errs
}

// checkEntry checks one include or exclude entry against partition p.
func (pf PartitionFilter) checkEntry(p *partition, entry string) error {
	if isGlob(entry) {
		if _, err := path.Match(entry, ""); err != nil {
			return &PatternError{Pattern: entry, Partition: p.name, Err: err}
		}
		var u bitset
		pf.universe(p, &u)
		if !u.any(func(n string) bool { ok, _ := path.Match(entry, n); return ok }) {
			e := &PatternError{Pattern: entry, Partition: p.name, Err: ErrNoMatch}
			if others := matchingPartitions(entry); len(others) > 0 {
				e.Hint = "it matches regions of partition " + strings.Join(others, ", ") + ": put it under Partitions." + others[0]
			}
			return e
		}
		return nil
	}
	i, ok := nameIndex(entry)
	switch {
	case ok && has(p.regions.list(), i):
		return nil
	case ok && has(p.nonRegional.list(), i):
		if pf.IncludeNonRegional {
			return nil
		}
		return &NameError{Kind: ErrUnknownRegion, Name: entry, Partition: p.name,
			Hint: "a non-regional endpoint name: set IncludeNonRegional"}
	}
	if q, ok := PartitionOf(entry); ok && q != p.name && Known(q, entry) {
		return &NameError{Kind: ErrUnknownRegion, Name: entry, Partition: p.name,
			Hint: "a region of partition " + q + ": put it under Partitions." + q}
	}
	var u bitset
	pf.universe(p, &u)
	return &NameError{Kind: ErrUnknownRegion, Name: entry, Partition: p.name, Hint: suggest(entry, u.names())}
}

// matchingPartitions lists the partitions with a region that glob matches.
func matchingPartitions(glob string) []string {
	var out []string
	for _, i := range partitionOrder() {
		p := &partitions[i]
		for _, n := range p.regions.list() {
			if ok, _ := path.Match(glob, names[n]); ok {
				out = append(out, p.name)
				break
			}
		}
	}
	return out
}

// FilterOf builds the Filter that includes the given region names and
// globs, as a user of a --regions flag means them: a name goes to the
// partition that has it; a glob to preferred (DefaultPartition when "") if
// it matches a region there, else to every partition where it matches — so
// "us-*" is the aws partition's, and "us-gov-*" aws-us-gov's. A name or
// glob that no partition has is an error naming it (with a suggestion), as
// is a malformed glob.
func FilterOf(preferred string, entries ...string) (Filter, error) {
	if preferred == "" {
		preferred = DefaultPartition
	}
	f := Filter{Partitions: map[string]PartitionFilter{}}
	add := func(p, entry string) {
		pf := f.Partitions[p]
		pf.Regions.Include = append(pf.Regions.Include, entry)
		f.Partitions[p] = pf
	}
	var errs []error
	for _, entry := range entries {
		if !isGlob(entry) {
			if p, ok := PartitionOf(entry); ok && Known(p, entry) {
				add(p, entry)
				continue
			}
			var all []string
			for _, p := range partitions {
				for _, n := range p.regions.list() {
					all = append(all, names[n])
				}
			}
			errs = append(errs, &NameError{Kind: ErrUnknownRegion, Name: entry, Hint: suggest(entry, all)})
			continue
		}
		if _, err := path.Match(entry, ""); err != nil {
			errs = append(errs, &PatternError{Pattern: entry, Err: err})
			continue
		}
		ps := matchingPartitions(entry)
		if slices.Contains(ps, preferred) {
			ps = []string{preferred}
		}
		if len(ps) == 0 {
			errs = append(errs, &PatternError{Pattern: entry, Err: ErrNoMatch})
		}
		for _, p := range ps {
			add(p, entry)
		}
	}
	if len(errs) > 0 {
		return Filter{}, errors.Join(errs...)
	}
	return f, nil
}

// universe sets in u the names pf may refer to in p.
func (pf PartitionFilter) universe(p *partition, u *bitset) {
	u.addList(p.regions.list())
	if pf.IncludeNonRegional {
		u.addList(p.nonRegional.list())
	}
}

// apply narrows cand by rf; rf must be valid.
func (rf RegionFilter) apply(cand *bitset) {
	if len(rf.Include) > 0 {
		var keep bitset
		for _, entry := range rf.Include {
			cand.match(entry, &keep)
		}
		*cand = keep
	}
	for _, entry := range rf.Exclude {
		var drop bitset
		cand.match(entry, &drop)
		cand.andNot(&drop)
	}
}

func isGlob(s string) bool { return strings.ContainsAny(s, `*?[\`) }
