// Package regions knows which AWS regions exist, per partition and per
// service, and evaluates the region filter of a RegionalAccounts container.
//
// # Tables
//
// The tables are generated (see generate.go and internal/gen) from the data
// files that ship with botocore, and compiled in: no network, no files at
// run time. DataVersion records the botocore version, the sha256 of its
// data/endpoints.json and the partitions. Regenerate after upgrading
// botocore with
//
//	go generate ./regions
//
// The tests compare the tables with the installed botocore and every answer
// with boto3 itself.
//
// Partitions lists the partitions (aws, aws-cn, aws-us-gov, aws-iso,
// aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc). Regions lists the endpoint
// names of a service in a partition with the same answer, in the same order,
// as boto3:
//
//	regions.Regions("aws", "ec2", false)
//	// same as boto3.session.Session().get_available_regions(
//	//     "ec2", partition_name="aws", allow_non_regional=False)
//
// The service is a boto3 service name: "cloudwatch", not its endpoint prefix
// "monitoring". A service such as iam has no regional endpoints at all; its
// only names are non-regional ("aws-global"), listed with
// includeNonRegional. Known tells whether a name is a region of a partition,
// PartitionOf which partition a region belongs to, and Services which
// services a partition offers.
//
// # Filters
//
// A Filter is the seed's Container Filter Specification, with the same keys
// in YAML and JSON:
//
//	Partitions:
//	  aws:
//	    IncludeNonRegional: false
//	    Regions:
//	      include: [us-*, eu-west-1]
//	      exclude: [us-west-1]
//
// All keys are optional. No partitions means the aws partition; no include
// (or an empty one) means every region the partition offers for the service;
// exclude wins over include. Entries are region names or path.Match globs.
//
// Filter.Regions evaluates a filter for a service against the tables;
// Filter.Select narrows that to the regions an account has enabled, as
// reported by the caller (typically from EC2 DescribeRegions). Both return
// sorted names without duplicates. Both first Validate the filter: an
// unknown partition, a region its partition does not have, a malformed glob
// or a glob that matches nothing is an error that names the key, so that a
// typo cannot silently drop a region from coverage:
//
//	Partitions.aws.Regions.include[1]: unknown region "us-eest-1" in partition aws (did you mean us-east-1?)
//
// Errors wrap the sentinels ErrUnknownPartition, ErrUnknownService,
// ErrUnknownRegion, ErrBadPattern and ErrNoMatch for errors.Is, in the
// types *FilterError (where), *NameError and *PatternError (what) for
// errors.As.
//
// Everything in this package is safe for concurrent use: the tables are
// read-only, and a Filter is a value whose methods do not modify it.
package regions
