package awsapi

import (
	"context"
	"reflect"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The generated table (services_gen.go) is data: one row per service and
// one entry per SDK paginator. The code that turns an SDK constructor into
// something the engine can call with its types erased lives here, once, as
// generic functions whose type arguments Go infers from the constructor:
//
//	client: clientOf(ec2.NewFromConfig),
//	"DescribeInstances": pagerOf(ec2.NewDescribeInstancesPaginator, "NextToken"),

// serviceSpec is one row of the generated table.
type serviceSpec struct {
	name, sdkID, pkg string
	client           clientSpec
	paginators       map[string]paginatorSpec

	once sync.Once
	ops  *opIndex // built from client.typ's methods on first use

	validatorOnce sync.Once
	validator     any // see validationClient
}

// clientSpec builds a service's client with its type erased.
type clientSpec struct {
	typ reflect.Type // *<pkg>.Client
	new func(cfg aws.Config, optFns ...func(any)) any
}

// clientOf wraps a service's NewFromConfig (e.g. ec2.NewFromConfig). Each
// optFn of the returned builder receives the service's *Options as an any.
func clientOf[O, C any](newFromConfig func(aws.Config, ...func(*O)) C) clientSpec {
	return clientSpec{
		typ: reflect.TypeFor[C](),
		new: func(cfg aws.Config, optFns ...func(any)) any {
			return newFromConfig(cfg, func(o *O) {
				for _, f := range optFns {
					f(o)
				}
			})
		},
	}
}

// paginatorSpec builds an SDK paginator for one operation.
type paginatorSpec struct {
	// tokens are the output field paths (e.g. "NextToken",
	// "EngineDefaults.Marker") the paginator reads the next token from.
	tokens   []string
	newPager func(client, input any) pager
}

// pager is an SDK paginator with its output type erased.
type pager struct {
	hasMorePages func() bool
	nextPage     func(ctx context.Context) (any, error)
}

// sdkPager is what every SDK paginator (*ec2.DescribeInstancesPaginator)
// has: O is the service's *Options, Out the operation's *Output.
type sdkPager[O, Out any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(O)) (Out, error)
}

// pagerOf wraps an SDK paginator constructor (e.g.
// ec2.NewDescribeInstancesPaginator) whose NextPage reads the next token
// from the output fields tokens. The returned builder takes the client
// (which must implement the operation's APIClient interface: callers check
// the method first) and a *<Op>Input.
func pagerOf[C, In, PO any, P sdkPager[O, Out], O, Out any](newPaginator func(C, In, ...PO) P, tokens ...string) paginatorSpec {
	return paginatorSpec{
		tokens: tokens,
		newPager: func(client, input any) pager {
			p := newPaginator(client.(C), input.(In))
			return pager{p.HasMorePages, func(ctx context.Context) (any, error) {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err // not a typed nil *Out in an any
				}
				return out, nil
			}}
		},
	}
}
