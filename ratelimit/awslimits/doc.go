// Package awslimits holds AWS's published request quotas as a preset of
// limits per operation, for package ratelimit's Limiters: the "aws" preset
// of a RateLimit block,
//
//	RateLimit: {preset: aws}                 # AWS's buckets, nothing else
//	RateLimit: {preset: aws, adaptive: true, max_count: 100, interval: 1}
//
// The root package applies a preset under a target's own limit: a request
// of an operation that has a Rule also waits for the limit of the Rule's
// Group, one Limiter per Group per target, made at the group's first
// request. Operations of one Group share its Limiter, as they share one
// bucket at AWS (all EC2 Describe* calls draw from "ec2:non-mutating"). An
// APILimits entry for the operation ("ec2:DescribeInstances") replaces the
// preset's limit for that operation; an entry for the group
// ("ec2:non-mutating") replaces the group's limit for all its operations.
//
// # Where the numbers come from
//
// Only from AWS's own documentation, each service's numbers in its own file
// with the page's address and the date it was read (a stored copy of the
// page, read on 2026-12-02):
//
//	EC2              docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
//	                 token buckets per action category, and actions with buckets of their own
//	Secrets Manager  docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
//	                 combined quotas per second of DescribeSecret and GetSecretValue,
//	                 of the resource-policy calls, and of the secret-writing calls
//	CloudWatch Logs  docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
//	                 quotas per second of CreateLogGroup, CreateLogStream,
//	                 DeleteLogGroup, DeleteLogStream, DescribeLogGroups,
//	                 DescribeLogStreams and FilterLogEvents, each its own
//	SNS              docs.aws.amazon.com/sns/latest/api/ (each action's page)
//	                 rates per second of Subscribe, ListTopics, ListSubscriptions,
//	                 ListSubscriptionsByTopic, ListEndpointsByPlatformApplication and
//	                 ListPlatformApplications, each its own
//	SQS              docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html
//	                 the rate per second of the tagging actions (TagQueue,
//	                 UntagQueue, ListQueueTags), together, per account
//	DynamoDB         docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-control-plane.html
//	                 the control plane's rate per second (CreateTable, DescribeTable,
//	                 ListTables, UpdateTable, DeleteTable), together
//	KMS              docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html
//	                 quotas per second of 39 management operations (CreateKey,
//	                 DescribeKey, ListKeys, ListAliases, ...), each its own
//	CloudWatch       repost.aws/knowledge-center/cloudwatch-api-call-usage (AWS's Knowledge Center)
//	                 the quota per second of PutMetricData
//	Lambda           docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
//	                 rates per second of GetFunction, GetPolicy and three durable-execution
//	                 reads, each its own, and of the rest of the control plane, together
//	RDS              docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-api-throttling.html
//	                 one token bucket shared by all its operations
//
// Other services the CLI supports have no rule: their pages did not show
// per-operation numbers that could be read (EKS, whose quotas pages, as far
// as read (the user guide's and the best-practices guide's), give no API
// rate; IAM and STS, whose quotas page, as far as read, gives no rate, AWS's
// blog post on their throttling saying only that each API has token buckets
// of its own and its Knowledge Center article giving no number; ECS, whose
// stored copies of its throttling page end before the table of buckets;
// Systems Manager, whose Parameter Store pages speak of a default throughput
// but leave its number to the General Reference's quotas page, of which no
// stored copy was found; Organizations, whose stored copies of its quotas
// page end before the throttling section), or were not read (S3). Nor have
// the operations of CloudWatch Logs, SNS, SQS, DynamoDB, KMS, CloudWatch and
// Lambda other than those above (SNS's Publish and PublishBatch have a quota
// that differs by Region; SQS publishes message rates per queue, or none;
// DynamoDB's data plane is limited by capacity, not a request rate; KMS's
// cryptographic operations share a quota that depends on the Region and the
// key's type, and GenerateDataKeyPair's on the key pair's; CloudWatch's
// quotas page: its stored copies of current revisions end before the API
// rows, the only copies that reach them being of a revision years old;
// Lambda's invocations are limited by concurrency, and six durable-execution
// operations have quotas that differ by Region).
// An operation without a rule is limited by the target's own limits only.
//
// These are AWS's defaults, per account and Region (SQS's tagging rate:
// per account, as AWS words it). An account may have
// raised quotas (Service Quotas, or a support case), and AWS revises them:
// override with APILimits, or turn adaptive mode on, which lowers a limit
// when AWS throttles and recovers it slowly.
//
// Each Rule says what AWS publishes (Rule.Published: a bucket of Burst and
// Rate, or a quota per second as MaxCount per 1s) and what the preset
// enforces (Rule.Limit): the same less one request of headroom when the
// bucket or quota holds two or more (100 becomes 99), so that a request
// that reaches AWS a little earlier than its turn, by the network's
// jitter, still finds its token. All preset limits block (Block true).
//
// EC2's throttling depends in two places on more than the operation: an
// unfiltered, unpaginated call of DescribeInstances and six others draws
// from a smaller bucket (EC2Unfiltered), and launches and terminations also
// draw one token per instance from a resource bucket (EC2Resources). A
// Limiter admits requests and cannot see their parameters; the preset gives
// those actions their request bucket only.
package awslimits
