package awslimits

// CloudWatch Logs' numbers are AWS's, from "CloudWatch Logs quotas",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
// (table "Resource / Default quota", the rows of single API operations),
// read on 2026-12-02 from stored copies of the page, not the live site. No
// stored copy was whole: each was cut short a few rows into the table, and
// the copies are of different revisions, all machine-translated:
//
//   - CreateLogGroup, 10 per second: the ja_jp copy, the newest revision
//     seen (it lists the account-level field index policies); the de_de
//     copies give 10 in the same place and 50 in the next row, their row
//     names lost.
//   - CreateLogStream 50, DeleteLogGroup 5, DeleteLogStream 5,
//     DescribeLogGroups 5, DescribeLogStreams 5 per second: the fr_fr copy,
//     an older revision (it gives CreateLogGroup 5 where the newer one gives
//     10), the newest that shows these rows. A newer revision may have
//     raised them: the preset is then stricter than AWS, never looser
//     unless AWS lowered them.
//   - FilterLogEvents, 5 per second: the same quotas page as AWS published
//     it in its documentation repository (awsdocs/amazon-cloudwatch-logs-
//     user-guide, doc_source/cloudwatch_limits_cwl.md), and AWS's Knowledge
//     Center article "How do I determine throttling in my CloudWatch logs?"
//     (https://aws.amazon.com/premiumsupport/knowledge-center/cloudwatch-logs-throttling/,
//     last updated 2023-01-09), which says it is a hard limit.
//
// All are transactions per second, per account and Region; AWS says that
// the first six can be raised (a quota increase) and FilterLogEvents
// cannot. Each operation has a quota of its own. Not here: GetLogEvents,
// whose row no stored copy of the current page reached; PutLogEvents, whose
// quota per account depends on the Region (and which is also limited per
// log stream), which a Rule cannot see; the other operations.

const cloudWatchLogsSource = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html"

// cloudWatchLogsOps gives each operation a group of its own, named after it.
var cloudWatchLogsOps = ownQuotas(map[string]int{
	"CreateLogGroup":     10,
	"CreateLogStream":    50,
	"DeleteLogGroup":     5,
	"DeleteLogStream":    5,
	"DescribeLogGroups":  5,
	"DescribeLogStreams": 5,
	"FilterLogEvents":    5,
})
