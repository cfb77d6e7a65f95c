package awsaccount

import (
	"fmt"
	"sort"
	"strings"
)

// SessionParameters are the arguments of a [Session]: what boto3.Session takes
// in the seed, under the same YAML keys (the SessionParameters block of a
// config file).
//
// Credentials come from the static keys when AccessKeyID is set, else from
// Profile, else from the SDK's default chain (environment, shared files, SSO,
// container and instance roles).
//
// String, GoString and LogValue redact the secret key and the session token,
// so a SessionParameters can be printed or logged safely.
type SessionParameters struct {
	AccessKeyID      string           `yaml:"aws_access_key_id,omitempty" json:"aws_access_key_id,omitempty"`
	SecretAccessKey  string           `yaml:"aws_secret_access_key,omitempty" json:"aws_secret_access_key,omitempty"`
	SessionToken     string           `yaml:"aws_session_token,omitempty" json:"aws_session_token,omitempty"`
	Region           string           `yaml:"region_name,omitempty" json:"region_name,omitempty"`
	Profile          string           `yaml:"profile_name,omitempty" json:"profile_name,omitempty"`
	ServiceEndpoints ServiceEndpoints `yaml:"ServiceEndpoints,omitempty" json:"ServiceEndpoints,omitempty"`
}

// Validate reports the first problem with p as a *ParameterError naming the
// field by its YAML key (relative to p: "region_name"). It makes no network
// call.
func (p SessionParameters) Validate() error {
	if p.SecretAccessKey != "" && p.AccessKeyID == "" {
		return fieldErr("aws_access_key_id", "is required when aws_secret_access_key is set")
	}
	if p.AccessKeyID != "" && p.SecretAccessKey == "" {
		return fieldErr("aws_secret_access_key", "is required when aws_access_key_id is set")
	}
	if p.SessionToken != "" && p.AccessKeyID == "" {
		return fieldErr("aws_session_token", "needs aws_access_key_id and aws_secret_access_key")
	}
	if p.AccessKeyID != "" && p.Profile != "" {
		return fieldErr("profile_name", "cannot be combined with static keys (aws_access_key_id)")
	}
	if p.Region != "" {
		if err := checkRegion(p.Region); err != nil {
			return fieldErr("region_name", err.Error())
		}
	}
	return p.ServiceEndpoints.validate("ServiceEndpoints")
}

// String describes p without its secrets.
func (p SessionParameters) String() string {
	var parts []string
	if p.AccessKeyID != "" {
		parts = append(parts, "aws_access_key_id="+maskKeyID(p.AccessKeyID))
	}
	if p.SecretAccessKey != "" {
		parts = append(parts, "aws_secret_access_key="+redacted)
	}
	if p.SessionToken != "" {
		parts = append(parts, "aws_session_token="+redacted)
	}
	if p.Region != "" {
		parts = append(parts, "region_name="+p.Region)
	}
	if p.Profile != "" {
		parts = append(parts, "profile_name="+p.Profile)
	}
	if len(p.ServiceEndpoints) > 0 {
		parts = append(parts, "ServiceEndpoints="+p.ServiceEndpoints.describe())
	}
	return "SessionParameters{" + strings.Join(parts, " ") + "}"
}

// GoString is String: %#v must not print secrets either.
func (p SessionParameters) GoString() string { return p.String() }

// AssumeRoleParameters are the arguments of one role assumption: the
// arguments of STS AssumeRole (or AssumeRoleWithWebIdentity), under boto3's
// names, as the AssumeRole block of a config file spells them.
//
// String, GoString and LogValue redact ExternalId, TokenCode and
// WebIdentityToken.
type AssumeRoleParameters struct {
	// Method is "assume_role" (the default when empty) or
	// "assume_role_with_web_identity".
	Method          string `yaml:"sts_method,omitempty" json:"sts_method,omitempty"`
	RoleArn         string `yaml:"RoleArn,omitempty" json:"RoleArn,omitempty"`
	RoleSessionName string `yaml:"RoleSessionName,omitempty" json:"RoleSessionName,omitempty"`
	ExternalId      string `yaml:"ExternalId,omitempty" json:"ExternalId,omitempty"` //nolint:revive // boto3's spelling, pinned
	// DurationSeconds is the lifetime asked of STS: 0 for STS's default, else
	// 900 to 43200.
	DurationSeconds int32    `yaml:"DurationSeconds,omitempty" json:"DurationSeconds,omitempty"`
	Policy          string   `yaml:"Policy,omitempty" json:"Policy,omitempty"`
	PolicyArns      []string `yaml:"PolicyArns,omitempty" json:"PolicyArns,omitempty"`
	// SerialNumber names an MFA device; TokenCode is its current code. The
	// code is used for the first retrieval; a role that needs MFA is not
	// refreshed past its first lifetime without a new code.
	SerialNumber      string            `yaml:"SerialNumber,omitempty" json:"SerialNumber,omitempty"`
	TokenCode         string            `yaml:"TokenCode,omitempty" json:"TokenCode,omitempty"`
	SourceIdentity    string            `yaml:"SourceIdentity,omitempty" json:"SourceIdentity,omitempty"`
	Tags              map[string]string `yaml:"Tags,omitempty" json:"Tags,omitempty"`
	TransitiveTagKeys []string          `yaml:"TransitiveTagKeys,omitempty" json:"TransitiveTagKeys,omitempty"`
	// WebIdentityToken or WebIdentityTokenFile (read at each refresh) give
	// the token for assume_role_with_web_identity.
	WebIdentityToken     string `yaml:"WebIdentityToken,omitempty" json:"WebIdentityToken,omitempty"`
	WebIdentityTokenFile string `yaml:"WebIdentityTokenFile,omitempty" json:"WebIdentityTokenFile,omitempty"`
}

// The STS methods AssumeRoleParameters.Method accepts.
const (
	methodAssumeRole                = "assume_role"
	methodAssumeRoleWithWebIdentity = "assume_role_with_web_identity"
)

// String describes r without its secrets.
func (r AssumeRoleParameters) String() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	secret := func(v string) string {
		if v == "" {
			return ""
		}
		return redacted
	}
	add("sts_method", r.Method)
	add("RoleArn", r.RoleArn)
	add("RoleSessionName", r.RoleSessionName)
	add("ExternalId", secret(r.ExternalId))
	if r.DurationSeconds != 0 {
		add("DurationSeconds", fmt.Sprint(r.DurationSeconds))
	}
	if r.Policy != "" {
		add("Policy", fmt.Sprintf("(%d bytes)", len(r.Policy)))
	}
	if len(r.PolicyArns) > 0 {
		add("PolicyArns", "["+strings.Join(r.PolicyArns, " ")+"]")
	}
	add("SerialNumber", r.SerialNumber)
	add("TokenCode", secret(r.TokenCode))
	add("SourceIdentity", r.SourceIdentity)
	if len(r.Tags) > 0 {
		keys := make([]string, 0, len(r.Tags))
		for k := range r.Tags {
			keys = append(keys, k+":"+r.Tags[k])
		}
		sort.Strings(keys)
		add("Tags", "["+strings.Join(keys, " ")+"]")
	}
	if len(r.TransitiveTagKeys) > 0 {
		add("TransitiveTagKeys", "["+strings.Join(r.TransitiveTagKeys, " ")+"]")
	}
	add("WebIdentityToken", secret(r.WebIdentityToken))
	add("WebIdentityTokenFile", r.WebIdentityTokenFile)
	return "AssumeRoleParameters{" + strings.Join(parts, " ") + "}"
}

// GoString is String: %#v must not print secrets either.
func (r AssumeRoleParameters) GoString() string { return r.String() }

const redacted = "[REDACTED]"

// maskKeyID keeps enough of an access key id to tell keys apart in a log.
// AWS calls the id an identifier, not a secret, but there is no need to print
// it whole.
func maskKeyID(id string) string {
	if len(id) <= 8 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + strings.Repeat("*", len(id)-8) + id[len(id)-4:]
}
