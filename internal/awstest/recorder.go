package awstest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
)

// EndpointRecorder shows which endpoint the SDK chose: its HTTPClient dials
// every host name to one loopback server, which records the Host header and
// forwards to target (moto). Endpoints in tests are then written as
// URL("vpce-1.ec2.us-west-2.vpce.test"), and no name is ever resolved.
type EndpointRecorder struct {
	srv    *httptest.Server
	client *http.Client

	mu    sync.Mutex
	hosts []string
}

// StartEndpointRecorder starts a recorder forwarding to target; Close stops
// it.
func StartEndpointRecorder(target string) (*EndpointRecorder, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	r := &EndpointRecorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		host, _, _ := strings.Cut(req.Host, ":")
		r.mu.Lock()
		r.hosts = append(r.hosts, host)
		r.mu.Unlock()
		rp.ServeHTTP(w, req)
	}))
	addr := r.srv.Listener.Addr().String()
	dialer := &net.Dialer{}
	r.client = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, addr)
	}}}
	return r, nil
}

// HTTPClient sends every request to the recorder, whatever its host; give
// it to the SDK with config.WithHTTPClient.
func (r *EndpointRecorder) HTTPClient() *http.Client { return r.client }

// URL is http://host:port for the recorder's port.
func (r *EndpointRecorder) URL(host string) string {
	return fmt.Sprintf("http://%s:%d", host, r.srv.Listener.Addr().(*net.TCPAddr).Port)
}

// Reached runs call and returns the host (without port) of the last request
// it made, or an error.
func (r *EndpointRecorder) Reached(call func() error) (string, error) {
	r.mu.Lock()
	r.hosts = r.hosts[:0]
	r.mu.Unlock()
	if err := call(); err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.hosts) == 0 {
		return "", fmt.Errorf("awstest: no request reached the recorder")
	}
	return r.hosts[len(r.hosts)-1], nil
}

// Close stops the recorder and its client's connections.
func (r *EndpointRecorder) Close() {
	r.client.CloseIdleConnections()
	r.srv.Close()
}
