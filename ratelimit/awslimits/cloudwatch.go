package awslimits

// CloudWatch's number is AWS's, from an article of AWS's Knowledge Center
// (re:Post, by AWS) on monitoring API call usage with CloudWatch metrics,
// https://repost.aws/knowledge-center/cloudwatch-api-call-usage
// ("PutMetricData can manage 500 transactions per second (TPS)"), read on
// 2026-12-02 from a stored copy of its current revision (www.repost.aws;
// the revision last updated 2022-03-30, "How do I monitor the usage of my
// AWS API calls using Amazon CloudWatch?", points to the quotas page
// without a number), not the live site; the copy does not show its date. The quotas page itself, "CloudWatch service quotas",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html,
// was not usable: its stored copies of current revisions end before the
// API rows, and those that reach them (GetMetricData, DescribeAlarms, ...)
// are of a revision years old.
//
// What the count is over is from another Knowledge Center article by AWS,
// "How do I avoid throttling when I call PutMetricData in the CloudWatch
// API?" (https://aws.amazon.com/premiumsupport/knowledge-center/cloudwatch-400-error-throttling/):
// CloudWatch throttles each account per Region, and all PutMetricData calls
// in a Region count, from any application, the CloudWatch agent, the CLI
// or the console. Its older revision says a higher rate can be requested.
// Not here: every other CloudWatch operation (GetMetricData, ListMetrics,
// DescribeAlarms, GetMetricStatistics, ...), for which no current number
// was read.

const cloudWatchSource = "https://repost.aws/knowledge-center/cloudwatch-api-call-usage"

var cloudWatchOps = foldedOps(map[string]group{
	"PutMetricData": {"PutMetricData", perSecond(500)},
})
