package awstest

import (
	"context"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// DefaultMaxUpstreamConns bounds the connections a Proxy opens to its
// target at once. moto_server listens with a backlog of 128 and closes
// every connection after one response: thousands of simultaneous dials
// overflow the backlog, and the dropped SYNs come back as one-second
// stalls that a benchmark would blame on the code under test.
const DefaultMaxUpstreamConns = 64

// ProxyOptions configure a Proxy. DefaultProxyOptions are applied before the
// option functions.
type ProxyOptions struct {
	// Latency is added to every request before it is answered or
	// forwarded; SetLatency changes it while the proxy runs.
	Latency time.Duration
	// MaxUpstreamConns bounds the proxy's connections to the target; 0 means
	// no bound. Requests over it wait for a connection after their latency.
	MaxUpstreamConns int
	// Record keeps every Request for Requests. Benchmarks that send
	// millions of requests turn it off; the counters of Stats stay exact.
	Record bool
}

// DefaultProxyOptions are what a Proxy uses unless told otherwise.
func DefaultProxyOptions() ProxyOptions {
	return ProxyOptions{MaxUpstreamConns: DefaultMaxUpstreamConns, Record: true}
}

// ProxyStats are a Proxy's counters since it started or since ResetStats.
type ProxyStats struct {
	Requests     int64            // requests received, whatever became of them
	ByAction     map[string]int64 // requests by "service:Action", e.g. "ec2:DescribeVpcs"
	AssumeRoles  int64            // sts:AssumeRole requests
	Conns        int64            // TCP connections accepted
	InFlight     int64            // requests in the proxy now
	PeakInFlight int64            // most requests in the proxy at once
	Injected     int64            // requests answered by an injected Fault or Truncation
}

// Proxy is a reverse proxy on loopback in front of an AWS endpoint (moto).
// It forwards every request, streaming bodies both ways, after an added
// latency; it counts requests by action, connections and concurrency; and
// it answers matching requests with injected AWS errors in the wire format
// of the request's protocol (Fault) or with broken responses (Truncation).
//
// A Proxy is safe for concurrent use by multiple goroutines. No lock is
// held while a request waits out its latency or its upstream call, so it
// carries thousands of concurrent requests.
type Proxy struct {
	rp        *httputil.ReverseProxy
	transport *http.Transport
	srv       *http.Server
	url       string
	record    bool

	ctx       context.Context // every request's context derives from it
	cancel    context.CancelFunc
	serveDone chan struct{}
	closeOnce sync.Once

	// hooks a Throttler sets before the proxy serves.
	gate    func(w http.ResponseWriter, r *http.Request, req Request) bool // true: answered
	observe func(req Request, status int, body []byte)                     // sees AssumeRole answers

	latency atomic.Int64 // time.Duration

	rulesMu sync.Mutex              // serializes writers of rules
	rules   atomic.Pointer[[]*rule] // copied on write: requests read it without a lock

	requests, assumeRoles, conns, inflight, peak, injected atomic.Int64

	mu       sync.Mutex // guards the fields below; never held across I/O
	closed   bool
	handlers sync.WaitGroup // requests being served; Add requires mu held
	byAction map[string]int64
	seen     []Request
}

// FaultProxy is the name Proxy had before it added latency and counters.
type FaultProxy = Proxy

// StartProxy starts a Proxy to target on 127.0.0.1; Close stops it.
func StartProxy(target string, optFns ...func(*ProxyOptions)) (*Proxy, error) {
	o := DefaultProxyOptions()
	for _, fn := range optFns {
		fn(&o)
	}
	return startProxy(target, o, nil)
}

// startProxy starts a proxy whose hooks (a Throttler's) are in place
// before it serves.
func startProxy(target string, o ProxyOptions, hooks func(*Proxy)) (*Proxy, error) {
	if o.Latency < 0 || o.MaxUpstreamConns < 0 {
		return nil, fmt.Errorf("%w: proxy latency %v and upstream connections %d must not be negative", ErrOptions, o.Latency, o.MaxUpstreamConns)
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("%w: proxy target %q is not an absolute URL", ErrOptions, target)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{
		url:       "http://" + ln.Addr().String(),
		record:    o.Record,
		serveDone: make(chan struct{}),
		byAction:  map[string]int64{},
		transport: &http.Transport{
			Proxy:               nil, // only loopback: never an HTTP_PROXY from the environment
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			MaxConnsPerHost:     o.MaxUpstreamConns,
			MaxIdleConnsPerHost: max(o.MaxUpstreamConns, 16),
			IdleConnTimeout:     30 * time.Second,
		},
	}
	p.latency.Store(int64(o.Latency))
	p.rules.Store(&[]*rule{})
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.rp = httputil.NewSingleHostReverseProxy(u)
	p.rp.Transport = p.transport
	p.rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "awstest proxy: "+err.Error())
	}
	p.srv = &http.Server{
		Handler:           http.HandlerFunc(p.serve),
		BaseContext:       func(net.Listener) context.Context { return p.ctx },
		ReadHeaderTimeout: time.Minute,
		ErrorLog:          log.New(io.Discard, "", 0), // aborted connections are the point, not news
	}
	if hooks != nil {
		hooks(p)
	}
	go func() {
		defer close(p.serveDone)
		_ = p.srv.Serve(&countingListener{Listener: ln, n: &p.conns})
	}()
	return p, nil
}

// RunProxy starts a Proxy to target for one test and stops it in
// t.Cleanup; it fails t when the proxy cannot start.
func RunProxy(t testing.TB, target string, optFns ...func(*ProxyOptions)) *Proxy {
	t.Helper()
	p, err := StartProxy(target, optFns...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// RunLatencyProxy is shorthand for RunProxy with ProxyOptions.Latency set to
// latency.
func RunLatencyProxy(t testing.TB, target string, latency time.Duration) *Proxy {
	t.Helper()
	return RunProxy(t, target, func(o *ProxyOptions) { o.Latency = latency })
}

// StartFaultProxy starts a Proxy to target with DefaultProxyOptions; Close
// stops it.
func StartFaultProxy(target string) (*FaultProxy, error) { return StartProxy(target) }

// URL is the proxy's endpoint, e.g. http://127.0.0.1:41234.
func (p *Proxy) URL() string { return p.url }

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { u, _ := url.Parse(p.url); return u.Host }

// Close stops the proxy: it cuts every connection, ends requests waiting
// out their latency or their upstream call, and waits for them to return.
// It is safe to call more than once.
func (p *Proxy) Close() {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		_ = p.srv.Close()
		p.cancel()
		<-p.serveDone
		p.handlers.Wait()
		p.transport.CloseIdleConnections()
	})
}

// SetLatency changes the latency added to requests that arrive from now on.
func (p *Proxy) SetLatency(d time.Duration) { p.latency.Store(int64(max(d, 0))) }

// Latency is the latency added to each request.
func (p *Proxy) Latency() time.Duration { return time.Duration(p.latency.Load()) }

// Inject makes requests matching match fail with f, f.Times times (0: all).
// Rules are tried in the order they were injected; the first one with
// uses left answers.
func (p *Proxy) Inject(match func(Request) bool, f Fault) {
	r := newRule(match, f.Times)
	r.fault = &f
	p.addRule(r)
}

// Truncate makes the responses to requests matching match break as tr
// says, tr.Times times (0: all). It shares Inject's order of rules.
func (p *Proxy) Truncate(match func(Request) bool, tr Truncation) {
	r := newRule(match, tr.Times)
	r.trunc = &tr
	p.addRule(r)
}

func (p *Proxy) addRule(r *rule) {
	p.rulesMu.Lock()
	defer p.rulesMu.Unlock()
	old := *p.rules.Load()
	next := append(old[:len(old):len(old)], r)
	p.rules.Store(&next)
}

// Requests returns the requests seen so far, in arrival order (none when
// ProxyOptions.Record is off).
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.seen...)
}

// Stats returns a snapshot of the proxy's counters.
func (p *Proxy) Stats() ProxyStats {
	p.mu.Lock()
	by := maps.Clone(p.byAction)
	p.mu.Unlock()
	return ProxyStats{
		Requests:     p.requests.Load(),
		ByAction:     by,
		AssumeRoles:  p.assumeRoles.Load(),
		Conns:        p.conns.Load(),
		InFlight:     p.inflight.Load(),
		PeakInFlight: p.peak.Load(),
		Injected:     p.injected.Load(),
	}
}

// ResetStats zeroes the counters and forgets recorded requests, e.g. after
// a benchmark's setup. PeakInFlight restarts from the requests in flight.
func (p *Proxy) ResetStats() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests.Store(0)
	p.assumeRoles.Store(0)
	p.conns.Store(0)
	p.injected.Store(0)
	p.peak.Store(p.inflight.Load())
	clear(p.byAction)
	p.seen = nil
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		panic(http.ErrAbortHandler)
	}
	p.handlers.Add(1)
	p.mu.Unlock()
	defer p.handlers.Done()

	req := describe(r) // may read the body: not under mu
	p.mu.Lock()
	p.byAction[req.actionKey()]++
	if p.record {
		rec := req
		rec.params = nil // parameters can be large; matchers had their look
		p.seen = append(p.seen, rec)
	}
	p.mu.Unlock()

	p.requests.Add(1)
	if req.Service == "sts" && req.Action == "AssumeRole" {
		p.assumeRoles.Add(1)
	}
	n := p.inflight.Add(1)
	defer p.inflight.Add(-1)
	for old := p.peak.Load(); n > old && !p.peak.CompareAndSwap(old, n); old = p.peak.Load() {
	}

	if d := p.Latency(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			// The client left or the proxy is closing: abort, or the server
			// would send an empty 200 on a connection still open.
			panic(http.ErrAbortHandler)
		}
	}
	if p.gate != nil && p.gate(w, r, req) {
		return
	}
	for _, rl := range *p.rules.Load() {
		if !rl.match(req) || !rl.take() {
			continue
		}
		p.injected.Add(1)
		if rl.fault != nil {
			writeFault(w, r, req, *rl.fault)
		} else {
			truncate(w, r, p.rp, *rl.trunc)
		}
		return
	}
	if p.observe != nil && req.Service == "sts" && req.params.Has("RoleArn") {
		p.forwardObserved(w, r, req)
		return
	}
	p.rp.ServeHTTP(w, r)
}

// forwardObserved forwards a small request whose answer the observe hook
// reads (an AssumeRole: its credentials name an account).
func (p *Proxy) forwardObserved(w http.ResponseWriter, r *http.Request, req Request) {
	rec := &capture{header: http.Header{}}
	p.rp.ServeHTTP(rec, r)
	p.observe(req, rec.code(), rec.body)
	maps.Copy(w.Header(), rec.header)
	w.WriteHeader(rec.code())
	_, _ = w.Write(rec.body)
}

// capture is a ResponseWriter that keeps a response in memory.
type capture struct {
	header http.Header
	status int
	body   []byte
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}
func (c *capture) Flush() {}

// code is the status the handler set, 200 when it wrote nothing.
func (c *capture) code() int {
	if c.status == 0 {
		return http.StatusOK
	}
	return c.status
}
func (c *capture) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	c.body = append(c.body, b...)
	return len(b), nil
}

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}
