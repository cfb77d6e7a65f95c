package awsaccount

import (
	"fmt"
	"github.com/awsaccount/awsaccount/regions"
	"regexp"
	"strings"
)

var (
	roleARNPattern        = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)
	roleSessionPattern    = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	regionNamePattern     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	regionInHostPattern   = regexp.MustCompile(`(^|[.-])([a-z]{2}(?:-[a-z]+)+-\d+)([.-]|$)`)
	mfaSerialPattern      = regexp.MustCompile(`^([\w+=/:,.@-]{9,256})$`)
	mfaTokenPattern       = regexp.MustCompile(`^\d{6}$`)
	sourceIdentityPattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

// Bounds of AssumeRoleParameters.DurationSeconds that STS accepts.
const (
	minDurationSeconds = 900
	maxDurationSeconds = 43200
)

func validRegionName(s string) bool { return regionNamePattern.MatchString(s) }

// checkRegion refuses a region name that no partition has (a typo such as
// us-moon-1 must not reach an endpoint), suggesting the likely one.
func checkRegion(name string) error {
	if !validRegionName(name) {
		return fmt.Errorf("%q is not a region name", name)
	}
	if p, ok := regions.PartitionOf(name); ok && regions.Known(p, name) {
		return nil
	}
	_, err := regions.FilterOf("", name) // says it with a suggestion
	return err
}

// Validate reports the first problem with r as a *ParameterError naming the
// field by its YAML key (relative to r: "DurationSeconds"). It makes no
// network call and never quotes a secret.
//
// A SerialNumber without a TokenCode passes: the code may come from
// SessionOptions.MFACode when the role is assumed (AssumeRole refuses it
// when there is none).
func (r AssumeRoleParameters) Validate() error {
	switch r.Method {
	case "", methodAssumeRole, methodAssumeRoleWithWebIdentity:
	default:
		return fieldErr("sts_method", fmt.Sprintf("unknown method %q (want %s or %s)", r.Method, methodAssumeRole, methodAssumeRoleWithWebIdentity))
	}
	if err := r.validateCommon(); err != nil {
		return err
	}
	if r.Method == methodAssumeRoleWithWebIdentity {
		return r.validateWebIdentity()
	}
	if r.WebIdentityToken != "" || r.WebIdentityTokenFile != "" {
		return fieldErr("WebIdentityToken", "needs sts_method: "+methodAssumeRoleWithWebIdentity)
	}
	return r.validateMFA()
}

// validateCommon checks what both methods take.
func (r AssumeRoleParameters) validateCommon() error {
	if r.RoleArn == "" {
		return fieldErr("RoleArn", "is required")
	}
	if !roleARNPattern.MatchString(r.RoleArn) {
		return fieldErr("RoleArn", fmt.Sprintf("%q is not an IAM role ARN (want arn:aws:iam::123456789012:role/name)", r.RoleArn))
	}
	if r.RoleSessionName != "" && !roleSessionPattern.MatchString(r.RoleSessionName) {
		return fieldErr("RoleSessionName", fmt.Sprintf("%q must be 2 to 64 characters of letters, digits and +=,.@_-", r.RoleSessionName))
	}
	if r.DurationSeconds != 0 && (r.DurationSeconds < minDurationSeconds || r.DurationSeconds > maxDurationSeconds) {
		return fieldErr("DurationSeconds", fmt.Sprintf("%d is outside %d..%d", r.DurationSeconds, minDurationSeconds, maxDurationSeconds))
	}
	for i, a := range r.PolicyArns {
		if !strings.HasPrefix(a, "arn:") {
			return fieldErr(fmt.Sprintf("PolicyArns[%d]", i), fmt.Sprintf("%q is not an ARN", a))
		}
	}
	if r.SourceIdentity != "" && !sourceIdentityPattern.MatchString(r.SourceIdentity) {
		return fieldErr("SourceIdentity", "must be 2 to 64 characters of letters, digits and +=,.@_-")
	}
	for _, k := range r.TransitiveTagKeys {
		if _, ok := r.Tags[k]; !ok {
			return fieldErr("TransitiveTagKeys", fmt.Sprintf("%q is not a key of Tags", k))
		}
	}
	return nil
}

func (r AssumeRoleParameters) validateWebIdentity() error {
	switch {
	case r.WebIdentityToken == "" && r.WebIdentityTokenFile == "":
		return fieldErr("WebIdentityToken", "or WebIdentityTokenFile is required for "+methodAssumeRoleWithWebIdentity)
	case r.WebIdentityToken != "" && r.WebIdentityTokenFile != "":
		return fieldErr("WebIdentityTokenFile", "cannot be combined with WebIdentityToken")
	case r.ExternalId != "", r.SerialNumber != "", r.TokenCode != "", len(r.Tags) > 0, r.SourceIdentity != "":
		return fieldErr("sts_method", methodAssumeRoleWithWebIdentity+" takes none of ExternalId, SerialNumber, TokenCode, Tags, SourceIdentity")
	}
	return nil
}

func (r AssumeRoleParameters) validateMFA() error {
	if r.TokenCode != "" && r.SerialNumber == "" {
		return fieldErr("TokenCode", "needs SerialNumber (the MFA device)")
	}
	if r.SerialNumber == "" {
		return nil
	}
	if !mfaSerialPattern.MatchString(r.SerialNumber) {
		return fieldErr("SerialNumber", fmt.Sprintf("%q is not an MFA device serial number or ARN", r.SerialNumber))
	}
	if r.TokenCode != "" && !mfaTokenPattern.MatchString(r.TokenCode) {
		return fieldErr("TokenCode", "must be 6 digits")
	}
	return nil
}
