package awstest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
)

// Fault is an error a Proxy answers with instead of forwarding.
type Fault struct {
	Status  int    // HTTP status, e.g. 403 or 400; 0 means 400
	Code    string // AWS error code, e.g. "AccessDenied", "Throttling"
	Message string
	Times   int // how many matching requests fail; 0 means all of them
}

// Truncation breaks the responses to matching requests. The request is
// forwarded and served; the client then gets the status line, the headers
// (with the Content-Length of the whole body) and only the first After
// bytes of the body before the connection is closed: a truncated body, as
// a dropped connection shows it. With NoResponse the connection is closed
// before any byte of the response: the upstream acted, the client never
// hears of it.
type Truncation struct {
	After      int  // body bytes sent before the close; 0 sends the headers only
	NoResponse bool // close without any response
	Times      int  // how many matching requests are broken; 0 means all of them
}

// rule is one injected Fault or Truncation. Its budget is taken with CAS so
// that concurrent requests never break more than Times.
type rule struct {
	match func(Request) bool
	fault *Fault
	trunc *Truncation
	left  atomic.Int64 // remaining uses; <0 for unlimited
}

func newRule(match func(Request) bool, times int) *rule {
	r := &rule{match: match}
	if times > 0 {
		r.left.Store(int64(times))
	} else {
		r.left.Store(-1)
	}
	return r
}

// take reports whether the rule may fire once more, and counts the use.
func (r *rule) take() bool {
	for {
		left := r.left.Load()
		switch {
		case left < 0:
			return true
		case left == 0:
			return false
		case r.left.CompareAndSwap(left, left-1):
			return true
		}
	}
}

// writeFault answers with an AWS error in the wire format of req's
// protocol, as the SDK's deserializers read it.
func writeFault(w http.ResponseWriter, r *http.Request, req Request, f Fault) {
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	h := w.Header()
	h.Set("X-Amzn-Requestid", "awstest-fault")
	switch req.proto {
	case protoJSON:
		ct := r.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/x-amz-json-1.0"
		}
		h.Set("Content-Type", ct)
		h.Set("X-Amzn-ErrorType", f.Code)
		w.WriteHeader(status)
		body, _ := json.Marshal(map[string]string{"__type": f.Code, "message": f.Message})
		_, _ = w.Write(body)
	case protoRESTJSON:
		h.Set("Content-Type", "application/json")
		h.Set("X-Amzn-ErrorType", f.Code)
		w.WriteHeader(status)
		body, _ := json.Marshal(map[string]string{"message": f.Message})
		_, _ = w.Write(body)
	case protoCBOR:
		h.Set("Content-Type", "application/cbor")
		h.Set("Smithy-Protocol", "rpc-v2-cbor")
		w.WriteHeader(status)
		_, _ = w.Write(cborErrorBody(f.Code, f.Message))
	case protoEC2:
		h.Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>awstest-fault</RequestID></Response>`,
			xmlText(f.Code), xmlText(f.Message))
	case protoS3:
		h.Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>%s</Code><Message>%s</Message><RequestId>awstest-fault</RequestId><HostId>awstest</HostId></Error>`,
			xmlText(f.Code), xmlText(f.Message))
	default:
		faultType := "Sender"
		if status >= 500 {
			faultType = "Receiver"
		}
		h.Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>awstest-fault</RequestId></ErrorResponse>`,
			faultType, xmlText(f.Code), xmlText(f.Message))
	}
}

func xmlText(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// cborErrorBody encodes {"__type": code, "message": msg} in CBOR (RFC 8949):
// a map of two text-string pairs is all an rpcv2Cbor error needs.
func cborErrorBody(code, msg string) []byte {
	b := []byte{0xa2} // map, 2 pairs
	for _, s := range []string{"__type", code, "message", msg} {
		b = cborHead(b, 3, uint64(len(s))) // major type 3: text string
		b = append(b, s...)
	}
	return b
}

func cborHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return append(b, m|25, byte(n>>8), byte(n))
	default:
		return append(b, m|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// truncate serves r through next into memory, then sends the client the
// broken response tr asks for on the raw connection and closes it.
func truncate(w http.ResponseWriter, r *http.Request, next http.Handler, tr Truncation) {
	rec := &capture{header: http.Header{}}
	next.ServeHTTP(rec, r)
	conn, bw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // cannot hijack: at least drop the response
	}
	defer conn.Close()
	if tr.NoResponse {
		return
	}
	writePartial(bw.Writer, rec.code(), rec.header, rec.body, tr.After)
	_ = bw.Flush()
}

// writePartial writes an HTTP/1.1 response whose Content-Length promises
// all of body but whose payload is only its first n bytes.
func writePartial(w *bufio.Writer, status int, header http.Header, body []byte, n int) {
	n = max(0, min(n, len(body)))
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	h := header.Clone()
	h.Del("Transfer-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_ = h.Write(w)
	_, _ = w.WriteString("\r\n")
	_, _ = w.Write(body[:n])
}
