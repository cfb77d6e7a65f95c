package awsaccount

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/sync/singleflight"
)

// defaultRegion is the region used for global calls (STS GetCallerIdentity,
// STS AssumeRole, IAM) when a session has no region of its own.
const defaultRegion = "us-east-1"

// Defaults of SessionOptions.
const (
	defaultExpiryWindow    = 5 * time.Minute
	defaultIdentityTimeout = 30 * time.Second
	defaultConnectTimeout  = 10 * time.Second
	defaultReadTimeout     = 60 * time.Second
	// maxIdleConnsPerHost keeps a connection for every request a fleet run
	// has in flight to one endpoint (the default concurrency and then
	// some), so that connections are reused, not churned.
	maxIdleConnsPerHost = 512
)

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
	// capped at a tenth of their lifetime. Default 5 minutes.
	ExpiryWindow time.Duration

	// IdentityTimeout bounds one shared GetCallerIdentity call (it runs
	// detached from any one caller's context). Default 30s.
	IdentityTimeout time.Duration

	// MFACode, if set, is asked for the current code of an MFA device when
	// a role with a SerialNumber and no TokenCode is assumed (and again
	// when it is refreshed): a CLI prompts on the terminal. Without it such
	// a role is refused before any call.
	MFACode func(serial string) (string, error)

	// ConnectTimeout bounds each TCP connect and each TLS handshake;
	// ReadTimeout is how long a connection may go silent while a response
	// is awaited or read (the SDK's rolling read inactivity timeout). Each
	// attempt is thus bounded; a timed-out attempt is retried by the
	// target's retryer, at most twice. Defaults 10s and 60s (the AWS CLI's
	// read timeout); negative means no bound. They apply to the HTTP client
	// the session makes, not to one given through LoadOptions.
	ConnectTimeout, ReadTimeout time.Duration

	// MeterProvider, if set, counts the credentials each assumed role
	// retrieves (awsaccount.role.assumes, by the role's account_id, with
	// refresh true after the first), and receives the SDK's own metrics
	// of the clients built from the session's Config (STS AssumeRole
	// included). Default none, at no cost.
	MeterProvider metric.MeterProvider

	// TracerProvider, if set, receives the SDK's spans of the clients
	// built from the session's Config (STS AssumeRole and
	// GetCallerIdentity included). Default none.
	TracerProvider trace.TracerProvider
}

// resolveSessionOptions applies the defaults, then optFns, then checks.
func resolveSessionOptions(optFns []func(*SessionOptions)) (SessionOptions, error) {
	opts := SessionOptions{ExpiryWindow: defaultExpiryWindow, IdentityTimeout: defaultIdentityTimeout,
		ConnectTimeout: defaultConnectTimeout, ReadTimeout: defaultReadTimeout}
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.ExpiryWindow < 0 {
		return opts, fieldErr("SessionOptions.ExpiryWindow", "must not be negative")
	}
	if opts.IdentityTimeout <= 0 {
		opts.IdentityTimeout = defaultIdentityTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return opts, nil
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
	params *SessionParameters // a pointer, so that %#v of a Session prints no secret
	opts   SessionOptions
	log    *slog.Logger

	endpoints *endpointSource   // nil without ServiceEndpoints
	tel       *sessionTelemetry // nil without a MeterProvider or TracerProvider

	top atomic.Pointer[layer] // current top of the stack; never nil after NewSession

	mu sync.Mutex // serializes AssumeRole and Revert
}

// layer is one level of the role stack. It is immutable once published,
// except for its identity memo.
type layer struct {
	parent *layer
	cfg    aws.Config
	role   *AssumeRoleParameters // nil for the base layer
	depth  int
	// roleAccount is the account of role's ARN, where the layer's
	// credentials act; "" for the base layer.
	roleAccount string

	ident atomic.Pointer[identity]
	sf    singleflight.Group
}

type identity struct {
	accountID, arn, userID string
}

// NewSession builds the base layer from p. It validates p and loads the SDK
// configuration (which reads files and the environment) but makes no network
// call. Its clients share one HTTP client (connection pool), whose attempts
// are bounded by SessionOptions.ConnectTimeout and ReadTimeout.
func NewSession(ctx context.Context, p SessionParameters, optFns ...func(*SessionOptions)) (*Session, error) {
	opts, err := resolveSessionOptions(optFns)
	if err != nil {
		return nil, err
	}
	return newSession(ctx, p, opts, nil)
}

// newSession builds a session. With shared (a Registry's), what every
// session has in common — the SDK's environment and shared files, the CA
// bundle, the HTTP client — is taken from it instead of being loaded again.
func newSession(ctx context.Context, p SessionParameters, opts SessionOptions, sh *sharedConfig) (*Session, error) {
	if err := p.Validate(); err != nil {
		return nil, prefixed("SessionParameters", err)
	}
	var cfg aws.Config
	if sh != nil && p.Profile == "" {
		cfg = sh.cfg.Copy()
		if p.Region != "" {
			cfg.Region = p.Region
		}
		if p.AccessKeyID != "" {
			cfg.Credentials = credentials.NewStaticCredentialsProvider(p.AccessKeyID, p.SecretAccessKey, p.SessionToken)
		}
	} else {
		var err error
		if cfg, err = loadConfig(ctx, p, opts); err != nil {
			return nil, err
		}
		if sh != nil && !ownCABundle(ctx, p.Profile, opts) {
			cfg.HTTPClient = sh.cfg.HTTPClient
		} else {
			cfg.HTTPClient = sharedHTTPClient(cfg.HTTPClient, opts)
		}
	}
	eps := newEndpointSource(p.ServiceEndpoints, cfg.Region)
	if eps != nil {
		cfg.ConfigSources = withEndpointSource(cfg.ConfigSources, eps)
	}
	tel := newSessionTelemetry(opts)
	if tel != nil {
		cfg = withSDKTelemetry(cfg, tel.sdk)
	}
	params := p
	s := &Session{params: &params, opts: opts, log: opts.Logger, endpoints: eps, tel: tel}
	s.top.Store(&layer{cfg: cfg})
	opts.Logger.Debug("awsaccount: session created", "params", p)
	return s, nil
}

// loadConfig loads the SDK configuration for p: the environment, the shared
// files (p's profile), the CA bundle.
func loadConfig(ctx context.Context, p SessionParameters, opts SessionOptions) (aws.Config, error) {
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
		return aws.Config{}, fmt.Errorf("awsaccount: load AWS configuration: %w", err)
	}
	return cfg, nil
}

// sharedConfig is what a Registry's sessions share: the SDK configuration
// loaded once (environment, shared files, CA bundle) and one HTTP client.
type sharedConfig struct {
	cfg aws.Config
}

func newSharedConfig(ctx context.Context, opts SessionOptions) (*sharedConfig, error) {
	cfg, err := loadConfig(ctx, SessionParameters{}, opts)
	if err != nil {
		return nil, err
	}
	cfg.HTTPClient = sharedHTTPClient(cfg.HTTPClient, opts)
	return &sharedConfig{cfg: cfg}, nil
}

// ownCABundle reports whether profile names a CA bundle of its own, which
// the shared HTTP client does not trust.
func ownCABundle(ctx context.Context, profile string, opts SessionOptions) bool {
	if profile == "" {
		return false
	}
	sc, err := config.LoadSharedConfigProfile(ctx, profile)
	return err == nil && sc.CustomCABundle != ""
}

// sharedHTTPClient returns the one HTTP client every client of a session
// uses: the SDK's own (with the CA bundle and proxy settings it resolved),
// frozen so that service clients do not clone it (each clone is a
// connection pool of its own), with a pool sized for a fleet run and every
// attempt bounded. A client given through LoadOptions is kept as it is.
func sharedHTTPClient(c aws.HTTPClient, opts SessionOptions) aws.HTTPClient {
	b, ok := c.(*awshttp.BuildableClient)
	if !ok {
		if c != nil {
			return c // the caller's own
		}
		b = awshttp.NewBuildableClient()
	}
	b = b.WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = 0 // no total cap: MaxIdleConnsPerHost bounds each host
		t.MaxIdleConnsPerHost = maxIdleConnsPerHost
		if opts.ConnectTimeout > 0 {
			t.TLSHandshakeTimeout = opts.ConnectTimeout
		}
	}).WithDialerOptions(func(d *net.Dialer) {
		d.Timeout = max(opts.ConnectTimeout, 0)
	})
	if opts.ReadTimeout > 0 {
		b = b.WithReadTimeout(opts.ReadTimeout)
	}
	return b.Freeze()
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

// AssumeRole pushes a layer that assumes r with the current top's
// credentials, and then one layer for each role of chain, each assumed with
// the credentials of the one before (a role chain). Unless
// SessionOptions.DeferAssumeRole is set, it calls STS now. It is all or
// nothing: when any step fails, the stack is left as it was. Every role is
// validated first, with no network call.
func (s *Session) AssumeRole(ctx context.Context, r AssumeRoleParameters, chain ...AssumeRoleParameters) error {
	return s.assumeRoles(ctx, !s.opts.DeferAssumeRole, append([]AssumeRoleParameters{r}, chain...))
}

func (s *Session) assumeRoles(ctx context.Context, verify bool, roles []AssumeRoleParameters) error {
	for i, r := range roles {
		err := r.Validate()
		if err == nil && r.SerialNumber != "" && r.TokenCode == "" && s.opts.MFACode == nil {
			err = fieldErr("TokenCode", "is required with SerialNumber (or give SessionOptions.MFACode to ask for it)")
		}
		if err != nil {
			if len(roles) > 1 {
				return prefixed(fmt.Sprintf("AssumeRoles[%d]", i), err)
			}
			return prefixed("AssumeRole", err)
		}
	}
	s.mu.Lock()
	top := s.top.Load()
	s.mu.Unlock()
	for _, r := range roles {
		next := s.newLayer(top, r)
		if verify {
			// No lock is held here: a concurrent AssumeRole or Revert
			// is detected below, and this one then fails.
			if _, err := next.cfg.Credentials.Retrieve(ctx); err != nil {
				return fmt.Errorf("awsaccount: %w", err) // names the role
			}
		}
		top = next
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.top.Load(); cur != baseOf(top, len(roles)) {
		return errors.New("awsaccount: the role stack changed during AssumeRole; nothing was pushed")
	}
	s.top.Store(top)
	for _, r := range roles {
		s.log.Debug("awsaccount: assumed role", "role_arn", r.RoleArn, "role_session_name", r.RoleSessionName, "depth", top.depth)
	}
	return nil
}

// baseOf is the layer n levels below l.
func baseOf(l *layer, n int) *layer {
	for range n {
		l = l.parent
	}
	return l
}

// fork returns a new session over s's base layer, with a role stack of its
// own: accounts entered by different roles from one set of credentials share
// the base (its SDK configuration, HTTP client and identity memo) but never
// a stack.
func (s *Session) fork() *Session {
	base := s.top.Load()
	for base.parent != nil {
		base = base.parent
	}
	f := &Session{params: s.params, opts: s.opts, log: s.log, endpoints: s.endpoints, tel: s.tel}
	f.top.Store(base)
	return f
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

func (s *Session) newLayer(below *layer, r AssumeRoleParameters) *layer {
	client := sts.NewFromConfig(globalConfig(below.cfg))
	var provider aws.CredentialsProvider
	duration := time.Duration(r.DurationSeconds) * time.Second
	switch r.Method {
	case methodAssumeRoleWithWebIdentity:
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
				serial, code, ask := r.SerialNumber, r.TokenCode, s.opts.MFACode
				o.TokenProvider = func() (string, error) {
					if code != "" {
						return code, nil
					}
					return ask(serial)
				}
			}
		})
	}
	cfg := below.cfg.Copy()
	ee := &earlyExpiry{provider: provider, window: s.opts.ExpiryWindow, role: r.RoleArn}
	if s.tel != nil && s.tel.assumes != nil {
		ee.assumes = &assumeCounter{counter: s.tel.assumes, accountID: arnAccount(r.RoleArn)}
	}
	cfg.Credentials = aws.NewCredentialsCache(ee)
	role := r
	return &layer{parent: below, cfg: cfg, role: &role, depth: below.depth + 1, roleAccount: arnAccount(r.RoleArn)}
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
	role     string         // the role's ARN, for errors
	assumes  *assumeCounter // nil without a MeterProvider
}

func (e *earlyExpiry) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := e.provider.Retrieve(ctx)
	if e.assumes != nil {
		e.assumes.observe(ctx, err)
	}
	if err != nil {
		return c, &roleError{roleArn: e.role, err: err}
	}
	if !c.CanExpire {
		return c, nil
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

// roleError is the failure to assume a role: it names the role, so that the
// error of every request that needed it does (see classify).
type roleError struct {
	roleArn string
	err     error
}

func (e *roleError) Error() string { return "assume role " + e.roleArn + ": " + e.err.Error() }
func (e *roleError) Unwrap() error { return e.err }

// globalConfig returns cfg with a region for global services when it has
// none.
func globalConfig(cfg aws.Config) aws.Config {
	if cfg.Region == "" {
		cfg = cfg.Copy()
		cfg.Region = defaultRegion
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
//
// Under an assumed role it is the account of the role's ARN, which is
// where assumed-role credentials act: no call is needed (nor made).
func (s *Session) AccountID(ctx context.Context) (string, error) {
	l := s.top.Load()
	if l.roleAccount != "" {
		return l.roleAccount, nil
	}
	if id := l.ident.Load(); id != nil {
		return id.accountID, nil
	}
	id, err := s.identityOf(ctx, l)
	return id.accountID, err
}

// arnAccount is the account field of an ARN, or "".
func arnAccount(arn string) string {
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 {
		return parts[4]
	}
	return ""
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
	return s.identityOf(ctx, s.top.Load())
}

// identityOf is the identity of layer l, memoized.
func (s *Session) identityOf(ctx context.Context, l *layer) (*identity, error) {
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
	return fmt.Sprintf("Session{%s roles=[%s]}", *s.params, strings.Join(roles, " "))
}

// GoString is String: %#v must neither print secrets nor read fields that
// other goroutines write.
func (s *Session) GoString() string { return s.String() }

// source names what the session's top layer is entered with, for errors
// about an account whose id is not known: never a secret.
func (s *Session) source() string {
	if l := s.top.Load(); l.role != nil {
		return "role " + l.role.RoleArn
	}
	switch p := *s.params; {
	case p.AccessKeyID != "":
		return "access key " + maskKeyID(p.AccessKeyID)
	case p.Profile != "":
		return "profile " + p.Profile
	}
	return "default credentials"
}

// LogValue logs the parameters as String does.
func (p SessionParameters) LogValue() slog.Value { return slog.StringValue(p.String()) }

// LogValue logs the parameters as String does.
func (r AssumeRoleParameters) LogValue() slog.Value { return slog.StringValue(r.String()) }
