package awstest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Limit is a token bucket: it holds at most Burst tokens, starts full, and
// gains Rate tokens a second. The zero Limit does not throttle; a Limit
// with a Burst and no Rate allows Burst requests and then none.
type Limit struct {
	Burst int     // the bucket's maximum capacity
	Rate  float64 // tokens added per second
}

// IsZero reports whether l is the zero Limit, which does not throttle.
func (l Limit) IsZero() bool { return l == Limit{} }

func (l Limit) String() string {
	if l.IsZero() {
		return "unlimited"
	}
	return fmt.Sprintf("burst %d, %g/s", l.Burst, l.Rate)
}

// Draw is what one request takes from one bucket.
type Draw struct {
	Group  string // names the bucket within an account and Region, e.g. EC2NonMutating
	Limit  Limit
	Tokens int // tokens taken; 0 means 1
}

// BucketKey names one token bucket: AWS throttles per account, Region and
// action group.
type BucketKey struct {
	Account, Region, Group string
}

func (k BucketKey) String() string { return k.Account + "/" + k.Region + "/" + k.Group }

// BucketStats count what one bucket decided.
type BucketStats struct {
	Allowed   int64 // requests it let through
	Throttled int64 // requests refused because it had too few tokens
}

// ThrottlerOptions configure a Throttler. DefaultThrottlerOptions are applied
// before the option functions.
type ThrottlerOptions struct {
	// Buckets names the buckets a request draws from; a request that
	// draws from none is not throttled. Default: EC2Buckets.
	Buckets func(Request) []Draw
	// Account maps an access key id to the account whose buckets it draws
	// from, for keys the Throttler has not learned. It learns the keys of
	// the AssumeRole answers it forwards (the role's account), and honours
	// moto's X-Moto-Account-Id header first. Default: TestAccountID.
	Account func(keyID string) string
	// Now is the clock buckets refill by. Default: time.Now.
	Now func() time.Time
	// Proxy configures the proxy the Throttler runs in.
	Proxy ProxyOptions
}

// DefaultThrottlerOptions throttle EC2 as AWS documents it, in moto's
// default account, in real time.
func DefaultThrottlerOptions() ThrottlerOptions {
	return ThrottlerOptions{
		Buckets: EC2Buckets,
		Account: func(string) string { return TestAccountID },
		Now:     time.Now,
		Proxy:   DefaultProxyOptions(),
	}
}

// UniformBuckets draws every request of a service from one bucket per
// account and Region with limit l, named by the service ("sts", "ec2").
func UniformBuckets(l Limit) func(Request) []Draw {
	return func(r Request) []Draw { return []Draw{{Group: r.Service, Limit: l}} }
}

// Throttler is a reverse proxy in front of an AWS endpoint (moto) that
// enforces AWS-style token buckets per account, Region and action group,
// and answers requests over the limit with the throttling error of their
// protocol, as AWS does:
//
//	ec2Query        503 RequestLimitExceeded  (<Response><Errors><Error>…)
//	awsQuery        400 Throttling            (<ErrorResponse><Error><Type>Sender</Type>…)
//	awsJson, CBOR   400 ThrottlingException   ({"__type": …}, X-Amzn-ErrorType)
//	restJson1       429 TooManyRequestsException
//	S3              503 SlowDown
//
// Every one of these codes is one the SDK's retryer treats as a throttle.
// Buckets refill continuously (AWS adds a refill second by second).
//
// A Throttler is safe for concurrent use by multiple goroutines; its lock
// is held for the arithmetic of a decision only.
type Throttler struct {
	opts  ThrottlerOptions
	proxy *Proxy

	mu      sync.Mutex
	buckets map[BucketKey]*bucket
	keys    map[string]string // learned access key id → account
}

type bucket struct {
	tokens float64
	last   time.Time
	stats  BucketStats
}

// StartThrottler starts a Throttler to target on 127.0.0.1; Close stops
// it.
func StartThrottler(target string, optFns ...func(*ThrottlerOptions)) (*Throttler, error) {
	o := DefaultThrottlerOptions()
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Buckets == nil || o.Account == nil || o.Now == nil {
		return nil, fmt.Errorf("%w: a throttler needs Buckets, Account and Now", ErrOptions)
	}
	th := &Throttler{opts: o, buckets: map[BucketKey]*bucket{}, keys: map[string]string{}}
	p, err := startProxy(target, o.Proxy, func(p *Proxy) { p.gate, p.observe = th.gate, th.learn })
	if err != nil {
		return nil, err
	}
	th.proxy = p
	return th, nil
}

// RunThrottler starts a Throttler to target for one test and stops it in
// t.Cleanup; it fails t when it cannot start.
func RunThrottler(t testing.TB, target string, optFns ...func(*ThrottlerOptions)) *Throttler {
	t.Helper()
	th, err := StartThrottler(target, optFns...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(th.Close)
	return th
}

// URL is the throttler's endpoint.
func (th *Throttler) URL() string { return th.proxy.URL() }

// Proxy is the proxy the throttler runs in: its latency, faults and
// counters.
func (th *Throttler) Proxy() *Proxy { return th.proxy }

// Close stops the throttler's proxy.
func (th *Throttler) Close() { th.proxy.Close() }

// Stats returns what each bucket decided so far.
func (th *Throttler) Stats() map[BucketKey]BucketStats {
	th.mu.Lock()
	defer th.mu.Unlock()
	out := make(map[BucketKey]BucketStats, len(th.buckets))
	for k, b := range th.buckets {
		out[k] = b.stats
	}
	return out
}

// Reset refills every bucket and forgets its counts; learned keys stay.
func (th *Throttler) Reset() {
	th.mu.Lock()
	defer th.mu.Unlock()
	clear(th.buckets)
}

// gate answers r with a throttling error when a bucket it draws from is
// short of tokens.
func (th *Throttler) gate(w http.ResponseWriter, r *http.Request, req Request) bool {
	draws := th.opts.Buckets(req)
	if len(draws) == 0 {
		return false
	}
	account, ok := th.allowAt(r.Header.Get("X-Moto-Account-Id"), req, draws, th.opts.Now())
	if ok {
		return false
	}
	writeFault(w, r, req, throttleFault(req, account))
	return true
}

// allowAt decides a request at now: it takes the tokens of every draw, or
// none when one bucket is short. It returns the account the request drew
// in.
func (th *Throttler) allowAt(account string, req Request, draws []Draw, now time.Time) (string, bool) {
	th.mu.Lock()
	defer th.mu.Unlock()
	if account == "" {
		account = th.accountLocked(req.KeyID)
	}
	bs := make([]*bucket, len(draws))
	for i, d := range draws {
		if d.Limit.IsZero() {
			continue
		}
		k := BucketKey{Account: account, Region: req.Region, Group: d.Group}
		b := th.buckets[k]
		if b == nil {
			b = &bucket{tokens: float64(d.Limit.Burst), last: now}
			th.buckets[k] = b
		}
		b.refill(d.Limit, now)
		if b.tokens < float64(max(d.Tokens, 1)) {
			b.stats.Throttled++
			return account, false
		}
		bs[i] = b
	}
	for i, b := range bs {
		if b != nil {
			b.tokens -= float64(max(draws[i].Tokens, 1))
			b.stats.Allowed++
		}
	}
	return account, true
}

// refill adds the tokens earned since last; requires Throttler.mu held.
func (b *bucket) refill(l Limit, now time.Time) {
	if dt := now.Sub(b.last); dt > 0 {
		b.tokens += dt.Seconds() * l.Rate
		b.last = now
	}
	b.tokens = min(b.tokens, float64(l.Burst))
}

// accountLocked resolves a key's account; requires mu held.
func (th *Throttler) accountLocked(keyID string) string {
	if a, ok := th.keys[keyID]; ok {
		return a
	}
	return th.opts.Account(keyID)
}

// learn remembers which account the credentials of an AssumeRole answer act
// in: the account of the role assumed.
func (th *Throttler) learn(req Request, status int, body []byte) {
	if status != http.StatusOK {
		return
	}
	arn := strings.Split(req.params.Get("RoleArn"), ":") // arn:aws:iam::111122223333:role/name
	_, rest, ok := strings.Cut(string(body), "<AccessKeyId>")
	key, _, ok2 := strings.Cut(rest, "</AccessKeyId>")
	if len(arn) < 6 || arn[4] == "" || !ok || !ok2 {
		return
	}
	th.mu.Lock()
	th.keys[strings.TrimSpace(key)] = arn[4]
	th.mu.Unlock()
}

// throttleFault is the error AWS throttles req's protocol with.
func throttleFault(req Request, account string) Fault {
	switch req.proto {
	case protoEC2:
		return Fault{Status: http.StatusServiceUnavailable, Code: "RequestLimitExceeded",
			Message: fmt.Sprintf("Request limit exceeded. Account %s has been throttled on ec2:%s because it exceeded its request rate limit.", account, req.Action)}
	case protoJSON, protoCBOR:
		return Fault{Status: http.StatusBadRequest, Code: "ThrottlingException", Message: "Rate exceeded"}
	case protoRESTJSON:
		return Fault{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: "Rate exceeded"}
	case protoS3:
		return Fault{Status: http.StatusServiceUnavailable, Code: "SlowDown", Message: "Please reduce your request rate."}
	default:
		return Fault{Status: http.StatusBadRequest, Code: "Throttling", Message: "Rate exceeded"}
	}
}
