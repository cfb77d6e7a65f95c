package awstest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go/encoding/cbor"
)

// runUpstream starts an in-process upstream for one test.
func runUpstream(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func okUpstream(t *testing.T) *httptest.Server {
	return runUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok")
	})
}

// newClient is an HTTP client whose connections the test closes.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: 1000}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// The latency is added in the proxy, to every request, and can change
// while it runs.
func TestProxyLatency(t *testing.T) {
	p := RunLatencyProxy(t, okUpstream(t).URL, 300*time.Millisecond)
	c := newClient(t)
	start := time.Now()
	if code, body := get(t, c, p.URL()); code != 200 || body != "ok" {
		t.Fatalf("%d %q", code, body)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("answered in %v, before its latency", d)
	}
	p.SetLatency(0)
	start = time.Now()
	get(t, c, p.URL())
	if d := time.Since(start); d >= 300*time.Millisecond {
		t.Fatalf("latency 0 still took %v", d)
	}
	if p.Latency() != 0 {
		t.Fatal(p.Latency())
	}
}

// Hundreds of requests wait out their latency and their upstream call at
// the same time: the upstream holds every request until all have arrived,
// which only completes if nothing in the proxy serializes them.
func TestProxyConcurrent(t *testing.T) {
	const n = 300
	var arrived atomic.Int64
	all := make(chan struct{})
	up := runUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if arrived.Add(1) == n {
			close(all)
		}
		select {
		case <-all:
			_, _ = io.WriteString(w, "ok")
		case <-time.After(20 * time.Second):
			http.Error(w, "not all requests arrived together", http.StatusGatewayTimeout)
		}
	})
	p := RunProxy(t, up.URL, func(o *ProxyOptions) {
		o.Latency = 100 * time.Millisecond
		o.MaxUpstreamConns = 0
	})
	c := newClient(t)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, p.URL(), strings.NewReader("Action=DescribeVpcs&Version=2016-11-15"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			req.Header.Set("Authorization", auth("AKIDBASE", "eu-west-1", "ec2"))
			resp, err := c.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != 200 {
				errs <- fmt.Errorf("%d %v", resp.StatusCode, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st := p.Stats()
	if st.Requests != n || st.ByAction["ec2:DescribeVpcs"] != n || st.Conns != n || st.PeakInFlight != n || st.InFlight != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// Requests are counted by service and action in each protocol, AssumeRole
// calls on their own.
func TestProxyCountsByAction(t *testing.T) {
	backend := StartShortLivedSTS(time.Minute, "AKIDBASE")
	defer backend.Close()
	p := RunProxy(t, backend.URL())
	if code, _ := post(t, p.URL(), "AssumeRole", auth("AKIDBASE", "us-east-1", "sts")); code != 200 {
		t.Fatal(code)
	}
	if code, _ := post(t, p.URL(), "GetCallerIdentity", auth("AKIDBASE", "us-east-1", "sts")); code != 200 {
		t.Fatal(code)
	}
	send := func(path string, h map[string]string) {
		req, _ := http.NewRequest(http.MethodPost, p.URL()+path, strings.NewReader("{}"))
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	send("/", map[string]string{"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0",
		"Authorization": auth("AKIDBASE", "us-east-1", "dynamodb")})
	send("/service/GraniteServiceVersion20100801/operation/GetMetricData", map[string]string{"Smithy-Protocol": "rpc-v2-cbor",
		"Authorization": auth("AKIDBASE", "us-east-1", "monitoring")})
	st := p.Stats()
	want := map[string]int64{"sts:AssumeRole": 1, "sts:GetCallerIdentity": 1, "dynamodb:ListTables": 1, "monitoring:GetMetricData": 1}
	if fmt.Sprint(st.ByAction) != fmt.Sprint(want) || st.AssumeRoles != 1 || st.Requests != 4 {
		t.Fatalf("stats %+v", st)
	}
	p.ResetStats()
	if st := p.Stats(); st.Requests != 0 || len(st.ByAction) != 0 || len(p.Requests()) != 0 {
		t.Fatalf("after reset %+v", st)
	}
}

// Bodies stream both ways: a large upload arrives whole, a large form body
// keeps its bytes while its Action is read, and a response is relayed as
// the upstream writes it, not when it ends.
func TestProxyStreams(t *testing.T) {
	release := make(chan struct{})
	var got struct {
		sync.Mutex
		sum    [32]byte
		action string
	}
	up := runUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/upload":
			h := sha256.New()
			_, _ = io.Copy(h, r.Body)
			got.Lock()
			copy(got.sum[:], h.Sum(nil))
			got.Unlock()
		case "/stream":
			_, _ = io.WriteString(w, "first;")
			http.NewResponseController(w).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
			_, _ = io.WriteString(w, "second")
		}
	})
	p := RunProxy(t, up.URL)
	c := newClient(t)

	for name, tc := range map[string]struct {
		body        []byte
		contentType string
		action      string
	}{
		"octets": {bytes.Repeat([]byte("x"), 8<<20), "application/octet-stream", ""},
		"form":   {[]byte("Action=PutThing&Version=1&Blob=" + strings.Repeat("y", 2<<20) + "&Tail=1"), "application/x-www-form-urlencoded", "PutThing"},
	} {
		t.Run(name, func(t *testing.T) {
			p.ResetStats()
			resp, err := c.Post(p.URL()+"/upload", tc.contentType, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			got.Lock()
			defer got.Unlock()
			if got.sum != sha256.Sum256(tc.body) {
				t.Fatal("upstream got another body")
			}
			if reqs := p.Requests(); len(reqs) != 1 || reqs[0].Action != tc.action {
				t.Fatalf("recorded %+v", reqs)
			}
		})
	}

	resp, err := c.Get(p.URL() + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, len("first;"))
	if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "first;" {
		t.Fatalf("%q %v", first, err)
	}
	close(release)
	if rest, err := io.ReadAll(resp.Body); err != nil || string(rest) != "second" {
		t.Fatalf("%q %v", rest, err)
	}
}

// A truncation cuts a response after N body bytes, or drops it, the given
// number of times; then responses are whole again.
func TestProxyTruncate(t *testing.T) {
	body := strings.Repeat("0123456789", 100)
	up := runUpstream(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) })
	p := RunProxy(t, up.URL)
	c := newClient(t)
	p.Truncate(func(r Request) bool { return true }, Truncation{After: 100, Times: 1})

	resp, err := c.Get(p.URL())
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(b) != body[:100] || resp.ContentLength != int64(len(body)) {
		t.Fatalf("read %d bytes of %d, err %v", len(b), resp.ContentLength, err)
	}
	if code, got := get(t, c, p.URL()); code != 200 || got != body {
		t.Fatalf("second response %d, %d bytes", code, len(got))
	}

	// A POST, because Go's transport resends an idempotent GET on its own
	// when a reused connection closes before answering.
	p.Truncate(func(r Request) bool { return true }, Truncation{NoResponse: true, Times: 1})
	if _, err := c.Post(p.URL(), "text/plain", strings.NewReader("x")); err == nil {
		t.Fatal("a dropped response reached the client")
	}
	if code, got := get(t, c, p.URL()); code != 200 || got != body {
		t.Fatalf("after the drop %d, %d bytes", code, len(got))
	}
	if st := p.Stats(); st.Injected != 2 || st.Requests != 4 {
		t.Fatalf("stats %+v", st)
	}
}

// Injected faults are written in the request's protocol.
func TestFaultWireFormats(t *testing.T) {
	p := RunProxy(t, okUpstream(t).URL)
	p.Inject(func(Request) bool { return true }, Fault{Status: 400, Code: "ThrottlingException", Message: "Rate exceeded"})
	for name, tc := range map[string]struct {
		path   string
		header map[string]string
		body   string
		want   func(ct string, body []byte) bool
	}{
		"json": {"/", map[string]string{"X-Amz-Target": "Logs_20140328.DescribeLogGroups", "Content-Type": "application/x-amz-json-1.1"}, "{}",
			func(ct string, b []byte) bool {
				return ct == "application/x-amz-json-1.1" && string(b) == `{"__type":"ThrottlingException","message":"Rate exceeded"}`
			}},
		"cbor": {"/service/X/operation/GetMetricData", map[string]string{"Smithy-Protocol": "rpc-v2-cbor"}, "",
			func(ct string, b []byte) bool {
				v, err := cbor.Decode(b)
				m, ok := v.(cbor.Map)
				return err == nil && ok && ct == "application/cbor" &&
					m["__type"] == cbor.String("ThrottlingException") && m["message"] == cbor.String("Rate exceeded")
			}},
		"query": {"/", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": auth("A", "us-east-1", "iam")}, "Action=ListUsers",
			func(ct string, b []byte) bool {
				return strings.Contains(string(b), "<ErrorResponse><Error><Type>Sender</Type><Code>ThrottlingException</Code>")
			}},
		"ec2": {"/", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": auth("A", "us-east-1", "ec2")}, "Action=DescribeVpcs",
			func(ct string, b []byte) bool {
				return strings.Contains(string(b), "<Response><Errors><Error><Code>ThrottlingException</Code>")
			}},
		"s3": {"/bucket/key", map[string]string{"Authorization": auth("A", "us-east-1", "s3")}, "",
			func(ct string, b []byte) bool {
				return strings.Contains(string(b), "<Error><Code>ThrottlingException</Code>")
			}},
		"rest-json": {"/2015-03-31/functions/", map[string]string{"Authorization": auth("A", "us-east-1", "lambda")}, "",
			func(ct string, b []byte) bool {
				return ct == "application/json" && string(b) == `{"message":"Rate exceeded"}`
			}},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, p.URL()+tc.path, strings.NewReader(tc.body))
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 400 || !tc.want(resp.Header.Get("Content-Type"), b) {
				t.Fatalf("%d %s: %q", resp.StatusCode, resp.Header.Get("Content-Type"), b)
			}
		})
	}
}

// Close ends requests that are waiting out their latency, and returns.
func TestProxyCloseInFlight(t *testing.T) {
	p, err := StartProxy(okUpstream(t).URL, func(o *ProxyOptions) { o.Latency = time.Hour })
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	done := make(chan error, 1)
	go func() {
		resp, err := c.Get(p.URL())
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	for p.Stats().InFlight == 0 {
		time.Sleep(time.Millisecond)
	}
	p.Close()
	if err := <-done; err == nil {
		t.Fatal("a request outlived the proxy")
	}
	p.Close() // twice is fine
}

// Against moto through the proxy: the SDK does not retry a truncated body
// on its own (the error wraps io.ErrUnexpectedEOF); a retryer told that
// it may does, and succeeds. A dropped response the SDK retries itself.
func TestTruncateSDK(t *testing.T) {
	ctx := context.Background()
	p := RunProxy(t, moto.URL())
	all := func(Request) bool { return true }

	p.Truncate(all, Truncation{After: 50, Times: 1})
	_, err := ec2.NewFromConfig(sdkConfig(t, p.URL())).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if !errors.Is(err, io.ErrUnexpectedEOF) || p.Stats().Requests != 1 {
		t.Fatalf("got %v after %d requests; want io.ErrUnexpectedEOF after 1", err, p.Stats().Requests)
	}

	p.ResetStats()
	p.Truncate(all, Truncation{After: 50, Times: 1})
	retryTruncated := config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Retryables = append(o.Retryables, retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
				if errors.Is(err, io.ErrUnexpectedEOF) {
					return aws.TrueTernary
				}
				return aws.UnknownTernary
			}))
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	})
	if _, err := ec2.NewFromConfig(sdkConfig(t, p.URL(), retryTruncated)).DescribeRegions(ctx, &ec2.DescribeRegionsInput{}); err != nil || p.Stats().Requests != 2 {
		t.Fatalf("got %v after %d requests; want success on the second", err, p.Stats().Requests)
	}

	p.ResetStats()
	p.Truncate(all, Truncation{NoResponse: true, Times: 1})
	if _, err := ec2.NewFromConfig(sdkConfig(t, p.URL())).DescribeRegions(ctx, &ec2.DescribeRegionsInput{}); err != nil || p.Stats().Requests != 2 {
		t.Fatalf("got %v after %d requests; want the SDK's own retry to succeed", err, p.Stats().Requests)
	}
}

// Fixtures refuse options they cannot start with.
func TestFixtureOptions(t *testing.T) {
	for name, start := range map[string]func() error{
		"proxy target": func() error { _, err := StartProxy("127.0.0.1:1"); return err },
		"negative latency": func() error {
			_, err := StartProxy("http://127.0.0.1:1", func(o *ProxyOptions) { o.Latency = -1 })
			return err
		},
		"stall mode": func() error { _, err := StartStalledServer(func(o *StalledOptions) { o.Mode = 7 }); return err },
		"sent past the body": func() error {
			_, err := StartStalledServer(func(o *StalledOptions) { o.Sent = len(o.Body) + 1 })
			return err
		},
		"no buckets": func() error {
			_, err := StartThrottler("http://127.0.0.1:1", func(o *ThrottlerOptions) { o.Buckets = nil })
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			if err := start(); !errors.Is(err, ErrOptions) {
				t.Fatalf("got %v, want ErrOptions", err)
			}
		})
	}
}

// BenchmarkProxy is the proxy's own cost per request (no latency, an
// in-process upstream), to tell it apart from the code a fleet benchmark
// measures: the proxy runs in the benchmark's process, and its allocations
// count in allocs/op.
func BenchmarkProxy(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer up.Close()
	p, err := StartProxy(up.URL, func(o *ProxyOptions) { o.Record = false })
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, p.URL(), strings.NewReader("Action=DescribeVpcs&Version=2016-11-15"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
