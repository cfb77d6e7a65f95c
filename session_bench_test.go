package awsaccount_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

var (
	sinkRegion string
	sinkConfig aws.Config
)

func BenchmarkSessionConfig(b *testing.B) {
	s := newTestSession(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var c aws.Config
		for pb.Next() {
			c = s.Config()
		}
		sinkConfig = c
	})
}

func BenchmarkSessionAccountIDWarm(b *testing.B) {
	ctx := context.Background()
	s := newTestSession(b)
	if _, err := s.AccountID(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var id string
		for pb.Next() {
			id, _ = s.AccountID(ctx)
		}
		sinkRegion = id
	})
}
