package configfile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/organization"
)

// setEntry is one item of a RegionalAccountSet list: a RegionalAccounts
// container, or an Organization whose selected accounts are containers.
type setEntry struct {
	RegionalAccounts *awsaccount.RegionalAccountsSpec `yaml:"RegionalAccounts"`
	Organization     *organization.Spec               `yaml:"Organization"`
}

// setKeys are the keys an item of a set list may have (one of them).
var setKeys = []string{"RegionalAccounts", "Organization"}

// SetPaths returns the path of every list in the file whose items are all
// {RegionalAccounts: spec} (the seed's RegionalAccountSet) or
// {Organization: spec} mappings, in file order. A list reached through several aliases is listed under each path.
func (f *File) SetPaths() []string {
	var out []string
	// The walk expands aliases: the resolver bounded the tree's size so
	// expanded (MaxValues).
	var walk func(n *node, path string)
	walk = func(n *node, path string) {
		switch n.kind {
		case seqNode:
			if isSetList(n) {
				out = append(out, path)
				return
			}
			for i, item := range n.items {
				walk(item, indexPath(path, i))
			}
		case mapNode:
			for _, e := range n.keys {
				walk(e.value, joinPath(path, e.key))
			}
		}
	}
	walk(f.root, "")
	return out
}

func isSetList(n *node) bool {
	if len(n.items) == 0 {
		return false
	}
	for _, item := range n.items {
		if item.kind != mapNode || len(item.keys) != 1 || !slices.Contains(setKeys, item.keys[0].key) {
			return false
		}
	}
	return true
}

// RegionalAccountSpecs decodes the RegionalAccountSet list at path (see
// SetPaths; "" means the only one in the file) into container specs. Each
// value is checked by its Validate method as it decodes (filters, limits,
// accounts); what only a Registry checks is left to RegionalAccountSet. An
// Organization item has no container spec until its organization is
// listed: it is an error here (RegionalAccountSet builds it).
func (f *File) RegionalAccountSpecs(path string) ([]awsaccount.RegionalAccountsSpec, error) {
	path, entries, err := f.setEntries(path)
	if err != nil {
		return nil, err
	}
	specs := make([]awsaccount.RegionalAccountsSpec, len(entries))
	for i, e := range entries {
		if e.RegionalAccounts == nil {
			n, _ := f.find(indexPath(path, i))
			return nil, f.errorAt(n.pos, joinPath(indexPath(path, i), "Organization"), ErrType,
				"an Organization item becomes containers only once its organization is listed: use RegionalAccountSet")
		}
		specs[i] = *e.RegionalAccounts
	}
	return specs, nil
}

// setEntries decodes the set list at path ("" for the only one).
func (f *File) setEntries(path string) (string, []setEntry, error) {
	path, err := f.setPath(path)
	if err != nil {
		return "", nil, err
	}
	var entries []setEntry
	if err := f.Decode(path, &entries); err != nil {
		return "", nil, err
	}
	for i, e := range entries {
		if e.RegionalAccounts == nil && e.Organization == nil {
			n, _ := f.find(indexPath(path, i))
			return "", nil, f.errorAt(n.pos, indexPath(path, i), ErrType, "the item has no spec: give RegionalAccounts: {...} or Organization: {...}")
		}
	}
	return path, entries, nil
}

// RegionalAccountSet builds the RegionalAccountSet at path (see SetPaths;
// "" means the only one in the file: none, or several, is an error listing
// the candidates) through reg (nil means awsaccount.DefaultRegistry): one
// container per RegionalAccounts item, as reg.RegionalAccounts builds it,
// and one per selected account of each Organization item (listed with
// organization.Get, cached in reg), gathered by
// awsaccount.NewRegionalAccountSet.
//
// Spec errors, from decoding or from the registry's checks, are *Error
// values naming the key path and line (the registry's FieldError re-rooted
// under the item's RegionalAccounts or Organization key, and reachable with
// errors.As — an unknown OU id of an Include, say); errors of building
// (credentials, an organization that cannot be listed) are wrapped with the
// file name and path.
func (f *File) RegionalAccountSet(ctx context.Context, path string, reg *awsaccount.Registry) (*awsaccount.RegionalAccountSet, error) {
	path, entries, err := f.setEntries(path)
	if err != nil {
		return nil, err
	}
	if reg == nil {
		reg = awsaccount.DefaultRegistry
	}
	var containers []*awsaccount.RegionalAccounts
	for i, e := range entries {
		item := indexPath(path, i)
		if e.RegionalAccounts != nil {
			c, err := reg.RegionalAccounts(ctx, *e.RegionalAccounts)
			if err != nil {
				return nil, f.buildError(item, "RegionalAccounts", err)
			}
			containers = append(containers, c)
			continue
		}
		org, err := organization.Get(ctx, reg, *e.Organization)
		if err != nil {
			return nil, f.buildError(item, "Organization", err)
		}
		cs, err := org.Containers(ctx)
		if err != nil {
			return nil, f.buildError(item, "Organization", err)
		}
		containers = append(containers, cs...)
	}
	return awsaccount.NewRegionalAccountSet(containers...), nil
}

// Organizations lists the organizations of the Organization items of the
// set at path, in file order, through reg (nil means
// awsaccount.DefaultRegistry), with optFns for organizations first listed
// now. Errors are placed as RegionalAccountSet places them.
func (f *File) Organizations(ctx context.Context, path string, reg *awsaccount.Registry, optFns ...func(*organization.Options)) ([]*organization.Organization, error) {
	path, entries, err := f.setEntries(path)
	if err != nil {
		return nil, err
	}
	var orgs []*organization.Organization
	for i, e := range entries {
		if e.Organization == nil {
			continue
		}
		org, err := organization.Get(ctx, reg, *e.Organization, optFns...)
		if err != nil {
			return nil, f.buildError(indexPath(path, i), "Organization", err)
		}
		orgs = append(orgs, org)
	}
	return orgs, nil
}

// buildError places the error of building the set item at item, whose
// only key is key: a FieldError names a field of that spec.
func (f *File) buildError(item, key string, err error) error {
	at := joinPath(item, key)
	var fe awsaccount.FieldError
	if !errors.As(err, &fe) {
		return fmt.Errorf("configfile: %s: build %s: %w", f.name, at, err)
	}
	n, ferr := f.find(item)
	if ferr != nil {
		return ferr // the item decoded a moment ago: cannot happen
	}
	e, _ := n.get(key)
	return f.fieldError(e.value, at, e.pos, ErrInvalid, err)
}

// setPath returns path, or when it is empty, the only set in the file.
func (f *File) setPath(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	paths := f.SetPaths()
	switch len(paths) {
	case 1:
		return paths[0], nil
	case 0:
		return "", f.errorAt(pos{}, "", ErrNoSet, "no list of {RegionalAccounts: ...} or {Organization: ...} items in the file")
	}
	return "", f.errorAt(pos{}, "", ErrAmbiguousSet, "name one of: "+strings.Join(paths, ", "))
}
