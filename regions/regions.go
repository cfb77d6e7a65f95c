package regions

import (
	"regexp"
	"slices"
	"sync"
)

// DefaultPartition is the partition a Filter with no partitions selects.
const DefaultPartition = "aws"

// DefaultService is the service whose region list a RegionalAccounts
// container uses when none is named: EC2 is offered in every region.
const DefaultService = "ec2"

// Partitions returns the names of all partitions in the tables, sorted.
// The caller owns the returned slice.
func Partitions() []string {
	out := make([]string, len(partitions))
	for i := range partitions {
		out[i] = partitions[i].name
	}
	slices.Sort(out)
	return out
}

// Known reports whether region is in the region list of partition (the
// "regions" map of endpoints.json). Non-regional endpoint names such as
// "aws-global" are not regions; Known reports false for them.
func Known(partition, region string) bool {
	p := lookupPartition(partition)
	if p == nil {
		return false
	}
	i, ok := nameIndex(region)
	return ok && has(p.regions.list(), i)
}

// regionRegexes compiles each partition's regionRegex once, on first use.
var regionRegexes = sync.OnceValue(func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(partitions))
	for i := range partitions {
		// The patterns are in the RE2 subset; a failure would be caught by
		// the tests, and a nil entry just never matches.
		out[i], _ = regexp.Compile(partitions[i].regionRegex)
	}
	return out
})

// PartitionOf returns the partition region belongs to: the partition whose
// region list holds it or, for a region newer than the tables, the first
// partition (in endpoints.json order, aws first) whose regionRegex matches
// it, as botocore resolves an endpoint. It reports false when none does.
func PartitionOf(region string) (string, bool) {
	if i, ok := nameIndex(region); ok {
		for p := range partitions {
			if has(partitions[p].regions.list(), i) {
				return partitions[p].name, true
			}
		}
	}
	for p, re := range regionRegexes() {
		if re != nil && re.MatchString(region) {
			return partitions[p].name, true
		}
	}
	return "", false
}

// Regions returns the endpoint names of service in partition, sorted, as
// boto3's Session.get_available_regions(service, partition_name=partition,
// allow_non_regional=includeNonRegional) does on the same botocore data:
//
//   - service is a boto3 service name ("ec2", "cloudwatch", "elb"), which is
//     mapped to its endpoint prefix ("monitoring", "elasticloadbalancing");
//     an endpoint prefix that is not also a service name is unknown, as in
//     boto3;
//   - an endpoint name is regional when it is in the partition's region
//     list; others ("aws-global", "fips-us-east-1", "s3-external-1") are
//     listed only with includeNonRegional;
//   - deprecated endpoints are listed, variants (FIPS, dual-stack) of an
//     endpoint are not listed separately.
//
// A known service that has no endpoints in the partition yields an empty
// list and no error. Unlike boto3, which returns an empty list for both, an
// unknown partition is an error wrapping ErrUnknownPartition and an unknown
// service is an error wrapping ErrUnknownService: a misspelt name must not
// read as "no regions". The caller owns the returned slice.
func Regions(partition, service string, includeNonRegional bool) ([]string, error) {
	_, e, err := lookup(partition, service)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return []string{}, nil
	}
	var non []uint16
	if includeNonRegional {
		non = e.nonRegional.list()
	}
	return mergeNames(e.regional.list(), non), nil
}

// Services returns the boto3 service names that have at least one endpoint
// in partition, sorted; nil for an unknown partition. The caller owns the
// returned slice.
func Services(partition string) []string {
	p := lookupPartition(partition)
	if p == nil {
		return nil
	}
	var out []string
	for _, s := range serviceNames {
		prefix := s.prefix
		if prefix == "" {
			prefix = s.name
		}
		if p.endpointsFor(prefix) != nil {
			out = append(out, s.name)
		}
	}
	return out
}

// lookup resolves partition and service; e is nil when the service has no
// endpoints in the partition.
func lookup(partition, service string) (*partition, *endpoints, error) {
	p := lookupPartition(partition)
	if p == nil {
		return nil, nil, &NameError{Kind: ErrUnknownPartition, Name: partition, Hint: suggest(partition, Partitions())}
	}
	prefix, ok := endpointPrefix(service)
	if !ok {
		return nil, nil, &NameError{Kind: ErrUnknownService, Name: service, Hint: suggestService(service)}
	}
	return p, p.endpointsFor(prefix), nil
}

// mergeNames returns the names of two sorted, disjoint index lists, sorted.
func mergeNames(a, b []uint16) []string {
	out := make([]string, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		if len(b) == 0 || (len(a) > 0 && a[0] < b[0]) {
			out = append(out, names[a[0]])
			a = a[1:]
		} else {
			out = append(out, names[b[0]])
			b = b[1:]
		}
	}
	return out
}
