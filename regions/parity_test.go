package regions_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount/regions"
)

// parityScript asks boto3, in one process, for every service × partition ×
// allow_non_regional answer of get_available_regions.
const parityScript = `
import json, boto3, botocore
s = boto3.session.Session()
parts = s.get_available_partitions()
svcs = s.get_available_services()
out = {"version": botocore.__version__, "partitions": parts, "services": svcs, "regions": {}}
for sv in svcs:
    out["regions"][sv] = {p: [s.get_available_regions(sv, partition_name=p, allow_non_regional=False),
                              s.get_available_regions(sv, partition_name=p, allow_non_regional=True)]
                          for p in parts}
print(json.dumps(out))
`

// mustServices are checked by name, so that a service vanishing from both
// boto3 and the tables is still noticed.
var mustServices = []string{
	"ec2", "sts", "iam", "s3", "sqs", "lambda", "organizations", "sns", "dynamodb",
	"cloudwatch", "logs", "rds", "ecs", "eks", "kms", "secretsmanager", "ssm",
	"route53", "cloudfront", "autoscaling", "elb", "elbv2", "acm", "sso",
}

// TestBoto3Parity compares Regions with boto3's get_available_regions for
// every service boto3 knows, in every partition, with and without
// non-regional names, order included (botocore's lists are sorted).
func TestBoto3Parity(t *testing.T) {
	var want struct {
		Version    string
		Partitions []string
		Services   []string
		Regions    map[string]map[string][2][]string
	}
	if err := json.Unmarshal(requirePython(t, parityScript), &want); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(regions.DataVersion, "botocore "+want.Version+";") {
		t.Fatalf("tables are from %q, boto3 runs botocore %s: run go generate ./regions", regions.DataVersion, want.Version)
	}
	if got := regions.Partitions(); !slices.Equal(got, slices.Sorted(slices.Values(want.Partitions))) {
		t.Errorf("Partitions() = %v, boto3 %v", got, want.Partitions)
	}
	if got := regions.ServiceNames(); !slices.Equal(got, want.Services) {
		t.Errorf("service names differ from boto3's get_available_services():\n got %v\nwant %v", got, want.Services)
	}
	for _, s := range mustServices {
		if _, ok := want.Regions[s]; !ok {
			t.Errorf("boto3 does not know %q", s)
		}
	}
	compared := 0
	for svc, byPart := range want.Regions {
		for p, lists := range byPart {
			for i, nonRegional := range []bool{false, true} {
				got, err := regions.Regions(p, svc, nonRegional)
				if err != nil {
					t.Errorf("Regions(%q, %q, %v): %v", p, svc, nonRegional, err)
					continue
				}
				if !slices.Equal(got, lists[i]) {
					t.Errorf("Regions(%q, %q, %v) =\n %v\nboto3:\n %v", p, svc, nonRegional, got, lists[i])
				}
				compared++
			}
		}
	}
	t.Logf("%d answers equal boto3's (botocore %s)", compared, want.Version)
}

func TestRegionsErrors(t *testing.T) {
	tests := map[string]struct {
		partition, service string
		want               error
		text               string
	}{
		"unknown partition": {"aws-gov", "ec2", regions.ErrUnknownPartition, `unknown partition "aws-gov" (did you mean aws-us-gov?)`},
		"unknown service":   {"aws", "ec3", regions.ErrUnknownService, `unknown service "ec3" (did you mean ec2?)`},
		"endpoint prefix":   {"aws", "monitoring", regions.ErrUnknownService, `unknown service "monitoring" (did you mean cloudwatch? monitoring is its endpoint prefix)`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := regions.Regions(tt.partition, tt.service, false)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Regions = %v, %v; want %v", got, err, tt.want)
			}
			if err.Error() != tt.text {
				t.Errorf("error text\n got %s\nwant %s", err, tt.text)
			}
		})
	}
}

func TestLookups(t *testing.T) {
	partitionOf := map[string]struct {
		region, want string
		ok           bool
	}{
		"listed":       {"us-east-1", "aws", true},
		"gov":          {"us-gov-west-1", "aws-us-gov", true},
		"china":        {"cn-north-1", "aws-cn", true},
		"iso-b":        {"us-isob-east-1", "aws-iso-b", true},
		"eusc":         {"eusc-de-east-1", "aws-eusc", true},
		"future aws":   {"ap-southwest-9", "aws", true},
		"future gov":   {"us-gov-north-7", "aws-us-gov", true},
		"non-regional": {"aws-global", "", false},
		"nonsense":     {"mars-1", "", false},
	}
	for name, tt := range partitionOf {
		t.Run("PartitionOf/"+name, func(t *testing.T) {
			got, ok := regions.PartitionOf(tt.region)
			if got != tt.want || ok != tt.ok {
				t.Errorf("PartitionOf(%q) = %q, %v; want %q, %v", tt.region, got, ok, tt.want, tt.ok)
			}
		})
	}
	known := map[string]struct {
		partition, region string
		want              bool
	}{
		"region":       {"aws", "us-east-2", true},
		"other part":   {"aws-cn", "us-east-2", false},
		"non-regional": {"aws", "aws-global", false},
		"unknown part": {"aws-x", "us-east-1", false},
	}
	for name, tt := range known {
		t.Run("Known/"+name, func(t *testing.T) {
			if got := regions.Known(tt.partition, tt.region); got != tt.want {
				t.Errorf("Known(%q, %q) = %v", tt.partition, tt.region, got)
			}
		})
	}
	t.Run("regionRegex compiles", func(t *testing.T) {
		if err := regions.CheckRegexes(); err != nil {
			t.Error(err)
		}
	})
	t.Run("Services", func(t *testing.T) {
		aws := regions.Services("aws")
		if !slices.IsSorted(aws) || !slices.Contains(aws, "ec2") || !slices.Contains(aws, "cloudwatch") {
			t.Errorf("Services(aws) = %v", aws)
		}
		if s := regions.Services("nope"); s != nil {
			t.Errorf("Services(nope) = %v", s)
		}
	})
	t.Run("result is the caller's", func(t *testing.T) {
		a, _ := regions.Regions("aws", "ec2", false)
		a[0] = "clobbered"
		b, _ := regions.Regions("aws", "ec2", false)
		if b[0] == "clobbered" {
			t.Error("Regions returned shared storage")
		}
	})
}
