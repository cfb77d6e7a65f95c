package awsaccount

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/awslimits"
)

// operationLimits are the RegionalAccountOptions that add limits per
// operation: Preset, Adaptive and NewOperationLimiter.
type operationLimits struct {
	Preset     *awslimits.Preset
	Adaptive   bool
	NewLimiter func(key string, l ratelimit.Limit) *ratelimit.Limiter
}

// throttles tells a throttled attempt, as the SDK's retryers do.
var throttles = retry.IsErrorThrottles(retry.DefaultThrottles)

// opLimits are a target's limits per operation.
type opLimits struct {
	on     bool                          // any of the below
	api    map[string]*ratelimit.Limiter // the target's folded APILimits
	preset *awslimits.Preset
	opts   operationLimits

	mu     sync.Mutex
	groups map[string]*ratelimit.Limiter // by key; requires mu

	byCall sync.Map // callKey → *opEntry, the one of its key
	byKey  sync.Map // folded "<service>:<operation>" → *opEntry
}

// callKey is an operation as the middleware sees it.
type callKey struct{ service, operation string }

// opEntry is the limit of one operation; l is nil until one is needed.
type opEntry struct {
	key string
	l   atomic.Pointer[ratelimit.Limiter]
}

func newOpLimits(api map[string]*ratelimit.Limiter, o operationLimits) *opLimits {
	if o.NewLimiter == nil {
		adaptive := o.Adaptive
		o.NewLimiter = func(_ string, l ratelimit.Limit) *ratelimit.Limiter {
			return ratelimit.New(l, ratelimit.WithAdaptive(adaptive))
		}
	}
	return &opLimits{
		on:  len(api) > 0 || o.Preset != nil || o.Adaptive,
		api: api, preset: o.Preset, opts: o,
		groups: make(map[string]*ratelimit.Limiter),
	}
}

// entry returns the limit of an operation, making it on first use. Every
// spelling of the operation gets the same entry.
func (o *opLimits) entry(service, operation string) *opEntry {
	k := callKey{service, operation}
	if e, ok := o.byCall.Load(k); ok {
		return e.(*opEntry)
	}
	opKey := serviceKey(service) + ":" + serviceKey(operation)
	v, ok := o.byKey.Load(opKey)
	if !ok {
		v, _ = o.byKey.LoadOrStore(opKey, o.resolve(service, operation, opKey))
	}
	v, _ = o.byCall.LoadOrStore(k, v)
	return v.(*opEntry)
}

// resolve finds the limit of an operation.
func (o *opLimits) resolve(service, operation, opKey string) *opEntry {
	e := &opEntry{key: opKey}
	if l, ok := o.api[e.key]; ok {
		e.l.Store(l)
	} else if o.preset != nil {
		if rule, ok := o.preset.Rule(service, operation); ok {
			e.key = apiKey(rule.Group)
			l, ok := o.api[e.key]
			if !ok {
				l = o.group(e.key, rule.Limit)
			}
			e.l.Store(l)
		}
	}
	if e.l.Load() == nil && o.opts.Adaptive {
		// Unlimited until its first throttle; made now so that its
		// meter knows the rate by then. Operations that AWS throttles
		// together (a group of the aws preset, used here for its groups
		// only) adapt together: each would otherwise probe the shared
		// bucket on its own.
		if rule, ok := awslimits.AWS().Rule(service, operation); ok {
			e.key = apiKey(rule.Group)
		}
		e.l.Store(o.group(e.key, ratelimit.Limit{Block: true}))
	}
	return e
}

// group returns the limiter under key, making it with l on first use.
func (o *opLimits) group(key string, l ratelimit.Limit) *ratelimit.Limiter {
	o.mu.Lock()
	defer o.mu.Unlock()
	if g, ok := o.groups[key]; ok {
		return g
	}
	g := o.opts.NewLimiter(key, l)
	o.groups[key] = g
	return g
}

// wait passes the limit of the request's operation.
func (o *opLimits) wait(ctx context.Context) error {
	if !o.on {
		return nil
	}
	e := o.entry(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
	return e.l.Load().Wait(ctx) // a nil Limiter admits
}

// observe reports an attempt admitted at admitted that failed with err, if
// it was throttled, to the limit of its operation, and returns that limit
// and its key (nil when there is none or err is no throttle).
func (o *opLimits) observe(ctx context.Context, admitted time.Time, err error) (*ratelimit.Limiter, string) {
	if !o.on || !throttles.IsErrorThrottle(err).Bool() {
		return nil, ""
	}
	e := o.entry(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
	l := e.l.Load()
	l.Throttled(admitted) // a nil Limiter does nothing
	return l, e.key
}

// operationLimit returns the limiter that governs one operation on r, in
// boto3's or the SDK's spelling ("ec2", "describe_vpcs"), and its key: an
// APILimits key, a preset group ("ec2:nonmutating", folded as APILimits
// keys are), or the operation's own in adaptive mode. ok is false when the
// operation has no limit of its own (the service's and the target's may
// still apply). Its Effective limit is the one in force.
func (r *RegionalAccount) operationLimit(service, operation string) (l *ratelimit.Limiter, key string, ok bool) {
	e := r.ops.entry(service, operation)
	l = e.l.Load()
	return l, e.key, l != nil
}
