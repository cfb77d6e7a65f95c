package awsapi_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsaccount/awsaccount/internal/awsapi"
)

func TestDecodeInput(t *testing.T) {
	op := lookup(t, "ec2", "describe_instances")
	in, err := op.DecodeInput([]byte(`{"InstanceIds":["i-1","i-2"],"MaxResults":5,
		"Filters":[{"Name":"instance-state-name","Values":["running"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := in.(*ec2.DescribeInstancesInput)
	if !ok {
		t.Fatalf("DecodeInput = %T, want *ec2.DescribeInstancesInput", in)
	}
	if len(got.InstanceIds) != 2 || got.MaxResults == nil || *got.MaxResults != 5 ||
		len(got.Filters) != 1 || *got.Filters[0].Name != "instance-state-name" {
		t.Errorf("DecodeInput = %+v", got)
	}

	run := lookup(t, "ec2", "RunInstances")
	in, err = run.DecodeInput([]byte(`{"ImageId":"ami-12c6146b","MinCount":1,"MaxCount":1,"InstanceType":"t3.micro"}`))
	if err != nil {
		t.Fatal(err)
	}
	if it := in.(*ec2.RunInstancesInput).InstanceType; it != types.InstanceTypeT3Micro {
		t.Errorf("InstanceType = %q, want the enum t3.micro", it)
	}

	metrics := lookup(t, "cloudwatch", "get_metric_data")
	in, err = metrics.DecodeInput([]byte(`{"StartTime":"2024-01-02T03:04:05Z","EndTime":"2024-01-02T04:04:05+01:00"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	if g := in.(*cloudwatch.GetMetricDataInput); !g.StartTime.Equal(want) || !g.EndTime.Equal(want) {
		t.Errorf("times = %v, %v; want %v", g.StartTime, g.EndTime, want)
	}

	for _, empty := range []string{"", "  ", "null", "{}"} {
		in, err := lookup(t, "sts", "GetCallerIdentity").DecodeInput([]byte(empty))
		if _, ok := in.(*sts.GetCallerIdentityInput); err != nil || !ok {
			t.Errorf("DecodeInput(%q) = %T, %v", empty, in, err)
		}
	}
}

// The AWS CLI's spelling of camelCase APIs (logs, ecs, eks) is exact too.
func TestDecodeInputCamelCaseAPI(t *testing.T) {
	svc, err := awsapi.LookupService("logs")
	if err != nil {
		t.Fatal(err)
	}
	op, err := svc.Operation("CreateLogGroup")
	if err != nil {
		t.Fatal(err)
	}
	in, err := op.DecodeInput([]byte(`{"logGroupName":"g"}`))
	if err != nil || aws.ToString(in.(*cloudwatchlogs.CreateLogGroupInput).LogGroupName) != "g" {
		t.Fatalf("DecodeInput = %v, %v", in, err)
	}
}

func TestDecodeInputErrors(t *testing.T) {
	tests := map[string]struct {
		service, op, input string
		path               string
		contains           []string
		jsonErr            bool
	}{
		"unknown top field": {
			"ec2", "DescribeInstances", `{"MaxResults":5,"InstanceId":["i-1"]}`, "InstanceId",
			[]string{"unknown field", "valid fields: DryRun, Filters, ", "InstanceIds, MaxResults, NextToken)"}, false,
		},
		"unknown nested field": {
			"ec2", "DescribeInstances", `{"Filters":[{"Name":"a"},{"Nmae":"b"}]}`, "Filters[1].Nmae",
			[]string{"field Filters[1].Nmae: unknown field; did you mean Name?", "valid fields: Name, Values"}, false,
		},
		"case-only mismatch": {
			"ec2", "DescribeInstances", `{"maxresults":5}`, "maxresults",
			[]string{"field maxresults: unknown field (field names are case-sensitive); did you mean MaxResults?"}, false,
		},
		"nested case-only mismatch": {
			"ec2", "DescribeInstances", `{"Filters":[{"Name":"a","values":["b"]}]}`, "Filters[0].values",
			[]string{"did you mean Values?"}, false,
		},
		"camelCase where the API is not": {
			"ec2", "DescribeInstances", `{"maxResults":5}`, "maxResults",
			[]string{"did you mean MaxResults?"}, false,
		},
		"other case of a camelCase API": {
			"logs", "CreateLogGroup", `{"LOGGROUPNAME":"g"}`, "LOGGROUPNAME",
			[]string{"did you mean LogGroupName?"}, false,
		},
		"no fields": {
			"sts", "GetCallerIdentity", `{"Foo":1}`, "Foo",
			[]string{"the input takes no fields"}, false,
		},
		"wrong type": {
			"ec2", "DescribeInstances", `{"MaxResults":"five"}`, "MaxResults",
			[]string{"field MaxResults", "int32"}, true,
		},
		"wrong nested type": {
			"ec2", "DescribeInstances", `{"Filters":[{"Values":"running"}]}`, "Filters.Values",
			[]string{"field Filters.Values", "[]string"}, true,
		},
		"bad time": {
			"cloudwatch", "GetMetricData", `{"StartTime":"yesterday"}`, "",
			[]string{"CloudWatch GetMetricData input"}, false,
		},
		"syntax": {
			"ec2", "DescribeInstances", `{"MaxResults":`, "",
			[]string{"EC2 DescribeInstances input", "unexpected EOF"}, false,
		},
		"trailing data": {
			"ec2", "DescribeInstances", `{} {}`, "",
			[]string{"data after the JSON value"}, false,
		},
		"not an object": {
			"ec2", "DescribeInstances", `[1]`, "",
			[]string{"cannot use JSON array as ec2.DescribeInstancesInput"}, true,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := lookup(t, tt.service, tt.op).DecodeInput([]byte(tt.input))
			if !errors.Is(err, awsapi.ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			var ie *awsapi.InputError
			if !errors.As(err, &ie) || ie.Path != tt.path {
				t.Errorf("err = %#v, want path %q", err, tt.path)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) != tt.jsonErr {
				t.Errorf("errors.As(*json.UnmarshalTypeError) = %v, want %v", !tt.jsonErr, tt.jsonErr)
			}
		})
	}
}
