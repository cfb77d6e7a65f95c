package configfile

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awsaccount/awsaccount"
)

// setEntry is one item of a RegionalAccountSet list.
type setEntry struct {
	RegionalAccounts awsaccount.RegionalAccountsSpec `yaml:"RegionalAccounts"`
}

// SetPaths returns the path of every list in the file whose items are all
// {RegionalAccounts: spec} mappings (the seed's RegionalAccountSet), in file
// order. A list reached through several aliases is listed under each path.
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
		if item.kind != mapNode || len(item.keys) != 1 || item.keys[0].key != "RegionalAccounts" {
			return false
		}
	}
	return true
}

// RegionalAccountSpecs decodes the RegionalAccountSet list at path (see
// SetPaths; "" means the only one in the file) into container specs. Each
// value is checked by its Validate method as it decodes (filters, limits,
// accounts); what only a Registry checks is left to RegionalAccountSet.
func (f *File) RegionalAccountSpecs(path string) ([]awsaccount.RegionalAccountsSpec, error) {
	path, err := f.setPath(path)
	if err != nil {
		return nil, err
	}
	var entries []setEntry
	if err := f.Decode(path, &entries); err != nil {
		return nil, err
	}
	specs := make([]awsaccount.RegionalAccountsSpec, len(entries))
	for i, e := range entries {
		specs[i] = e.RegionalAccounts
	}
	return specs, nil
}

// RegionalAccountSet builds the RegionalAccountSet at path (see SetPaths;
// "" means the only one in the file: none, or several, is an error listing
// the candidates) through reg (nil means awsaccount.DefaultRegistry): one
// container per item, as reg.RegionalAccounts builds it, gathered by
// awsaccount.NewRegionalAccountSet.
//
// Spec errors, from decoding or from the registry's checks, are *Error
// values naming the key path and line (the registry's FieldError re-rooted
// under the item's RegionalAccounts key, and reachable with errors.As);
// errors of building (credentials, role assumption) are wrapped with the
// file name and path.
func (f *File) RegionalAccountSet(ctx context.Context, path string, reg *awsaccount.Registry) (*awsaccount.RegionalAccountSet, error) {
	path, err := f.setPath(path)
	if err != nil {
		return nil, err
	}
	specs, err := f.RegionalAccountSpecs(path)
	if err != nil {
		return nil, err
	}
	if reg == nil {
		reg = awsaccount.DefaultRegistry
	}
	containers := make([]*awsaccount.RegionalAccounts, len(specs))
	for i, spec := range specs {
		c, err := reg.RegionalAccounts(ctx, spec)
		if err != nil {
			return nil, f.buildError(indexPath(path, i), err)
		}
		containers[i] = c
	}
	return awsaccount.NewRegionalAccountSet(containers...), nil
}

// buildError places the registry's error for the set item at item: a
// FieldError names a field of the item's RegionalAccounts spec.
func (f *File) buildError(item string, err error) error {
	at := joinPath(item, "RegionalAccounts")
	var fe awsaccount.FieldError
	if !errors.As(err, &fe) {
		return fmt.Errorf("configfile: %s: build %s: %w", f.name, at, err)
	}
	n, ferr := f.find(item)
	if ferr != nil {
		return ferr // the item decoded a moment ago: cannot happen
	}
	e, _ := n.get("RegionalAccounts")
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
		return "", f.errorAt(pos{}, "", ErrNoSet, "no list of {RegionalAccounts: ...} items in the file")
	}
	return "", f.errorAt(pos{}, "", ErrAmbiguousSet, "name one of: "+strings.Join(paths, ", "))
}
