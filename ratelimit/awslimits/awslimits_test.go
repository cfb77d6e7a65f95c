package awslimits_test

import (
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/awslimits"
)

func TestRule(t *testing.T) {
	bucket := func(b int, r float64) ratelimit.Limit { return ratelimit.Limit{Burst: b, Rate: r} }
	perSecond := func(n int) ratelimit.Limit { return ratelimit.Limit{MaxCount: n, Interval: time.Second} }
	tests := map[string]struct {
		service, op string
		group       string
		published   ratelimit.Limit
		applied     ratelimit.Limit
	}{
		"sdk names":                {"EC2", "DescribeInstances", "ec2:non-mutating", bucket(100, 20), ratelimit.Limit{Burst: 99, Rate: 20, Block: true}},
		"boto3 names":              {"ec2", "describe_instances", "ec2:non-mutating", bucket(100, 20), ratelimit.Limit{Burst: 99, Rate: 20, Block: true}},
		"a describe not in tables": {"ec2", "describe_vpcs", "ec2:non-mutating", bucket(100, 20), ratelimit.Limit{Burst: 99, Rate: 20, Block: true}},
		"mutating":                 {"ec2", "create_vpc", "ec2:mutating", bucket(50, 5), ratelimit.Limit{Burst: 49, Rate: 5, Block: true}},
		"resource-intensive":       {"EC2", "AuthorizeSecurityGroupIngress", "ec2:resource-intensive", bucket(50, 5), ratelimit.Limit{Burst: 49, Rate: 5, Block: true}},
		"own bucket, boto3":        {"ec2", "run_instances", "ec2:RunInstances", bucket(5, 2), ratelimit.Limit{Burst: 4, Rate: 2, Block: true}},
		"own bucket of one":        {"ec2", "AdvertiseByoipCidr", "ec2:AdvertiseByoipCidr", bucket(1, 0.1), ratelimit.Limit{Burst: 1, Rate: 0.1, Block: true}},
		"secrets manager read":     {"Secrets Manager", "GetSecretValue", "secretsmanager:read", perSecond(10000), ratelimit.Limit{MaxCount: 9999, Interval: time.Second, Block: true}},
		"secrets manager, boto3":   {"secretsmanager", "describe_secret", "secretsmanager:read", perSecond(10000), ratelimit.Limit{MaxCount: 9999, Interval: time.Second, Block: true}},
		"secrets manager policy":   {"secretsmanager", "put_resource_policy", "secretsmanager:resource-policy", perSecond(50), ratelimit.Limit{MaxCount: 49, Interval: time.Second, Block: true}},
		"secrets manager write":    {"secretsmanager", "UpdateSecret", "secretsmanager:put-value", perSecond(50), ratelimit.Limit{MaxCount: 49, Interval: time.Second, Block: true}},
		"logs, sdk names":          {"CloudWatch Logs", "DescribeLogGroups", "logs:DescribeLogGroups", perSecond(5), ratelimit.Limit{MaxCount: 4, Interval: time.Second, Block: true}},
		"logs, boto3 names":        {"logs", "describe_log_groups", "logs:DescribeLogGroups", perSecond(5), ratelimit.Limit{MaxCount: 4, Interval: time.Second, Block: true}},
		"logs streams, boto3":      {"logs", "describe_log_streams", "logs:DescribeLogStreams", perSecond(5), ratelimit.Limit{MaxCount: 4, Interval: time.Second, Block: true}},
		"logs filter, sdk":         {"CloudWatch Logs", "FilterLogEvents", "logs:FilterLogEvents", perSecond(5), ratelimit.Limit{MaxCount: 4, Interval: time.Second, Block: true}},
		"logs filter, boto3":       {"logs", "filter_log_events", "logs:FilterLogEvents", perSecond(5), ratelimit.Limit{MaxCount: 4, Interval: time.Second, Block: true}},
		"logs create group":        {"CloudWatch Logs", "CreateLogGroup", "logs:CreateLogGroup", perSecond(10), ratelimit.Limit{MaxCount: 9, Interval: time.Second, Block: true}},
		"logs create stream":       {"logs", "create_log_stream", "logs:CreateLogStream", perSecond(50), ratelimit.Limit{MaxCount: 49, Interval: time.Second, Block: true}},
		"sns, sdk names":           {"SNS", "ListTopics", "sns:ListTopics", perSecond(30), ratelimit.Limit{MaxCount: 29, Interval: time.Second, Block: true}},
		"sns, boto3 names":         {"sns", "list_topics", "sns:ListTopics", perSecond(30), ratelimit.Limit{MaxCount: 29, Interval: time.Second, Block: true}},
		"sns subscribe, boto3":     {"sns", "subscribe", "sns:Subscribe", perSecond(100), ratelimit.Limit{MaxCount: 99, Interval: time.Second, Block: true}},
		"sns subscribe, sdk":       {"SNS", "Subscribe", "sns:Subscribe", perSecond(100), ratelimit.Limit{MaxCount: 99, Interval: time.Second, Block: true}},
		"sns by topic, boto3":      {"sns", "list_subscriptions_by_topic", "sns:ListSubscriptionsByTopic", perSecond(30), ratelimit.Limit{MaxCount: 29, Interval: time.Second, Block: true}},
		"sqs tagging, sdk":         {"SQS", "TagQueue", "sqs:tagging", perSecond(5), ratelimit.Limit{MaxCount: 4, Interval: time.Second, Block: true}},
		"sqs tagging, boto3":       {"sqs", "untag_queue", "sqs:tagging", perSecond(5), ratelimit.Limit{MaxCount: 4, Interval: time.Second, Block: true}},
		"sqs list tags, boto3":     {"sqs", "list_queue_tags", "sqs:tagging", perSecond(5), ratelimit.Limit{MaxCount: 4, Interval: time.Second, Block: true}},
		"dynamodb, sdk names":      {"DynamoDB", "DescribeTable", "dynamodb:control-plane", perSecond(2500), ratelimit.Limit{MaxCount: 2499, Interval: time.Second, Block: true}},
		"dynamodb, boto3 names":    {"dynamodb", "describe_table", "dynamodb:control-plane", perSecond(2500), ratelimit.Limit{MaxCount: 2499, Interval: time.Second, Block: true}},
		"dynamodb list, boto3":     {"dynamodb", "list_tables", "dynamodb:control-plane", perSecond(2500), ratelimit.Limit{MaxCount: 2499, Interval: time.Second, Block: true}},
		"dynamodb create, sdk":     {"DynamoDB", "CreateTable", "dynamodb:control-plane", perSecond(2500), ratelimit.Limit{MaxCount: 2499, Interval: time.Second, Block: true}},
		"kms, sdk names":           {"KMS", "DescribeKey", "kms:DescribeKey", perSecond(2000), ratelimit.Limit{MaxCount: 1999, Interval: time.Second, Block: true}},
		"kms, boto3 names":         {"kms", "describe_key", "kms:DescribeKey", perSecond(2000), ratelimit.Limit{MaxCount: 1999, Interval: time.Second, Block: true}},
		"kms list keys, boto3":     {"kms", "list_keys", "kms:ListKeys", perSecond(500), ratelimit.Limit{MaxCount: 499, Interval: time.Second, Block: true}},
		"kms list aliases, sdk":    {"KMS", "ListAliases", "kms:ListAliases", perSecond(500), ratelimit.Limit{MaxCount: 499, Interval: time.Second, Block: true}},
		"kms create key, boto3":    {"kms", "create_key", "kms:CreateKey", perSecond(5), ratelimit.Limit{MaxCount: 4, Interval: time.Second, Block: true}},
		"kms import params":        {"KMS", "GetParametersForImport", "kms:GetParametersForImport", perSecond(1), ratelimit.Limit{MaxCount: 1, Interval: time.Second, Block: true}},
		"cloudwatch, sdk names":    {"CloudWatch", "PutMetricData", "cloudwatch:PutMetricData", perSecond(500), ratelimit.Limit{MaxCount: 499, Interval: time.Second, Block: true}},
		"cloudwatch, boto3 names":  {"cloudwatch", "put_metric_data", "cloudwatch:PutMetricData", perSecond(500), ratelimit.Limit{MaxCount: 499, Interval: time.Second, Block: true}},
		"cloudwatch, endpoint":     {"monitoring", "PutMetricData", "cloudwatch:PutMetricData", perSecond(500), ratelimit.Limit{MaxCount: 499, Interval: time.Second, Block: true}},
		"lambda, sdk names":        {"Lambda", "GetFunction", "lambda:GetFunction", perSecond(100), ratelimit.Limit{MaxCount: 99, Interval: time.Second, Block: true}},
		"lambda, boto3 names":      {"lambda", "get_function", "lambda:GetFunction", perSecond(100), ratelimit.Limit{MaxCount: 99, Interval: time.Second, Block: true}},
		"lambda policy, boto3":     {"lambda", "get_policy", "lambda:GetPolicy", perSecond(15), ratelimit.Limit{MaxCount: 14, Interval: time.Second, Block: true}},
		"lambda list, sdk":         {"Lambda", "ListFunctions", "lambda:control-plane", perSecond(15), ratelimit.Limit{MaxCount: 14, Interval: time.Second, Block: true}},
		"lambda list, boto3":       {"lambda", "list_functions", "lambda:control-plane", perSecond(15), ratelimit.Limit{MaxCount: 14, Interval: time.Second, Block: true}},
		"lambda update, boto3":     {"lambda", "update_function_code", "lambda:control-plane", perSecond(15), ratelimit.Limit{MaxCount: 14, Interval: time.Second, Block: true}},
		"lambda durable, sdk":      {"Lambda", "GetDurableExecution", "lambda:GetDurableExecution", perSecond(30), ratelimit.Limit{MaxCount: 29, Interval: time.Second, Block: true}},
		"rds, sdk names":           {"RDS", "DescribeDBInstances", "rds:api", bucket(300, 12), ratelimit.Limit{Burst: 299, Rate: 12, Block: true}},
		"rds, boto3 names":         {"rds", "describe_db_instances", "rds:api", bucket(300, 12), ratelimit.Limit{Burst: 299, Rate: 12, Block: true}},
		"rds create, boto3":        {"rds", "create_db_instance", "rds:api", bucket(300, 12), ratelimit.Limit{Burst: 299, Rate: 12, Block: true}},
		"rds clusters, sdk":        {"RDS", "DescribeDBClusters", "rds:api", bucket(300, 12), ratelimit.Limit{Burst: 299, Rate: 12, Block: true}},
		"sns platform apps":        {"SNS", "ListPlatformApplications", "sns:ListPlatformApplications", perSecond(15), ratelimit.Limit{MaxCount: 14, Interval: time.Second, Block: true}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, ok := awslimits.AWS().Rule(tc.service, tc.op)
			if !ok {
				t.Fatalf("Rule(%q, %q): none", tc.service, tc.op)
			}
			if r.Group != tc.group || r.Published != tc.published || r.Limit != tc.applied || r.Source == "" {
				t.Fatalf("Rule(%q, %q) = %+v, want group %s, published %v, applied %v", tc.service, tc.op, r, tc.group, tc.published, tc.applied)
			}
			if err := r.Limit.Validate(); err != nil || r.Limit.Unlimited() {
				t.Fatalf("applied limit %v: %v", r.Limit, err)
			}
		})
	}
	for _, c := range [][2]string{{"secretsmanager", "ListSecrets"}, {"sqs", "SendMessage"}, {"STS", "AssumeRole"}, {"logs", "get_log_events"}, {"CloudWatch Logs", "PutLogEvents"},
		{"sns", "publish"}, {"SNS", "PublishBatch"}, {"SNS", "CheckIfPhoneNumberIsOptedOut"},
		{"SQS", "ListQueues"}, {"sqs", "create_queue"},
		{"dynamodb", "get_item"}, {"DynamoDB", "DescribeLimits"},
		{"cloudwatch", "get_metric_data"}, {"CloudWatch", "ListMetrics"}, {"CloudWatch Logs", "PutMetricData"},
		{"lambda", "invoke"}, {"Lambda", "InvokeWithResponseStream"}, {"Lambda", "CheckpointDurableExecution"},
		{"RDS Data", "ExecuteStatement"}, {"rds-data", "execute_statement"},
		{"kms", "decrypt"}, {"KMS", "GenerateDataKey"}, {"KMS", "GenerateDataKeyPair"}, {"kms", "replicate_key"}} {
		if r, ok := awslimits.AWS().Rule(c[0], c[1]); ok {
			t.Errorf("Rule(%q, %q) = %+v, want none", c[0], c[1], r)
		}
	}
}

func TestLookup(t *testing.T) {
	if p, ok := awslimits.Lookup("aws"); !ok || p != awslimits.AWS() || p.Name() != "aws" {
		t.Fatalf("Lookup(aws) = %v, %v", p, ok)
	}
	if _, ok := awslimits.Lookup("gcp"); ok {
		t.Fatal("Lookup(gcp) found a preset")
	}
}

func TestEC2Extras(t *testing.T) {
	if r, ok := awslimits.EC2Unfiltered("DescribeInstances"); !ok || r.Group != awslimits.EC2UnfilteredNonMutating || r.Published != (ratelimit.Limit{Burst: 50, Rate: 10}) {
		t.Fatalf("EC2Unfiltered(DescribeInstances) = %+v, %v", r, ok)
	}
	if _, ok := awslimits.EC2Unfiltered("DescribeVpcs"); ok {
		t.Fatal("EC2Unfiltered(DescribeVpcs) found a rule")
	}
	if r, ok := awslimits.EC2Resources("TerminateInstances"); !ok || r.Published != (ratelimit.Limit{Burst: 1000, Rate: 20}) {
		t.Fatalf("EC2Resources(TerminateInstances) = %+v, %v", r, ok)
	}
}
