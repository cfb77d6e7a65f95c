package awsapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/awsaccount/awsaccount/internal/awsapi"
	"github.com/awsaccount/awsaccount/internal/awstest"
)

// threePages are DescribeInstances pages of 2, 0 and 1 reservations.
func threePages() []*ec2.DescribeInstancesOutput {
	return []*ec2.DescribeInstancesOutput{
		{Reservations: []types.Reservation{reservation("1"), reservation("2")}, NextToken: aws.String("t1")},
		{Reservations: []types.Reservation{}, NextToken: aws.String("t2")},
		{Reservations: []types.Reservation{reservation("3")}},
	}
}

func TestInvokeOptions(t *testing.T) {
	tests := map[string]struct {
		opts      awsapi.CallOptions
		pages     int
		ids       string // reservation ids returned
		more      bool
		nextToken string // in the output
	}{
		"all pages":                  {awsapi.CallOptions{}, 3, "1,2,3", false, ""},
		"max items beyond the end":   {awsapi.CallOptions{MaxItems: 10}, 3, "1,2,3", false, ""},
		"max items = all":            {awsapi.CallOptions{MaxItems: 3}, 3, "1,2,3", false, ""},
		"max items at a page end":    {awsapi.CallOptions{MaxItems: 2}, 1, "1,2", true, ""},
		"max items within a page":    {awsapi.CallOptions{MaxItems: 1}, 1, "1", true, ""},
		"no paginate":                {awsapi.CallOptions{NoPaginate: true}, 1, "1,2", true, "t1"},
		"no paginate, max items cut": {awsapi.CallOptions{NoPaginate: true, MaxItems: 1}, 1, "1", true, ""},
		"no paginate, max items fit": {awsapi.CallOptions{NoPaginate: true, MaxItems: 2}, 1, "1,2", true, "t1"},
	}
	op := lookup(t, "ec2", "DescribeInstances")
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fake := &fakeEC2{pages: threePages(), fail: -1}
			res, err := op.Invoke(context.Background(), fake, nil, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			out := res.Output.(*ec2.DescribeInstancesOutput)
			var ids []string
			for _, r := range out.Reservations {
				ids = append(ids, *r.ReservationId)
			}
			got := fmt.Sprintf("pages=%d ids=%s more=%v token=%s", res.Pages, strings.Join(ids, ","), res.More, aws.ToString(out.NextToken))
			want := fmt.Sprintf("pages=%d ids=%s more=%v token=%s", tt.pages, tt.ids, tt.more, tt.nextToken)
			if got != want || fake.calls != tt.pages {
				t.Errorf("Invoke = %s (calls %d), want %s", got, fake.calls, want)
			}
		})
	}
}

// fakeRDSPages serves DescribeEngineDefaultParameters pages of two
// parameters each, three pages, the list nested in EngineDefaults.
type fakeRDSPages struct{ calls int }

func (f *fakeRDSPages) DescribeEngineDefaultParameters(_ context.Context, _ *rds.DescribeEngineDefaultParametersInput, _ ...func(*rds.Options)) (*rds.DescribeEngineDefaultParametersOutput, error) {
	f.calls++
	ed := &rdstypes.EngineDefaults{Parameters: []rdstypes.Parameter{
		{ParameterName: aws.String(fmt.Sprintf("p%da", f.calls))},
		{ParameterName: aws.String(fmt.Sprintf("p%db", f.calls))},
	}}
	if f.calls < 3 {
		ed.Marker = aws.String("m")
	}
	return &rds.DescribeEngineDefaultParametersOutput{EngineDefaults: ed}, nil
}

func TestInvokeMaxItemsNested(t *testing.T) {
	op := lookup(t, "rds", "DescribeEngineDefaultParameters")
	fake := &fakeRDSPages{}
	res, err := op.Invoke(context.Background(), fake, nil, awsapi.CallOptions{MaxItems: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages != 2 || !res.More || fake.calls != 2 {
		t.Errorf("Pages = %d, More = %v, calls = %d; want 2, true, 2", res.Pages, res.More, fake.calls)
	}
}

func TestItemList(t *testing.T) {
	tests := map[string]struct{ service, op, want string }{
		"one slice":       {"ec2", "DescribeInstances", "Reservations"},
		"several slices":  {"s3", "ListObjectsV2", "Contents"},
		"nested":          {"rds", "DescribeEngineDefaultParameters", "EngineDefaults.Parameters"},
		"camelCase model": {"logs", "DescribeLogGroups", "LogGroups"},
		"maps only":       {"dynamodb", "BatchGetItem", ""},
		"string":          {"rds", "DownloadDBLogFilePortion", ""},
		"not paginated":   {"sts", "GetCallerIdentity", ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := lookup(t, tt.service, tt.op).ItemList(); got != tt.want {
				t.Errorf("ItemList() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInvokeMaxItemsRefused(t *testing.T) {
	tests := map[string]struct{ service, op string }{
		"not paginated": {"sts", "GetCallerIdentity"},
		"no main list":  {"dynamodb", "BatchGetItem"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			op := lookup(t, tt.service, tt.op)
			client := op.Service.NewClient(aws.Config{Region: "us-east-1"})
			_, err := op.Invoke(context.Background(), client, nil, awsapi.CallOptions{MaxItems: 1})
			var oe *awsapi.OptionError
			if !errors.Is(err, awsapi.ErrMaxItems) || !errors.As(err, &oe) {
				t.Errorf("err = %v, want an *OptionError matching ErrMaxItems", err)
			}
		})
	}
}

// TestInvokeS3 pages ListObjectsV2 on moto two keys a page: moto honours
// MaxKeys and continuation tokens.
func TestInvokeS3(t *testing.T) {
	cfg := motoConfig("us-east-1")
	call(t, cfg, "s3", "create_bucket", `{"Bucket":"awsapi-pages"}`, false)
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		call(t, cfg, "s3", "put_object", `{"Bucket":"awsapi-pages","Key":"`+k+`"}`, false)
	}
	op := lookup(t, "s3", "ListObjectsV2")
	client := op.Service.NewClient(cfg, awsapi.UsePathStyle)
	tests := map[string]struct {
		opts  awsapi.CallOptions
		pages int
		keys  string
		more  bool
		token bool // NextContinuationToken in the output
	}{
		"all":                    {awsapi.CallOptions{}, 3, "abcde", false, false},
		"max items within page":  {awsapi.CallOptions{MaxItems: 3}, 2, "abc", true, false},
		"max items at page end":  {awsapi.CallOptions{MaxItems: 4}, 2, "abcd", true, false},
		"max items = all":        {awsapi.CallOptions{MaxItems: 5}, 3, "abcde", false, false},
		"no paginate":            {awsapi.CallOptions{NoPaginate: true}, 1, "ab", true, true},
		"no paginate, max items": {awsapi.CallOptions{NoPaginate: true, MaxItems: 1}, 1, "a", true, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			in := &s3.ListObjectsV2Input{Bucket: aws.String("awsapi-pages"), MaxKeys: aws.Int32(2)}
			res, err := op.Invoke(context.Background(), client, in, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			out := res.Output.(*s3.ListObjectsV2Output)
			var keys string
			for _, o := range out.Contents {
				keys += *o.Key
			}
			if res.Pages != tt.pages || keys != tt.keys || res.More != tt.more || (out.NextContinuationToken != nil) != tt.token {
				t.Errorf("Pages = %d, keys = %s, More = %v, token = %v; want %d, %s, %v, %v",
					res.Pages, keys, res.More, out.NextContinuationToken != nil, tt.pages, tt.keys, tt.more, tt.token)
			}
		})
	}
}

// TestMainListsMatchBotocore checks ItemList against the first result_key
// of botocore's paginators, which the AWS CLI's --max-items counts.
func TestMainListsMatchBotocore(t *testing.T) {
	const script = `
import json, sys, botocore.loaders
loader = botocore.loaders.create_loader()
out = {}
for svc in sys.argv[1:]:
    try:
        pag = loader.load_service_model(svc, "paginators-1")["pagination"]
    except Exception:
        continue
    out[svc] = {op: (p["result_key"] if isinstance(p["result_key"], list) else [p["result_key"]])[0]
                for op, p in pag.items() if "result_key" in p}
json.dump(out, sys.stdout)
`
	var names []string
	for _, s := range awsapi.Services() {
		names = append(names, s.Name)
	}
	b, err := exec.Command("python3", append([]string{"-c", script}, names...)...).Output()
	if err != nil {
		if awstest.InCI() {
			t.Fatalf("python3 with botocore: %v", err)
		}
		t.Skipf("python3 with botocore: %v", err)
	}
	var botocore map[string]map[string]string
	if err := json.Unmarshal(b, &botocore); err != nil {
		t.Fatal(err)
	}
	// Result keys that are not lists: nothing for MaxItems to count.
	notLists := map[string]bool{"RDS DownloadDBLogFilePortion": true}
	for _, svc := range awsapi.Services() {
		for opName, key := range botocore[svc.Name] {
			op, err := svc.Operation(opName)
			if err != nil || !op.Paginated() {
				continue // a paginator the SDK lacks
			}
			want := strings.ToUpper(key[:1]) + key[1:] // logs: "logGroups"
			if notLists[op.String()] {
				want = ""
			}
			if got := op.ItemList(); got != want {
				t.Errorf("%s: ItemList() = %q, botocore's result key is %q", op, got, key)
			}
		}
	}
}
