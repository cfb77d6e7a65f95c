package organization

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"strings"

	"github.com/awsaccount/awsaccount"
)

// DefaultRoleName is the member role when MemberRole names none: the role
// AWS Organizations creates in every account it creates.
const DefaultRoleName = "OrganizationAccountAccessRole"

// MemberRole is how a member account is entered: the arguments of the
// AssumeRole made into it, under the AssumeRole block's keys (RoleSessionName,
// ExternalId, DurationSeconds, Policy, PolicyArns, Tags, SourceIdentity, ...,
// in boto3's shapes too), plus RoleName.
//
// The role is given either by RoleName, the name (or path/name) of a role
// that every member has, or by RoleArn, a template of its ARN with the
// placeholders {account_id} (required) and {partition}:
//
//	MemberRole: {RoleName: OrganizationAccountAccessRole}
//	MemberRole: {RoleArn: 'arn:{partition}:iam::{account_id}:role/ops/Audit', RoleSessionName: audit}
//
// Neither means RoleName DefaultRoleName. String and GoString redact the
// secrets as AssumeRoleParameters does.
type MemberRole struct {
	// RoleName is the role's name, with its path if it has one
	// ("ops/Audit"); the ARN is arn:<partition>:iam::<account id>:role/<RoleName>.
	RoleName string `yaml:"RoleName,omitempty" json:"RoleName,omitempty"`
	// AssumeRoleParameters are the rest of the AssumeRole; its RoleArn is
	// a template, see above.
	awsaccount.AssumeRoleParameters `yaml:",inline"`
}

var (
	roleNamePattern    = regexp.MustCompile(`^[\w+=,.@-]+(/[\w+=,.@-]+)*$`)
	placeholderPattern = regexp.MustCompile(`\{[^{}]*\}`)
)

// Placeholders of MemberRole.RoleArn.
const (
	placeholderAccountID = "{account_id}"
	placeholderPartition = "{partition}"
)

// Validate reports the first problem with m as a *awsaccount.ParameterError
// whose path is relative to m ("RoleArn", "DurationSeconds"): both or a bad
// RoleName and RoleArn, a RoleArn template without {account_id} or with an
// unknown placeholder, and whatever AssumeRoleParameters.Validate refuses.
func (m MemberRole) Validate() error {
	switch {
	case m.RoleName != "" && m.RoleArn != "":
		return fieldErr("RoleArn", "cannot be combined with RoleName: give one")
	case m.RoleName != "":
		if strings.HasPrefix(m.RoleName, "arn:") {
			return fieldErr("RoleName", fmt.Sprintf("%q is an ARN: give it as RoleArn, with {account_id} for the account", m.RoleName))
		}
		if !roleNamePattern.MatchString(m.RoleName) || len(m.RoleName) > 512 {
			return fieldErr("RoleName", fmt.Sprintf("%q is not a role name (letters, digits and +=,.@_-, with an optional path/)", m.RoleName))
		}
	case m.RoleArn != "":
		if !strings.Contains(m.RoleArn, placeholderAccountID) {
			return fieldErr("RoleArn", fmt.Sprintf("%q has no %s placeholder: every member would assume the same role", m.RoleArn, placeholderAccountID))
		}
		for _, p := range placeholderPattern.FindAllString(m.RoleArn, -1) {
			if p != placeholderAccountID && p != placeholderPartition {
				return fieldErr("RoleArn", fmt.Sprintf("unknown placeholder %s (want %s or %s)", p, placeholderAccountID, placeholderPartition))
			}
		}
	}
	// The rest is an AssumeRole: check it as one, on a sample ARN.
	p := m.AssumeRoleParameters
	p.RoleArn = m.arn("aws", "123456789012")
	if err := p.Validate(); err != nil {
		var fe awsaccount.FieldError
		if errors.As(err, &fe) {
			if path, _ := fe.Field(); path == "RoleArn" {
				key, val := "RoleName", m.RoleName
				if m.RoleArn != "" {
					key, val = "RoleArn", m.RoleArn
				}
				return fieldErr(key, fmt.Sprintf("%q does not make an IAM role ARN (arn:aws:iam::123456789012:role/name)", val))
			}
		}
		return err
	}
	return nil
}

// params returns the AssumeRole into the member accountID of partition.
func (m MemberRole) params(partition, accountID string) awsaccount.AssumeRoleParameters {
	p := m.AssumeRoleParameters
	p.RoleArn = m.arn(partition, accountID)
	return p
}

// arn is the role's ARN in accountID of partition.
func (m MemberRole) arn(partition, accountID string) string {
	if m.RoleArn != "" {
		return strings.NewReplacer(placeholderAccountID, accountID, placeholderPartition, partition).Replace(m.RoleArn)
	}
	name := m.RoleName
	if name == "" {
		name = DefaultRoleName
	}
	return "arn:" + partition + ":iam::" + accountID + ":role/" + name
}

// UnmarshalYAML decodes RoleName beside the AssumeRole keys, which keep the
// shapes AssumeRoleParameters.UnmarshalYAML accepts (boto3's Tags and
// PolicyArns lists). It works with any decoder that calls
// UnmarshalYAML(func(any) error) and honours ",inline": package configfile,
// goccy/go-yaml, go-yaml v2.
//
// Without it the embedded field's method would be promoted and decode the
// whole mapping, refusing RoleName as an unknown key.
func (m *MemberRole) UnmarshalYAML(unmarshal func(any) error) error {
	var name string
	var p awsaccount.AssumeRoleParameters
	err := p.UnmarshalYAML(func(target any) error {
		// target is the AssumeRole keys' raw shape. Decode the mapping
		// once, into it and RoleName together, so that a strict decoder
		// knows every key and places every error.
		tv := reflect.ValueOf(target)
		if tv.Kind() != reflect.Pointer || tv.Elem().Kind() != reflect.Struct {
			return unmarshal(target)
		}
		both := reflect.New(reflect.StructOf([]reflect.StructField{
			{Name: "RoleName", Type: reflect.TypeFor[string](), Tag: `yaml:"RoleName"`},
			{Name: "Params", Type: tv.Elem().Type(), Tag: `yaml:",inline"`},
		})).Elem()
		if err := unmarshal(both.Addr().Interface()); err != nil {
			return err
		}
		name = both.Field(0).String()
		tv.Elem().Set(both.Field(1))
		return nil
	})
	if err != nil {
		return err
	}
	*m = MemberRole{RoleName: name, AssumeRoleParameters: p}
	return nil
}

// String describes m without its secrets.
func (m MemberRole) String() string {
	return "MemberRole{RoleName=" + m.RoleName + " " + m.AssumeRoleParameters.String() + "}"
}

// GoString is String: %#v must not print secrets either.
func (m MemberRole) GoString() string { return m.String() }

// LogValue logs m as String does.
func (m MemberRole) LogValue() slog.Value { return slog.StringValue(m.String()) }
