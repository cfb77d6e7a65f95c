package awsapi

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// Validate checks input (a *<Name>Input, or nil for the zero input) with
// the SDK's own validation of the operation, the validateOp<Name>
// middleware every call runs first, without sending a request: the call
// is made on a client whose middleware stack is cut right after that step.
// The input is not modified (the SDK may fill idempotency tokens; it does
// so on a copy).
//
// A missing required field, at any depth, is an [*InputError] matching
// [ErrInvalidInput] whose Missing lists the paths ("Bucket",
// "Delete.Objects[0].Key"); errors.As also finds the SDK's
// smithy.InvalidParamsError. An input the operation does not take is an
// [*InputError] too.
func (o Operation) Validate(input any) error {
	in, err := o.input(input)
	if err != nil {
		return err
	}
	cp := reflect.New(o.in)
	cp.Elem().Set(in.Elem()) // the Initialize step may set idempotency tokens
	method := reflect.ValueOf(o.Service.spec.validationClient()).MethodByName(o.Name)
	_, err = o.callOnce(context.Background(), method, cp)
	switch {
	case errors.Is(err, errValidated):
		return nil
	case err == nil:
		// Unreachable: the cut stack ends every call with errValidated.
		return fmt.Errorf("awsapi: %s: validation stack was not cut", o)
	}
	var invalid smithy.InvalidParamsError
	if !errors.As(err, &invalid) {
		return fmt.Errorf("awsapi: %s: validate input: %w", o, err)
	}
	e := &InputError{Operation: o.String(), Err: invalid}
	prefix := o.Name + "Input."
	for _, pe := range invalid.Errs() {
		var f interface{ Field() string }
		if errors.As(pe, &f) {
			e.Missing = append(e.Missing, strings.TrimPrefix(f.Field(), prefix))
		}
	}
	e.Reason = "missing required field"
	if len(e.Missing) > 1 {
		e.Reason += "s"
	}
	e.Reason += " " + strings.Join(e.Missing, ", ")
	return e
}

// validationClient returns the service's client that stops every call
// after input validation, built on first use. It has no credentials and no
// endpoint: it never gets as far as needing them.
func (sp *serviceSpec) validationClient() any {
	sp.validatorOnce.Do(func() {
		sp.validator = sp.client.new(aws.Config{
			Region:     "us-east-1",
			APIOptions: []func(*middleware.Stack) error{cutAfterValidation},
		})
	})
	return sp.validator
}

// errValidated ends a call on the validation client once the input passed
// validation; it never leaves the package.
var errValidated = errors.New("awsapi: input validated")

// validationID is the id of the SDK's validateOp<Name> middlewares.
const validationID = "OperationInputValidation"

// cutAfterValidation inserts a middleware that ends the call with
// errValidated right after the operation's input validation, or at the
// start of the stack when the operation has none (no required fields), so
// that nothing after it (signing, sending) runs.
func cutAfterValidation(s *middleware.Stack) error {
	stop := middleware.InitializeMiddlewareFunc("awsapi.StopAfterValidation",
		func(context.Context, middleware.InitializeInput, middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return middleware.InitializeOutput{}, middleware.Metadata{}, errValidated
		})
	if _, ok := s.Initialize.Get(validationID); ok {
		return s.Initialize.Insert(stop, validationID, middleware.After)
	}
	return s.Initialize.Add(stop, middleware.Before)
}
