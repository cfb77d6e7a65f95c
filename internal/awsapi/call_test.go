package awsapi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/awsaccount/awsaccount/internal/awsapi"
	"github.com/awsaccount/awsaccount/internal/awstest"
)

func TestCallGetCallerIdentity(t *testing.T) {
	op := lookup(t, "sts", "get_caller_identity")
	res, err := op.Call(context.Background(), motoConfig("us-east-1"), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	out, ok := res.Output.(*sts.GetCallerIdentityOutput)
	if !ok || res.Pages != 1 || *out.Account != awstest.TestAccountID {
		t.Fatalf("Call = %#v", res)
	}
	b, err := awsapi.ToJSON(res.Output)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"Account":"123456789012"`) || strings.Contains(string(b), "ResultMetadata") {
		t.Errorf("ToJSON = %s", b)
	}
}

func TestCallPaginateEC2(t *testing.T) {
	cfg := motoConfig("eu-west-3") // a region no other test fills
	for range 12 {
		call(t, cfg, "ec2", "run_instances", `{"ImageId":"ami-12c6146b","MinCount":1,"MaxCount":1}`, false)
	}
	res := call(t, cfg, "ec2", "describe_instances", `{"MaxResults":5}`, true)
	out := res.Output.(*ec2.DescribeInstancesOutput)
	n := 0
	for _, r := range out.Reservations {
		n += len(r.Instances)
	}
	if res.Pages != 3 || n != 12 || out.NextToken != nil {
		t.Errorf("Pages = %d, instances = %d, NextToken = %v; want 3, 12, nil", res.Pages, n, out.NextToken)
	}

	// Without paginate: one page of 5 reservations and a token to go on.
	res = call(t, cfg, "ec2", "describe_instances", `{"MaxResults":5}`, false)
	out = res.Output.(*ec2.DescribeInstancesOutput)
	if res.Pages != 1 || len(out.Reservations) != 5 || out.NextToken == nil {
		t.Errorf("unpaginated: Pages = %d, reservations = %d, NextToken = %v", res.Pages, len(out.Reservations), out.NextToken)
	}
}

func TestCallPaginateIAM(t *testing.T) {
	cfg := motoConfig("us-east-1")
	for i := range 3 {
		call(t, cfg, "iam", "CreateUser", fmt.Sprintf(`{"UserName":"pager-%d","Path":"/pager/"}`, i), false)
		call(t, cfg, "iam", "CreateRole", fmt.Sprintf(`{"RoleName":"pager-%d","Path":"/pager/","AssumeRolePolicyDocument":"{}"}`, i), false)
	}
	res := call(t, cfg, "iam", "list_roles", `{"PathPrefix":"/pager/","MaxItems":1}`, true)
	roles := res.Output.(*iam.ListRolesOutput)
	if res.Pages != 3 || len(roles.Roles) != 3 || roles.Marker != nil || roles.IsTruncated {
		t.Errorf("ListRoles: Pages = %d, roles = %d, Marker = %v, IsTruncated = %v", res.Pages, len(roles.Roles), roles.Marker, roles.IsTruncated)
	}

	// moto 5.2 ignores MaxItems in ListUsers and answers in one page; the
	// merged result must hold all users either way.
	res = call(t, cfg, "iam", "list_users", `{"PathPrefix":"/pager/","MaxItems":1}`, true)
	users := res.Output.(*iam.ListUsersOutput)
	if res.Pages < 1 || len(users.Users) != 3 || users.Marker != nil || users.IsTruncated {
		t.Errorf("ListUsers: Pages = %d, users = %d, Marker = %v, IsTruncated = %v", res.Pages, len(users.Users), users.Marker, users.IsTruncated)
	}
}

func TestCallSQS(t *testing.T) {
	cfg := motoConfig("us-east-1")
	call(t, cfg, "sqs", "create_queue", `{"QueueName":"awsapi-test"}`, false)
	res := call(t, cfg, "sqs", "list_queues", `{"QueueNamePrefix":"awsapi-"}`, true)
	out := res.Output.(*sqs.ListQueuesOutput)
	if len(out.QueueUrls) != 1 || !strings.HasSuffix(out.QueueUrls[0], "/awsapi-test") {
		t.Errorf("QueueUrls = %v", out.QueueUrls)
	}
}

func TestCallDynamoDB(t *testing.T) {
	cfg := motoConfig("us-east-1")
	call(t, cfg, "dynamodb", "create_table", `{"TableName":"awsapi","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}]}`, false)
	res := call(t, cfg, "dynamodb", "list_tables", `{}`, true)
	if out := res.Output.(*dynamodb.ListTablesOutput); len(out.TableNames) != 1 || out.TableNames[0] != "awsapi" {
		t.Errorf("TableNames = %v", out.TableNames)
	}
}

func TestCallS3(t *testing.T) {
	cfg := motoConfig("us-east-1")
	// UsePathStyle (given by call) lets moto on 127.0.0.1 see the bucket.
	call(t, cfg, "s3", "create_bucket", `{"Bucket":"awsapi-bucket"}`, false)
	call(t, cfg, "s3", "put_object", `{"Bucket":"awsapi-bucket","Key":"a"}`, false)
	call(t, cfg, "s3", "put_object", `{"Bucket":"awsapi-bucket","Key":"b"}`, false)
	res := call(t, cfg, "s3", "list_buckets", ``, false)
	if out := res.Output.(*s3.ListBucketsOutput); len(out.Buckets) != 1 || *out.Buckets[0].Name != "awsapi-bucket" {
		t.Errorf("Buckets = %+v", out.Buckets)
	}
	res = call(t, cfg, "s3", "list_objects_v2", `{"Bucket":"awsapi-bucket","MaxKeys":1}`, true)
	out := res.Output.(*s3.ListObjectsV2Output)
	if res.Pages != 2 || len(out.Contents) != 2 || out.NextContinuationToken != nil {
		t.Errorf("Pages = %d, Contents = %d, NextContinuationToken = %v", res.Pages, len(out.Contents), out.NextContinuationToken)
	}
}

// TestCallEveryService makes one call per supported service, after what it
// needs to return something.
func TestCallEveryService(t *testing.T) {
	type step struct{ op, input string }
	tests := map[string]struct {
		setup []step
		call  step
		want  string // in the output's JSON
	}{
		"sts":            {call: step{"GetCallerIdentity", ``}, want: `"Account":"123456789012"`},
		"iam":            {setup: []step{{"CreateRole", `{"RoleName":"every","AssumeRolePolicyDocument":"{}"}`}}, call: step{"ListRoles", `{}`}, want: `"RoleName":"every"`},
		"ec2":            {call: step{"DescribeRegions", `{}`}, want: `"RegionName":"us-east-1"`},
		"s3":             {setup: []step{{"CreateBucket", `{"Bucket":"every-bucket","CreateBucketConfiguration":{"LocationConstraint":"us-west-2"}}`}}, call: step{"ListBuckets", ``}, want: `"Name":"every-bucket"`},
		"sqs":            {setup: []step{{"CreateQueue", `{"QueueName":"every"}`}}, call: step{"GetQueueUrl", `{"QueueName":"every"}`}, want: `/every"`},
		"sns":            {setup: []step{{"CreateTopic", `{"Name":"every"}`}}, call: step{"ListTopics", `{}`}, want: `:every"`},
		"lambda":         {call: step{"ListFunctions", `{}`}, want: `"Functions":[]`},
		"dynamodb":       {call: step{"DescribeLimits", `{}`}, want: `"AccountMaxReadCapacityUnits"`},
		"organizations":  {setup: []step{{"CreateOrganization", `{"FeatureSet":"ALL"}`}}, call: step{"ListAccounts", `{}`}, want: `"Id":"123456789012"`},
		"cloudwatch":     {setup: []step{{"PutMetricData", `{"Namespace":"Every","MetricData":[{"MetricName":"m","Value":1}]}`}}, call: step{"ListMetrics", `{"Namespace":"Every"}`}, want: `"MetricName":"m"`},
		"logs":           {setup: []step{{"CreateLogGroup", `{"LogGroupName":"every"}`}}, call: step{"DescribeLogGroups", `{}`}, want: `"LogGroupName":"every"`},
		"rds":            {call: step{"DescribeDBInstances", `{}`}, want: `"DBInstances":[]`},
		"ecs":            {setup: []step{{"CreateCluster", `{"ClusterName":"every"}`}}, call: step{"ListClusters", `{}`}, want: `cluster/every"`},
		"eks":            {call: step{"ListClusters", `{}`}, want: `"Clusters":[]`},
		"kms":            {setup: []step{{"CreateKey", `{"Description":"every"}`}}, call: step{"ListKeys", `{}`}, want: `"KeyArn":"arn:aws:kms:`},
		"secretsmanager": {setup: []step{{"CreateSecret", `{"Name":"every","SecretString":"s"}`}}, call: step{"ListSecrets", `{}`}, want: `"Name":"every"`},
		"ssm":            {setup: []step{{"PutParameter", `{"Name":"/every/p","Value":"v","Type":"String"}`}}, call: step{"GetParametersByPath", `{"Path":"/every"}`}, want: `"Value":"v"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := motoConfig("us-west-2")
			for _, s := range tt.setup {
				call(t, cfg, name, s.op, s.input, false)
			}
			res := call(t, cfg, name, tt.call.op, tt.call.input, true)
			b, err := awsapi.ToJSON(res.Output)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tt.want) {
				t.Errorf("%s %s = %s, want it to contain %s", name, tt.call.op, b, tt.want)
			}
		})
	}
}

func TestCallErrors(t *testing.T) {
	ctx := context.Background()
	cfg := motoConfig("us-east-1")
	op := lookup(t, "sqs", "GetQueueUrl")

	_, err := op.Call(ctx, cfg, &sqs.GetQueueUrlInput{QueueName: new("no-such-queue")}, false)
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.ErrorCode(), "NonExistentQueue") {
		t.Errorf("err = %v, want the SDK's NonExistentQueue", err)
	}

	_, err = op.Call(ctx, cfg, &sqs.ListQueuesInput{}, false)
	if !errors.Is(err, awsapi.ErrInvalidInput) {
		t.Errorf("wrong input type: err = %v, want ErrInvalidInput", err)
	}

	stsClient := lookup(t, "sts", "GetCallerIdentity").Service.NewClient(cfg)
	_, err = op.CallWith(ctx, stsClient, nil, false)
	if !errors.Is(err, awsapi.ErrInvalidClient) {
		t.Errorf("wrong client: err = %v, want ErrInvalidClient", err)
	}
	_, err = op.CallWith(ctx, nil, nil, false)
	if !errors.Is(err, awsapi.ErrInvalidClient) {
		t.Errorf("nil client: err = %v, want ErrInvalidClient", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = lookup(t, "iam", "ListUsers").Call(cancelled, cfg, nil, true)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
}
