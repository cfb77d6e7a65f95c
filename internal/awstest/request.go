package awstest

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Request describes a request a Proxy sees.
type Request struct {
	Service string // from the SigV4 credential scope, e.g. "ec2", "sts"
	Region  string // from the SigV4 credential scope
	Action  string // Query Action, JSON X-Amz-Target or RPCv2 operation; "" for REST protocols
	KeyID   string // the signing access key id
	At      time.Time

	proto  protocol
	params url.Values // Query-protocol parameters; nil for other protocols
}

// protocol is the wire format a request was sent in; errors are answered in
// the same one.
type protocol uint8

const (
	protoQuery    protocol = iota // awsQuery: STS, IAM, RDS, SNS
	protoEC2                      // ec2Query
	protoJSON                     // awsJson 1.0/1.1: DynamoDB, Logs, Organizations
	protoCBOR                     // smithy rpcv2Cbor: CloudWatch
	protoRESTJSON                 // restJson1: Lambda, EKS
	protoS3                       // restXml with S3's bare <Error> body
)

// maxFormPeek bounds how much of a form-encoded body is read to find its
// Action and parameters; the rest streams through unread. The SDK writes
// Action first, so a prefix always holds it.
const maxFormPeek = 1 << 20

// describe parses what identifies r: service, region and key from the SigV4
// Authorization header, the action from the protocol's own place. A
// form-encoded body is read (up to maxFormPeek) and put back; other bodies
// are not touched, so they stream.
func describe(r *http.Request) Request {
	req := Request{At: time.Now()}
	if _, rest, ok := strings.Cut(r.Header.Get("Authorization"), "Credential="); ok {
		scope, _, _ := strings.Cut(rest, ",")
		parts := strings.Split(scope, "/")
		if len(parts) >= 4 {
			req.KeyID, req.Region, req.Service = parts[0], parts[2], parts[3]
		}
	}
	switch {
	case r.Header.Get("Smithy-Protocol") == "rpc-v2-cbor":
		req.proto = protoCBOR
		if i := strings.LastIndex(r.URL.Path, "/operation/"); i >= 0 {
			req.Action = r.URL.Path[i+len("/operation/"):]
		}
		return req
	case r.Header.Get("X-Amz-Target") != "":
		req.proto = protoJSON
		_, req.Action, _ = strings.Cut(r.Header.Get("X-Amz-Target"), ".")
		return req
	}
	if r.Method == http.MethodPost && r.Body != nil && isForm(r.Header.Get("Content-Type")) {
		req.params = peekForm(r)
	}
	if req.params == nil && r.URL.Query().Has("Action") {
		req.params = r.URL.Query()
	}
	switch {
	case req.Service == "ec2":
		req.proto = protoEC2
	case req.params != nil:
		req.proto = protoQuery
	case req.Service == "s3":
		req.proto = protoS3
	case req.Service == "route53" || req.Service == "cloudfront":
		req.proto = protoQuery // restXml, but with the Query <ErrorResponse> shape
	default:
		req.proto = protoRESTJSON
	}
	req.Action = req.params.Get("Action")
	return req
}

func isForm(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/x-www-form-urlencoded"
}

// peekForm reads up to maxFormPeek bytes of r's form body, puts them back
// in front of the rest, and returns the parameters it could parse.
func peekForm(r *http.Request) url.Values {
	buf, err := io.ReadAll(io.LimitReader(r.Body, maxFormPeek+1))
	body := struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
	r.Body = body
	if err != nil {
		return url.Values{}
	}
	if len(buf) > maxFormPeek { // parse only whole parameters
		if i := bytes.LastIndexByte(buf, '&'); i >= 0 {
			buf = buf[:i]
		}
	}
	v, err := url.ParseQuery(string(buf))
	if err != nil {
		return url.Values{}
	}
	return v
}

// Param returns a parameter of a Query-protocol request (STS, IAM, EC2, ...),
// such as the RoleArn of an sts:AssumeRole, or "" when it has none or the
// request is of another protocol. Matchers of Inject and Truncate see it;
// the requests Requests returns do not keep their parameters.
func (r Request) Param(name string) string { return r.params.Get(name) }

// actionKey is how ProxyStats.ByAction names an action: "service:Action".
func (r Request) actionKey() string { return r.Service + ":" + r.Action }
