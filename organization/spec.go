package organization

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/regions"
)

// Spec describes an organization's accounts as targets: the Organization
// item of a RegionalAccountSet list in a config file, under the same keys.
//
//	RegionalAccountSet:
//	  - Organization:
//	      Account: *management
//	      MemberRole: {RoleName: OrganizationAccountAccessRole}
//	      Include: {OrganizationalUnits: [ou-ab12-cdefgh34]}
//	      Exclude: {Names: ['sandbox-*']}
//	      Filter: {Partitions: {aws: {Regions: {include: [eu-*]}}}}
//
// The zero values of MemberRole, Statuses and ManagementAccount are their
// defaults; Validate checks the rest.
type Spec struct {
	// Account lists the organization: the management account or a
	// delegated administrator, as a RegionalAccounts' Account block.
	Account awsaccount.AccountSpec `yaml:"Account" json:"Account"`
	// MemberRole is how each member account is entered from Account: the
	// role assumed on top of Account's credentials (and roles). Default:
	// RoleName OrganizationAccountAccessRole.
	MemberRole MemberRole `yaml:"MemberRole,omitempty" json:"MemberRole,omitempty"`
	// Include selects accounts: an account must match every kind of
	// selector given (any value within a kind). Empty: the whole
	// organization.
	Include Selector `yaml:"Include,omitempty" json:"Include,omitempty"`
	// Exclude leaves out the accounts that match any of its values, whether
	// or not Include selects them: Exclude wins.
	Exclude Selector `yaml:"Exclude,omitempty" json:"Exclude,omitempty"`
	// Statuses are the account states selected: ACTIVE, SUSPENDED,
	// PENDING_CLOSURE, PENDING_ACTIVATION or CLOSED. Default: ACTIVE only.
	Statuses []string `yaml:"Statuses,omitempty" json:"Statuses,omitempty"`
	// ManagementAccount says how the management account is entered: "own"
	// (the default: with Account's own credentials, no member role, when
	// Account acts in the management account; otherwise as "role"),
	// "role" (with the member role, like any member) or "skip" (left out).
	ManagementAccount string `yaml:"ManagementAccount,omitempty" json:"ManagementAccount,omitempty"`

	// The fields below apply to each selected account as to the
	// RegionalAccounts container it becomes (see
	// awsaccount.RegionalAccountsSpec): its rate limit per account and
	// region, its region filter, and so on.

	RateLimit           ratelimit.Spec            `yaml:"RateLimit,omitempty" json:"RateLimit,omitempty"`
	Filter              regions.Filter            `yaml:"Filter,omitempty" json:"Filter,omitempty"`
	RateLimitRegionSpec map[string]ratelimit.Spec `yaml:"RateLimitRegionSpec,omitempty" json:"RateLimitRegionSpec,omitempty"`
	APILimits           map[string]ratelimit.Spec `yaml:"APILimits,omitempty" json:"APILimits,omitempty"`
	Service             string                    `yaml:"service_name,omitempty" json:"service_name,omitempty"`
	// RegionSource "account" asks each member for its enabled regions
	// when its container is built, which enters the member then (one
	// AssumeRole each) instead of at its first call.
	RegionSource string `yaml:"RegionSource,omitempty" json:"RegionSource,omitempty"`
}

// Selector chooses accounts by where they are, who they are, what they are
// called and how they are tagged. Within a kind, any value matches; see
// Spec.Include and Spec.Exclude for how kinds combine.
type Selector struct {
	// OrganizationalUnits are OU ids (ou-...) or root ids (r-...): an
	// account matches when it is anywhere beneath one of them.
	OrganizationalUnits []string `yaml:"OrganizationalUnits,omitempty" json:"OrganizationalUnits,omitempty"`
	// Accounts are account ids (12 digits).
	Accounts []string `yaml:"Accounts,omitempty" json:"Accounts,omitempty"`
	// Names are account names or globs of them (path.Match: *, ?, [a-z]).
	Names []string `yaml:"Names,omitempty" json:"Names,omitempty"`
	// Tags are tag keys and values; a value may be a glob. An account
	// matches when it has one of the keys with a matching value.
	Tags map[string]string `yaml:"Tags,omitempty" json:"Tags,omitempty"`
}

// Values of Spec.ManagementAccount.
const (
	managementOwn  = "own"
	managementRole = "role"
	managementSkip = "skip"
)

// defaultStatus is what Spec.Statuses selects when empty.
const defaultStatus = "ACTIVE"

// statuses are the account states of the Organizations API (its State
// field, which replaced Status; ACTIVE, SUSPENDED and PENDING_CLOSURE are
// in both).
var statuses = []string{"ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "PENDING_ACTIVATION", "CLOSED"}

var (
	accountIDPattern = regexp.MustCompile(`^\d{12}$`)
	ouIDPattern      = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$`)
	rootIDPattern    = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
)

// Validate reports the first problem with s as an error implementing
// awsaccount.FieldError (a *awsaccount.ParameterError) whose path is
// relative to s: "MemberRole.RoleArn", "Include.Names[1]". It makes no
// network call; whether the OUs and accounts named exist is known only
// when the organization is listed (see UnknownIDError).
func (s Spec) Validate() error {
	if err := validateAccount(s.Account); err != nil {
		return prefixed("Account", err)
	}
	if err := s.MemberRole.Validate(); err != nil {
		return prefixed("MemberRole", err)
	}
	if err := s.Include.Validate(); err != nil {
		return prefixed("Include", err)
	}
	if err := s.Exclude.Validate(); err != nil {
		return prefixed("Exclude", err)
	}
	for i, st := range s.Statuses {
		if !slices.Contains(statuses, st) {
			return fieldErr(fmt.Sprintf("Statuses[%d]", i), fmt.Sprintf("unknown status %q (want one of %s)", st, strings.Join(statuses, ", ")))
		}
	}
	switch s.ManagementAccount {
	case "", managementOwn, managementRole, managementSkip:
	default:
		return fieldErr("ManagementAccount", fmt.Sprintf("unknown value %q (want %s, %s or %s)", s.ManagementAccount, managementOwn, managementRole, managementSkip))
	}
	if err := s.RateLimit.Limit.Validate(); err != nil {
		return prefixed("RateLimit", err)
	}
	for _, k := range sortedKeys(s.RateLimitRegionSpec) {
		if err := s.RateLimitRegionSpec[k].Limit.Validate(); err != nil {
			return prefixed("RateLimitRegionSpec."+k, err)
		}
	}
	for _, k := range sortedKeys(s.APILimits) {
		if err := s.APILimits[k].Limit.Validate(); err != nil {
			return prefixed("APILimits."+k, err)
		}
	}
	if err := s.Filter.Validate(); err != nil {
		return prefixed("Filter", err)
	}
	switch s.RegionSource {
	case "", "static", "account":
	default:
		return fieldErr("RegionSource", fmt.Sprintf("unknown source %q (want static or account)", s.RegionSource))
	}
	return nil
}

// validateAccount checks an Account block as the Registry does, naming the
// field relative to it.
func validateAccount(a awsaccount.AccountSpec) error {
	if err := a.SessionParameters.Validate(); err != nil {
		return prefixed("SessionParameters", err)
	}
	if a.AssumeRole != nil {
		if err := a.AssumeRole.Validate(); err != nil {
			return prefixed("AssumeRole", err)
		}
	}
	for i, r := range a.AssumeRoles {
		if err := r.Validate(); err != nil {
			return prefixed(fmt.Sprintf("AssumeRoles[%d]", i), err)
		}
	}
	return nil
}

// withDefaults returns s with its defaults made explicit, so that a spec
// that spells them out and one that leaves them out are one Organization.
func (s Spec) withDefaults() Spec {
	if len(s.Statuses) == 0 {
		s.Statuses = []string{defaultStatus}
	}
	if s.ManagementAccount == "" {
		s.ManagementAccount = managementOwn
	}
	if s.MemberRole.RoleName == "" && s.MemberRole.RoleArn == "" {
		s.MemberRole.RoleName = DefaultRoleName
	}
	return s
}

// Validate reports the first problem with s as a *awsaccount.ParameterError
// whose path is relative to s ("Names[0]", "Tags.env"): a malformed OU or
// account id, an empty value, a bad glob.
func (s Selector) Validate() error {
	for i, id := range s.OrganizationalUnits {
		if !ouIDPattern.MatchString(id) && !rootIDPattern.MatchString(id) {
			return fieldErr(fmt.Sprintf("OrganizationalUnits[%d]", i), fmt.Sprintf("%q is not an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)", id))
		}
	}
	for i, id := range s.Accounts {
		if !accountIDPattern.MatchString(id) {
			return fieldErr(fmt.Sprintf("Accounts[%d]", i), fmt.Sprintf("%q is not an account id (12 digits)", id))
		}
	}
	for i, n := range s.Names {
		if err := checkGlob(n); err != nil {
			return fieldErr(fmt.Sprintf("Names[%d]", i), err.Error())
		}
	}
	for _, k := range sortedKeys(s.Tags) {
		if k == "" {
			return fieldErr("Tags", "a tag key is empty")
		}
		if _, err := path.Match(s.Tags[k], ""); err != nil {
			return fieldErr("Tags."+k, fmt.Sprintf("%q is not a valid glob: %v", s.Tags[k], err))
		}
	}
	return nil
}

func checkGlob(p string) error {
	if p == "" {
		return fmt.Errorf("is empty")
	}
	if _, err := path.Match(p, ""); err != nil {
		return fmt.Errorf("%q is not a valid glob: %w", p, err)
	}
	return nil
}
