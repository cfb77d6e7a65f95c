package awstest

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// sdkConfig is an SDK configuration that sends every service to endpoint,
// signed with a static key, in us-east-1, with an HTTP client the test
// closes.
func sdkConfig(t *testing.T, endpoint string, optFns ...func(*config.LoadOptions) error) aws.Config {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	opts := append([]func(*config.LoadOptions) error{
		config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(endpoint),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDBASE", "secret", "")),
		config.WithHTTPClient(&http.Client{Transport: tr}),
	}, optFns...)
	cfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
