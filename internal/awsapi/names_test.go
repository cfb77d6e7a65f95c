package awsapi_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount/internal/awsapi"
)

func TestServices(t *testing.T) {
	var names []string
	for _, s := range awsapi.Services() {
		names = append(names, s.Name)
	}
	want := []string{"cloudwatch", "dynamodb", "ec2", "ecs", "eks", "iam", "kms", "lambda", "logs",
		"organizations", "rds", "s3", "secretsmanager", "sns", "sqs", "ssm", "sts"}
	if !slices.Equal(names, want) {
		t.Errorf("Services() = %v, want %v", names, want)
	}
}

func TestLookupService(t *testing.T) {
	tests := map[string]struct {
		boto3, sdkID, pkg string
	}{
		"sts":            {"sts", "STS", "sts"},
		"iam":            {"iam", "IAM", "iam"},
		"ec2":            {"ec2", "EC2", "ec2"},
		"s3":             {"s3", "S3", "s3"},
		"sqs":            {"sqs", "SQS", "sqs"},
		"sns":            {"sns", "SNS", "sns"},
		"lambda":         {"lambda", "Lambda", "lambda"},
		"dynamodb":       {"dynamodb", "DynamoDB", "dynamodb"},
		"organizations":  {"organizations", "Organizations", "organizations"},
		"cloudwatch":     {"cloudwatch", "CloudWatch", "cloudwatch"},
		"logs":           {"logs", "CloudWatch Logs", "cloudwatchlogs"},
		"rds":            {"rds", "RDS", "rds"},
		"ecs":            {"ecs", "ECS", "ecs"},
		"eks":            {"eks", "EKS", "eks"},
		"kms":            {"kms", "KMS", "kms"},
		"secretsmanager": {"secretsmanager", "Secrets Manager", "secretsmanager"},
		"ssm":            {"ssm", "SSM", "ssm"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			spellings := []string{tt.boto3, tt.sdkID, tt.pkg, strings.ToUpper(tt.boto3),
				strings.ReplaceAll(tt.sdkID, " ", ""), strings.ToLower(tt.sdkID)}
			for _, s := range spellings {
				svc, err := awsapi.LookupService(s)
				if err != nil {
					t.Fatalf("LookupService(%q): %v", s, err)
				}
				if svc.Name != tt.boto3 || svc.SDKID != tt.sdkID || svc.Package != tt.pkg {
					t.Errorf("LookupService(%q) = %+v, want %s/%s/%s", s, svc, tt.boto3, tt.sdkID, tt.pkg)
				}
			}
		})
	}
}

func TestLookupServiceUnknown(t *testing.T) {
	_, err := awsapi.LookupService("ec3")
	if !errors.Is(err, awsapi.ErrUnknownService) {
		t.Fatalf("err = %v, want ErrUnknownService", err)
	}
	var ne *awsapi.NameError
	if !errors.As(err, &ne) || len(ne.Candidates) != 17 {
		t.Fatalf("err = %#v, want a NameError listing 17 services", err)
	}
	for _, s := range []string{`"ec3"`, "ec2", "logs", "secretsmanager", "sts"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %s", err, s)
		}
	}
}

func TestOperation(t *testing.T) {
	tests := map[string]struct {
		service, name string
		want          string
		paginated     bool
	}{
		"ec2 sdk":              {"EC2", "DescribeInstances", "DescribeInstances", true},
		"ec2 boto3":            {"ec2", "describe_instances", "DescribeInstances", true},
		"ec2 run":              {"ec2", "run_instances", "RunInstances", false},
		"sts":                  {"sts", "get_caller_identity", "GetCallerIdentity", false},
		"iam aliases":          {"iam", "list_account_aliases", "ListAccountAliases", true},
		"iam users":            {"iam", "list_users", "ListUsers", true},
		"rds acronym":          {"rds", "describe_db_instances", "DescribeDBInstances", true},
		"lambda":               {"lambda", "list_functions", "ListFunctions", true},
		"cloudwatch":           {"cloudwatch", "get_metric_data", "GetMetricData", true},
		"logs":                 {"logs", "describe_log_groups", "DescribeLogGroups", true},
		"s3 v2":                {"s3", "list_objects_v2", "ListObjectsV2", true},
		"s3 buckets":           {"s3", "list_buckets", "ListBuckets", true},
		"sqs":                  {"sqs", "list_queues", "ListQueues", true},
		"dynamodb":             {"dynamodb", "list_tables", "ListTables", true},
		"organizations":        {"organizations", "list_accounts", "ListAccounts", true},
		"ecs":                  {"ecs", "list_clusters", "ListClusters", true},
		"eks":                  {"eks", "list_clusters", "ListClusters", true},
		"kms":                  {"kms", "list_keys", "ListKeys", true},
		"secretsmanager":       {"secretsmanager", "list_secrets", "ListSecrets", true},
		"ssm":                  {"ssm", "get_parameters_by_path", "GetParametersByPath", true},
		"sns":                  {"sns", "list_topics", "ListTopics", true},
		"ec2 acronym vpc":      {"ec2", "describe_vpc_endpoints", "DescribeVpcEndpoints", true},
		"iam acronym oidc":     {"iam", "list_open_id_connect_providers", "ListOpenIDConnectProviders", false},
		"case insensitive sdk": {"ec2", "describeinstances", "DescribeInstances", true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			op := lookup(t, tt.service, tt.name)
			if op.Name != tt.want {
				t.Errorf("Name = %q, want %q", op.Name, tt.want)
			}
			if op.Paginated() != tt.paginated {
				t.Errorf("Paginated() = %v, want %v", op.Paginated(), tt.paginated)
			}
			if !slices.Contains(op.Service.Operations(), tt.want) {
				t.Errorf("Operations() lacks %s", tt.want)
			}
		})
	}
}

func TestOperations(t *testing.T) {
	for _, svc := range awsapi.Services() {
		ops := svc.Operations()
		if len(ops) < 5 || !slices.IsSorted(ops) {
			t.Errorf("%s: Operations() = %d names, sorted %v", svc.Name, len(ops), slices.IsSorted(ops))
		}
		for _, o := range []string{"Options", "NewFromConfig"} {
			if slices.Contains(ops, o) {
				t.Errorf("%s: Operations() has %s", svc.Name, o)
			}
		}
	}
}

func TestOperationUnknown(t *testing.T) {
	tests := map[string]struct {
		service, name string
		suggests      string
	}{
		"typo":      {"ec2", "describe_instance", "DescribeInstances"},
		"misspelt":  {"ec2", "DescribeInstancse", "DescribeInstances"},
		"substring": {"iam", "ListUser", "ListUsers"},
		"sts":       {"sts", "get_caller_identiy", "GetCallerIdentity"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			svc, err := awsapi.LookupService(tt.service)
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.Operation(tt.name)
			if !errors.Is(err, awsapi.ErrUnknownOperation) {
				t.Fatalf("err = %v, want ErrUnknownOperation", err)
			}
			var ne *awsapi.NameError
			if !errors.As(err, &ne) || !slices.Contains(ne.Candidates, tt.suggests) || len(ne.Candidates) > 5 {
				t.Errorf("err = %v, want at most 5 suggestions with %s", err, tt.suggests)
			}
		})
	}
	svc, _ := awsapi.LookupService("sts")
	if _, err := svc.Operation("zzzzzzzzzzzzzzzzzzzz"); err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("err = %v, want no suggestions", err)
	}
}
