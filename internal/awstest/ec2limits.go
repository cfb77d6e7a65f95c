package awstest

import (
	"strconv"
	"strings"

	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/awslimits"
)

// The numbers are AWS's, kept with their source and the date they were read
// in package ratelimit/awslimits, which the client-side preset uses too.
// Not emulated: the console's own non-mutating bucket (100, 10/s), which
// only console calls draw from.

// EC2 action groups as ThrottlerOptions.Buckets names them; an action with
// a bucket of its own is named "ec2:" + action.
const (
	EC2NonMutating           = awslimits.EC2NonMutating
	EC2UnfilteredNonMutating = awslimits.EC2UnfilteredNonMutating
	EC2Mutating              = awslimits.EC2Mutating
	EC2ResourceIntensive     = awslimits.EC2ResourceIntensive
)

// EC2Buckets draws EC2 requests from AWS's published buckets: an action's
// own bucket when it has one, else its group's (EC2NonMutating,
// EC2UnfilteredNonMutating, EC2Mutating, EC2ResourceIntensive); launches,
// starts, stops and terminations also draw one token per instance from
// "ec2:RunInstances/instances" and the like. Other services are not
// throttled.
func EC2Buckets(r Request) []Draw {
	if r.Service != "ec2" || r.Action == "" {
		return nil
	}
	rule, _ := awslimits.AWS().Rule("ec2", r.Action) // every EC2 action has one
	if u, ok := awslimits.EC2Unfiltered(r.Action); ok && !filteredOrPaginated(r) {
		rule = u
	}
	draws := []Draw{{Group: rule.Group, Limit: bucketOf(rule.Published)}}
	if res, ok := awslimits.EC2Resources(r.Action); ok {
		draws = append(draws, Draw{Group: res.Group, Limit: bucketOf(res.Published), Tokens: instances(r)})
	}
	return draws
}

// bucketOf is the Limit of a published bucket.
func bucketOf(l ratelimit.Limit) Limit { return Limit{Burst: l.Burst, Rate: l.Rate} }

func filteredOrPaginated(r Request) bool {
	for k := range r.params {
		if strings.HasPrefix(k, "Filter.") || k == "MaxResults" || k == "NextToken" {
			return true
		}
	}
	return false
}

// instances counts the instances a request acts on: MaxCount for a
// launch, the InstanceId.N parameters otherwise.
func instances(r Request) int {
	if r.Action == "RunInstances" {
		if n, err := strconv.Atoi(r.params.Get("MaxCount")); err == nil && n > 0 {
			return n
		}
		return 1
	}
	n := 0
	for k := range r.params {
		if strings.HasPrefix(k, "InstanceId.") {
			n++
		}
	}
	return max(n, 1)
}
