package main

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// --debug: one line per HTTP attempt on its way out and one as its answer
// comes back, for every request of the run (role assumptions, identity
// lookups, the call itself), with nothing secret in them: no body, no
// header but the signing scope, the access key id masked, signatures and
// tokens in a URL's query replaced.
//
// The SDK's own config.WithClientLogMode(aws.LogRequest...) prints whole
// requests, Authorization signature and X-Amz-Security-Token included: we
// add our own middleware instead.

const (
	debugMiddlewareID = "awsacct.Debug"
	waitStampID       = "awsacct.DebugLimiterWait"
	// limiterMiddlewareID is the root package's rate-limit middleware,
	// which the wait stamp goes before.
	//
	// SEAM(root): the id is the root package's, not exported; its rename
	// fails TestDebug. An exported id, or a wait hook in
	// RegionalAccountOptions, would replace this.
	limiterMiddlewareID = "awsaccount.RateLimit"
)

// debugLog writes the request and response lines.
type debugLog struct{ log *slog.Logger }

// addTo puts the logging middleware last in the Finalize step: after the
// retryer, the rate limiter and the signer, right before the request is
// sent, so each attempt is seen as it goes out, once admitted and signed.
func (d *debugLog) addTo(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc(debugMiddlewareID, d.handle), middleware.After)
}

type waitStart struct{}

// stampLimiterWait is a client option (for awsapi's Service.NewClient)
// that notes the time each attempt reaches the target's rate limiter, so
// the request line can say how long the limiter held it.
func stampLimiterWait(options any) {
	f := reflect.ValueOf(options).Elem().FieldByName("APIOptions")
	if !f.IsValid() || !f.CanSet() {
		return
	}
	add := func(stack *middleware.Stack) error {
		if _, ok := stack.Finalize.Get(limiterMiddlewareID); !ok {
			return nil
		}
		stamp := middleware.FinalizeMiddlewareFunc(waitStampID, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			return next.HandleFinalize(middleware.WithStackValue(ctx, waitStart{}, time.Now()), in)
		})
		return stack.Finalize.Insert(stamp, limiterMiddlewareID, middleware.Before)
	}
	f.Set(reflect.Append(f, reflect.ValueOf(add)))
}

func (d *debugLog) handle(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return next.HandleFinalize(ctx, in)
	}
	svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	attempt := attemptOf(req.Header.Get("amz-sdk-request"))
	attrs := []any{"service", svc, "operation", op, "method", req.Method, "url", redactedURL(req.URL), "attempt", attempt}
	if t, ok := middleware.GetStackValue(ctx, waitStart{}).(time.Time); ok {
		attrs = append(attrs, "limiter_wait", time.Since(t).Round(time.Millisecond))
	}
	if scope := signingScope(req.Header.Get("Authorization")); scope != "" {
		attrs = append(attrs, "credential", scope)
	}
	d.log.Debug("aws request", attrs...)

	start := time.Now()
	out, md, err := next.HandleFinalize(ctx, in)
	attrs = []any{"service", svc, "operation", op, "attempt", attempt}
	if resp, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok {
		attrs = append(attrs, "status", resp.StatusCode)
		if id := resp.Header.Get("X-Amzn-Requestid"); id != "" {
			attrs = append(attrs, "request_id", id)
		}
	}
	attrs = append(attrs, "duration", time.Since(start).Round(time.Millisecond))
	if err != nil {
		var api smithy.APIError
		if errors.As(err, &api) {
			attrs = append(attrs, "code", api.ErrorCode())
		} else {
			attrs = append(attrs, "error", err.Error())
		}
	}
	d.log.Debug("aws response", attrs...)
	return out, md, err
}

// attemptOf reads the attempt number from the retryer's amz-sdk-request
// header ("attempt=2; max=10").
func attemptOf(h string) string {
	for _, part := range strings.Split(h, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "attempt="); ok {
			return v
		}
	}
	return "1"
}

var credentialScope = regexp.MustCompile(`Credential=([^/,\s]+)(/[^,\s]*)?`)

// signingScope is the Credential of a SigV4 Authorization header with the
// access key id masked: "AKIA****MPLE/20250102/us-east-1/ec2/aws4_request".
// The signature is left out.
func signingScope(auth string) string {
	m := credentialScope.FindStringSubmatch(auth)
	if m == nil {
		return ""
	}
	return maskKeyID(m[1]) + m[2]
}

func maskKeyID(id string) string {
	if len(id) <= 8 {
		return "****"
	}
	return id[:4] + "****" + id[len(id)-4:]
}

// redactedURL is u without user info, and with the query's signatures,
// tokens and credentials replaced (presigned URLs carry them there).
func redactedURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		for k := range q {
			switch strings.ToLower(k) {
			case "x-amz-signature", "x-amz-security-token", "x-amz-credential", "signature", "awsaccesskeyid":
				q.Set(k, "REDACTED")
			}
		}
		c.RawQuery = q.Encode()
	}
	return c.String()
}
