package awsaccount

import "github.com/awsaccount/awsaccount/ratelimit"

// KeyForTest exposes the Registry's canonical key of a spec to the tests.
func (r *Registry) KeyForTest(kind string, spec any) (string, error) { return r.key(kind, spec) }

// The hints, for tests that check which one a CallError carries.
const (
	HintAccessDenied = hintAccessDenied
	HintNotFound     = hintNotFound
	HintNotEnabled   = hintNotEnabled
	HintLimitRefusal = hintLimitRefusal
	HintUnreachable  = hintUnreachable
)

// Depth is the number of assumed roles on the stack (0 at the base).
func (s *Session) Depth() int { return s.top.Load().depth }

// APILimit returns the narrower limiter of a target for a service or
// operation key.
func (r *RegionalAccount) APILimit(key string) (*ratelimit.Limiter, bool) { return r.apiLimit(key) }

// OperationLimit returns the limiter of one operation on r, its key, and
// whether there is one.
func (r *RegionalAccount) OperationLimit(service, operation string) (*ratelimit.Limiter, string, bool) {
	return r.operationLimit(service, operation)
}
