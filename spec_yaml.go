package awsaccount

import (
	"fmt"
	"maps"
	"slices"
)

// UnmarshalYAML accepts boto3's shapes beside ours, because seed configs pass
// the AssumeRole block straight to boto3: Tags as a list of {Key, Value}
// (or a map), PolicyArns as a list of {arn: ...} (or of strings). The
// signature is the one go-yaml and goccy/go-yaml call.
func (r *AssumeRoleParameters) UnmarshalYAML(unmarshal func(any) error) error {
	var raw assumeRoleYAML
	if err := unmarshal(&raw); err != nil {
		return err
	}
	out := AssumeRoleParameters{
		Method: raw.Method, RoleArn: raw.RoleArn, RoleSessionName: raw.RoleSessionName,
		ExternalId: raw.ExternalId, DurationSeconds: raw.DurationSeconds, Policy: raw.Policy,
		SerialNumber: raw.SerialNumber, TokenCode: raw.TokenCode, SourceIdentity: raw.SourceIdentity,
		TransitiveTagKeys: raw.TransitiveTagKeys, WebIdentityToken: raw.WebIdentityToken,
		WebIdentityTokenFile: raw.WebIdentityTokenFile,
	}
	tags, err := tagsFrom(raw.Tags)
	if err != nil {
		return err
	}
	arns, err := policyArnsFrom(raw.PolicyArns)
	if err != nil {
		return err
	}
	out.Tags, out.PolicyArns = tags, arns
	*r = out
	return nil
}

// assumeRoleYAML mirrors AssumeRoleParameters with the two fields whose
// boto3 shape differs left open.
type assumeRoleYAML struct {
	Method               string   `yaml:"sts_method"`
	RoleArn              string   `yaml:"RoleArn"`
	RoleSessionName      string   `yaml:"RoleSessionName"`
	ExternalId           string   `yaml:"ExternalId"`
	DurationSeconds      int32    `yaml:"DurationSeconds"`
	Policy               string   `yaml:"Policy"`
	PolicyArns           any      `yaml:"PolicyArns"`
	SerialNumber         string   `yaml:"SerialNumber"`
	TokenCode            string   `yaml:"TokenCode"`
	SourceIdentity       string   `yaml:"SourceIdentity"`
	Tags                 any      `yaml:"Tags"`
	TransitiveTagKeys    []string `yaml:"TransitiveTagKeys"`
	WebIdentityToken     string   `yaml:"WebIdentityToken"`
	WebIdentityTokenFile string   `yaml:"WebIdentityTokenFile"`
}

func tagsFrom(v any) (map[string]string, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		m := make(map[string]string, len(t))
		for k, val := range t {
			m[k] = scalarString(val)
		}
		return m, nil
	case []any:
		m := make(map[string]string, len(t))
		for i, item := range t {
			kv, ok := item.(map[string]any)
			if !ok {
				return nil, fieldErr(fmt.Sprintf("Tags[%d]", i), "must be a {Key: k, Value: v} map")
			}
			k, okK := kv["Key"]
			val, okV := kv["Value"]
			if !okK || !okV || len(kv) != 2 {
				return nil, fieldErr(fmt.Sprintf("Tags[%d]", i), "must have exactly the keys Key and Value")
			}
			m[scalarString(k)] = scalarString(val)
		}
		return m, nil
	default:
		return nil, fieldErr("Tags", "must be a map or a list of {Key, Value}")
	}
}

func policyArnsFrom(v any) ([]string, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case []any:
		out := make([]string, 0, len(t))
		for i, item := range t {
			switch a := item.(type) {
			case string:
				out = append(out, a)
			case map[string]any:
				arn, ok := a["arn"].(string)
				if !ok || len(a) != 1 {
					return nil, fieldErr(fmt.Sprintf("PolicyArns[%d]", i), "must be an ARN or {arn: ARN}")
				}
				out = append(out, arn)
			default:
				return nil, fieldErr(fmt.Sprintf("PolicyArns[%d]", i), "must be an ARN or {arn: ARN}")
			}
		}
		return out, nil
	default:
		return nil, fieldErr("PolicyArns", "must be a list")
	}
}

func scalarString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// UnmarshalYAML takes the seed's two shapes: a URL, or a map region → URL.
func (e *ServiceEndpoint) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err == nil {
		*e = ServiceEndpoint{URL: s}
		return nil
	}
	var m map[string]string
	if err := unmarshal(&m); err != nil {
		return fmt.Errorf("must be a URL or a map of region to URL")
	}
	*e = ServiceEndpoint{Regions: m}
	return nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
