package awsaccount_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
)

func TestSessionIdentityIsMemoizedPerLayer(t *testing.T) {
	ctx := context.Background()
	var calls atomic.Int64
	proxy := countingProxy(t, &calls)
	s, err := awsaccount.NewSession(ctx, testKeys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(proxy))
	})
	if err != nil {
		t.Fatal(err)
	}
	identityCalls := func(do func()) int64 {
		before := calls.Load()
		do()
		return calls.Load() - before
	}
	askAll := func() {
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				if _, err := s.AccountID(ctx); err != nil {
					t.Error(err)
				}
				if _, err := s.ARN(ctx); err != nil {
					t.Error(err)
				}
				if _, err := s.UserID(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if n := identityCalls(askAll); n != 1 {
		t.Errorf("64 goroutines asking a new session: %d GetCallerIdentity calls, want 1", n)
	}
	if n := identityCalls(askAll); n != 0 {
		t.Errorf("warm cache: %d calls, want 0", n)
	}
	// AssumeRole verifies the role (1 call), then identity is asked once.
	if n := identityCalls(func() {
		if err := s.AssumeRole(ctx, awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111122223333:role/x"}); err != nil {
			t.Fatal(err)
		}
		askAll()
	}); n != 2 {
		t.Errorf("after AssumeRole: %d calls, want 2 (AssumeRole + GetCallerIdentity)", n)
	}
	if id, _ := s.AccountID(ctx); id != "111122223333" {
		t.Errorf("AccountID after AssumeRole = %s", id)
	}
	// Revert returns to the base layer, whose memo is still warm.
	s.Revert()
	if n := identityCalls(askAll); n != 0 {
		t.Errorf("after Revert: %d calls, want 0 (base layer memo)", n)
	}
	if id, _ := s.AccountID(ctx); id != awstest.TestAccountID {
		t.Errorf("AccountID after Revert = %s", id)
	}
}

func TestAssumeRolesChainsAndIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := newTestSession(t)
	err := s.AssumeRole(ctx,
		awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111111111111:role/hop"},
		awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::222222222222:role/target", RoleSessionName: "chain"},
	)
	if err != nil {
		t.Fatal(err)
	}
	if d := s.Depth(); d != 2 {
		t.Fatalf("Depth = %d, want 2", d)
	}
	arn, err := s.ARN(ctx)
	if err != nil || !strings.Contains(arn, "222222222222") || !strings.HasSuffix(arn, "/chain") {
		t.Fatalf("ARN = %q, %v", arn, err)
	}
	// A chain with a bad second element changes nothing.
	err = s.AssumeRole(ctx,
		awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::333333333333:role/ok"},
		awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::333333333333:role/ok", DurationSeconds: 5},
	)
	var pe *awsaccount.ParameterError
	if !errors.As(err, &pe) || pe.Path != "AssumeRoles[1].DurationSeconds" {
		t.Fatalf("err = %v, want a ParameterError at AssumeRoles[1].DurationSeconds", err)
	}
	if d := s.Depth(); d != 2 {
		t.Fatalf("Depth after failed chain = %d, want 2", d)
	}
	if !s.Revert() || !s.Revert() || s.Revert() {
		t.Fatal("Revert should succeed twice, then report false")
	}
}

func TestAssumeRoleFailsFastUnlessDeferred(t *testing.T) {
	ctx := context.Background()
	// An STS that refuses every AssumeRole.
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
	}))
	defer refuse.Close()
	for name, deferred := range map[string]bool{"eager": false, "deferred": true} {
		t.Run(name, func(t *testing.T) {
			s, err := awsaccount.NewSession(ctx, testKeys, func(o *awsaccount.SessionOptions) {
				o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(refuse.URL), config.WithRetryMaxAttempts(1))
				o.DeferAssumeRole = deferred
			})
			if err != nil {
				t.Fatal(err)
			}
			err = s.AssumeRole(ctx, awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111122223333:role/denied"})
			if deferred {
				if err != nil || s.Depth() != 1 {
					t.Fatalf("deferred AssumeRole: err %v, depth %d; want nil, 1", err, s.Depth())
				}
				if _, err := s.AccessKey(ctx); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
					t.Fatalf("first use of a deferred bad role: %v, want AccessDenied", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "AccessDenied") || !strings.Contains(err.Error(), "role/denied") {
				t.Fatalf("eager AssumeRole error = %v, want AccessDenied naming the role", err)
			}
			if s.Depth() != 0 {
				t.Fatalf("failed AssumeRole left depth %d", s.Depth())
			}
		})
	}
}

// TestRefreshUnderLoad has 64 goroutines call through a session whose role
// credentials live 2 s, for 10 s: no call may fail, and STS is asked about
// once per lifetime, not once per goroutine.
func TestRefreshUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("10 s load test")
	}
	ctx := context.Background()
	const lifetime = 2 * time.Second
	const runFor = 10 * time.Second
	fake := awstest.StartShortLivedSTS(lifetime, testKeys.AccessKeyID)
	defer fake.Close()
	s, err := awsaccount.NewSession(ctx, testKeys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(fake.URL()))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AssumeRole(ctx, awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111122223333:role/short", RoleSessionName: "load"}); err != nil {
		t.Fatal(err)
	}
	var failed, ok atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(runFor)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			client := sts.NewFromConfig(s.Config())
			for time.Now().Before(deadline) {
				if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	assumes := fake.AssumeRoleCalls()
	t.Logf("%d calls ok, %d failed, %d AssumeRole calls in %v with %v credentials (%d rejected by STS)",
		ok.Load(), failed.Load(), assumes, runFor, lifetime, fake.Rejected())
	if failed.Load() != 0 {
		t.Errorf("%d calls failed; first: %v", failed.Load(), firstErr.Load())
	}
	// One at AssumeRole, then one per (lifetime - lifetime/10): about 6.
	want := float64(runFor) / float64(lifetime-lifetime/10)
	if got := float64(assumes); got < want || got > want+3 {
		t.Errorf("%d AssumeRole calls, want about %.1f (one per lifetime, shared by all goroutines)", assumes, want+1)
	}
	if ok.Load() < 1000 {
		t.Errorf("only %d calls made: the load did not happen", ok.Load())
	}
}

func TestBadInputFailsBeforeAnyNetworkCall(t *testing.T) {
	ctx := context.Background()
	var calls atomic.Int64
	counter := countingProxy(t, &calls)
	s, err := awsaccount.NewSession(ctx, testKeys, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(counter))
	})
	if err != nil {
		t.Fatal(err)
	}
	good := awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::111122223333:role/ok"}
	tests := map[string]struct {
		edit func(*awsaccount.AssumeRoleParameters)
		path string
		text string
	}{
		"empty RoleArn":             {func(r *awsaccount.AssumeRoleParameters) { r.RoleArn = "" }, "AssumeRole.RoleArn", "is required"},
		"malformed RoleArn":         {func(r *awsaccount.AssumeRoleParameters) { r.RoleArn = "arn:aws:iam::12345:role/x" }, "AssumeRole.RoleArn", "is not an IAM role ARN"},
		"user ARN":                  {func(r *awsaccount.AssumeRoleParameters) { r.RoleArn = "arn:aws:iam::111122223333:user/bob" }, "AssumeRole.RoleArn", "is not an IAM role ARN"},
		"duration too short":        {func(r *awsaccount.AssumeRoleParameters) { r.DurationSeconds = 899 }, "AssumeRole.DurationSeconds", "899 is outside 900..43200"},
		"duration too long":         {func(r *awsaccount.AssumeRoleParameters) { r.DurationSeconds = 43201 }, "AssumeRole.DurationSeconds", "43201 is outside 900..43200"},
		"unknown sts_method":        {func(r *awsaccount.AssumeRoleParameters) { r.Method = "assume_role_with_saml2" }, "AssumeRole.sts_method", `unknown method "assume_role_with_saml2"`},
		"token code without serial": {func(r *awsaccount.AssumeRoleParameters) { r.TokenCode = "246802" }, "AssumeRole.TokenCode", "needs SerialNumber"},
		"serial without token code": {func(r *awsaccount.AssumeRoleParameters) { r.SerialNumber = "arn:aws:iam::111122223333:mfa/bob" }, "AssumeRole.TokenCode", "is required with SerialNumber"},
		"bad session name":          {func(r *awsaccount.AssumeRoleParameters) { r.RoleSessionName = "has space" }, "AssumeRole.RoleSessionName", "2 to 64 characters"},
		"web identity without token": {func(r *awsaccount.AssumeRoleParameters) {
			r.Method = "assume_role_with_web_identity"
		}, "AssumeRole.WebIdentityToken", "is required"},
		"token without web identity": {func(r *awsaccount.AssumeRoleParameters) { r.WebIdentityToken = "eyJ.secret" }, "AssumeRole.WebIdentityToken", "needs sts_method"},
		"transitive key not a tag":   {func(r *awsaccount.AssumeRoleParameters) { r.TransitiveTagKeys = []string{"team"} }, "AssumeRole.TransitiveTagKeys", `"team" is not a key of Tags`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := good
			tc.edit(&r)
			err := s.AssumeRole(ctx, r)
			var pe *awsaccount.ParameterError
			if !errors.As(err, &pe) || !errors.Is(err, awsaccount.ErrInvalidParameter) {
				t.Fatalf("err = %v, want a *ParameterError", err)
			}
			if pe.Path != tc.path || !strings.Contains(pe.Problem, tc.text) {
				t.Fatalf("err = %q, want path %q and %q", err, tc.path, tc.text)
			}
			if strings.Contains(err.Error(), "eyJ.secret") || strings.Contains(err.Error(), "246802") {
				t.Fatalf("error quotes a secret: %v", err)
			}
		})
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d network calls for bad input, want 0", n)
	}
	if s.Depth() != 0 {
		t.Errorf("bad input changed the stack: depth %d", s.Depth())
	}

	badSessions := map[string]struct {
		p    awsaccount.SessionParameters
		path string
	}{
		"secret without key":  {awsaccount.SessionParameters{SecretAccessKey: "s"}, "SessionParameters.aws_access_key_id"},
		"key without secret":  {awsaccount.SessionParameters{AccessKeyID: "AKIA0000000000000000"}, "SessionParameters.aws_secret_access_key"},
		"bad region":          {awsaccount.SessionParameters{Region: "us-east"}, "SessionParameters.region_name"},
		"bad endpoint URL":    {awsaccount.SessionParameters{ServiceEndpoints: awsaccount.ServiceEndpoints{"ec2": {URL: "ftp://x"}}}, "SessionParameters.ServiceEndpoints.ec2"},
		"bad endpoint region": {awsaccount.SessionParameters{ServiceEndpoints: awsaccount.ServiceEndpoints{"sqs": {Regions: map[string]string{"moon-1": "http://x"}}}}, "SessionParameters.ServiceEndpoints.sqs.moon-1"},
	}
	for name, tc := range badSessions {
		t.Run(name, func(t *testing.T) {
			_, err := awsaccount.NewSession(ctx, tc.p)
			var pe *awsaccount.ParameterError
			if !errors.As(err, &pe) || pe.Path != tc.path {
				t.Fatalf("err = %v, want a ParameterError at %s", err, tc.path)
			}
		})
	}
}

// TestSecretsNeverPrinted runs the narrative with every secret set and a
// debug logger capturing everything, then looks for the secrets.
func TestSecretsNeverPrinted(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	params := testKeys
	params.SessionToken = "SESSION-TOKEN-SECRET-VALUE"
	params.ServiceEndpoints = awsaccount.ServiceEndpoints{"sqs": {URL: "http://user:URL-PASSWORD-SECRET@127.0.0.1:1"}}
	s, err := awsaccount.NewSession(ctx, params, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(emulatorURL))
		o.Logger = logger
	})
	if err != nil {
		t.Fatal(err)
	}
	role := awsaccount.AssumeRoleParameters{
		RoleArn: "arn:aws:iam::111122223333:role/test", RoleSessionName: "secrets",
		ExternalId: "EXTERNAL-ID-SECRET-VALUE", SerialNumber: "arn:aws:iam::123456789012:mfa/me", TokenCode: "987654",
	}
	if err := s.AssumeRole(ctx, role); err != nil {
		t.Fatal(err)
	}
	assumed, err := s.Config().Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := awsaccount.NewAccount(s)
	if _, err := a.Alias(ctx); err != nil {
		t.Fatal(err)
	}
	var errs []string
	bad := role
	bad.DurationSeconds = 1
	if err := s.AssumeRole(ctx, bad); err != nil {
		errs = append(errs, err.Error())
	}
	webBad := awsaccount.AssumeRoleParameters{RoleArn: role.RoleArn, Method: "assume_role_with_web_identity", WebIdentityToken: "WEB-IDENTITY-SECRET", ExternalId: role.ExternalId}
	if err := s.AssumeRole(ctx, webBad); err != nil {
		errs = append(errs, err.Error())
	}
	logger.Debug("values", "session", s, "params", params, "role", role, "account", a)
	s.Revert()

	printed := strings.Join(append(errs,
		logs.String(),
		fmt.Sprintf("%v %+v %#v %s", s, s, s, s),
		fmt.Sprintf("%v %+v %#v %s", a, a, a, a),
		fmt.Sprintf("%v %+v %#v %s", params, params, params, params),
		fmt.Sprintf("%v %+v %#v %s", role, role, role, role),
		fmt.Sprintf("%v %+v %#v", webBad, webBad, webBad),
		fmt.Sprintf("%v %+v", &params, &role),
	), "\n")
	for _, secret := range []string{
		params.SecretAccessKey, params.SessionToken, "URL-PASSWORD-SECRET",
		role.ExternalId, role.TokenCode, "WEB-IDENTITY-SECRET",
		assumed.SecretAccessKey, assumed.SessionToken,
	} {
		if strings.Contains(printed, secret) {
			t.Errorf("secret %.6s… printed", secret)
		}
	}
	if !strings.Contains(logs.String(), "assumed role") || len(errs) != 2 {
		t.Fatalf("the narrative did not run as planned: %d errors, logs:\n%s", len(errs), logs.String())
	}
}

// TestServiceEndpoints checks each rule by the host the request reaches: a
// URL naming a region applies there only, a URL naming none applies
// everywhere, a per-region map applies per region, anything else goes to the
// default endpoint.
func TestServiceEndpoints(t *testing.T) {
	ctx := context.Background()
	recorder, err := awstest.StartEndpointRecorder(emulatorURL)
	if err != nil {
		t.Fatal(err)
	}
	defer recorder.Close()
	u := recorder.URL
	params := testKeys
	params.ServiceEndpoints = awsaccount.ServiceEndpoints{
		"ec2": {URL: u("vpce-1.ec2.us-west-2.vpce.test")},
		"SQS": {Regions: map[string]string{"us-east-1": u("sqs-east.test"), "us-west-2": u("sqs-west.test")}},
		"sts": {URL: u("sts-everywhere.test")},
	}
	s, err := awsaccount.NewSession(ctx, params, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(u("default.test")), config.WithHTTPClient(recorder.HTTPClient()))
	})
	if err != nil {
		t.Fatal(err)
	}
	reached := func(call func() error) string {
		t.Helper()
		host, err := recorder.Reached(call)
		if err != nil {
			t.Fatal(err)
		}
		return host
	}
	ec2Call := func(region string) func() error {
		return func() error {
			_, err := ec2.NewFromConfig(s.ConfigFor(region)).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
			return err
		}
	}
	sqsCall := func(region string) func() error {
		return func() error {
			_, err := sqs.NewFromConfig(s.ConfigFor(region)).ListQueues(ctx, &sqs.ListQueuesInput{})
			return err
		}
	}
	stsCall := func(cfg aws.Config) func() error {
		return func() error {
			_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}
	}
	tests := map[string]struct {
		call func() error
		want string
	}{
		"URL naming a region, that region":       {ec2Call("us-west-2"), "vpce-1.ec2.us-west-2.vpce.test"},
		"URL naming a region, another region":    {ec2Call("us-east-1"), "default.test"},
		"region map, first region":               {sqsCall("us-east-1"), "sqs-east.test"},
		"region map, second region":              {sqsCall("us-west-2"), "sqs-west.test"},
		"region map, region not in map":          {sqsCall("eu-west-1"), "default.test"},
		"URL naming no region, session region":   {stsCall(s.Config()), "sts-everywhere.test"},
		"URL naming no region, any other region": {stsCall(s.ConfigFor("ap-southeast-2")), "sts-everywhere.test"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := reached(tc.call); got != tc.want {
				t.Errorf("request reached %s, want %s", got, tc.want)
			}
		})
	}
}

// countingProxy forwards to moto and counts the requests.
func countingProxy(t testing.TB, calls *atomic.Int64) string {
	t.Helper()
	target, _ := url.Parse(emulatorURL)
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
