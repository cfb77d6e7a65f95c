package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/protobuf/proto"
)

// otlpReceiver is an OTLP/HTTP collector on loopback that keeps the names
// of the metrics and spans it receives, and the service.name they come
// from.
type otlpReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	exports  int
	metrics  map[string]bool
	spans    map[string]bool
	services map[string]bool
}

func runOTLPReceiver(t *testing.T) *otlpReceiver {
	t.Helper()
	rc := &otlpReceiver{metrics: map[string]bool{}, spans: map[string]bool{}, services: map[string]bool{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *otlpReceiver) serve(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.exports++
	service := func(res *resourcepb.Resource) {
		for _, kv := range res.GetAttributes() {
			if kv.GetKey() == "service.name" {
				rc.services[kv.GetValue().GetStringValue()] = true
			}
		}
	}
	switch r.URL.Path {
	case "/v1/metrics":
		var req colmetricpb.ExportMetricsServiceRequest
		if err := proto.Unmarshal(b, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, rm := range req.GetResourceMetrics() {
			service(rm.GetResource())
			for _, sm := range rm.GetScopeMetrics() {
				for _, m := range sm.GetMetrics() {
					rc.metrics[m.GetName()] = true
				}
			}
		}
		out, _ := proto.Marshal(&colmetricpb.ExportMetricsServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.Write(out)
	case "/v1/traces":
		var req coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(b, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, rs := range req.GetResourceSpans() {
			service(rs.GetResource())
			for _, ss := range rs.GetScopeSpans() {
				for _, s := range ss.GetSpans() {
					rc.spans[s.GetName()] = true
				}
			}
		}
		out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.Write(out)
	default:
		http.NotFound(w, r)
	}
}

// seen returns what the receiver has so far, sorted.
func (rc *otlpReceiver) seen() (exports int, metrics, spans, services []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	keys := func(m map[string]bool) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	return rc.exports, keys(rc.metrics), keys(rc.spans), keys(rc.services)
}

// otlpEnv points the OTLP exporters at rc the way a user does: the
// endpoint alone turns both signals on.
func otlpEnv(t *testing.T, rc *otlpReceiver) {
	t.Helper()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rc.URL)
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
}

// With OTEL_EXPORTER_OTLP_ENDPOINT set, a run's metrics and spans reach
// the collector when the run ends, ours only for metrics (none of the
// SDK's), the SDK's spans nested in ours; stdout and stderr are as
// without telemetry.
func TestTelemetryExport(t *testing.T) {
	rc := runOTLPReceiver(t)
	otlpEnv(t, rc)
	r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo, "-o", "json")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var records []callRecord
	if err := json.Unmarshal([]byte(r.stdout), &records); err != nil || len(records) != 9 {
		t.Fatalf("stdout (%v): %s", err, r.stdout)
	}
	_, metrics, spans, services := rc.seen()
	for _, want := range []string{"awsaccount.client.call.duration", "awsaccount.client.attempts",
		"awsaccount.ratelimit.wait.duration", "awsaccount.role.assumes"} {
		if !slices.Contains(metrics, want) {
			t.Errorf("metric %s not exported; got %v", want, metrics)
		}
	}
	for _, m := range metrics {
		if !strings.HasPrefix(m, "awsaccount.") {
			t.Errorf("metric %s exported: the SDK's own metrics are not the run's", m)
		}
	}
	for _, want := range []string{"awsaccount.target", "ratelimit.wait", "STS.GetCallerIdentity", "STS.AssumeRole"} {
		if !slices.Contains(spans, want) {
			t.Errorf("span %s not exported; got %v", want, spans)
		}
	}
	if !slices.Equal(services, []string{"awsacct"}) {
		t.Errorf("service.name %v, want awsacct", services)
	}

	// OTEL_SERVICE_NAME names the service; OTEL_*_EXPORTER=none turns a
	// signal off.
	rc2 := runOTLPReceiver(t)
	otlpEnv(t, rc2)
	t.Setenv("OTEL_SERVICE_NAME", "audit")
	t.Setenv("OTEL_TRACES_EXPORTER", "none")
	if r := awsacct(t, nil, "whoami", "-c", demo, "-o", "json"); r.code != 0 {
		t.Fatalf("whoami: exit %d: %s", r.code, r.stderr)
	}
	_, metrics, spans, services = rc2.seen()
	if len(metrics) == 0 || len(spans) != 0 || !slices.Equal(services, []string{"audit"}) {
		t.Errorf("whoami with traces off: metrics %v, spans %v, services %v", metrics, spans, services)
	}
}

// A run cut short, by --timeout or an interrupt, is exported all the same.
func TestTelemetryExportCutShort(t *testing.T) {
	rc := runOTLPReceiver(t)
	otlpEnv(t, rc)
	t.Setenv("AWS_ENDPOINT_URL", slowSTS(t, 300*time.Millisecond))
	args := []string{"call", "sts", "get_caller_identity", "--regions", "us-east-1,us-west-2", "--concurrency", "1", "-o", "jsonl", "--report"}
	r := awsacct(t, nil, append(args, "--timeout", "500ms")...)
	if r.code != exitTargetsFailed {
		t.Fatalf("--timeout: exit %d: %s", r.code, r.stderr)
	}
	if n, metrics, _, _ := rc.seen(); n == 0 || !slices.Contains(metrics, "awsaccount.client.call.errors") {
		t.Errorf("--timeout: %d exports, metrics %v", n, metrics)
	}
	// The report's last line counts the failure.
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if sum := reportOf(t, lines[len(lines)-1]); sum.Totals.Errors["DeadlineExceeded"] == 0 && sum.Totals.Errors["Canceled"] == 0 {
		t.Errorf("--timeout: report errors %v", sum.Totals.Errors)
	}

	before, _, _, _ := rc.seen()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(450*time.Millisecond, cancel)
	f, _, _ := testFactory()
	if code := execute(ctx, f, args); code != exitInterrupted {
		t.Fatalf("interrupted: exit %d", code)
	}
	if after, _, _, _ := rc.seen(); after == before {
		t.Error("an interrupted run exported nothing")
	}
}

// OTEL_*_EXPORTER=console prints on stderr: stdout is the records.
func TestTelemetryConsole(t *testing.T) {
	t.Setenv("OTEL_METRICS_EXPORTER", "console")
	t.Setenv("OTEL_TRACES_EXPORTER", "console")
	r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo, "--region", "us-east-1", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var records []callRecord
	if err := json.Unmarshal([]byte(r.stdout), &records); err != nil || len(records) != 3 {
		t.Fatalf("stdout is not the records (%v): %s", err, r.stdout)
	}
	for _, want := range []string{`"awsaccount.client.call.duration"`, `"Name":"awsaccount.target"`} {
		if !strings.Contains(strings.ReplaceAll(r.stderr, `": "`, `":"`), want) {
			t.Errorf("no %s on stderr:\n%.2000s", want, r.stderr)
		}
	}
}

// Which exporter each signal gets from the environment.
func TestExporterFor(t *testing.T) {
	tests := map[string]struct {
		env             map[string]string
		metrics, traces string
	}{
		"nothing set":      {nil, "", ""},
		"exporter named":   {map[string]string{"OTEL_METRICS_EXPORTER": "console"}, "console", ""},
		"endpoint":         {map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, "otlp", "otlp"},
		"signal endpoint":  {map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, "", "otlp"},
		"none wins":        {map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x", "OTEL_METRICS_EXPORTER": "none"}, "", "otlp"},
		"SDK disabled":     {map[string]string{"OTEL_SDK_DISABLED": "true", "OTEL_METRICS_EXPORTER": "otlp"}, "", ""},
		"prometheus named": {map[string]string{"OTEL_METRICS_EXPORTER": "prometheus"}, "prometheus", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			getenv := func(k string) string { return tc.env[k] }
			if m, tr := exporterFor(getenv, "METRICS"), exporterFor(getenv, "TRACES"); m != tc.metrics || tr != tc.traces {
				t.Errorf("metrics %q, traces %q; want %q, %q", m, tr, tc.metrics, tc.traces)
			}
		})
	}
	// Neither a report nor an exporter: no telemetry at all.
	if tel, err := startTelemetry(context.Background(), func(string) string { return "" }, io.Discard, false); tel != nil || err != nil {
		t.Errorf("no env, no report: %+v, %v", tel, err)
	}
}

// An exporter the environment names but that cannot be built stops the
// command before any request.
func TestTelemetryBadEnv(t *testing.T) {
	for k, v := range map[string]string{"OTEL_METRICS_EXPORTER": "carrier-pigeon", "OTEL_TRACES_EXPORTER": "smoke-signals"} {
		t.Run(k, func(t *testing.T) {
			t.Setenv(k, v)
			r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo)
			if r.code != exitError || !strings.Contains(r.stderr, k+" "+v) || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// The final export waits for a collector that does not answer at most
// the flush timeout.
func TestTelemetryFlushBounded(t *testing.T) {
	release := make(chan struct{})
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // the server notices a client gone only after the body
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); stalled.CloseClientConnections(); stalled.Close() })
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", stalled.URL)
	tel, err := startTelemetry(context.Background(), func(k string) string { return map[string]string{"OTEL_METRICS_EXPORTER": "otlp"}[k] }, io.Discard, false)
	if err != nil || tel == nil {
		t.Fatal(tel, err)
	}
	tel.flushTimeout = 300 * time.Millisecond
	c, _ := tel.meter.Meter(awsaccountScope).Int64Counter("awsaccount.test")
	c.Add(context.Background(), 1)
	start := time.Now()
	err = tel.shutdown(context.Background())
	if d := time.Since(start); d > 2*time.Second || err == nil {
		t.Fatalf("shutdown took %v (err %v) against a stalled collector", d, err)
	}
}
