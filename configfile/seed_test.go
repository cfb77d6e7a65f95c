package configfile_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/regions"
)

const roleAccount = "111122223333"

// seedConfig returns the path of one of the seed's configs, in
// shared/testdata/seed-configs beside (or above) the repository.
func seedConfig(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "testdata", "seed-configs", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if awstest.InCI() {
		t.Fatalf("shared/testdata/seed-configs/%s not found above the package", name)
	}
	t.Skipf("shared/testdata/seed-configs/%s not found above the package", name)
	return ""
}

func seedData(extra map[string]any) map[string]any {
	data := map[string]any{
		"AWS_ACCESS_KEY_ID":     "AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_ASSUME_ROLE":       "arn:aws:iam::" + roleAccount + ":role/test",
	}
	for k, v := range extra {
		data[k] = v
	}
	return data
}

func registryFor(loadOptions ...func(*config.LoadOptions) error) *awsaccount.Registry {
	return awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.LoadOptions = append(so.LoadOptions, loadOptions...)
		})
	})
}

func ec2Regions(t *testing.T, nonRegional bool) []string {
	t.Helper()
	f := regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {IncludeNonRegional: nonRegional}}}
	names, err := f.Regions("ec2")
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// The seed's first example, indentation fixed, loads verbatim and builds
// two containers: us-east-1, and every other aws region of ec2.
func TestSeedExample1(t *testing.T) {
	moto := startMoto(t)
	ctx := context.Background()
	f, err := configfile.Load(seedConfig(t, "readme-example-1-indentation-fixed.yaml"),
		func(o *configfile.Options) { o.Data = seedData(nil) })
	if err != nil {
		t.Fatal(err)
	}
	if got := f.SetPaths(); !slices.Equal(got, []string{"YourApp.RegionalAccountSet"}) {
		t.Errorf("SetPaths = %v", got)
	}
	set, err := f.RegionalAccountSet(ctx, "", registryFor(config.WithBaseEndpoint(moto.URL())))
	if err != nil {
		t.Fatal(err)
	}
	containers := set.Containers()
	if len(containers) != 2 {
		t.Fatalf("%d containers", len(containers))
	}
	regional := ec2Regions(t, false)
	if !slices.Contains(regional, "us-east-1") || len(regional) < 10 {
		t.Fatalf("the aws partition's ec2 regions are %v", regional)
	}
	first := containers[0].Keys()
	if !slices.Contains(first, "us-east-1") {
		t.Errorf("container 1 = %v, lacks us-east-1", first)
	}
	for _, k := range first {
		if k != "us-east-1" && slices.Contains(regional, k) {
			t.Errorf("container 1 = %v holds the region %s", first, k)
		}
	}
	want := slices.DeleteFunc(slices.Clone(regional), func(r string) bool { return r == "us-east-1" })
	if got := containers[1].Keys(); !slices.Equal(got, want) {
		t.Errorf("container 2 = %v\nwant %v", got, want)
	}
	for i, c := range containers {
		id, err := c.Account().AccountID(ctx)
		if err != nil || id != roleAccount {
			t.Errorf("container %d acts in %q, %v; want %s", i+1, id, err, roleAccount)
		}
		if l := c.Values()[0].RateLimit().Limit(); l.MaxCount != 10 || l.Interval.Seconds() != 1 || !l.Block {
			t.Errorf("container %d limit %v", i+1, l)
		}
	}
	// The same file, asked again, gives the same objects: the registry
	// caches by spec.
	again, err := f.RegionalAccountSet(ctx, "YourApp.RegionalAccountSet", registryFor(config.WithBaseEndpoint(moto.URL())))
	if err != nil || len(again.Containers()) != 2 {
		t.Fatalf("again: %v", err)
	}
}

// The seed's text as published has AssumeRole indented under an alias; the
// error points at its line 7.
func TestSeedExample1AsPublished(t *testing.T) {
	_, err := configfile.Load(seedConfig(t, "readme-example-1-as-published.yaml"),
		func(o *configfile.Options) { o.Data = seedData(nil) })
	var ce *configfile.Error
	if !errors.As(err, &ce) || !errors.Is(err, configfile.ErrSyntax) || ce.Line != 7 {
		t.Fatalf("got %v, want a syntax error at line 7", err)
	}
	if !strings.Contains(err.Error(), "readme-example-1-as-published.yaml:7:") {
		t.Errorf("message: %v", err)
	}
}

// The seed's second example: its ServiceEndpoints send ec2 to a VPC
// endpoint in the region it names, and sqs to one endpoint per region.
func TestSeedExample2(t *testing.T) {
	moto := startMoto(t)
	ctx := context.Background()
	recorder, err := awstest.StartEndpointRecorder(moto.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer recorder.Close()
	u := recorder.URL

	f, err := configfile.Load(seedConfig(t, "readme-example-2-service-endpoints.yaml"), func(o *configfile.Options) {
		o.Data = seedData(map[string]any{
			"EC2_VPC_ENDPOINT":           u("vpce-1.ec2.us-east-1.vpce.test"),
			"SQS_VPC_ENDPOINT_US_EAST_1": u("sqs-east.test"),
			"SQS_VPC_ENDPOINT_US_WEST_2": u("sqs-west.test"),
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	reg := registryFor(config.WithBaseEndpoint(u("default.test")), config.WithHTTPClient(recorder.HTTPClient()))
	set, err := f.RegionalAccountSet(ctx, "", reg)
	if err != nil {
		t.Fatal(err)
	}
	containers := set.Containers()
	if len(containers) != 1 || !containers[0].Contains("us-east-1") {
		t.Fatalf("containers %v", containers)
	}
	ra, _ := containers[0].Get("us-east-1")
	if id, err := ra.Account().AccountID(ctx); err != nil || id != roleAccount {
		t.Errorf("acts in %q, %v", id, err)
	}
	session := ra.Account().Session()
	reached := func(call func() error) string {
		t.Helper()
		host, err := recorder.Reached(call)
		if err != nil {
			t.Fatal(err)
		}
		return host
	}
	ec2Call := func(cfg aws.Config) func() error {
		return func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
			return err
		}
	}
	sqsCall := func(cfg aws.Config) func() error {
		return func() error {
			_, err := sqs.NewFromConfig(cfg).ListQueues(ctx, &sqs.ListQueuesInput{})
			return err
		}
	}
	tests := map[string]struct {
		call func() error
		want string
	}{
		"ec2 in the region its endpoint names": {ec2Call(ra.Config()), "vpce-1.ec2.us-east-1.vpce.test"},
		"ec2 in another region":                {ec2Call(session.ConfigFor("us-west-2")), "default.test"},
		"sqs in us-east-1":                     {sqsCall(ra.Config()), "sqs-east.test"},
		"sqs in us-west-2":                     {sqsCall(session.ConfigFor("us-west-2")), "sqs-west.test"},
		"sqs in a region without an endpoint":  {sqsCall(session.ConfigFor("eu-west-1")), "default.test"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := reached(tc.call); got != tc.want {
				t.Errorf("request reached %s, want %s", got, tc.want)
			}
		})
	}
}
