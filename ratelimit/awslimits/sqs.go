package awslimits

// SQS's numbers are AWS's, from "Quotas related to queues" (Amazon SQS
// Developer Guide),
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html
// (row "Queue tag": "Tagging actions are limited to 5 ..."), read on
// 2026-12-02 from a stored copy of the page, not the live site. That copy
// is cut short in that very sentence, after the number; the rest of it,
// "TPS per AWS account", is from the same guide as AWS published it in its
// documentation repository (awsdocs/amazon-sqs-developer-guide,
// doc_source/sqs-queue-tags.md, "Amazon SQS cost allocation tags"), an
// older revision: the repository was archived, and its quotas-queues.md
// only points to the website. Older releases of AWS's API model gave the
// same sentence in the descriptions of TagQueue and ListQueueTags (seen in
// SDK documentation generated from it); the current API Reference page of
// TagQueue (read the same day) no longer does.
//
// So: TagQueue, UntagQueue and ListQueueTags, the tagging actions, share 5
// requests per second. AWS says per account, not per account and Region:
// a target per Region of one account may together exceed it. The old text
// says that a higher rate can be requested (a support case). Not here: the
// message actions (SendMessage, ReceiveMessage, DeleteMessage and their
// batches), whose published limits are per queue (FIFO queues) or none
// (standard queues), which a Rule cannot see; the other control-plane
// actions (CreateQueue, ListQueues, GetQueueAttributes, ...), for which the
// pages read give no rate.

const sqsSource = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html"

var sqsOps = func() map[string]group {
	tagging := group{"tagging", perSecond(5)}
	return foldedOps(map[string]group{
		"TagQueue":      tagging,
		"UntagQueue":    tagging,
		"ListQueueTags": tagging,
	})
}()
