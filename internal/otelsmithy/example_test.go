package otelsmithy_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/awsaccount/awsaccount/internal/otelsmithy"
)

// The SDK's spans of one call, reported to an OpenTelemetry provider.
func Example() {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer tp.Shutdown(context.Background())

	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(moto.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "secret", "")}
	cfg.ServiceOptions = append(cfg.ServiceOptions, otelsmithy.ServiceOption(nil, tp))
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		fmt.Println(err)
		return
	}
	spans := exp.GetSpans()
	fmt.Println(spans[len(spans)-1].Name) // the operation's span ends last
	// Output:
	// STS.GetCallerIdentity
}
