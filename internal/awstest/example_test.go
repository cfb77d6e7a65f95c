package awstest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/awsaccount/awsaccount/internal/awstest"
)

// A proxy in front of an endpoint (here a stand-in for moto) adds latency,
// fails the first DescribeVpcs as EC2 would, and counts what it saw.
func ExampleProxy() {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "<DescribeVpcsResponse/>")
	}))
	defer upstream.Close()
	p, err := awstest.StartProxy(upstream.URL, func(o *awstest.ProxyOptions) { o.Latency = 10 * time.Millisecond })
	if err != nil {
		panic(err)
	}
	defer p.Close()
	p.Inject(func(r awstest.Request) bool { return r.Action == "DescribeVpcs" },
		awstest.Fault{Status: 503, Code: "RequestLimitExceeded", Message: "Request limit exceeded.", Times: 1})

	for range 2 {
		req, _ := http.NewRequest(http.MethodPost, p.URL(), strings.NewReader("Action=DescribeVpcs&Version=2016-11-15"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, strings.Contains(string(body), "<Code>RequestLimitExceeded</Code>"))
	}
	st := p.Stats()
	fmt.Println(st.Requests, st.ByAction["ec2:DescribeVpcs"], st.Injected)
	http.DefaultClient.CloseIdleConnections()
	// Output:
	// 503 true
	// 200 false
	// 2 2 1
}
