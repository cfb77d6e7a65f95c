package awsaccount

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/awsaccount/awsaccount/internal/redact"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/awslimits"
)

// RegistryOptions tune a Registry.
type RegistryOptions struct {
	// SessionOptions apply to every Session the registry builds.
	SessionOptions []func(*SessionOptions)
	// RegionalAccountOptions apply to every RegionalAccount it builds.
	RegionalAccountOptions []func(*RegionalAccountOptions)
	// LimiterOptions apply to every rate limiter it builds.
	LimiterOptions []func(*ratelimit.Options)
	// Backends build shared stores for ratelimit.Spec.Backend, by name
	// ("redis"); see package ratelimit/redislimit.
	Backends map[string]ratelimit.BackendFactory
	// Logger for the registry's own records. Default: discard.
	Logger *slog.Logger
	// RegionTTL is how long a RegionalAccounts with RegionSource
	// "account" trusts the account's list of enabled regions. Default 15
	// minutes.
	RegionTTL time.Duration
	// Clock returns the current time (for RegionTTL). Default time.Now.
	Clock func() time.Time
	// MeterProvider and TracerProvider, if set, are the defaults of the
	// same fields of every Session and RegionalAccount the registry
	// builds (their option functions above may still change them), so
	// that one pair of providers sees a whole fleet. MeterProvider is
	// also the default of ratelimit.Options.MeterProvider for every rate
	// limiter the registry builds, whose metrics then carry what the
	// limit covers: region, service and operation as its key names them
	// (folded, "ec2", "describeinstances", or a preset group in place of
	// the operation), and account_id when it is known without a call.
	// Default none.
	MeterProvider  metric.MeterProvider
	TracerProvider trace.TracerProvider
}

// Registry is the seed's set of caching singleton factories: asked twice for
// the same spec, it returns the same object. Identity is decided by a
// canonical encoding of the spec, in which key order, map order and number
// formatting do not matter and secrets appear only as keyed hashes.
// Concurrent first requests for one spec build it once.
//
// A Registry is safe for concurrent use by multiple goroutines. Objects are
// kept for the registry's lifetime.
type Registry struct {
	opts        RegistryOptions
	sessionOpts SessionOptions // opts.SessionOptions applied
	sessionErr  error          // of applying them; reported by every build
	salt        []byte         // keys secrets' hashes; random per registry

	mu    sync.Mutex
	cells map[string]*cell // kind + canonical key → object; guarded by mu
}

// cell holds one object being built or built.
type cell struct {
	done chan struct{}
	val  any
	err  error
}

// DefaultRegistry is the package's default Registry: the seed's module-level
// factories. Use your own Registry to isolate objects (tests, tenants).
var DefaultRegistry = NewRegistry()

// NewRegistry returns an empty Registry.
func NewRegistry(optFns ...func(*RegistryOptions)) *Registry {
	var opts RegistryOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.RegionTTL <= 0 {
		opts.RegionTTL = defaultRegionTTL
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if mp, tp := opts.MeterProvider, opts.TracerProvider; mp != nil || tp != nil {
		opts.SessionOptions = append([]func(*SessionOptions){func(o *SessionOptions) {
			o.MeterProvider, o.TracerProvider = mp, tp
		}}, opts.SessionOptions...)
		opts.RegionalAccountOptions = append([]func(*RegionalAccountOptions){func(o *RegionalAccountOptions) {
			o.MeterProvider, o.TracerProvider = mp, tp
		}}, opts.RegionalAccountOptions...)
	}
	salt := make([]byte, 32)
	_, _ = rand.Read(salt)
	r := &Registry{opts: opts, salt: salt, cells: make(map[string]*cell)}
	r.sessionOpts, r.sessionErr = resolveSessionOptions(opts.SessionOptions)
	return r
}

// shared returns what the registry's sessions share (the SDK configuration
// loaded once per registry, one HTTP client), loading it on first use.
func (r *Registry) shared(ctx context.Context) (*sharedConfig, error) {
	v, err := r.get(ctx, "shared-config", func(ctx context.Context) (any, error) {
		if r.sessionErr != nil {
			return nil, r.sessionErr
		}
		return newSharedConfig(ctx, r.sessionOpts)
	})
	if err != nil {
		return nil, err
	}
	return v.(*sharedConfig), nil
}

// get returns the object under key, building it with build once. A failed
// build is not kept: the next request tries again.
func (r *Registry) get(ctx context.Context, key string, build func(context.Context) (any, error)) (any, error) {
	r.mu.Lock()
	c, ok := r.cells[key]
	if !ok {
		c = &cell{done: make(chan struct{})}
		r.cells[key] = c
		r.mu.Unlock()
		// Detached, so that the first caller's cancel does not fail the
		// others waiting for the same object.
		c.val, c.err = build(context.WithoutCancel(ctx))
		if c.err != nil {
			r.mu.Lock()
			delete(r.cells, key)
			r.mu.Unlock()
		}
		close(c.done)
		return c.val, c.err
	}
	r.mu.Unlock()
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Session returns the Session for p, building it on first request.
func (r *Registry) Session(ctx context.Context, p SessionParameters) (*Session, error) {
	key, err := r.key("session", p)
	if err != nil {
		return nil, err
	}
	v, err := r.get(ctx, key, func(ctx context.Context) (any, error) {
		sh, err := r.shared(ctx)
		if err != nil {
			return nil, err
		}
		return newSession(ctx, p, r.sessionOpts, sh)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Session), nil
}

// Account returns the Account for spec. An account without roles uses the
// registry's Session for its SessionParameters; an account with roles gets a
// session of its own over that one's base (a role stack must not be shared
// by accounts that assume different roles, but the SDK configuration and
// HTTP client are).
//
// The roles are assumed lazily: building an account makes no network call,
// and its first request assumes them, once, however many targets of the
// account start at once (the credential cache of each layer is a
// singleflight). A role that cannot be assumed fails the requests of that
// account's targets, each with a *CallError naming the role. So a fleet of
// accounts is built at once, and each account is entered by the fan-out
// that uses it.
func (r *Registry) Account(ctx context.Context, spec AccountSpec) (*Account, error) {
	if err := spec.validate(); err != nil {
		return nil, prefixed("Account", err)
	}
	key, err := r.key("account", spec)
	if err != nil {
		return nil, err
	}
	v, err := r.get(ctx, key, func(ctx context.Context) (any, error) {
		base, err := r.Session(ctx, spec.SessionParameters)
		if err != nil {
			return nil, err
		}
		roles := spec.roles()
		if len(roles) == 0 {
			return NewAccount(base), nil
		}
		s := base.fork()
		if err := s.assumeRoles(ctx, false, roles); err != nil {
			return nil, err
		}
		return NewAccount(s), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Account), nil
}

// RegionalAccount returns the RegionalAccount for spec: the seed's
// regional_account_factory.
//
// As the seed's factory, it takes the region from the account's session when
// spec has none (region_name of its SessionParameters, else the SDK's
// configured region, else us-east-1).
func (r *Registry) RegionalAccount(ctx context.Context, spec RegionalAccountSpec) (*RegionalAccount, error) {
	if spec.Region != "" {
		if err := checkRegion(spec.Region); err != nil {
			return nil, fieldErr("region_name", err.Error())
		}
	}
	if err := validateLimits(spec.RateLimit, spec.APILimits); err != nil {
		return nil, err
	}
	a, err := r.Account(ctx, spec.Account)
	if err != nil {
		return nil, err
	}
	if spec.Region == "" {
		spec.Region = globalConfig(a.session.Config()).Region
	}
	return r.regionalAccount(ctx, a, spec)
}

// regionalAccount builds the target of spec over a, keyed on the spec (the
// account's spec identifies a).
func (r *Registry) regionalAccount(ctx context.Context, a *Account, spec RegionalAccountSpec) (*RegionalAccount, error) {
	key, err := r.key("regional-account", spec)
	if err != nil {
		return nil, err
	}
	v, err := r.get(ctx, key, func(ctx context.Context) (any, error) {
		limiter, err := r.limiter(spec.RateLimit, a, spec.Region, "")
		if err != nil {
			return nil, err
		}
		adaptive := spec.RateLimit.Adaptive
		api := make(map[string]*ratelimit.Limiter, len(spec.APILimits))
		for k, l := range spec.APILimits {
			l.Adaptive = l.Adaptive || adaptive
			if api[k], err = r.limiter(l, a, spec.Region, apiKey(k)); err != nil {
				return nil, err
			}
		}
		opts := append([]func(*RegionalAccountOptions){}, r.opts.RegionalAccountOptions...)
		if len(api) > 0 {
			opts = append(opts, func(o *RegionalAccountOptions) { o.APILimits = api })
		}
		if ol := r.operationLimits(spec.RateLimit, a, spec.Region); ol.Preset != nil || ol.Adaptive {
			opts = append(opts, func(o *RegionalAccountOptions) {
				o.Preset, o.Adaptive, o.NewOperationLimiter = ol.Preset, ol.Adaptive, ol.NewLimiter
			})
		}
		return NewRegionalAccount(limiter, a, spec.Region, opts...), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*RegionalAccount), nil
}

// accountLabel names an account in messages without a network call: its
// known id, else what it is entered with.
func accountLabel(a *Account) string {
	if id, _ := a.knownIdentity(); id != "" {
		return id
	}
	return a.session.source()
}

// limiter builds the limiter of spec for a target of a in region; key
// names what it covers within the target ("" for the whole target, else
// a folded APILimits key "<service>[:<operation>]" or a preset group's). A
// limit shared through a backend is keyed by the account's id, region and
// key; its store is opened at the first admission, which may have to ask
// for the id: building a target makes no network call.
func (r *Registry) limiter(spec ratelimit.Spec, a *Account, region, key string) (*ratelimit.Limiter, error) {
	keySuffix := ":" + region
	if key != "" {
		keySuffix += ":" + key
	}
	opts := r.limiterOptions(a, region, key)
	if spec.Backend != nil {
		name, bs := "", *spec.Backend
		if bs.Redis != nil {
			name = "redis"
		}
		factory, ok := r.opts.Backends[name]
		if !ok {
			return nil, fieldErr("RateLimit.backend", fmt.Sprintf("backend %q is not enabled in this program (see RegistryOptions.Backends)", name))
		}
		store := &lazyStore{open: func(ctx context.Context) (ratelimit.Store, error) {
			id, err := a.AccountID(ctx)
			if err != nil {
				return nil, err
			}
			key := id + keySuffix
			store, err := factory(ctx, bs, key)
			if err != nil {
				return nil, fmt.Errorf("awsaccount: rate limit backend %s for %s: %w", name, key, err)
			}
			return store, nil
		}}
		opts = append(opts, ratelimit.WithStore(store))
	}
	if spec.Adaptive {
		opts = append(opts, ratelimit.WithAdaptive(true))
	}
	return ratelimit.New(spec.Limit, opts...), nil
}

// limiterOptions are the options of a limiter for a target of a in
// region, covering key (as for limiter): the registry's MeterProvider
// (which LimiterOptions may change), LimiterOptions, then, if the limiter
// has a provider, the attributes of what it covers.
func (r *Registry) limiterOptions(a *Account, region, key string) []func(*ratelimit.Options) {
	opts := make([]func(*ratelimit.Options), 0, len(r.opts.LimiterOptions)+2)
	if mp := r.opts.MeterProvider; mp != nil {
		opts = append(opts, func(o *ratelimit.Options) { o.MeterProvider = mp })
	}
	opts = append(opts, r.opts.LimiterOptions...)
	return append(opts, func(o *ratelimit.Options) {
		if o.MeterProvider != nil {
			// Clipped: a slice that LimiterOptions share must not be
			// appended to in place by every limiter.
			o.Attributes = append(slices.Clip(o.Attributes), limitAttributes(a, region, key)...)
		}
	})
}

// limitAttributes are the metric attributes of a limiter for a target of
// a in region, covering key: account_id when it is known without a call
// (as the target's own metrics have it), region, and the service and
// operation of key as it is folded ("ec2", "describeinstances"), a preset
// group in place of the operation ("ec2", "nonmutating").
func limitAttributes(a *Account, region, key string) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 4)
	if id := a.knownID(); id != "" {
		attrs = append(attrs, attribute.String(attrAccountID, id))
	}
	attrs = append(attrs, attribute.String(attrRegion, region))
	if key == "" {
		return attrs
	}
	service, operation, hasOp := strings.Cut(key, ":")
	attrs = append(attrs, attribute.String(attrService, service))
	if hasOp {
		attrs = append(attrs, attribute.String(attrOperation, operation))
	}
	return attrs
}

// operationLimits are the operationLimits of a target's RateLimit
// block: its preset and adaptive mode, with limiters that share the
// block's backend, keyed "<account id>:<region>:<group or operation>".
func (r *Registry) operationLimits(spec ratelimit.Spec, a *Account, region string) operationLimits {
	preset, _ := awslimits.Lookup(spec.Preset) // validated: "" is none
	return operationLimits{
		Preset:   preset,
		Adaptive: spec.Adaptive,
		NewLimiter: func(key string, l ratelimit.Limit) *ratelimit.Limiter {
			ls := ratelimit.Spec{Limit: l, Backend: spec.Backend, Adaptive: spec.Adaptive}
			lim, err := r.limiter(ls, a, region, key)
			if err != nil { // the target's own limiter was built with this backend
				return ratelimit.New(l, append(r.limiterOptions(a, region, key), ratelimit.WithAdaptive(spec.Adaptive))...)
			}
			return lim
		},
	}
}

func validateLimits(l ratelimit.Spec, api map[string]ratelimit.Spec) error {
	if err := validateLimit(l); err != nil {
		return prefixed("RateLimit", err)
	}
	for _, k := range sortedKeys(api) {
		if api[k].Preset != "" {
			return fieldErr("APILimits."+k+".preset", "is for the RateLimit block, not an APILimits entry")
		}
		if err := api[k].Limit.Validate(); err != nil {
			return prefixed("APILimits."+k, err)
		}
	}
	return nil
}

// validateLimit checks what a RateLimit block's limit and preset must be
// even when built in Go (Spec.Validate is stricter, for a config file).
func validateLimit(l ratelimit.Spec) error {
	if err := l.Limit.Validate(); err != nil {
		return err
	}
	if _, ok := awslimits.Lookup(l.Preset); l.Preset != "" && !ok {
		return fieldErr("preset", fmt.Sprintf("unknown preset %q (want %q)", l.Preset, ratelimit.PresetAWS))
	}
	return nil
}

// key is the canonical identity of a spec: its JSON encoding (struct fields
// in declaration order, map keys sorted, durations as integers) with every
// secret replaced by a keyed hash. This package's spec types take a typed
// path; any other (a spec of a package built on the Registry) is encoded,
// and its secrets found by their YAML/JSON keys anywhere in it.
func (r *Registry) key(kind string, spec any) (string, error) {
	c := canonical(spec, r.hashSecret)
	if c == nil {
		var tree any
		b, err := json.Marshal(spec)
		if err == nil {
			err = json.Unmarshal(b, &tree)
		}
		if err != nil {
			return "", fmt.Errorf("awsaccount: encode %s spec: %w", kind, err)
		}
		c = hashSecrets(tree, "", r.hashSecret)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("awsaccount: encode %s spec: %w", kind, err)
	}
	return kind + ":" + string(b), nil
}

// secretKeys are the JSON keys of the spec types' secrets.
var secretKeys = map[string]bool{
	"aws_secret_access_key": true, "aws_session_token": true,
	"ExternalId": true, "TokenCode": true, "WebIdentityToken": true,
}

// hashSecrets replaces, in a decoded JSON tree, the values of secret keys
// (and the URL of a redis backend) by their hashes.
func hashSecrets(v any, key string, hash func(string) string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = hashSecrets(e, k, hash)
		}
		if u, ok := t["url"].(string); ok && key == "redis" {
			t["url"] = redact.URL(u) + "#" + hash(u)
		}
	case []any:
		for i, e := range t {
			t[i] = hashSecrets(e, key, hash)
		}
	case string:
		if secretKeys[key] {
			return hash(t)
		}
	}
	return v
}

// Shared returns the object kept in r for kind and spec, building it with
// build on the first request: r's caching, for packages that build on the
// Registry (package organization keeps its Organizations with it). As for
// the Registry's own objects, identity is the canonical encoding of spec
// (key and map order do not matter; secrets — the SessionParameters and
// AssumeRole keys anywhere in it — appear only as keyed hashes), concurrent
// first requests build once, build runs detached from the first caller's
// cancel, and a failed build is not kept.
func Shared[T any](ctx context.Context, r *Registry, kind string, spec any, build func(context.Context) (T, error)) (T, error) {
	var zero T
	key, err := r.key("shared:"+kind, spec)
	if err != nil {
		return zero, err
	}
	v, err := r.get(ctx, key, func(ctx context.Context) (any, error) { return build(ctx) })
	if err != nil {
		return zero, err
	}
	return v.(T), nil
}

func (r *Registry) hashSecret(s string) string {
	if s == "" {
		return ""
	}
	m := hmac.New(sha256.New, r.salt)
	m.Write([]byte(s))
	return "hmac:" + hex.EncodeToString(m.Sum(nil)[:16])
}

// canonical returns a copy of spec whose secrets are replaced by hash(s),
// or nil when spec is not one of this package's spec types.
func canonical(spec any, hash func(string) string) any {
	switch s := spec.(type) {
	case SessionParameters:
		s.SecretAccessKey, s.SessionToken = hash(s.SecretAccessKey), hash(s.SessionToken)
		return s
	case AssumeRoleParameters:
		s.ExternalId, s.TokenCode, s.WebIdentityToken = hash(s.ExternalId), hash(s.TokenCode), hash(s.WebIdentityToken)
		return s
	case AccountSpec:
		s.SessionParameters = canonical(s.SessionParameters, hash).(SessionParameters)
		if s.AssumeRole != nil {
			ar := canonical(*s.AssumeRole, hash).(AssumeRoleParameters)
			s.AssumeRole = &ar
		}
		roles := make([]AssumeRoleParameters, len(s.AssumeRoles))
		for i, ar := range s.AssumeRoles {
			roles[i] = canonical(ar, hash).(AssumeRoleParameters)
		}
		s.AssumeRoles = roles
		return s
	case ratelimit.Spec:
		if s.Backend != nil && s.Backend.Redis != nil {
			redis := *s.Backend.Redis
			redis.URL = redact.URL(redis.URL) + "#" + hash(redis.URL)
			s.Backend = &ratelimit.BackendSpec{Redis: &redis}
		}
		return s
	case RegionalAccountSpec:
		s.Account = canonical(s.Account, hash).(AccountSpec)
		s.RateLimit = canonical(s.RateLimit, hash).(ratelimit.Spec)
		s.APILimits = canonicalLimits(s.APILimits, hash)
		return s
	case RegionalAccountsSpec:
		s.Account = canonical(s.Account, hash).(AccountSpec)
		s.RateLimit = canonical(s.RateLimit, hash).(ratelimit.Spec)
		s.APILimits = canonicalLimits(s.APILimits, hash)
		s.RateLimitRegionSpec = canonicalLimits(s.RateLimitRegionSpec, hash)
		return s
	}
	return nil // not one of ours
}

func canonicalLimits(m map[string]ratelimit.Spec, hash func(string) string) map[string]ratelimit.Spec {
	if m == nil {
		return nil
	}
	out := make(map[string]ratelimit.Spec, len(m))
	for k, v := range m {
		out[k] = canonical(v, hash).(ratelimit.Spec)
	}
	return out
}
