package regions_test

import (
	"errors"
	"fmt"

	"github.com/awsaccount/awsaccount/regions"
)

func Example() {
	// The seed's filter1: only us-east-1 of the aws partition.
	filter1 := regions.Filter{Partitions: map[string]regions.PartitionFilter{
		"aws": {Regions: regions.RegionFilter{Include: []string{"us-east-1"}}},
	}}
	got, err := filter1.Regions(regions.DefaultService)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got)

	// The zero Filter: every aws region EC2 is offered in.
	all, _ := regions.Filter{}.Regions(regions.DefaultService)
	fmt.Println(len(all) > len(got))
	// Output:
	// [us-east-1]
	// true
}

func ExampleRegions() {
	// As boto3's get_available_regions("iam", partition_name="aws-cn", allow_non_regional=...).
	regional, _ := regions.Regions("aws-cn", "iam", false)
	all, _ := regions.Regions("aws-cn", "iam", true)
	fmt.Println(regional, all)
	gov, _ := regions.Regions("aws-us-gov", "ec2", false)
	fmt.Println(gov)
	// Output:
	// [] [aws-cn-global]
	// [us-gov-east-1 us-gov-west-1]
}

func ExamplePartitionOf() {
	for _, r := range []string{"cn-north-1", "us-gov-west-1", "ap-southwest-9", "mars-1"} {
		p, ok := regions.PartitionOf(r)
		fmt.Println(r, p, ok)
	}
	// Output:
	// cn-north-1 aws-cn true
	// us-gov-west-1 aws-us-gov true
	// ap-southwest-9 aws true
	// mars-1  false
}

func ExampleFilter_Regions() {
	f := regions.Filter{Partitions: map[string]regions.PartitionFilter{
		"aws": {Regions: regions.RegionFilter{
			Include: []string{"*-west-?"},
			Exclude: []string{"eu-*"},
		}},
		"aws-us-gov": {},
	}}
	got, _ := f.Regions("ec2")
	fmt.Println(got)
	// Output:
	// [ca-west-1 us-gov-east-1 us-gov-west-1 us-west-1 us-west-2]
}

func ExampleFilter_Select() {
	// enabled stands in for EC2 DescribeRegions: ap-east-1 is an opt-in
	// region this account has not enabled.
	enabled := func(partition string) ([]string, error) {
		return []string{"us-east-1", "us-west-2", "eu-west-1"}, nil
	}
	f := regions.Filter{Partitions: map[string]regions.PartitionFilter{
		"aws": {Regions: regions.RegionFilter{Include: []string{"us-*", "ap-east-1"}}},
	}}
	got, _ := f.Select("ec2", enabled)
	fmt.Println(got)
	// Output:
	// [us-east-1 us-west-2]
}

func ExampleFilter_Validate() {
	f := regions.Filter{Partitions: map[string]regions.PartitionFilter{
		"aws": {Regions: regions.RegionFilter{Include: []string{"us-east-1", "us-eest-1"}}},
	}}
	err := f.Validate()
	fmt.Println(err)
	fmt.Println(errors.Is(err, regions.ErrUnknownRegion))
	var fe *regions.FilterError
	if errors.As(err, &fe) {
		fmt.Println(fe.Path)
	}
	// Output:
	// Partitions.aws.Regions.include[1]: unknown region "us-eest-1" in partition aws (did you mean us-east-1?)
	// true
	// Partitions.aws.Regions.include[1]
}

func ExampleFilter_String() {
	f := regions.Filter{Partitions: map[string]regions.PartitionFilter{
		"aws": {IncludeNonRegional: true, Regions: regions.RegionFilter{Include: []string{"us-east-1"}}},
	}}
	fmt.Println(f)
	fmt.Println(regions.Filter{})
	// Output:
	// {"Partitions":{"aws":{"IncludeNonRegional":true,"Regions":{"include":["us-east-1"]}}}}
	// {}
}
