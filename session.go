package awsaccount

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"golang.org/x/sync/singleflight"
)

// DefaultRegion is the region used for global calls (STS GetCallerIdentity,
// STS AssumeRole, IAM) when a session has no region of its own.
const DefaultRegion = "us-east-1"

// DefaultExpiryWindow is how long before expiry assumed-role credentials are
// refreshed. It is capped at a tenth of the credentials' lifetime, so short
// lived credentials are not refreshed on every call.
const DefaultExpiryWindow = 5 * time.Minute

// SessionOptions tune a Session. The zero value is usable; NewSession applies
// the defaults before the option functions and validates after.
type SessionOptions struct {
	// Logger receives debug records of role assumptions and reverts. Secrets
	// are never logged. Default: discard.
	Logger *slog.Logger

	// LoadOptions are passed to config.LoadDefaultConfig for the base layer
	// (for example config.WithBaseEndpoint, config.WithHTTPClient,
	// config.WithRetryer).
	LoadOptions []func(*config.LoadOptions) error

	// DeferAssumeRole makes AssumeRole push a layer without calling STS; the
	// first request made with it assumes the role. Default false: AssumeRole
	// fails fast on a role that cannot be assumed.
	DeferAssumeRole bool

	// ExpiryWindow is how long before expiry credentials are refreshed,
	// capped at a tenth of their lifetime. Default DefaultExpiryWindow.
	ExpiryWindow time.Duration

	// IdentityTimeout bounds one shared GetCallerIdentity call (it runs
	// detached from any one caller's context). Default 30s.
	IdentityTimeout time.Duration
}

// Session is a goroutine-safe holder of AWS credentials: a base layer from
// SessionParameters and a stack of assumed IAM roles above it. Config returns
// an aws.Config for the top of the stack; every layer refreshes its own
// credentials (one refresh at a time, shared by all goroutines) through the
// layer below.
//
// A Session is safe for concurrent use by multiple goroutines. AssumeRole and
// Revert take effect for every goroutine at its next Config call; configs
// (and clients) obtained before keep the credentials they were built with.
type Session struct {
	params SessionParameters
	opts   SessionOptions
	log    *slog.Logger

	endpoints *endpointSource // nil without ServiceEndpoints

	top atomic.Pointer[layer] // current top of the stack; never nil after NewSession

	mu sync.Mutex // serializes AssumeRole, AssumeRoles and Revert
}

// layer is one level of the role stack. It is immutable once published,
// except for its identity memo.
type layer struct {
	parent *layer
	cfg    aws.Config
	role   *AssumeRoleParameters // nil for the base layer
	depth  int

	ident atomic.Pointer[identity]
	sf    singleflight.Group
}

type identity struct {
	accountID, arn, userID string
}

// NewSession builds the base layer from p. It validates p and loads the SDK
// configuration (which reads files and the environment) but makes no network
// call.
func NewSession(ctx context.Context, p SessionParameters, optFns ...func(*SessionOptions)) (*Session, error) {
	opts := SessionOptions{ExpiryWindow: DefaultExpiryWindow, IdentityTimeout: 30 * time.Second}
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.ExpiryWindow < 0 {
		return nil, fieldErr("SessionOptions.ExpiryWindow", "must not be negative")
	}
	if opts.IdentityTimeout <= 0 {
		opts.IdentityTimeout = 30 * time.Second
	}
	if err := p.Validate(); err != nil {
		return nil, prefixed("SessionParameters", err)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	var load []func(*config.LoadOptions) error
	if p.Region != "" {
		load = append(load, config.WithRegion(p.Region))
	}
	switch {
	case p.AccessKeyID != "":
		load = append(load, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(p.AccessKeyID, p.SecretAccessKey, p.SessionToken)))
	case p.Profile != "":
		load = append(load, config.WithSharedConfigProfile(p.Profile))
	}
	load = append(load, opts.LoadOptions...)
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		// The SDK's error names files and profiles, not secrets.
		return nil, fmt.Errorf("awsaccount: load AWS configuration: %w", err)
	}
	eps := newEndpointSource(p.ServiceEndpoints, cfg.Region)
	if eps != nil {
		cfg.ConfigSources = withEndpointSource(cfg.ConfigSources, eps)
	}

	s := &Session{params: p, opts: opts, log: logger, endpoints: eps}
	s.top.Store(&layer{cfg: cfg})
	logger.Debug("awsaccount: session created", "params", p)
	return s, nil
}

// Config returns the aws.Config of the top of the role stack, bound to the
// session's region. It is cheap (no allocation, no lock) and safe from any
// goroutine. For another region use ConfigFor: ServiceEndpoints are bound to
// the region a config is made for, so changing Region on the returned value
// keeps the endpoints of the session's region.
func (s *Session) Config() aws.Config { return s.top.Load().cfg }

// ConfigFor returns Config bound to region, with the ServiceEndpoints of that
// region.
func (s *Session) ConfigFor(region string) aws.Config {
	cfg := s.top.Load().cfg
	if region == cfg.Region {
		return cfg
	}
	cfg = cfg.Copy()
	cfg.Region = region
	if s.endpoints != nil {
		cfg.ConfigSources = withEndpointSource(cfg.ConfigSources, s.endpoints.withRegion(region))
	}
	return cfg
}

// Parameters returns the parameters the session was built from.
func (s *Session) Parameters() SessionParameters { return s.params }

// Depth is the number of assumed roles on the stack (0 at the base).
func (s *Session) Depth() int { return s.top.Load().depth }

// Role returns the parameters of the role at the top of the stack, and false
// at the base.
func (s *Session) Role() (AssumeRoleParameters, bool) {
	l := s.top.Load()
	if l.role == nil {
		return AssumeRoleParameters{}, false
	}
	return *l.role, true
}

// AssumeRole pushes a layer that assumes r with the current top's
// credentials. Unless SessionOptions.DeferAssumeRole is set, it calls STS now
// and leaves the stack unchanged when that fails. r is validated first, with
// no network call.
func (s *Session) AssumeRole(ctx context.Context, r AssumeRoleParameters) error {
	return s.AssumeRoles(ctx, r)
}

// AssumeRoles pushes one layer per element of roles, each assumed with the
// credentials of the one before (a role chain). It is all or nothing: when
// any step fails, the stack is left as it was.
func (s *Session) AssumeRoles(ctx context.Context, roles ...AssumeRoleParameters) error {
	for i, r := range roles {
		if err := r.Validate(); err != nil {
			if len(roles) > 1 {
				return prefixed(fmt.Sprintf("AssumeRoles[%d]", i), err)
			}
			return prefixed("AssumeRole", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	top := s.top.Load()
	for _, r := range roles {
		next, err := s.newLayer(top, r)
		if err != nil {
			return err
		}
		if !s.opts.DeferAssumeRole {
			if _, err := next.cfg.Credentials.Retrieve(ctx); err != nil {
				return fmt.Errorf("awsaccount: assume role %s: %w", r.RoleArn, err)
			}
		}
		top = next
	}
	s.top.Store(top)
	for _, r := range roles {
		s.log.Debug("awsaccount: assumed role", "role_arn", r.RoleArn, "role_session_name", r.RoleSessionName, "depth", top.depth)
	}
	return nil
}

// Revert pops the top layer. It returns false, and changes nothing, when only
// the base is left.
func (s *Session) Revert() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	top := s.top.Load()
	if top.parent == nil {
		return false
	}
	s.top.Store(top.parent)
	s.log.Debug("awsaccount: reverted role", "role_arn", top.role.RoleArn, "depth", top.parent.depth)
	return true
}

func (s *Session) newLayer(below *layer, r AssumeRoleParameters) (*layer, error) {
	client := sts.NewFromConfig(globalConfig(below.cfg))
	var provider aws.CredentialsProvider
	duration := time.Duration(r.DurationSeconds) * time.Second
	switch r.Method {
	case MethodAssumeRoleWithWebIdentity:
		var token stscreds.IdentityTokenRetriever = stscreds.IdentityTokenFile(r.WebIdentityTokenFile)
		if r.WebIdentityToken != "" {
			token = staticToken(r.WebIdentityToken)
		}
		provider = stscreds.NewWebIdentityRoleProvider(client, r.RoleArn, token, func(o *stscreds.WebIdentityRoleOptions) {
			o.RoleSessionName = r.RoleSessionName
			o.Duration = duration
			o.Policy = optional(r.Policy)
			o.PolicyARNs = policyDescriptors(r.PolicyArns)
		})
	default:
		provider = stscreds.NewAssumeRoleProvider(client, r.RoleArn, func(o *stscreds.AssumeRoleOptions) {
			if r.RoleSessionName != "" {
				o.RoleSessionName = r.RoleSessionName
			}
			o.Duration = duration
			o.ExternalID = optional(r.ExternalId)
			o.Policy = optional(r.Policy)
			o.PolicyARNs = policyDescriptors(r.PolicyArns)
			o.SourceIdentity = optional(r.SourceIdentity)
			o.TransitiveTagKeys = r.TransitiveTagKeys
			for _, k := range sortedKeys(r.Tags) {
				o.Tags = append(o.Tags, ststypes.Tag{Key: aws.String(k), Value: aws.String(r.Tags[k])})
			}
			if r.SerialNumber != "" {
				o.SerialNumber = aws.String(r.SerialNumber)
				code := r.TokenCode
				o.TokenProvider = func() (string, error) { return code, nil }
			}
		})
	}
	cfg := below.cfg.Copy()
	cfg.Credentials = aws.NewCredentialsCache(&earlyExpiry{provider: provider, window: s.opts.ExpiryWindow})
	role := r
	return &layer{parent: below, cfg: cfg, role: &role, depth: below.depth + 1}, nil
}

type staticToken string

func (t staticToken) GetIdentityToken() ([]byte, error) { return []byte(t), nil }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func policyDescriptors(arns []string) []ststypes.PolicyDescriptorType {
	out := make([]ststypes.PolicyDescriptorType, 0, len(arns))
	for _, a := range arns {
		out = append(out, ststypes.PolicyDescriptorType{Arn: aws.String(a)})
	}
	return out
}

// earlyExpiry moves the expiry of the credentials it returns earlier by the
// window, capped at a tenth of their lifetime, so that the CredentialsCache
// around it refreshes before STS's expiry and short-lived credentials are
// not refreshed on every call.
type earlyExpiry struct {
	provider aws.CredentialsProvider
	window   time.Duration
}

func (e *earlyExpiry) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := e.provider.Retrieve(ctx)
	if err != nil || !c.CanExpire {
		return c, err
	}
	w := e.window
	if life := time.Until(c.Expires); life/10 < w {
		w = life / 10
	}
	if w > 0 {
		c.Expires = c.Expires.Add(-w)
	}
	return c, nil
}

// globalConfig returns cfg with a region for global services when it has
// none.
func globalConfig(cfg aws.Config) aws.Config {
	if cfg.Region == "" {
		cfg = cfg.Copy()
		cfg.Region = DefaultRegion
	}
	return cfg
}

// AccessKey returns the access key id of the current credentials, refreshing
// them if needed.
func (s *Session) AccessKey(ctx context.Context) (string, error) {
	c, err := s.Config().Credentials.Retrieve(ctx)
	if err != nil {
		return "", fmt.Errorf("awsaccount: retrieve credentials: %w", err)
	}
	return c.AccessKeyID, nil
}

// AccountID returns the account of the current credentials (STS
// GetCallerIdentity, memoized per stack layer: one call however many
// goroutines ask at once, forgotten on AssumeRole and Revert).
func (s *Session) AccountID(ctx context.Context) (string, error) {
	id, err := s.identity(ctx)
	return id.accountID, err
}

// UserID returns the unique id of the current principal (memoized as
// AccountID is).
func (s *Session) UserID(ctx context.Context) (string, error) {
	id, err := s.identity(ctx)
	return id.userID, err
}

// ARN returns the ARN of the current principal (memoized as AccountID is).
func (s *Session) ARN(ctx context.Context) (string, error) {
	id, err := s.identity(ctx)
	return id.arn, err
}

var errNoIdentity = errors.New("GetCallerIdentity returned no account")

func (s *Session) identity(ctx context.Context) (*identity, error) {
	l := s.top.Load()
	if id := l.ident.Load(); id != nil {
		return id, nil
	}
	if err := ctx.Err(); err != nil {
		return &identity{}, err
	}
	ch := l.sf.DoChan("identity", func() (any, error) {
		if id := l.ident.Load(); id != nil {
			return id, nil
		}
		// Detached, so that one caller's cancel does not fail the others.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.IdentityTimeout)
		defer cancel()
		out, err := sts.NewFromConfig(globalConfig(l.cfg)).GetCallerIdentity(cctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, err
		}
		if out.Account == nil {
			return nil, errNoIdentity
		}
		id := &identity{accountID: aws.ToString(out.Account), arn: aws.ToString(out.Arn), userID: aws.ToString(out.UserId)}
		l.ident.Store(id)
		return id, nil
	})
	select {
	case <-ctx.Done():
		return &identity{}, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return &identity{}, fmt.Errorf("awsaccount: get caller identity: %w", res.Err)
		}
		return res.Val.(*identity), nil
	}
}

// String describes the session without secrets: its parameters and the roles
// on its stack.
func (s *Session) String() string {
	var roles []string
	for l := s.top.Load(); l != nil && l.role != nil; l = l.parent {
		roles = append(roles, l.role.RoleArn)
	}
	for i, j := 0, len(roles)-1; i < j; i, j = i+1, j-1 {
		roles[i], roles[j] = roles[j], roles[i]
	}
	return fmt.Sprintf("Session{%s roles=[%s]}", s.params, strings.Join(roles, " "))
}

// GoString is String: %#v must not print secrets either.
func (s *Session) GoString() string { return s.String() }

// source names what the session's top layer is entered with, for errors
// about an account whose id is not known: never a secret.
func (s *Session) source() string {
	if l := s.top.Load(); l.role != nil {
		return "role " + l.role.RoleArn
	}
	switch p := s.params; {
	case p.AccessKeyID != "":
		return "access key " + maskKeyID(p.AccessKeyID)
	case p.Profile != "":
		return "profile " + p.Profile
	}
	return "default credentials"
}

// LogValue logs the session as String does.
func (s *Session) LogValue() slog.Value { return slog.StringValue(s.String()) }

// LogValue logs the parameters as String does.
func (p SessionParameters) LogValue() slog.Value { return slog.StringValue(p.String()) }

// LogValue logs the parameters as String does.
func (r AssumeRoleParameters) LogValue() slog.Value { return slog.StringValue(r.String()) }
