package awslimits

// DynamoDB's number is AWS's, from "Best practices for managing the control
// plane in DynamoDB" (Amazon DynamoDB Developer Guide),
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-control-plane.html
// (its note: "DynamoDB is introducing a control plane throttle limit of
// 2,500 requests per second with the option for a retry"), read on
// 2026-12-02 from stored copies of the page (English, docs.aws.amazon.com
// and the docs.amazonaws.cn mirror, and a Spanish translation, all with the
// same note), not the live site. Which operations are the control plane is
// from "DynamoDB API" in the same guide,
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.API.html
// (section "Control plane"): CreateTable, DescribeTable, ListTables,
// UpdateTable and DeleteTable.
//
// Caveats: the note says AWS "is introducing" the limit, not when it
// applies; it says neither what it is counted over (per account and
// Region, as DynamoDB's other quotas are, is assumed) nor whether each
// operation has 2,500 of its own or the control plane shares them. The
// preset shares one limiter among the five, the stricter reading; the
// page does not say whether the limit can be raised. Not here: the data
// plane (GetItem, Query, PutItem, ...), limited by table and account
// capacity, not by a request rate; the control-plane operations that the
// "DynamoDB API" page does not list (backups, global tables, TTL, tags,
// DescribeLimits, ...), which may or may not count as control plane.

const dynamoDBSource = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-control-plane.html"

var dynamoDBOps = func() map[string]group {
	control := group{"control-plane", perSecond(2500)}
	return foldedOps(map[string]group{
		"CreateTable":   control,
		"DescribeTable": control,
		"ListTables":    control,
		"UpdateTable":   control,
		"DeleteTable":   control,
	})
}()
