package awsaccount

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/awslimits"
)

// defaultMaxAttempts is how many attempts a target's retryer makes per
// request (the seed used 10).
const defaultMaxAttempts = 10

// RegionalAccountOptions tune a RegionalAccount.
type RegionalAccountOptions struct {
	// MaxAttempts per request, retries included. Default 10 (the seed's).
	MaxAttempts int

	// RetryOptions tune the target's own retry.Standard (backoff, retryable
	// codes, retry quota) after MaxAttempts is applied.
	RetryOptions []func(*retry.StandardOptions)

	// APILimits are narrower limits for one service ("ec2") or one operation
	// ("ec2:DescribeInstances", or boto3's "ec2:describe_instances") on this
	// target. A request passes the target's limit and every limit here that
	// covers it. AWS keeps its throttling buckets per API, so these let a
	// program stay inside them (EC2 describe calls: 100 burst, 20 per s).
	APILimits map[string]*ratelimit.Limiter

	// Preset adds AWS's published quotas (awslimits.AWS(); see package
	// ratelimit/awslimits): one limit per group of operations that AWS
	// throttles together, made at the group's first request. The limit of
	// an operation is, first found: its APILimits entry
	// ("ec2:DescribeInstances"); the preset's limit of its group, which an
	// APILimits entry naming the group ("ec2:non-mutating") replaces; in
	// Adaptive mode, a limit of its own. A request waits for its
	// operation's limit, then its service's APILimits entry, then the
	// target's limit. Nil: none.
	Preset *awslimits.Preset

	// Adaptive reports every throttled attempt (retry.DefaultThrottles) to
	// the limit of its operation, which lowers its rate if it is adaptive
	// (ratelimit.Options.Adaptive) and recovers while AWS throttles no
	// more; an operation without a limit gets one at its first request,
	// adaptive and unlimited until its first throttle, shared with the
	// operations of its aws preset group. Default false.
	Adaptive bool

	// NewOperationLimiter makes the limiter of a preset group or of an
	// adapted operation, named by key as an APILimits key is
	// ("ec2:non-mutating", "ec2:DescribeVpcs"). Default: ratelimit.New,
	// adaptive when Adaptive is set. A Registry's shares it through the
	// backend of the target's RateLimit block, if it has one.
	NewOperationLimiter func(key string, l ratelimit.Limit) *ratelimit.Limiter

	// Logger receives debug records of refused and failed calls, and of
	// throttles reported to an operation's limit, with the limit in force
	// after them (in adaptive mode, the lowered rate). Default: the
	// session's logger.
	Logger *slog.Logger

	// CallTimeout, if positive, is a deadline for each API call made
	// through the target: every attempt, the waits for the limiter and
	// between retries, and the reading of a streamed response body (as
	// http.Client.Timeout covers the body). Each attempt is also bounded
	// on its own by the session's ConnectTimeout and ReadTimeout. Default
	// none.
	CallTimeout time.Duration

	// MeterProvider, if set, receives the target's metrics: its calls,
	// attempts, retries, throttles, waits on the rate limits and time in
	// AWS, by account_id, region, service and operation (see the package
	// documentation for the list). Its clients' own SDK metrics
	// (client.call.duration, ...) go to it too. Default none: the
	// requests take the path they take without telemetry, at no cost.
	MeterProvider metric.MeterProvider

	// TracerProvider, if set, traces the target's calls: a
	// "ratelimit.wait" span for every attempt's wait on the rate limits,
	// inside the SDK's own spans (the operation "EC2.DescribeVpcs", its
	// RetryLoop and Attempt), which go to it too. ForEach starts each
	// target's span with it unless ForEachOptions.TracerProvider is set.
	// Default none.
	TracerProvider trace.TracerProvider
}

// RegionalAccount is one target: an Account bound to one region, whose every
// API request is rate limited. Config returns an aws.Config whose clients
// pass the limiter on every HTTP attempt (each paginator page and each retry
// included: that is what AWS counts), use the target's own retryer (so one
// throttled target cannot drain the retry quota of the others), and return
// a *CallError naming the account and region when a call fails.
//
// A RegionalAccount is safe for concurrent use by multiple goroutines.
type RegionalAccount struct {
	limiter *ratelimit.Limiter
	account *Account
	region  string
	opts    RegionalAccountOptions
	retryer aws.Retryer
	apiKeys []string         // folded keys of opts.APILimits
	tel     *targetTelemetry // nil without a MeterProvider or TracerProvider
	ops     *opLimits

	cfg     atomic.Pointer[configEntry]
	clients sync.Map // reflect.Type of the client → *clientEntry
}

// configEntry is the Config built for one layer of the session's stack.
type configEntry struct {
	layer *layer
	cfg   aws.Config
}

type clientEntry struct {
	layer  *layer
	client any
}

// NewRegionalAccount binds a to region under limiter l. A nil l admits every
// request.
func NewRegionalAccount(l *ratelimit.Limiter, a *Account, region string, optFns ...func(*RegionalAccountOptions)) *RegionalAccount {
	opts := RegionalAccountOptions{MaxAttempts: defaultMaxAttempts}
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = defaultMaxAttempts
	}
	if opts.Logger == nil {
		opts.Logger = a.session.log
	}
	api := make(map[string]*ratelimit.Limiter, len(opts.APILimits))
	keys := make([]string, 0, len(opts.APILimits))
	for k, v := range opts.APILimits {
		fk := apiKey(k)
		api[fk] = v
		keys = append(keys, fk)
	}
	opts.APILimits = api
	retryer := retry.NewStandard(append([]func(*retry.StandardOptions){
		func(o *retry.StandardOptions) { o.MaxAttempts = opts.MaxAttempts },
	}, opts.RetryOptions...)...)
	return &RegionalAccount{limiter: l, account: a, region: region, opts: opts, retryer: retryer, apiKeys: keys,
		tel: newTargetTelemetry(opts, region), ops: newOpLimits(api, operationLimits{Preset: opts.Preset, Adaptive: opts.Adaptive, NewLimiter: opts.NewOperationLimiter})}
}

// apiKey folds "EC2:DescribeInstances", "ec2:describe_instances" and
// "ec2" alike.
func apiKey(k string) string {
	svc, op, hasOp := strings.Cut(k, ":")
	if !hasOp {
		return serviceKey(svc)
	}
	return serviceKey(svc) + ":" + serviceKey(op)
}

// Region is the region the target is bound to.
func (r *RegionalAccount) Region() string { return r.region }

// Account is the account of the target.
func (r *RegionalAccount) Account() *Account { return r.account }

// RateLimit is the target's limiter; change its knobs at run time with
// SetMaxCount, SetInterval and SetBlock.
func (r *RegionalAccount) RateLimit() *ratelimit.Limiter { return r.limiter }

// apiLimit returns the narrower limiter for a service or operation key as
// given in RegionalAccountOptions.APILimits.
func (r *RegionalAccount) apiLimit(key string) (*ratelimit.Limiter, bool) {
	l, ok := r.opts.APILimits[apiKey(key)]
	return l, ok
}

// Config returns the target's aws.Config: the session's current credentials,
// bound to the region with its ServiceEndpoints, the target's retryer, and
// the rate-limit and error middleware in every client's stack, and, with
// telemetry, the target's providers for the SDK's own metrics and spans
// (through ServiceOptions). It is cached per layer of the session's role
// stack, so it follows AssumeRole and Revert.
func (r *RegionalAccount) Config() aws.Config {
	top := r.account.session.top.Load()
	if e := r.cfg.Load(); e != nil && e.layer == top {
		return e.cfg
	}
	cfg := r.account.session.ConfigFor(r.region)
	retryer := r.retryer
	cfg.Retryer = func() aws.Retryer { return retryer }
	cfg.RetryMaxAttempts = 0 // the retryer above carries MaxAttempts
	cfg.APIOptions = append(append([]func(*middleware.Stack) error(nil), cfg.APIOptions...), r.addMiddleware)
	if r.tel != nil {
		cfg = withSDKTelemetry(cfg, r.tel.sdk)
	}
	r.cfg.Store(&configEntry{layer: top, cfg: cfg})
	return cfg
}

// Client returns a client of r built by newClient (for example
// ec2.NewFromConfig) from r.Config(), cached per target and client type. The
// cache follows the session: after AssumeRole or Revert, Client returns a
// client with the new credentials.
//
//	out, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
//
// Clients are safe for concurrent use; two goroutines racing on the first
// call may each build one, and one of them is kept.
func Client[C any, O any](r *RegionalAccount, newClient func(aws.Config, ...func(*O)) C) C {
	key := reflect.TypeFor[C]()
	top := r.account.session.top.Load()
	if v, ok := r.clients.Load(key); ok {
		if e := v.(*clientEntry); e.layer == top {
			return e.client.(C)
		}
	}
	c := newClient(r.Config())
	r.clients.Store(key, &clientEntry{layer: top, client: c})
	return c
}

// GoString is String: %#v must neither print secrets nor read fields that
// other goroutines write.
func (r *RegionalAccount) GoString() string { return r.String() }

// String names the target without secrets.
func (r *RegionalAccount) String() string {
	return fmt.Sprintf("RegionalAccount{%s region=%s limit=%v}", r.account.session, r.region, r.limiter.Limit())
}

const (
	limitMiddlewareID = "awsaccount.RateLimit"
	errorMiddlewareID = "awsaccount.CallError"
)

// addMiddleware puts the limiter right after the retryer (so every attempt
// waits, and signs after waiting) and the error wrapper outermost.
func (r *RegionalAccount) addMiddleware(stack *middleware.Stack) error {
	limit := middleware.FinalizeMiddlewareFunc(limitMiddlewareID, r.admit)
	if _, ok := stack.Finalize.Get("Retry"); ok {
		if err := stack.Finalize.Insert(limit, "Retry", middleware.After); err != nil {
			return err
		}
	} else if err := stack.Finalize.Add(limit, middleware.Before); err != nil {
		return err
	}
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc(errorMiddlewareID, r.wrapError), middleware.Before)
}

func (r *RegionalAccount) admit(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	if r.tel != nil {
		return r.admitObserved(ctx, in, next)
	}
	if err := r.wait(ctx); err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, err
	}
	return r.attempt(ctx, in, next)
}

// attempt sends an admitted attempt, reports a throttle to the operation's
// adaptive limit (and logs the limit in force after it), and applies the target's retry policy to its failure.
func (r *RegionalAccount) attempt(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	admitted := time.Now()
	out, md, err := next.HandleFinalize(ctx, in)
	if err != nil {
		if l, key := r.ops.observe(ctx, admitted, err); l != nil {
			// In adaptive mode the limit in force has just been lowered.
			r.opts.Logger.Debug("awsaccount: throttled", "region", r.region,
				"service", awsmiddleware.GetServiceID(ctx), "operation", awsmiddleware.GetOperationName(ctx),
				"limit", key, "limit_in_force", l.Effective().String())
		}
		err = r.retryPolicy(ctx, err)
	}
	return out, md, err
}

// wait passes the limits that cover the request: the operation's (see
// RegionalAccountOptions.Preset), the service's, then the target's.
func (r *RegionalAccount) wait(ctx context.Context) error {
	if err := r.ops.wait(ctx); err != nil {
		return err
	}
	if len(r.apiKeys) > 0 {
		svc := serviceKey(awsmiddleware.GetServiceID(ctx))
		if l, ok := r.opts.APILimits[svc]; ok {
			if err := l.Wait(ctx); err != nil {
				return err
			}
		}
	}
	return r.limiter.Wait(ctx)
}

// maxTimeoutRetries is how many times one call retries an attempt that
// timed out (a silent endpoint): each costs a whole ReadTimeout, so the
// target's MaxAttempts would make a dead endpoint cost minutes.
const maxTimeoutRetries = 2

// retryPolicy adjusts what the target's retryer makes of a failed attempt:
// a response body cut short is retried for operations that only read
// (their name says so: Describe*, List*, Get*, ...), never for others; and
// a call stops retrying timeouts after maxTimeoutRetries.
func (r *RegionalAccount) retryPolicy(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	switch {
	case truncated(err):
		return &retryable{error: err, retry: readOnly(awsmiddleware.GetOperationName(ctx))}
	case timedOut(err):
		if st, ok := ctx.Value(callStateKey{}).(*callState); ok {
			if st.timeouts.Add(1) > maxTimeoutRetries {
				return &retryable{error: err, retry: false}
			}
		}
	}
	return err
}

// retryable overrides the retryer's judgement of an error: the SDK's
// retryers ask RetryableError first.
type retryable struct {
	error
	retry bool
}

func (e *retryable) RetryableError() bool { return e.retry }
func (e *retryable) Unwrap() error        { return e.error }

// truncated reports a response body that ended before its Content-Length.
func truncated(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }

func timedOut(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// readOnly reports whether an operation only reads, by the naming
// convention every AWS API follows.
func readOnly(op string) bool {
	for _, p := range []string{"Describe", "List", "Get", "Head", "BatchGet", "Lookup", "Search", "Scan", "Query"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// callState is what the attempts of one API call share.
type callState struct {
	timeouts atomic.Int32
	attempts atomic.Int32 // counted only with telemetry
}

type callStateKey struct{}

func (r *RegionalAccount) wrapError(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	ctx = context.WithValue(ctx, callStateKey{}, &callState{})
	var cancel context.CancelFunc
	if d := r.opts.CallTimeout; d > 0 {
		ctx, cancel = context.WithTimeout(ctx, d)
		// On success a streamed body is read after the call returns: the
		// deadline covers it, and its timer releases the context.
		defer func() {
			if cancel != nil {
				time.AfterFunc(d, cancel)
			}
		}()
	}
	var start time.Time
	if r.tel != nil {
		start = time.Now()
	}
	out, md, err := next.HandleInitialize(ctx, in)
	var ce *CallError
	if err != nil {
		if cancel != nil {
			cancel()
			cancel = nil
		}
		ce = r.newCallError(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), err)
		r.opts.Logger.Debug("awsaccount: call failed", "account_id", ce.AccountID, "region", ce.Region,
			"service", ce.Service, "operation", ce.Operation, "code", ce.Code)
		err = ce
	}
	if r.tel != nil {
		r.tel.observeCall(ctx, r, time.Since(start), ce)
	}
	return out, md, err
}
