package awsapi

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrUnknownService is matched by the error of [LookupService] for a
	// name no supported service has.
	ErrUnknownService = errors.New("awsapi: unknown service")
	// ErrUnknownOperation is matched by the error of [Service.Operation] for
	// a name the service has no operation by.
	ErrUnknownOperation = errors.New("awsapi: unknown operation")
	// ErrInvalidInput is matched by errors about an operation's input: JSON
	// that does not fit the SDK input type, a required field missing, or
	// an input value of the wrong type given to [Operation.Call].
	ErrInvalidInput = errors.New("awsapi: invalid input")
	// ErrMaxItems is matched by the error of [Operation.Invoke] for
	// [CallOptions.MaxItems] on an operation without a paginator or whose
	// output has no main list to count ([Operation.ItemList] is "").
	ErrMaxItems = errors.New("awsapi: MaxItems does not apply to the operation")
	// ErrInvalidClient is matched by the error of [Operation.CallWith] when
	// the client has no method for the operation.
	ErrInvalidClient = errors.New("awsapi: client does not implement the operation")
)

// NameError reports a service or operation name that was not found, with
// the names the caller may have meant. It matches [ErrUnknownService] or
// [ErrUnknownOperation].
type NameError struct {
	Kind       string   // "service" or "operation"
	Service    string   // for an operation: the service's boto3 name
	Name       string   // the name asked for
	Candidates []string // supported services, or operations close to Name
	err        error
}

// Error names what was not found and lists the candidates.
func (e *NameError) Error() string {
	var b strings.Builder
	if e.Kind == "operation" {
		fmt.Fprintf(&b, "awsapi: service %s has no operation %q", e.Service, e.Name)
		if len(e.Candidates) > 0 {
			fmt.Fprintf(&b, "; did you mean %s?", strings.Join(e.Candidates, ", "))
		}
		return b.String()
	}
	fmt.Fprintf(&b, "awsapi: unknown service %q; supported: %s", e.Name, strings.Join(e.Candidates, ", "))
	return b.String()
}

// Unwrap returns ErrUnknownService or ErrUnknownOperation.
func (e *NameError) Unwrap() error { return e.err }

// InputError reports input that does not fit an operation's input type, or
// lacks required fields. It matches [ErrInvalidInput] and, when decoding
// JSON failed, the encoding/json error (a *json.SyntaxError or
// *json.UnmarshalTypeError), or when the SDK's validation failed, its
// smithy.InvalidParamsError.
type InputError struct {
	Operation string   // "EC2 DescribeInstances"
	Path      string   // the offending field, dotted: "Filters[0].Nmae"; "" for the whole input
	Valid     []string // for an unknown field: the field names valid at that place
	Suggest   []string // for an unknown field: those of Valid that look like it
	Missing   []string // for missing required fields (from [Operation.Validate]): their paths
	Reason    string   // what is wrong, e.g. "unknown field"
	Err       error    // the underlying error, if any
}

// Error names the operation, the field and what is wrong with it, and for
// an unknown field the close and the valid names.
func (e *InputError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "awsapi: %s input", e.Operation)
	if e.Path != "" {
		fmt.Fprintf(&b, ": field %s", e.Path)
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, ": %s", e.Reason)
		if len(e.Suggest) > 0 {
			fmt.Fprintf(&b, "; did you mean %s?", strings.Join(e.Suggest, ", "))
		}
	} else if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if len(e.Valid) > 0 {
		fmt.Fprintf(&b, " (valid fields: %s)", strings.Join(e.Valid, ", "))
	} else if e.Reason == "unknown field" {
		b.WriteString(" (the input takes no fields)")
	}
	return b.String()
}

// Unwrap returns ErrInvalidInput and the underlying error.
func (e *InputError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidInput}
	}
	return []error{ErrInvalidInput, e.Err}
}

// OptionError reports [CallOptions] that do not apply to an operation. It
// matches [ErrMaxItems].
type OptionError struct {
	Operation string // "EC2 DescribeInstances"
	Reason    string // what is wrong
	err       error
}

// Error names the operation and what is wrong.
func (e *OptionError) Error() string { return "awsapi: " + e.Operation + ": " + e.Reason }

// Unwrap returns the sentinel the error matches.
func (e *OptionError) Unwrap() error { return e.err }
