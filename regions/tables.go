package regions

import (
	"slices"
	"strings"
)

// The generated tables (tables_gen.go) are flat, statically initialised
// arrays: no map is built at start-up and a lookup allocates only its result.

// span is a half-open range [off, end) of pool; pool holds indices into names.
type span struct{ off, end uint16 }

// list returns the indices of s. It aliases pool: callers must not modify it.
func (s span) list() []uint16 { return pool[s.off:s.end] }

// partition is one partition of endpoints.json.
type partition struct {
	name        string
	regionRegex string
	regions     span        // the partition's "regions" map
	nonRegional span        // every endpoint name of any service that is not a region
	services    []endpoints // sorted by prefix
}

// endpoints lists a service's endpoint names in a partition, split as boto3
// splits them: regional when the name is in the partition's region list.
type endpoints struct {
	prefix      string
	regional    span
	nonRegional span
}

// serviceName maps a boto3 service name to its endpoint prefix ("" = same).
type serviceName struct {
	name   string
	prefix string
}

// lookupPartition returns the partition named name, or nil.
func lookupPartition(name string) *partition {
	for i := range partitions {
		if partitions[i].name == name {
			return &partitions[i]
		}
	}
	return nil
}

// endpointPrefix returns the endpoint prefix boto3 resolves service to.
func endpointPrefix(service string) (string, bool) {
	i, ok := slices.BinarySearchFunc(serviceNames[:], service, func(s serviceName, name string) int {
		return strings.Compare(s.name, name)
	})
	if !ok {
		return "", false
	}
	if p := serviceNames[i].prefix; p != "" {
		return p, true
	}
	return service, true
}

// endpointsFor returns the endpoint lists of prefix in p, or nil.
func (p *partition) endpointsFor(prefix string) *endpoints {
	i, ok := slices.BinarySearchFunc(p.services, prefix, func(e endpoints, name string) int {
		return strings.Compare(e.prefix, name)
	})
	if !ok {
		return nil
	}
	return &p.services[i]
}

// nameIndex returns the index of name in names.
func nameIndex(name string) (uint16, bool) {
	i, ok := slices.BinarySearch(names[:], name)
	return uint16(i), ok
}

// has reports whether the sorted index list l holds i.
func has(l []uint16, i uint16) bool {
	_, ok := slices.BinarySearch(l, i)
	return ok
}
