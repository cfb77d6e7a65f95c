package awsaccount

import (
	"fmt"

	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/regions"
)

// AccountSpec describes an Account: the Account block of a config file. The
// session is built from SessionParameters, then AssumeRole (if set) and each
// of AssumeRoles, in order, are assumed on it.
type AccountSpec struct {
	SessionParameters SessionParameters      `yaml:"SessionParameters,omitempty" json:"SessionParameters,omitempty"`
	AssumeRole        *AssumeRoleParameters  `yaml:"AssumeRole,omitempty" json:"AssumeRole,omitempty"`
	AssumeRoles       []AssumeRoleParameters `yaml:"AssumeRoles,omitempty" json:"AssumeRoles,omitempty"`
}

// roles returns AssumeRole followed by AssumeRoles: the chain to assume.
func (s AccountSpec) roles() []AssumeRoleParameters {
	var roles []AssumeRoleParameters
	if s.AssumeRole != nil {
		roles = append(roles, *s.AssumeRole)
	}
	return append(roles, s.AssumeRoles...)
}

// validate checks the session parameters and every role, naming the field
// by its YAML key relative to the Account block ("AssumeRoles[1].RoleArn").
func (s AccountSpec) validate() error {
	if err := s.SessionParameters.Validate(); err != nil {
		return prefixed("SessionParameters", err)
	}
	if s.AssumeRole != nil {
		if err := s.AssumeRole.Validate(); err != nil {
			return prefixed("AssumeRole", err)
		}
	}
	for i, r := range s.AssumeRoles {
		if err := r.Validate(); err != nil {
			return prefixed(fmt.Sprintf("AssumeRoles[%d]", i), err)
		}
	}
	return nil
}

// RegionalAccountSpec describes one target: the arguments of the seed's
// regional_account_factory.
type RegionalAccountSpec struct {
	RateLimit ratelimit.Spec `yaml:"RateLimit,omitempty" json:"RateLimit,omitempty"`
	Account   AccountSpec    `yaml:"Account" json:"Account"`
	Region    string         `yaml:"region_name" json:"region_name"`
	// APILimits are narrower limits per service ("ec2") or operation
	// ("ec2:DescribeInstances"); see RegionalAccountOptions.APILimits.
	APILimits map[string]ratelimit.Spec `yaml:"APILimits,omitempty" json:"APILimits,omitempty"`
}

// RegionalAccountsSpec describes a RegionalAccounts container: the
// RegionalAccounts block of a config file.
type RegionalAccountsSpec struct {
	RateLimit ratelimit.Spec `yaml:"RateLimit,omitempty" json:"RateLimit,omitempty"`
	Account   AccountSpec    `yaml:"Account" json:"Account"`
	Filter    regions.Filter `yaml:"Filter,omitempty" json:"Filter,omitempty"`
	// RateLimitRegionSpec gives some regions a limit of their own instead
	// of RateLimit.
	RateLimitRegionSpec map[string]ratelimit.Spec `yaml:"RateLimitRegionSpec,omitempty" json:"RateLimitRegionSpec,omitempty"`
	// APILimits apply to every target of the container.
	APILimits map[string]ratelimit.Spec `yaml:"APILimits,omitempty" json:"APILimits,omitempty"`
	// Service whose regions the filter selects from; default "ec2".
	Service string `yaml:"service_name,omitempty" json:"service_name,omitempty"`
	// RegionSource is "static" (the default: regions from the tables
	// generated from botocore's endpoint data, no API call) or "account"
	// (the account's own EC2 DescribeRegions answer, so opt-in regions that
	// are off are left out; see RegistryOptions.RegionTTL).
	RegionSource string `yaml:"RegionSource,omitempty" json:"RegionSource,omitempty"`
}
