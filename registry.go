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
	"sync"

	"github.com/awsaccount/awsaccount/internal/redact"
	"github.com/awsaccount/awsaccount/ratelimit"
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
	opts RegistryOptions
	salt []byte // keys secrets' hashes; random per registry

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
	salt := make([]byte, 32)
	_, _ = rand.Read(salt)
	return &Registry{opts: opts, salt: salt, cells: make(map[string]*cell)}
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
		return NewSession(ctx, p, r.opts.SessionOptions...)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Session), nil
}

// Account returns the Account for spec. An account without roles uses the
// registry's Session for its SessionParameters; an account with roles gets a
// session of its own (a role stack must not be shared by accounts that
// assume different roles), on which the roles are assumed before it is
// returned.
func (r *Registry) Account(ctx context.Context, spec AccountSpec) (*Account, error) {
	if err := spec.Validate(); err != nil {
		return nil, prefixed("Account", err)
	}
	key, err := r.key("account", spec)
	if err != nil {
		return nil, err
	}
	v, err := r.get(ctx, key, func(ctx context.Context) (any, error) {
		roles := spec.Roles()
		if len(roles) == 0 {
			s, err := r.Session(ctx, spec.SessionParameters)
			if err != nil {
				return nil, err
			}
			return NewAccount(s), nil
		}
		s, err := NewSession(ctx, spec.SessionParameters, r.opts.SessionOptions...)
		if err != nil {
			return nil, err
		}
		if err := s.AssumeRoles(ctx, roles...); err != nil {
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
func (r *Registry) RegionalAccount(ctx context.Context, spec RegionalAccountSpec) (*RegionalAccount, error) {
	if spec.Region == "" {
		return nil, fieldErr("region_name", "is required")
	}
	if !validRegionName(spec.Region) {
		return nil, fieldErr("region_name", fmt.Sprintf("%q is not a region name", spec.Region))
	}
	if err := validateLimits(spec.RateLimit, spec.APILimits); err != nil {
		return nil, err
	}
	a, err := r.Account(ctx, spec.Account)
	if err != nil {
		return nil, err
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
		label := accountLabel(a)
		if usesBackend(spec) {
			// A shared limit is keyed by the real account id: ask for it.
			id, err := a.AccountID(ctx)
			if err != nil {
				return nil, err
			}
			label = id
		}
		limitKey := label + ":" + spec.Region
		limiter, err := r.limiter(ctx, spec.RateLimit, limitKey)
		if err != nil {
			return nil, err
		}
		api := make(map[string]*ratelimit.Limiter, len(spec.APILimits))
		for k, l := range spec.APILimits {
			if api[k], err = r.limiter(ctx, l, limitKey+":"+apiKey(k)); err != nil {
				return nil, err
			}
		}
		opts := append([]func(*RegionalAccountOptions){}, r.opts.RegionalAccountOptions...)
		if len(api) > 0 {
			opts = append(opts, func(o *RegionalAccountOptions) { o.APILimits = api })
		}
		return NewRegionalAccount(limiter, a, spec.Region, opts...), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*RegionalAccount), nil
}

func usesBackend(spec RegionalAccountSpec) bool {
	if spec.RateLimit.Backend != nil {
		return true
	}
	for _, l := range spec.APILimits {
		if l.Backend != nil {
			return true
		}
	}
	return false
}

// accountLabel names an account in limit keys without a network call: its
// known id, else "unknown".
func accountLabel(a *Account) string {
	if id, _ := a.knownIdentity(); id != "" {
		return id
	}
	return "unknown"
}

func (r *Registry) limiter(ctx context.Context, spec ratelimit.Spec, key string) (*ratelimit.Limiter, error) {
	opts := append([]func(*ratelimit.Options){}, r.opts.LimiterOptions...)
	if spec.Backend != nil {
		name, bs := "", *spec.Backend
		if bs.Redis != nil {
			name = "redis"
		}
		factory, ok := r.opts.Backends[name]
		if !ok {
			return nil, fieldErr("RateLimit.backend", fmt.Sprintf("backend %q is not enabled in this program (see RegistryOptions.Backends)", name))
		}
		store, err := factory(ctx, bs, key)
		if err != nil {
			return nil, fmt.Errorf("awsaccount: rate limit backend %s for %s: %w", name, key, err)
		}
		opts = append(opts, ratelimit.WithStore(store))
	}
	return ratelimit.New(spec.Limit, opts...), nil
}

func validateLimits(l ratelimit.Spec, api map[string]ratelimit.Spec) error {
	if err := l.Limit.Validate(); err != nil {
		return prefixed("RateLimit", err)
	}
	for _, k := range sortedKeys(api) {
		if err := api[k].Limit.Validate(); err != nil {
			return prefixed("APILimits."+k, err)
		}
	}
	return nil
}

// key is the canonical identity of a spec: its JSON encoding (struct fields
// in declaration order, map keys sorted, durations as integers) with every
// secret replaced by a keyed hash.
func (r *Registry) key(kind string, spec any) (string, error) {
	b, err := json.Marshal(canonical(spec, r.hashSecret))
	if err != nil {
		return "", fmt.Errorf("awsaccount: encode %s spec: %w", kind, err)
	}
	return kind + ":" + string(b), nil
}

func (r *Registry) hashSecret(s string) string {
	if s == "" {
		return ""
	}
	m := hmac.New(sha256.New, r.salt)
	m.Write([]byte(s))
	return "hmac:" + hex.EncodeToString(m.Sum(nil)[:16])
}

// canonical returns a copy of spec whose secrets are replaced by hash(s).
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
	return spec
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
