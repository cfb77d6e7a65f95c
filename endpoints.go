package awsaccount

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/awsaccount/awsaccount/internal/names"
	"github.com/awsaccount/awsaccount/internal/redact"
)

// ServiceEndpoints maps a service to a custom (for example VPC) endpoint: the
// ServiceEndpoints block of SessionParameters. Keys are boto3's service names
// ("ec2", "sqs", "logs") or the SDK's service ids ("EC2", "CloudWatch Logs");
// case, spaces, '-' and '_' do not matter.
//
// The endpoints are applied through the SDK's own endpoint resolution
// (aws.Config.ConfigSources), so they reach every client built from a
// Session's or RegionalAccount's Config. One caveat is the SDK's: when the
// environment sets AWS_ENDPOINT_URL but not AWS_ENDPOINT_URL_<SERVICE>, the
// SDK does not consult config sources for that service and the global URL
// wins.
type ServiceEndpoints map[string]ServiceEndpoint

// ServiceEndpoint is the endpoint of one service: one URL, or one URL per
// region. A single URL whose host names a region (vpce-1.ec2.us-west-2.vpce.
// amazonaws.com) applies to that region only, as in the seed; a URL whose
// host names no region (http://127.0.0.1:5000) applies to every region. A
// region that has no endpoint here uses the service's default.
type ServiceEndpoint struct {
	URL     string            // one endpoint
	Regions map[string]string // or region → endpoint
}

// forRegion returns the endpoint of this service for region, and whether
// there is one.
func (e ServiceEndpoint) forRegion(region string) (string, bool) {
	if e.Regions != nil {
		u, ok := e.Regions[region]
		return u, ok && u != ""
	}
	if e.URL == "" {
		return "", false
	}
	if r := regionOfURL(e.URL); r != "" && r != region {
		return "", false
	}
	return e.URL, true
}

// regionOfURL returns the region named in the URL's host, if any.
func regionOfURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	m := regionInHostPattern.FindStringSubmatch(u.Hostname())
	if m == nil {
		return ""
	}
	return m[2]
}

// describe lists the services and where they go, without passwords.
func (s ServiceEndpoints) describe() string {
	var parts []string
	for _, k := range sortedKeys(s) {
		e := s[k]
		if e.Regions == nil {
			parts = append(parts, k+":"+redact.URL(e.URL))
			continue
		}
		var rs []string
		for _, r := range sortedKeys(e.Regions) {
			rs = append(rs, r+"="+redact.URL(e.Regions[r]))
		}
		parts = append(parts, k+":{"+strings.Join(rs, " ")+"}")
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func (s ServiceEndpoints) validate(path string) error {
	for _, k := range sortedKeys(s) {
		e := s[k]
		if e.Regions == nil {
			if err := checkEndpointURL(e.URL); err != nil {
				return fieldErr(path+"."+k, err.Error())
			}
			continue
		}
		for _, r := range sortedKeys(e.Regions) {
			if err := checkRegion(r); err != nil {
				return fieldErr(path+"."+k+"."+r, err.Error())
			}
			if err := checkEndpointURL(e.Regions[r]); err != nil {
				return fieldErr(path+"."+k+"."+r, err.Error())
			}
		}
	}
	return nil
}

func checkEndpointURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", redact.URL(raw))
	}
	return nil
}

// serviceKey folds a boto3 service name or an SDK service id to one key:
// names.ServiceKey, shared with internal/awsapi so both agree on what names
// a service.
func serviceKey(name string) string { return names.ServiceKey(name) }

// endpointSource resolves ServiceEndpoints for one region. It is placed in
// aws.Config.ConfigSources, where every service client looks for
// GetServiceBaseEndpoint.
type endpointSource struct {
	byService map[string]ServiceEndpoint // folded keys
	region    string
}

func newEndpointSource(s ServiceEndpoints, region string) *endpointSource {
	if len(s) == 0 {
		return nil
	}
	m := make(map[string]ServiceEndpoint, len(s))
	for k, v := range s {
		m[serviceKey(k)] = v
	}
	return &endpointSource{byService: m, region: region}
}

func (e *endpointSource) withRegion(region string) *endpointSource {
	if e == nil || e.region == region {
		return e
	}
	return &endpointSource{byService: e.byService, region: region}
}

// GetServiceBaseEndpoint implements the SDK's ServiceBaseEndpointProvider.
func (e *endpointSource) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	ep, ok := e.byService[serviceKey(sdkID)]
	if !ok {
		return "", false, nil
	}
	u, ok := ep.forRegion(e.region)
	return u, ok, nil
}

// withEndpointSource returns sources with ours first (replacing an older one
// of ours), so ServiceEndpoints win over shared-config endpoint settings.
func withEndpointSource(sources []any, src *endpointSource) []any {
	out := make([]any, 0, len(sources)+1)
	if src != nil {
		out = append(out, src)
	}
	for _, s := range sources {
		if _, ours := s.(*endpointSource); !ours {
			out = append(out, s)
		}
	}
	return out
}
