package awsapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsaccount/awsaccount/internal/awsapi"
	"github.com/awsaccount/awsaccount/internal/awstest"
)

// BenchmarkCall compares GetCallerIdentity called on the SDK client
// directly with the same call through awsapi, against an in-process STS.
func BenchmarkCall(b *testing.B) {
	const key = "AKIAIOSFODNN7EXAMPLE"
	srv := awstest.StartShortLivedSTS(time.Hour, key)
	defer srv.Close()
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(key, "secret", ""),
		BaseEndpoint: aws.String(srv.URL()),
	}
	client := sts.NewFromConfig(cfg)
	op := lookup(b, "sts", "get_caller_identity")
	ctx := context.Background()

	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("awsapi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := op.CallWith(ctx, client, nil, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("awsapi+json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			in, err := op.DecodeInput([]byte(`{}`))
			if err != nil {
				b.Fatal(err)
			}
			res, err := op.CallWith(ctx, client, in, false)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := awsapi.ToJSON(res.Output); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("awsapi-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := op.CallWith(ctx, client, nil, false); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkOverhead measures what awsapi adds without the network: name
// resolution, JSON decoding, the reflective call and ToJSON, on a fake
// client.
func BenchmarkOverhead(b *testing.B) {
	out := &ec2.DescribeInstancesOutput{}
	for range 10 {
		out.Reservations = append(out.Reservations, reservation("r"))
	}
	fake := &fakeEC2{pages: []*ec2.DescribeInstancesOutput{out}, fail: -1}
	ctx := context.Background()
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fake.calls = 0
			_, _ = fake.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
		}
	})
	b.Run("resolve+decode+call", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fake.calls = 0
			op := lookup(b, "ec2", "describe_instances")
			in, err := op.DecodeInput([]byte(`{"MaxResults":5}`))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := op.CallWith(ctx, fake, in, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tojson", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := awsapi.ToJSON(out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
