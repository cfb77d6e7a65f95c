package awsapi

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/awsaccount/awsaccount/regions"
)

// Placement says where an operation is worth calling in a partition, for
// a caller that runs it over many accounts and regions.
type Placement struct {
	// Global reports that the service has one endpoint for the whole
	// partition (IAM, Organizations, in the partitions that offer them):
	// a call from any region of the partition reaches it and returns the
	// same answer.
	Global bool
	// PerAccount reports that one call per account returns the account's
	// whole answer: true when Global, and for operations of regional
	// services that answer for every region (S3 ListBuckets).
	PerAccount bool
	// Region is where to make that one call when Global: the region the
	// global endpoint signs requests for (IAM: us-east-1 in aws,
	// cn-north-1 in aws-cn, us-gov-west-1 in aws-us-gov). It is "" when
	// any region does, which is every other case.
	Region string
}

// perAccountOps are the operations of regional services whose answer is
// the same from every region, for the whole account. No endpoint data
// says so: each is documented by AWS, so the list is by hand.
var perAccountOps = map[string]bool{
	// "Returns a list of all buckets owned by the authenticated sender".
	"S3 ListBuckets": true,
}

// Placement reports, for partition ("aws", "aws-cn", "aws-us-gov", ...),
// whether the operation's service is global and where to call it.
//
// Whether a service is global comes from botocore's endpoint data (package
// regions): it is when the partition lists no regional endpoint for it,
// only non-regional ones such as "aws-global". The region comes from the
// SDK's own endpoint rules: the signing region of the endpoint they
// resolve. STS has regional endpoints in every partition, so it is not
// global (each region's STS answers for the account). A service the
// partition does not offer at all is reported as not global.
//
// An unknown partition is an error matching [regions.ErrUnknownPartition].
func (o Operation) Placement(partition string) (Placement, error) {
	regional, err := regions.Regions(partition, o.Service.Name, false)
	if err != nil {
		return Placement{}, fmt.Errorf("awsapi: %s placement: %w", o, err)
	}
	all, _ := regions.Regions(partition, o.Service.Name, true)
	if len(regional) > 0 || len(all) == 0 {
		return Placement{PerAccount: perAccountOps[o.String()]}, nil
	}
	region, err := o.Service.globalRegion(partition)
	if err != nil {
		return Placement{}, fmt.Errorf("awsapi: %s placement: %w", o, err)
	}
	return Placement{Global: true, PerAccount: true, Region: region}, nil
}

// globalRegion returns the region the service's global endpoint in
// partition signs for, as the SDK resolves it from the partition's first
// region: the endpoint's SigV4 signing region, else a region of the
// partition named in its host name, else the region resolved from.
func (s Service) globalRegion(partition string) (string, error) {
	names, err := regions.Regions(partition, regions.DefaultService, false)
	if err != nil || len(names) == 0 {
		return "", fmt.Errorf("partition %s has no regions to resolve from", partition)
	}
	from := names[0]
	ep, err := s.resolveEndpoint(from)
	if err != nil {
		return "", err
	}
	if opts, ok := smithyauth.GetAuthOptions(&ep.Properties); ok {
		for _, opt := range opts {
			if r, ok := smithyhttp.GetSigV4SigningRegion(&opt.SignerProperties); ok && r != "" {
				return r, nil
			}
		}
	}
	for label := range strings.SplitSeq(ep.URI.Hostname(), ".") {
		if regions.Known(partition, label) {
			return label, nil
		}
	}
	return from, nil
}

// resolveEndpoint runs the service's default endpoint rules
// (<pkg>.NewDefaultEndpointResolverV2, as a client's Options carry it) for
// region, with every other parameter at its default.
func (s Service) resolveEndpoint(region string) (smithyendpoints.Endpoint, error) {
	client := reflect.ValueOf(s.NewClient(aws.Config{Region: region}))
	options := client.MethodByName("Options")
	if !options.IsValid() {
		return smithyendpoints.Endpoint{}, fmt.Errorf("%s client has no Options method", s)
	}
	resolver := options.Call(nil)[0].FieldByName("EndpointResolverV2")
	if !resolver.IsValid() || resolver.IsNil() {
		return smithyendpoints.Endpoint{}, fmt.Errorf("%s client has no EndpointResolverV2", s)
	}
	resolve := resolver.MethodByName("ResolveEndpoint")
	if !resolve.IsValid() || resolve.Type().NumIn() != 2 || resolve.Type().NumOut() != 2 {
		return smithyendpoints.Endpoint{}, fmt.Errorf("%s endpoint resolver has no ResolveEndpoint(ctx, params)", s)
	}
	params := reflect.New(resolve.Type().In(1)).Elem()
	regionField := reflect.Value{}
	if params.Kind() == reflect.Struct {
		regionField = params.FieldByName("Region")
	}
	if !regionField.IsValid() || regionField.Type() != reflect.TypeFor[*string]() {
		return smithyendpoints.Endpoint{}, fmt.Errorf("%s endpoint parameters have no Region", s)
	}
	regionField.Set(reflect.ValueOf(aws.String(region)))
	out := resolve.Call([]reflect.Value{reflect.ValueOf(context.Background()), params})
	if err, _ := out[1].Interface().(error); err != nil {
		return smithyendpoints.Endpoint{}, fmt.Errorf("resolve %s endpoint in %s: %w", s, region, err)
	}
	ep, _ := out[0].Interface().(smithyendpoints.Endpoint)
	return ep, nil
}
