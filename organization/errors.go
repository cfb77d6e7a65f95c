package organization

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/awsaccount/awsaccount"
)

// ErrUnknownID is matched (errors.Is) by every *UnknownIDError.
var ErrUnknownID = errors.New("not in the organization")

// UnknownIDError reports an OU, root or account id in Include or Exclude
// that the organization does not have: a typo there must not silently
// select nothing (or exclude nothing). It names the field as a
// awsaccount.FieldError does, relative to the Spec, so that a config
// loader can place it in the file.
type UnknownIDError struct {
	Path           string // e.g. "Include.OrganizationalUnits[1]"
	ID             string // the id as given
	OrganizationID string // the organization listed, e.g. "o-a1b2c3d4e5"
}

var _ awsaccount.FieldError = (*UnknownIDError)(nil)

// Error is "path: problem".
func (e *UnknownIDError) Error() string {
	path, problem := e.Field()
	return path + ": " + problem
}

// Field returns Path and what is wrong with it.
func (e *UnknownIDError) Field() (path, problem string) {
	kind := "account"
	switch {
	case strings.HasPrefix(e.ID, "ou-"):
		kind = "organizational unit"
	case strings.HasPrefix(e.ID, "r-"):
		kind = "root"
	}
	return e.Path, fmt.Sprintf("%s %s is not in organization %s", kind, e.ID, e.OrganizationID)
}

// Unwrap returns ErrUnknownID.
func (e *UnknownIDError) Unwrap() error { return ErrUnknownID }

// Hints for the failures to list an organization, in place of the
// CallError's generic ones.
const (
	hintNotInOrganization = "the Account's credentials act in an account that is not in an organization: " +
		"list it with the management account or a delegated administrator account"
	// hintListDenied is completed with the operation denied.
	hintListDenied = "the Account must be the organization's management account or a delegated administrator account, " +
		"allowed organizations:%s (a listing calls DescribeOrganization, ListRoots, ListOrganizationalUnitsForParent, " +
		"ListAccountsForParent and ListTagsForResource)"
)

// listError is the error of a listing call: the *awsaccount.CallError with
// a hint that says what listing an organization needs, when the code says
// the account cannot list it.
func listError(what string, err error) error {
	var ce *awsaccount.CallError
	if errors.As(err, &ce) {
		hint := ""
		switch {
		case ce.Code == "AWSOrganizationsNotInUseException":
			hint = hintNotInOrganization
		case strings.HasPrefix(ce.Code, "AccessDenied"):
			hint = fmt.Sprintf(hintListDenied, ce.Operation)
		}
		if hint != "" {
			c := *ce
			c.Hint = hint
			err = &c
		}
	}
	return fmt.Errorf("organization: %s: %w", what, err)
}

func fieldErr(path, problem string) error {
	return &awsaccount.ParameterError{Path: path, Problem: problem}
}

// prefixed re-roots a field error under prefix, as a
// *awsaccount.ParameterError that keeps err reachable. Any other error is
// returned as it is.
func prefixed(prefix string, err error) error {
	var fe awsaccount.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	path, problem := fe.Field()
	switch {
	case path == "":
		path = prefix
	case strings.HasPrefix(path, "["):
		path = prefix + path
	default:
		path = prefix + "." + path
	}
	return &awsaccount.ParameterError{Path: path, Problem: problem, Err: err}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
