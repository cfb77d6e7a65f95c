package awstest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is an error a FaultProxy answers with instead of forwarding.
type Fault struct {
	Status  int    // HTTP status, e.g. 403 or 400
	Code    string // AWS error code, e.g. "AccessDenied", "Throttling"
	Message string
	Times   int // how many matching requests fail; 0 means all of them
}

// Request describes a request a FaultProxy sees.
type Request struct {
	Service string // from the SigV4 credential scope, e.g. "ec2", "sts"
	Region  string // from the SigV4 credential scope
	Action  string // Query-protocol Action or the JSON X-Amz-Target operation
	KeyID   string // the signing access key id
	At      time.Time
}

type rule struct {
	match func(Request) bool
	fault Fault
	left  atomic.Int64 // remaining failures; <0 for unlimited
}

// FaultProxy forwards requests to an AWS endpoint (moto) and records them,
// answering matching requests with injected AWS errors in the wire format of
// the service's protocol.
type FaultProxy struct {
	srv   *httptest.Server
	proxy *httputil.ReverseProxy

	mu    sync.Mutex
	rules []*rule
	seen  []Request
}

// StartFaultProxy starts a proxy to target on loopback; Close stops it.
func StartFaultProxy(target string) (*FaultProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	p := &FaultProxy{proxy: httputil.NewSingleHostReverseProxy(u)}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	return p, nil
}

// URL is the proxy's endpoint.
func (p *FaultProxy) URL() string { return p.srv.URL }

// Close stops the proxy.
func (p *FaultProxy) Close() { p.srv.Close() }

// Inject makes requests matching match fail with f.
func (p *FaultProxy) Inject(match func(Request) bool, f Fault) {
	r := &rule{match: match, fault: f}
	if f.Times > 0 {
		r.left.Store(int64(f.Times))
	} else {
		r.left.Store(-1)
	}
	p.mu.Lock()
	p.rules = append(p.rules, r)
	p.mu.Unlock()
}

// Requests returns the requests seen so far, in arrival order.
func (p *FaultProxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.seen...)
}

func (p *FaultProxy) serve(w http.ResponseWriter, r *http.Request) {
	req := describe(r)
	p.mu.Lock()
	p.seen = append(p.seen, req)
	rules := append([]*rule(nil), p.rules...)
	p.mu.Unlock()
	for _, rl := range rules {
		if !rl.match(req) {
			continue
		}
		if left := rl.left.Load(); left == 0 {
			continue
		} else if left > 0 && rl.left.Add(-1) < 0 {
			continue
		}
		writeFault(w, req, rl.fault, r.Header.Get("X-Amz-Target") != "")
		return
	}
	p.proxy.ServeHTTP(w, r)
}

func describe(r *http.Request) Request {
	req := Request{At: time.Now()}
	auth := r.Header.Get("Authorization")
	if _, rest, ok := strings.Cut(auth, "Credential="); ok {
		scope, _, _ := strings.Cut(rest, ",")
		parts := strings.Split(scope, "/")
		if len(parts) >= 4 {
			req.KeyID, req.Region, req.Service = parts[0], parts[2], parts[3]
		}
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		_, req.Action, _ = strings.Cut(t, ".")
		return req
	}
	if r.Body != nil && r.Method == http.MethodPost {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if v, err := url.ParseQuery(string(body)); err == nil {
			req.Action = v.Get("Action")
		}
	}
	if req.Action == "" {
		req.Action = r.URL.Query().Get("Action")
	}
	return req
}

func writeFault(w http.ResponseWriter, req Request, f Fault, jsonProtocol bool) {
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	switch {
	case jsonProtocol:
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amzn-ErrorType", f.Code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, f.Code, f.Message)
	case req.Service == "ec2":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>fault</RequestID></Response>`, f.Code, f.Message)
	default:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>fault</RequestId></ErrorResponse>`, f.Code, f.Message)
	}
}
