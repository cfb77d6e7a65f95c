package awstest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Each mode stops where it says: a client's deadline fires before the
// headers or in the body, or the body ends early; connections are counted.
func TestStalledServer(t *testing.T) {
	for name, tc := range map[string]struct {
		mode  StallMode
		check func(t *testing.T, s *StalledServer, resp *http.Response, err error, body []byte, readErr error)
	}{
		"before headers": {StallBeforeHeaders, func(t *testing.T, s *StalledServer, resp *http.Response, err error, _ []byte, _ error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("got %v, want the deadline", err)
			}
		}},
		"stall mid-body": {StallMidBody, func(t *testing.T, s *StalledServer, resp *http.Response, err error, body []byte, readErr error) {
			if err != nil || resp.ContentLength != int64(len(s.opts.Body)) || len(body) != s.opts.Sent || !errors.Is(readErr, context.DeadlineExceeded) {
				t.Fatalf("err %v, %d of %d bytes, read error %v", err, len(body), resp.ContentLength, readErr)
			}
		}},
		"close mid-body": {CloseMidBody, func(t *testing.T, s *StalledServer, resp *http.Response, err error, body []byte, readErr error) {
			if err != nil || len(body) != s.opts.Sent || !errors.Is(readErr, io.ErrUnexpectedEOF) {
				t.Fatalf("err %v, %d bytes, read error %v", err, len(body), readErr)
			}
		}},
	} {
		t.Run(name, func(t *testing.T) {
			s := RunStalledServer(t, func(o *StalledOptions) { o.Mode = tc.mode })
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL(), nil)
			resp, err := newClient(t).Do(req)
			var body []byte
			var readErr error
			if err == nil {
				body, readErr = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			tc.check(t, s, resp, err, body, readErr)
			if s.Conns() != 1 {
				t.Fatalf("%d connections", s.Conns())
			}
		})
	}
}

// SDK clients time out against a silent endpoint and against a body that
// stops part way.
func TestStalledServerSDK(t *testing.T) {
	silent := RunStalledServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := sts.NewFromConfig(sdkConfig(t, silent.URL())).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("silent endpoint: %v", err)
	}

	midBody := RunStalledServer(t, func(o *StalledOptions) { o.Mode = StallMidBody })
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = ec2.NewFromConfig(sdkConfig(t, midBody.URL())).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err == nil || ctx.Err() == nil {
		t.Fatalf("stalled body: %v", err)
	}
	if midBody.Conns() != 1 {
		t.Fatalf("%d connections: the SDK retried a stalled body", midBody.Conns())
	}
}
