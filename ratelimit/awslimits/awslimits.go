package awslimits

import (
	"strings"
	"time"

	"github.com/awsaccount/awsaccount/internal/names"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// Rule is the limit a preset puts on one operation.
type Rule struct {
	// Group names the limit: operations with the same Group share one
	// limit per target, as they share one bucket at AWS. It is
	// "<service>:<group>" ("ec2:non-mutating", "secretsmanager:read") or,
	// for an operation limited on its own, "<service>:<Operation>"
	// ("ec2:RunInstances").
	Group string
	// Limit is what the preset enforces: Published with one request of
	// headroom (see the package doc), Block true.
	Limit ratelimit.Limit
	// Published is AWS's number as documented: a bucket (Burst, Rate), or
	// a quota per second (MaxCount per Interval of 1s).
	Published ratelimit.Limit
	// Source is the address of the AWS page the number comes from.
	Source string
}

// Preset is a table of AWS's published request quotas: a Rule for every
// operation AWS documents one for. It is immutable and safe for concurrent
// use by multiple goroutines.
type Preset struct {
	name     string
	services map[string]*service // by names.ServiceKey
}

// service is the table of one service.
type service struct {
	prefix string                        // of Group, the boto3 service name
	source string                        // the page of its numbers
	ops    map[string]group              // by names.Fold of the operation
	rule   func(op string) (group, bool) // for operations not in ops, nil: none
}

// group is a published limit and the group that shares it.
type group struct {
	name      string // after the service prefix
	published ratelimit.Limit
}

// Lookup returns the preset of name: ratelimit.PresetAWS ("aws") is the
// one there is.
func Lookup(name string) (*Preset, bool) {
	if name == ratelimit.PresetAWS {
		return awsPreset, true
	}
	return nil, false
}

// AWS returns the "aws" preset.
func AWS() *Preset { return awsPreset }

// Name is the preset's name, as a Spec's preset key gives it.
func (p *Preset) Name() string { return p.name }

// Rule returns the limit of one operation, or false if AWS documents none
// that the preset knows. Both spellings work for both names: boto3's
// ("ec2", "describe_instances") and the SDK's ("EC2", "DescribeInstances").
func (p *Preset) Rule(service, operation string) (Rule, bool) {
	s, ok := p.services[names.ServiceKey(service)]
	if !ok {
		return Rule{}, false
	}
	g, ok := s.ops[names.Fold(operation)]
	if !ok && s.rule != nil {
		g, ok = s.rule(operation)
	}
	if !ok {
		return Rule{}, false
	}
	return Rule{Group: s.prefix + ":" + g.name, Limit: headroom(g.published), Published: g.published, Source: s.source}, true
}

// headroom keeps one request below a published limit of two or more, so
// that a request that reaches AWS a little earlier than its turn (the
// network's jitter) still finds its token.
func headroom(l ratelimit.Limit) ratelimit.Limit {
	l.Block = true
	switch {
	case l.IsBucket() && l.Burst >= 2:
		l.Burst--
	case !l.IsBucket() && l.MaxCount >= 2:
		l.MaxCount--
	}
	return l
}

// EC2Unfiltered returns the rule of a call of action made with neither a
// filter nor pagination, for the actions that AWS throttles in a smaller
// bucket then (DescribeInstances and six others); false for the others.
// Preset.Rule cannot see a call's parameters: it gives these actions the
// non-mutating bucket. An APILimits entry such as
// "ec2:DescribeInstances": {burst: 50, rate: 10} keeps unfiltered calls
// within the smaller one.
func EC2Unfiltered(action string) (Rule, bool) {
	if !ec2Unfiltered[action] {
		return Rule{}, false
	}
	b := ec2UnfilteredNonMutating.limit()
	return Rule{Group: EC2UnfilteredNonMutating, Limit: headroom(b), Published: b, Source: ec2Source}, true
}

// EC2Resources returns the resource token bucket of action (RunInstances,
// StartInstances, StopInstances, TerminateInstances), from which a call
// takes one token per instance it acts on, besides its request token; false
// for other actions. The preset does not enforce these: a Limiter admits
// requests, not instances.
func EC2Resources(action string) (Rule, bool) {
	b, ok := ec2ResourceLimits[action]
	if !ok {
		return Rule{}, false
	}
	return Rule{Group: "ec2:" + action + "/instances", Limit: headroom(b.limit()), Published: b.limit(), Source: ec2Source}, true
}

const ec2Source = "https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html"

// ec2Rule is the rule of an EC2 action: its own bucket, else its
// category's.
func ec2Rule(action string) (group, bool) {
	switch b, own := ec2ActionLimits[action]; {
	case own:
		return group{action, b.limit()}, true
	case ec2ResourceIntensiveActions[action]:
		return group{strings.TrimPrefix(EC2ResourceIntensive, "ec2:"), ec2ResourceIntensive.limit()}, true
	case nonMutating(action):
		return group{strings.TrimPrefix(EC2NonMutating, "ec2:"), ec2NonMutating.limit()}, true
	}
	return group{strings.TrimPrefix(EC2Mutating, "ec2:"), ec2Mutating.limit()}, true
}

// nonMutating reports whether an EC2 action only reads, by its name.
func nonMutating(action string) bool {
	for _, p := range []string{"Describe", "List", "Search", "Get"} {
		if strings.HasPrefix(action, p) {
			return true
		}
	}
	return false
}

func (b bucket) limit() ratelimit.Limit { return ratelimit.Limit{Burst: b.burst, Rate: b.rate} }

// perSecond is a published quota of n requests per second.
func perSecond(n int) ratelimit.Limit { return ratelimit.Limit{MaxCount: n, Interval: time.Second} }

// ec2ByFold maps the folded action names to the SDK's, so that Rule takes
// boto3's names too.
var ec2ByFold = func() map[string]string {
	m := make(map[string]string)
	for a := range ec2ActionLimits {
		m[names.Fold(a)] = a
	}
	for a := range ec2ResourceIntensiveActions {
		m[names.Fold(a)] = a
	}
	return m
}()

// ec2Folded is ec2Rule for an action in either spelling. An action the
// tables do not name is put in its category by its name; boto3's spelling
// ("describe_vpcs") keeps the prefix the category needs.
func ec2Folded(op string) (group, bool) {
	if a, ok := ec2ByFold[names.Fold(op)]; ok {
		return ec2Rule(a)
	}
	return ec2Rule(sdkName(op))
}

// sdkName turns boto3's "describe_vpcs" into "DescribeVpcs"; an SDK name
// is returned as it is.
func sdkName(op string) string {
	if !strings.Contains(op, "_") {
		return op
	}
	var b strings.Builder
	for _, w := range strings.Split(op, "_") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func set(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
