package awsaccount

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"

	"github.com/awsaccount/awsaccount/internal/keypath"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// ErrInvalidParameter is matched (errors.Is) by every *ParameterError: input
// that was refused before any network call.
var ErrInvalidParameter = errors.New("invalid parameter")

// FieldError is implemented by every error that refuses bad input by naming
// where it is: this package's *ParameterError, *configfile.Error,
// *regions.FilterError and *ratelimit.LimitError. Code that reports or
// re-roots such errors finds them with errors.As, as smithy.APIError is
// found among the SDK's errors:
//
//	var fe awsaccount.FieldError
//	if errors.As(err, &fe) {
//		path, problem := fe.Field()
//	}
type FieldError interface {
	error
	// Field returns the key path of the bad value, as the YAML spells it
	// ("AssumeRole.DurationSeconds", "Partitions.aws.Regions.include[1]"),
	// relative to the value that was checked, and what is wrong with it.
	// The problem never quotes a secret.
	Field() (path, problem string)
}

// ParameterError reports a bad value in a spec, named by its YAML key path
// (for example "AssumeRole.DurationSeconds"). It never quotes a secret value.
// It matches ErrInvalidParameter, and errors.As reaches Err, the error of a
// lower layer it was made from (a *ratelimit.LimitError, a
// *regions.FilterError), when there is one.
type ParameterError struct {
	Path    string // YAML key path of the offending field
	Problem string // what is wrong with it
	Err     error  // the cause, if it came from a lower layer; may be nil
}

var _ FieldError = (*ParameterError)(nil)

// Error is "path: problem".
func (e *ParameterError) Error() string { return e.Path + ": " + e.Problem }

// Field returns Path and Problem.
func (e *ParameterError) Field() (path, problem string) { return e.Path, e.Problem }

// Unwrap returns ErrInvalidParameter and the cause, so that errors.Is and
// errors.As reach both.
func (e *ParameterError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidParameter}
	}
	return []error{ErrInvalidParameter, e.Err}
}

func fieldErr(path, problem string) error { return &ParameterError{Path: path, Problem: problem} }

// prefixed re-roots a field error (of this package or a lower one) under
// prefix, as a *ParameterError. When err holds several, the first is named
// and the others counted. Any other error is returned as it is.
func prefixed(prefix string, err error) error {
	var fe FieldError
	if !errors.As(err, &fe) {
		return err
	}
	path, problem := fe.Field()
	if n := keypath.CountFieldErrors(err); n > 1 {
		problem += fmt.Sprintf(" (and %d more problems)", n-1)
	}
	pe := &ParameterError{Path: joinPath(prefix, path), Problem: problem, Err: err}
	var own *ParameterError
	if errors.As(err, &own) && own.Err != nil {
		pe.Err = own.Err // keep the lower layer's error reachable, not our own wrapper
	}
	return pe
}

// joinPath joins YAML key paths: "a" + "b" is "a.b", "a" + "[1].b" is
// "a[1].b".
func joinPath(parent, child string) string { return keypath.Join(parent, child) }

// CallError says which target failed and why: it is the error of an API
// call made through a RegionalAccount's Config, and of a ForEach function on
// a target. errors.As still reaches the error beneath it (smithy.APIError,
// the service's typed errors, retry.MaxAttemptsError, or the function's own
// error), and errors.Is(err, ratelimit.ErrExceeded) holds when the
// client-side limit refused the call.
//
// For an API call the SDK wraps it in a *smithy.OperationError, which names
// the service and operation in the message; so Error names only the account
// and region.
type CallError struct {
	AccountID string // the account the call acted in, when known
	Alias     string // the account's first alias, when known
	// Source names what the account is entered with when AccountID is not
	// known (the account could not be reached): "profile dev", "role
	// arn:aws:iam::111122223333:role/x", "access key AKIA****WXYZ" or
	// "default credentials". Never a secret.
	Source    string
	Region    string
	Service   string // the SDK's service id, e.g. "EC2", for an API call
	Operation string // e.g. "DescribeInstances", for an API call
	Code      string // the API error code, e.g. "AccessDenied", when there is one
	Hint      string // what to look at, for well-known codes
	Err       error
}

// Error names the account (and alias) and region, then the error beneath
// and the hint.
func (e *CallError) Error() string {
	var b strings.Builder
	b.WriteString("account ")
	switch {
	case e.AccountID != "":
		b.WriteString(e.AccountID)
	case e.Source != "":
		b.WriteString("(" + e.Source + ")")
	default:
		b.WriteString("(unknown)")
	}
	if e.Alias != "" && e.Alias != e.AccountID {
		b.WriteString(" (" + e.Alias + ")")
	}
	b.WriteString(" region " + e.Region + ": " + e.Err.Error())
	if e.Hint != "" {
		b.WriteString(" [hint: " + e.Hint + "]")
	}
	return b.String()
}

// Unwrap returns the error beneath.
func (e *CallError) Unwrap() error { return e.Err }

// Hints for well-known failures.
const (
	hintAccessDenied = "the principal lacks permission for this action: check its IAM policies, permission boundaries and SCPs"
	hintNotFound     = "the resource does not exist in this account and region"
	hintNotEnabled   = "the region may not be enabled for this account (opt-in region), or the credentials are not valid there"
	hintThrottled    = "AWS throttled the calls: lower the rate limit for this account and region"
	hintLimitRefusal = "refused by the client-side rate limit (block: false): retry later or set block: true"
	hintUnreachable  = "the endpoint could not be reached: check the endpoint (ServiceEndpoints, AWS_ENDPOINT_URL, --endpoint-url), the network and the region name"
)

func (r *RegionalAccount) newCallError(service, operation string, err error) *CallError {
	ce := &CallError{Region: r.region, Service: service, Operation: operation, Err: err}
	ce.AccountID, ce.Alias = r.account.knownIdentity()
	if ce.AccountID == "" {
		ce.Source = r.account.session.source()
	}
	ce.Code, ce.Hint = classify(err)
	if ce.Hint == "" && ssoExpired(err) {
		ce.Code = "SSOTokenExpired"
		ce.Hint = "the SSO session has expired or was never started: run aws sso login"
		if p := r.account.session.params.Profile; p != "" {
			ce.Hint += " --profile " + p
		}
	}
	return ce
}

// ssoExpired reports an SSO token that is missing, expired or refused.
func ssoExpired(err error) bool {
	var invalid *ssocreds.InvalidTokenError
	return errors.As(err, &invalid) || strings.Contains(err.Error(), "SSO token")
}

// targetError is the error of a ForEach function on r: err itself when it
// already names r (a *CallError of one of r's clients), else a *CallError
// around it.
func (r *RegionalAccount) targetError(err error) error {
	var ce *CallError
	if errors.As(err, &ce) && ce.Region == r.region {
		if id, _ := r.account.knownIdentity(); id == ce.AccountID {
			return err
		}
	}
	return r.newCallError("", "", err)
}

// classify finds the API error code of err and a hint for it.
func classify(err error) (code, hint string) {
	var api smithy.APIError
	var role *roleError
	switch {
	case errors.Is(err, ratelimit.ErrExceeded):
		return "RateLimitExceeded", hintLimitRefusal
	case errors.As(err, &role):
		code = "AssumeRoleFailed"
		if errors.As(role.err, &api) {
			code = api.ErrorCode()
		}
		return code, "the role " + role.roleArn + " could not be assumed: check its trust policy, the caller's sts:AssumeRole permission and the account id"
	case errors.As(err, &api):
		return api.ErrorCode(), hintFor(api.ErrorCode())
	}
	var op *net.OpError
	var dns *net.DNSError
	if errors.As(err, &op) || errors.As(err, &dns) {
		return "", hintUnreachable
	}
	return "", ""
}

func hintFor(code string) string {
	switch {
	case strings.HasPrefix(code, "AccessDenied"), code == "UnauthorizedOperation", code == "AuthorizationError", code == "Forbidden":
		return hintAccessDenied
	case strings.HasPrefix(code, "NoSuch"), strings.HasSuffix(code, "NotFound"), strings.HasSuffix(code, "NotFoundException"),
		strings.Contains(code, ".NotFound"):
		return hintNotFound
	case code == "AuthFailure", code == "InvalidClientTokenId", code == "UnrecognizedClientException", code == "OptInRequired",
		code == "SignatureDoesNotMatch":
		return hintNotEnabled
	case code == "Throttling", code == "ThrottlingException", code == "RequestLimitExceeded", code == "TooManyRequestsException",
		code == "RequestThrottled", code == "SlowDown", code == "ThrottledException", code == "RequestThrottledException":
		return hintThrottled
	}
	return ""
}
