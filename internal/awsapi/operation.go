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
	items   *itemList      // the list MaxItems counts; nil when none
}

// String returns "<SDK id> <Name>", e.g. "EC2 DescribeInstances".
func (o Operation) String() string { return o.Service.SDKID + " " + o.Name }

// Paginated reports whether the SDK has a paginator for the operation, which
// [Operation.Call] follows when asked to paginate.
func (o Operation) Paginated() bool { return o.pag != nil }

// NewInput returns a new zero input of the operation: *<Name>Input, e.g.
// *ec2.DescribeInstancesInput.
func (o Operation) NewInput() any { return reflect.New(o.in).Interface() }

// CallOptions says how [Operation.Invoke] pages. The zero value does what
// the AWS CLI does by default: follow every page of a paginated operation
// and merge them.
type CallOptions struct {
	// NoPaginate makes one request even for a paginated operation (the AWS
	// CLI's --no-paginate): the output is that page as the service sent
	// it, next-page token included.
	NoPaginate bool
	// MaxItems, when positive, stops once that many items of the output's
	// main list ([Operation.ItemList]) were returned, counted across pages,
	// and cuts the last page to fit (the AWS CLI's --max-items). It needs a
	// paginated operation with a main list; see [ErrMaxItems].
	MaxItems int
}

// Result is what a call returned.
type Result struct {
	// Output is the SDK's output (e.g. *ec2.DescribeInstancesOutput), or, when
	// pages were merged, one output of that type holding all of them.
	Output any
	// Pages is the number of requests made: 1 for an unpaginated call.
	Pages int
	// More reports that the operation has results after those in Output:
	// a next page that was not fetched (NoPaginate, or MaxItems reached),
	// or items MaxItems cut from the last page. It is false for an
	// operation without a paginator.
	More bool
}

// Call is CallWith on a new client built from cfg by [Service.NewClient].
// The client's requests go through cfg's middleware (for example a rate
// limiter), one request per page.
func (o Operation) Call(ctx context.Context, cfg aws.Config, input any, paginate bool) (Result, error) {
	return o.CallWith(ctx, o.Service.NewClient(cfg), input, paginate)
}

// CallWith is shorthand for [Operation.Invoke] with
// CallOptions{NoPaginate: !paginate}.
func (o Operation) CallWith(ctx context.Context, client any, input any, paginate bool) (Result, error) {
	return o.Invoke(ctx, client, input, CallOptions{NoPaginate: !paginate})
}

// Invoke calls the operation on client, which is usually the service's
// client from [Service.NewClient] (or a cached one) and may be any value
// with the SDK's method for the operation. input is a *<Name>Input (as
// [Operation.DecodeInput] returns) or nil for a zero input.
//
// For an [Operation.Paginated] operation, Invoke follows the SDK
// paginator, one client call per page, unless opts.NoPaginate, and merges
// the pages into one output: slices (and maps) the pages fill are
// concatenated, other fields keep the last page's value (pointers: the last
// non-nil one), and the next-page token fields are cleared. opts.MaxItems
// stops early, as [CallOptions] says, and [Result.More] tells whether
// there is more. If a later page fails, the Result holds the pages merged
// so far beside the error. An operation without a paginator is one call.
//
// SDK errors are returned as the SDK made them (they name the service and
// operation), so errors.As finds smithy.APIError and the like; an error on
// a later page is wrapped with its page number. MaxItems where it cannot
// apply is an [*OptionError] matching [ErrMaxItems], before any request.
func (o Operation) Invoke(ctx context.Context, client any, input any, opts CallOptions) (Result, error) {
	in, err := o.input(input)
	if err != nil {
		return Result{}, err
	}
	method, err := o.method(client)
	if err != nil {
		return Result{}, err
	}
	if err := o.checkOptions(opts); err != nil {
		return Result{}, err
	}
	switch {
	case o.pag == nil:
		out, err := o.callOnce(ctx, method, in)
		if err != nil {
			return Result{}, err
		}
		return Result{Output: out.Interface(), Pages: 1}, nil
	case opts.NoPaginate:
		return o.firstPage(ctx, client, in, opts.MaxItems)
	default:
		return o.allPages(ctx, client, in, opts.MaxItems)
	}
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
