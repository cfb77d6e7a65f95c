package awslimits

// SNS's numbers are AWS's, from the Amazon Simple Notification Service API
// Reference, https://docs.aws.amazon.com/sns/latest/api/ (each action's
// page, API_<Action>.html, whose description ends "This action is
// throttled at N transactions per second (TPS)"), read on 2026-12-02 from
// stored copies of those pages (docs.aws.amazon.com and its China mirror
// docs.amazonaws.cn, and the same sentence in AWS's CLI reference,
// docs.aws.amazon.com/cli/latest/reference/sns/), not the live site:
//
//   - Subscribe, 100 per second.
//   - ListTopics, ListSubscriptions, ListSubscriptionsByTopic and
//     ListEndpointsByPlatformApplication, 30 per second each.
//   - ListPlatformApplications, 15 per second: the sentence as AWS's SDK
//     for Kotlin reference gives it (docs.aws.amazon.com/sdk-for-kotlin/
//     api/latest/sns/), generated from the same API model; no stored copy
//     of that action's API Reference page was read.
//
// The API Reference does not say what the rate is counted over; AWS's
// Knowledge Center article on "ThrottlingException" and "Rate exceeded"
// errors in Amazon SNS
// (https://repost.aws/knowledge-center/sns-throttling-exception-errors)
// says that SNS API calls are limited per account and Region, so these are
// taken per account and Region, each action on its own. The article says
// soft quotas can be raised (Service Quotas); the pages do not say which of
// these are soft. Not here: Publish and PublishBatch, whose quota (messages
// per second) differs by Region ("Amazon Simple Notification Service
// endpoints and quotas", https://docs.aws.amazon.com/general/latest/gr/sns.html,
// whose stored copies end in the endpoint table before the quotas), which a
// Rule cannot see; the actions whose API Reference page gives no rate
// (CheckIfPhoneNumberIsOptedOut, ListPhoneNumbersOptedOut, OptInPhoneNumber
// among those read) and those not read.

const snsSource = "https://docs.aws.amazon.com/sns/latest/api/"

// snsOps gives each action a group of its own, named after it.
var snsOps = ownQuotas(map[string]int{
	"Subscribe":                          100,
	"ListTopics":                         30,
	"ListSubscriptions":                  30,
	"ListSubscriptionsByTopic":           30,
	"ListEndpointsByPlatformApplication": 30,
	"ListPlatformApplications":           15,
})
