// Package names folds the spellings of AWS service and operation names to
// one comparison key, so that boto3's names ("secretsmanager", "logs",
// "describe_instances"), the SDK's service ids ("Secrets Manager",
// "CloudWatch Logs") and its Go names ("DescribeInstances") can be compared.
//
// [Fold] is the key for any name: lower case, without ' ', '-' and '_'.
// [ServiceKey] is the key for a service: Fold, then boto3's names whose fold
// differs from the SDK id's ("logs" for "CloudWatch Logs") are mapped to the
// SDK id's fold:
//
//	names.Fold("describe_instances") == names.Fold("DescribeInstances")  // "describeinstances"
//	names.ServiceKey("logs") == names.ServiceKey("CloudWatch Logs")       // "cloudwatchlogs"
//
// The package imports no SDK module, so any package may use it.
package names
