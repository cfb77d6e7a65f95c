package redislimit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"

	"github.com/awsaccount/awsaccount/internal/redact"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/redis/go-redis/v9"
)

// Backend makes the Stores of the limits that a config file puts on Redis
// (a RateLimit block with backend: {redis: {...}}). It opens one client per
// Redis URL and shares it, with its outage state, among the Stores of that
// URL. Register its Open method with a Registry:
//
//	b := redislimit.NewBackend()
//	defer b.Close()
//	reg := awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
//		o.Backends = map[string]ratelimit.BackendFactory{"redis": b.Open}
//	})
//
// A Backend is safe for concurrent use by multiple goroutines.
type Backend struct {
	optFns []func(*Options)

	mu     sync.Mutex
	conns  map[string]*conn // by URL; requires mu
	closed bool             // requires mu
}

// conn is a client shared by the Stores of one URL.
type conn struct {
	client *redis.Client
	health *health
}

// NewBackend returns a Backend whose Stores take the options optFns, except
// OnError, which each spec sets with on_backend_error.
func NewBackend(optFns ...func(*Options)) *Backend {
	return &Backend{optFns: optFns, conns: make(map[string]*conn)}
}

var _ ratelimit.BackendFactory = (*Backend)(nil).Open

// Open returns the Store of the limit named key ("<account id>:<region>
// [:<service>[:<operation>]]") under spec.Redis: key "<prefix>:<key>" on
// the server of spec.Redis.URL, with spec.Redis.OnBackendError. It does no
// I/O: an unreachable server shows at the first admission. An unusable
// spec is an error matching ErrInvalidSpec. Open is a
// ratelimit.BackendFactory.
func (b *Backend) Open(_ context.Context, spec ratelimit.BackendSpec, key string) (ratelimit.Store, error) {
	rs := spec.Redis
	if rs == nil {
		return nil, fmt.Errorf("%w: no redis block", ErrInvalidSpec)
	}
	var o Options
	for _, f := range b.optFns {
		f(&o)
	}
	o.resolve()
	onErr, err := parseOnError(rs.OnBackendError)
	if err != nil {
		return nil, err
	}
	o.OnError = onErr
	prefix := rs.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	c, err := b.conn(rs.URL, &o)
	if err != nil {
		return nil, err
	}
	return newStore(c.client, prefix+":"+key, o, c.health), nil
}

// conn returns the shared client of rawURL, opening it on first use.
func (b *Backend) conn(rawURL string, o *Options) (*conn, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, &BackendError{Key: redact.URL(rawURL), Err: redis.ErrClosed}
	}
	if c, ok := b.conns[rawURL]; ok {
		return c, nil
	}
	ro, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	// Fail fast and bounded: the Store's Timeout is the budget of a call,
	// a dead server must not cost retries, and a script is not retried
	// (a retry after a lost reply could record a start twice).
	if ro.DialTimeout == 0 {
		ro.DialTimeout = o.Timeout
	}
	if ro.ReadTimeout == 0 {
		ro.ReadTimeout = o.Timeout
	}
	if ro.WriteTimeout == 0 {
		ro.WriteTimeout = o.Timeout
	}
	if ro.PoolTimeout == 0 {
		ro.PoolTimeout = o.Timeout
	}
	if ro.MaxRetries == 0 {
		ro.MaxRetries = -1
	}
	if ro.DialerRetries == 0 {
		ro.DialerRetries = 1
	}
	ro.ContextTimeoutEnabled = true
	c := &conn{client: redis.NewClient(ro), health: newHealth(redact.URL(rawURL), ro.Addr, o)}
	b.conns[rawURL] = c
	return c, nil
}

// Close closes every client of the Backend. Its Stores then fail over as
// during an outage, and Open fails.
func (b *Backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	var errs []error
	for u, c := range b.conns {
		if err := c.client.Close(); err != nil {
			errs = append(errs, fmt.Errorf("redislimit: close client of %s: %w", redact.URL(u), err))
		}
		delete(b.conns, u)
	}
	return errors.Join(errs...)
}

// parseURL reads a redis:// or rediss:// URL. Its errors never show the
// URL's password.
func parseURL(raw string) (*redis.Options, error) {
	ro, err := redis.ParseURL(raw)
	if err != nil {
		// url.Error quotes the URL, and its cause may quote a piece of
		// it: a password with a '/' or '#' breaks the URL anywhere.
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, fmt.Errorf("%w: url %s is malformed", ErrInvalidSpec, redact.URL(raw))
		}
		return nil, fmt.Errorf("%w: url %s: %v", ErrInvalidSpec, redact.URL(raw), err)
	}
	return ro, nil
}
