package awsapi_test

import (
	"fmt"

	"github.com/awsaccount/awsaccount/internal/awsapi"
)

// The CLI's path from `awsacct call ec2 describe_instances --input ...` to a
// typed SDK input; op.Call(ctx, cfg, in, true) would then run it.
func Example() {
	svc, err := awsapi.LookupService("ec2")
	if err != nil {
		fmt.Println(err)
		return
	}
	op, err := svc.Operation("describe_instances")
	if err != nil {
		fmt.Println(err)
		return
	}
	in, err := op.DecodeInput([]byte(`{"MaxResults": 5, "Filters": [{"Name": "instance-state-name", "Values": ["running"]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	js, _ := awsapi.ToJSON(in)
	fmt.Printf("%s paginated=%v\n%T %s\n", op, op.Paginated(), in, js)

	_, err = op.DecodeInput([]byte(`{"InstanceID": ["i-1"], "MaxResult": 5}`))
	fmt.Println(err)
	// Output:
	// EC2 DescribeInstances paginated=true
	// *ec2.DescribeInstancesInput {"Filters":[{"Name":"instance-state-name","Values":["running"]}],"MaxResults":5}
	// awsapi: EC2 DescribeInstances input: field InstanceID: unknown field; did you mean InstanceIds? (valid fields: DryRun, Filters, IncludeManagedResources, InstanceIds, MaxResults, NextToken)
}

func ExampleLookupService() {
	for _, name := range []string{"logs", "CloudWatch Logs", "cloudwatchlogs"} {
		svc, _ := awsapi.LookupService(name)
		fmt.Printf("%s: %s / %s / %s\n", name, svc.Name, svc.SDKID, svc.Package)
	}
	_, err := awsapi.LookupService("cloudtrail")
	fmt.Println(err)
	// Output:
	// logs: logs / CloudWatch Logs / cloudwatchlogs
	// CloudWatch Logs: logs / CloudWatch Logs / cloudwatchlogs
	// cloudwatchlogs: logs / CloudWatch Logs / cloudwatchlogs
	// awsapi: unknown service "cloudtrail"; supported: cloudwatch, dynamodb, ec2, ecs, eks, iam, kms, lambda, logs, organizations, rds, s3, secretsmanager, sns, sqs, ssm, sts
}

func ExampleService_Operation() {
	svc, _ := awsapi.LookupService("iam")
	_, err := svc.Operation("list_user")
	fmt.Println(err)
	// Output:
	// awsapi: service iam has no operation "list_user"; did you mean ListUsers, ListUserTags, ListUserPolicies?
}

func ExampleOperation_Validate() {
	svc, _ := awsapi.LookupService("s3")
	op, _ := svc.Operation("list_objects_v2")
	in, _ := op.DecodeInput([]byte(`{"MaxKeys": 10}`))
	fmt.Println(op.Validate(in))

	_, err := op.DecodeInput([]byte(`{"bucket": "b"}`))
	fmt.Println(err)
	// Output:
	// awsapi: S3 ListObjectsV2 input: missing required field Bucket
	// awsapi: S3 ListObjectsV2 input: field bucket: unknown field (field names are case-sensitive); did you mean Bucket?
}

func ExampleOperation_Placement() {
	svc, _ := awsapi.LookupService("iam")
	op, _ := svc.Operation("ListUsers")
	for _, partition := range []string{"aws", "aws-cn", "aws-us-gov"} {
		p, _ := op.Placement(partition)
		fmt.Printf("%s in %s: global=%v region=%s\n", op, partition, p.Global, p.Region)
	}
	// Output:
	// IAM ListUsers in aws: global=true region=us-east-1
	// IAM ListUsers in aws-cn: global=true region=cn-north-1
	// IAM ListUsers in aws-us-gov: global=true region=us-gov-west-1
}
