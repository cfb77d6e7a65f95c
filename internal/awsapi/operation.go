package awsapi

import (
	"context"
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Operation is one operation of a service, resolved by [Service.Operation].
// It is a small value, safe to copy and to use from many goroutines.
type Operation struct {
	Service Service
	// Name is the SDK's name of the operation: "DescribeInstances".
	Name string

	in, out reflect.Type   // the struct types <Name>Input and <Name>Output
	pag     *paginatorSpec // nil when the SDK has no paginator for it
}

// String returns "<SDK id> <Name>", e.g. "EC2 DescribeInstances".
func (o Operation) String() string { return o.Service.SDKID + " " + o.Name }

// Paginated reports whether the SDK has a paginator for the operation, which
// [Operation.Call] follows when asked to paginate.
func (o Operation) Paginated() bool { return o.pag != nil }

// NewInput returns a new zero input of the operation: *<Name>Input, e.g.
// *ec2.DescribeInstancesInput.
func (o Operation) NewInput() any { return reflect.New(o.in).Interface() }

// Result is what a call returned.
type Result struct {
	// Output is the SDK's output (e.g. *ec2.DescribeInstancesOutput), or, when
	// pages were merged, one output of that type holding all of them.
	Output any
	// Pages is the number of requests made: 1 for an unpaginated call.
	Pages int
}

// Call is CallWith on a new client built from cfg by [Service.NewClient].
// The client's requests go through cfg's middleware (for example a rate
// limiter), one request per page.
func (o Operation) Call(ctx context.Context, cfg aws.Config, input any, paginate bool) (Result, error) {
	return o.CallWith(ctx, o.Service.NewClient(cfg), input, paginate)
}

// CallWith calls the operation on client, which is usually the service's
// client from [Service.NewClient] (or a cached one) and may be any value
// with the SDK's method for the operation. input is a *<Name>Input (as
// [Operation.DecodeInput] returns) or nil for a zero input.
//
// When paginate is true and the operation is [Operation.Paginated], it
// follows the SDK paginator, one client call per page, and merges the pages
// into one output: slices (and maps) the pages fill are concatenated, other
// fields keep the last page's value (pointers: the last non-nil one), and the next-page token
// fields are cleared. Otherwise it makes one call. If a later page fails,
// the Result holds the pages merged so far beside the error.
//
// SDK errors are returned as the SDK made them (they name the service and
// operation), so errors.As finds smithy.APIError and the like; an error on
// a later page is wrapped with its page number.
func (o Operation) CallWith(ctx context.Context, client any, input any, paginate bool) (Result, error) {
	in, err := o.input(input)
	if err != nil {
		return Result{}, err
	}
	method, err := o.method(client)
	if err != nil {
		return Result{}, err
	}
	if !paginate || o.pag == nil {
		out, err := o.callOnce(ctx, method, in)
		if err != nil {
			return Result{}, err
		}
		return Result{Output: out.Interface(), Pages: 1}, nil
	}
	p := o.pag.newPager(client, in.Interface())
	merged := reflect.New(o.out)
	var res Result
	for p.hasMorePages() {
		if err := ctx.Err(); err != nil {
			return o.partial(merged, res), fmt.Errorf("%s page %d: %w", o, res.Pages+1, err)
		}
		page, err := p.nextPage(ctx)
		if err != nil {
			if res.Pages == 0 {
				return Result{}, err
			}
			return o.partial(merged, res), fmt.Errorf("%s page %d: %w", o, res.Pages+1, err)
		}
		mergePage(merged.Elem(), reflect.ValueOf(page).Elem())
		res.Pages++
	}
	clearTokens(merged.Elem(), o.pag.tokens)
	res.Output = merged.Interface()
	return res, nil
}

func (o Operation) partial(merged reflect.Value, res Result) Result {
	if res.Pages > 0 {
		clearTokens(merged.Elem(), o.pag.tokens)
		res.Output = merged.Interface()
	}
	return res
}

func (o Operation) input(input any) (reflect.Value, error) {
	if input == nil {
		return reflect.New(o.in), nil
	}
	v := reflect.ValueOf(input)
	if v.Type() != reflect.PointerTo(o.in) {
		return reflect.Value{}, &InputError{Operation: o.String(), Reason: fmt.Sprintf("input is %T, want *%s", input, o.in)}
	}
	if v.IsNil() {
		return reflect.New(o.in), nil
	}
	return v, nil
}

// method returns client's bound method for o after checking its signature,
// so that the paginator's interface conversion cannot panic.
func (o Operation) method(client any) (reflect.Value, error) {
	if client == nil {
		return reflect.Value{}, fmt.Errorf("%w: client is nil", ErrInvalidClient)
	}
	m := reflect.ValueOf(client).MethodByName(o.Name)
	want, ok := o.Service.spec.client.typ.MethodByName(o.Name)
	if !m.IsValid() || !ok || !sameSignature(m.Type(), want.Type) {
		return reflect.Value{}, fmt.Errorf("%w: %T has no method %s like %s's", ErrInvalidClient, client, o.Name, o.Service.spec.client.typ)
	}
	return m, nil
}

// sameSignature compares a bound method's type with the method expression
// type (which has the receiver as its first argument).
func sameSignature(bound, expr reflect.Type) bool {
	if bound.NumIn() != expr.NumIn()-1 || bound.NumOut() != expr.NumOut() || bound.IsVariadic() != expr.IsVariadic() {
		return false
	}
	for i := range bound.NumIn() {
		if bound.In(i) != expr.In(i+1) {
			return false
		}
	}
	for i := range bound.NumOut() {
		if bound.Out(i) != expr.Out(i) {
			return false
		}
	}
	return true
}

func (o Operation) callOnce(ctx context.Context, method, in reflect.Value) (reflect.Value, error) {
	outs := method.Call([]reflect.Value{reflect.ValueOf(ctx), in})
	if err, _ := outs[1].Interface().(error); err != nil {
		return reflect.Value{}, err
	}
	return outs[0], nil
}
