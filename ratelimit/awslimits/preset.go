package awslimits

import (
	"github.com/awsaccount/awsaccount/internal/names"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// awsPreset is the "aws" preset: the services whose quotas AWS publishes
// per operation and whose pages were read (see each service's file).
var awsPreset = &Preset{
	name: ratelimit.PresetAWS,
	services: map[string]*service{
		names.ServiceKey("ec2"):            {prefix: "ec2", source: ec2Source, rule: ec2Folded},
		names.ServiceKey("secretsmanager"): {prefix: "secretsmanager", source: secretsManagerSource, ops: secretsManagerOps},
		names.ServiceKey("logs"):           {prefix: "logs", source: cloudWatchLogsSource, ops: cloudWatchLogsOps},
		names.ServiceKey("sns"):            {prefix: "sns", source: snsSource, ops: snsOps},
		names.ServiceKey("sqs"):            {prefix: "sqs", source: sqsSource, ops: sqsOps},
		names.ServiceKey("dynamodb"):       {prefix: "dynamodb", source: dynamoDBSource, ops: dynamoDBOps},
		names.ServiceKey("kms"):            {prefix: "kms", source: kmsSource, ops: kmsOps},
		names.ServiceKey("cloudwatch"):     {prefix: "cloudwatch", source: cloudWatchSource, ops: cloudWatchOps},
		names.ServiceKey("lambda"):         {prefix: "lambda", source: lambdaSource, ops: lambdaOps},
		names.ServiceKey("rds"):            {prefix: "rds", source: rdsSource, rule: rdsRule},
	},
}

// ownQuotas is a table of operations that each have a quota of their own,
// n requests per second, in a group named after the operation.
func ownQuotas(perOp map[string]int) map[string]group {
	m := make(map[string]group, len(perOp))
	for op, n := range perOp {
		m[op] = group{op, perSecond(n)}
	}
	return foldedOps(m)
}

// foldedOps keys a table by names.Fold of its operations.
func foldedOps(m map[string]group) map[string]group {
	out := make(map[string]group, len(m))
	for op, g := range m {
		out[names.Fold(op)] = g
	}
	return out
}
