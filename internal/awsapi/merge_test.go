package awsapi_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go/middleware"
)

// fakeEC2 serves DescribeInstances from pages; the page at index fail fails.
type fakeEC2 struct {
	pages []*ec2.DescribeInstancesOutput
	fail  int
	calls int
}

func (f *fakeEC2) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	i := f.calls
	f.calls++
	if i == f.fail {
		return nil, errors.New("boom")
	}
	return f.pages[i], nil
}

func reservation(id string) types.Reservation {
	return types.Reservation{ReservationId: aws.String(id), Instances: []types.Instance{{InstanceId: aws.String("i-" + id)}}}
}

func TestCallMergesPages(t *testing.T) {
	pages := []*ec2.DescribeInstancesOutput{
		{Reservations: []types.Reservation{reservation("1"), reservation("2")}, NextToken: aws.String("t1")},
		{Reservations: []types.Reservation{}, NextToken: aws.String("t2")},
		{Reservations: []types.Reservation{reservation("3")}, ResultMetadata: middleware.Metadata{}},
	}
	op := lookup(t, "ec2", "DescribeInstances")
	fake := &fakeEC2{pages: pages, fail: -1}
	res, err := op.CallWith(context.Background(), fake, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	out := res.Output.(*ec2.DescribeInstancesOutput)
	if res.Pages != 3 || len(out.Reservations) != 3 || *out.Reservations[2].ReservationId != "3" || out.NextToken != nil {
		t.Errorf("merged = %d pages, %+v", res.Pages, out)
	}

	// A failing later page: the pages so far, and the error with its page.
	fake = &fakeEC2{pages: pages, fail: 1}
	res, err = op.CallWith(context.Background(), fake, nil, true)
	if err == nil || !strings.Contains(err.Error(), "EC2 DescribeInstances page 2: boom") {
		t.Fatalf("err = %v, want page 2 to fail", err)
	}
	if out := res.Output.(*ec2.DescribeInstancesOutput); res.Pages != 1 || len(out.Reservations) != 2 || out.NextToken != nil {
		t.Errorf("partial = %d pages, %+v", res.Pages, out)
	}

	// A failing first page returns the error alone.
	res, err = op.CallWith(context.Background(), &fakeEC2{fail: 0}, nil, true)
	if err == nil || err.Error() != "boom" || res.Output != nil {
		t.Errorf("first page: %+v, %v", res, err)
	}
}

// fakeRDS pages DescribeEngineDefaultParameters, whose token is nested.
type fakeRDS struct{ calls int }

func (f *fakeRDS) DescribeEngineDefaultParameters(_ context.Context, in *rds.DescribeEngineDefaultParametersInput, _ ...func(*rds.Options)) (*rds.DescribeEngineDefaultParametersOutput, error) {
	f.calls++
	ed := &rdstypes.EngineDefaults{
		DBParameterGroupFamily: aws.String("mysql8.0"),
		Parameters:             []rdstypes.Parameter{{ParameterName: aws.String("p" + string(rune('0'+f.calls)))}},
	}
	if f.calls < 2 {
		ed.Marker = aws.String("m")
	}
	return &rds.DescribeEngineDefaultParametersOutput{EngineDefaults: ed}, nil
}

func TestCallNestedToken(t *testing.T) {
	op := lookup(t, "rds", "describe_engine_default_parameters")
	res, err := op.CallWith(context.Background(), &fakeRDS{}, &rds.DescribeEngineDefaultParametersInput{DBParameterGroupFamily: aws.String("mysql8.0")}, true)
	if err != nil {
		t.Fatal(err)
	}
	// EngineDefaults is a pointer: the last page's, with its own slice.
	out := res.Output.(*rds.DescribeEngineDefaultParametersOutput)
	if res.Pages != 2 || out.EngineDefaults.Marker != nil || len(out.EngineDefaults.Parameters) != 1 {
		t.Errorf("merged = %d pages, %+v", res.Pages, out.EngineDefaults)
	}
}
