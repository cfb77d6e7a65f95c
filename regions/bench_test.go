package regions_test

import (
	"testing"

	"github.com/awsaccount/awsaccount/regions"
)

func BenchmarkFilterRegions(b *testing.B) {
	filters := map[string]regions.Filter{
		"default": {},
		"globs": {Partitions: map[string]regions.PartitionFilter{
			"aws":        {Regions: regions.RegionFilter{Include: []string{"us-*", "eu-*"}, Exclude: []string{"*-west-?"}}},
			"aws-us-gov": {},
		}},
	}
	for name, f := range filters {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := f.Regions(regions.DefaultService); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func BenchmarkRegions(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := regions.Regions("aws", "ec2", true); err != nil {
			b.Fatal(err)
		}
	}
}
