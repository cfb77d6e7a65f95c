package awsapi

import (
	"context"
	"reflect"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cloudwatchschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/awsaccount/awsaccount/internal/names"
)

// Service describes one supported AWS service. The zero Service is not
// usable; get one from [LookupService] or [Services]. A Service is a small
// comparable value, safe for concurrent use by multiple goroutines.
type Service struct {
	// Name is boto3's (and the AWS CLI's) name: "ec2", "logs", "secretsmanager".
	Name string
	// SDKID is the SDK's service id: "EC2", "CloudWatch Logs", "Secrets Manager".
	SDKID string
	// Package is the Go package name under github.com/aws/aws-sdk-go-v2/service/:
	// "ec2", "cloudwatchlogs".
	Package string

	spec *serviceSpec
}

func (sp *serviceSpec) service() Service {
	return Service{Name: sp.name, SDKID: sp.sdkID, Package: sp.pkg, spec: sp}
}

// Services returns the supported services, sorted by Name.
func Services() []Service {
	out := make([]Service, len(serviceSpecs))
	for i, sp := range serviceSpecs {
		out[i] = sp.service()
	}
	return out
}

// LookupService finds a service by boto3 name ("logs"), SDK id
// ("CloudWatch Logs", "CloudWatchLogs") or Go package name
// ("cloudwatchlogs"), ignoring case, spaces, '-' and '_': names are
// compared by [names.ServiceKey], as the root package's ServiceEndpoints
// keys are. An unknown name is a [*NameError] that matches
// [ErrUnknownService] and lists the supported names.
func LookupService(name string) (Service, error) {
	key := names.ServiceKey(name)
	for _, sp := range serviceSpecs {
		if key == names.ServiceKey(sp.name) || key == names.ServiceKey(sp.sdkID) || key == names.ServiceKey(sp.pkg) {
			return sp.service(), nil
		}
	}
	known := make([]string, len(serviceSpecs))
	for i, sp := range serviceSpecs {
		known[i] = sp.name
	}
	return Service{}, &NameError{Kind: "service", Name: name, Candidates: known, err: ErrUnknownService}
}

// String returns the boto3 name.
func (s Service) String() string { return s.Name }

// NewClient builds the service's client from cfg with the SDK's
// NewFromConfig (for "ec2", an *ec2.Client). Each optFn receives the
// service's options as a pointer (e.g. *s3.Options) before the client is
// built; see [UsePathStyle]. The client is what [Operation.CallWith] takes;
// it is safe for concurrent use, so callers may cache it.
func (s Service) NewClient(cfg aws.Config, optFns ...func(options any)) any {
	return s.spec.client.new(cfg, optFns...)
}

// UsePathStyle is an option for [Service.NewClient] that makes an S3 client
// address buckets by path (http://host/bucket) rather than by virtual host
// (http://bucket.host), as emulators such as moto on 127.0.0.1 need. Other
// services' options are left alone.
func UsePathStyle(options any) {
	if o, ok := options.(*s3.Options); ok {
		o.UsePathStyle = true
	}
}

// UseQueryProtocol is an option for [Service.NewClient] that makes a
// CloudWatch client speak the AWS Query protocol, which CloudWatch also
// serves, instead of the SDK's default Smithy RPCv2 CBOR, which emulators
// such as moto 5 do not understand. Other services' options are left alone.
func UseQueryProtocol(options any) {
	if o, ok := options.(*cloudwatch.Options); ok {
		o.Protocol = awsquery.New(cloudwatchschemas.GraniteServiceVersion20100801)
	}
}

// Operations returns the names of the service's operations as the SDK
// spells them ("DescribeInstances"), sorted.
func (s Service) Operations() []string {
	return append([]string(nil), s.index().names...)
}

// Operation finds an operation by its SDK name ("DescribeInstances") or
// boto3's ("describe_instances"), ignoring case and '_'. An unknown name is
// a [*NameError] that matches [ErrUnknownOperation] and suggests close names.
func (s Service) Operation(name string) (Operation, error) {
	idx := s.index()
	if op, ok := idx.byKey[names.Fold(name)]; ok {
		op.Service = s
		return op, nil
	}
	return Operation{}, &NameError{
		Kind:       "operation",
		Service:    s.Name,
		Name:       name,
		Candidates: suggest(name, idx.names, 5),
		err:        ErrUnknownOperation,
	}
}

// opIndex holds a service's operations, found by reflection on its client.
type opIndex struct {
	names []string
	byKey map[string]Operation // by names.Fold(name)
}

var (
	ctxType   = reflect.TypeFor[context.Context]()
	errorType = reflect.TypeFor[error]()
)

func (s Service) index() *opIndex {
	sp := s.spec
	sp.once.Do(func() {
		idx := &opIndex{byKey: map[string]Operation{}}
		ct := sp.client.typ
		for i := range ct.NumMethod() {
			m := ct.Method(i)
			in, out, ok := operationTypes(m)
			if !ok {
				continue
			}
			idx.names = append(idx.names, m.Name)
			op := Operation{Name: m.Name, in: in, out: out}
			if p, ok := sp.paginators[m.Name]; ok {
				op.pag = &p
				op.items = findItemList(sp.sdkID+" "+m.Name, out)
			}
			idx.byKey[names.Fold(m.Name)] = op
		}
		sort.Strings(idx.names)
		sp.ops = idx
	})
	return sp.ops
}

// operationTypes recognises func (c *Client) Op(context.Context, *OpInput,
// ...func(*Options)) (*OpOutput, error) and returns OpInput and OpOutput.
func operationTypes(m reflect.Method) (in, out reflect.Type, ok bool) {
	t := m.Type // the receiver is argument 0
	if t.NumIn() != 4 || !t.IsVariadic() || t.NumOut() != 2 {
		return nil, nil, false
	}
	if t.In(1) != ctxType || t.Out(1) != errorType {
		return nil, nil, false
	}
	in, out = t.In(2), t.Out(0)
	if in.Kind() != reflect.Pointer || out.Kind() != reflect.Pointer {
		return nil, nil, false
	}
	in, out = in.Elem(), out.Elem()
	if in.Name() != m.Name+"Input" || out.Name() != m.Name+"Output" {
		return nil, nil, false
	}
	return in, out, true
}
