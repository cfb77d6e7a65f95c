package awsapi_test

import (
	"errors"
	"testing"

	"github.com/awsaccount/awsaccount/internal/awsapi"
	"github.com/awsaccount/awsaccount/regions"
)

func TestPlacement(t *testing.T) {
	tests := map[string]struct {
		service, op, partition string
		want                   awsapi.Placement
	}{
		"iam aws":               {"iam", "ListUsers", "aws", awsapi.Placement{Global: true, PerAccount: true, Region: "us-east-1"}},
		"iam aws-cn":            {"iam", "ListUsers", "aws-cn", awsapi.Placement{Global: true, PerAccount: true, Region: "cn-north-1"}},
		"iam aws-us-gov":        {"iam", "ListUsers", "aws-us-gov", awsapi.Placement{Global: true, PerAccount: true, Region: "us-gov-west-1"}},
		"organizations aws":     {"organizations", "ListAccounts", "aws", awsapi.Placement{Global: true, PerAccount: true, Region: "us-east-1"}},
		"organizations aws-cn":  {"organizations", "ListAccounts", "aws-cn", awsapi.Placement{Global: true, PerAccount: true, Region: "cn-northwest-1"}},
		"organizations us-gov":  {"organizations", "ListAccounts", "aws-us-gov", awsapi.Placement{Global: true, PerAccount: true, Region: "us-gov-west-1"}},
		"sts is regional":       {"sts", "GetCallerIdentity", "aws", awsapi.Placement{}},
		"s3 ListBuckets":        {"s3", "ListBuckets", "aws", awsapi.Placement{PerAccount: true}},
		"s3 ListBuckets aws-cn": {"s3", "ListBuckets", "aws-cn", awsapi.Placement{PerAccount: true}},
		"s3 ListObjectsV2":      {"s3", "ListObjectsV2", "aws", awsapi.Placement{}},
		"ec2":                   {"ec2", "DescribeInstances", "aws", awsapi.Placement{}},
		"not in partition":      {"iam", "ListUsers", "aws-eusc", awsapi.Placement{}},
		"logs (boto3 name)":     {"logs", "DescribeLogGroups", "aws-us-gov", awsapi.Placement{}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := lookup(t, tt.service, tt.op).Placement(tt.partition)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Placement(%s) = %+v, want %+v", tt.partition, got, tt.want)
			}
		})
	}
}

func TestPlacementUnknownPartition(t *testing.T) {
	_, err := lookup(t, "iam", "ListUsers").Placement("aws-moon")
	if !errors.Is(err, regions.ErrUnknownPartition) {
		t.Errorf("err = %v, want regions.ErrUnknownPartition", err)
	}
}

// TestPlacementEveryService: every supported service has an answer in
// every partition, and a global one names a region of the partition.
func TestPlacementEveryService(t *testing.T) {
	for _, p := range regions.Partitions() {
		for _, svc := range awsapi.Services() {
			op, err := svc.Operation(svc.Operations()[0])
			if err != nil {
				t.Fatal(err)
			}
			pl, err := op.Placement(p)
			if err != nil {
				t.Errorf("%s in %s: %v", op, p, err)
				continue
			}
			if pl.Global && !regions.Known(p, pl.Region) {
				t.Errorf("%s in %s: global in %q, not a region of the partition", op, p, pl.Region)
			}
		}
	}
}
