package awsapi_test

import (
	"context"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/awsaccount/awsaccount/internal/awsapi"
	"github.com/awsaccount/awsaccount/internal/awstest"
)

// moto is the emulator every call test talks to; TestMain starts it.
var moto *awstest.Moto

func TestMain(m *testing.M) {
	os.Exit(awstest.Main(m, func(mo *awstest.Moto) { moto = mo }))
}

// motoConfig is an aws.Config on moto in region; moto checks no signature.
func motoConfig(region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		BaseEndpoint: aws.String(moto.URL()),
	}
}

// call resolves service and operation, decodes input and calls it on cfg.
func call(t testing.TB, cfg aws.Config, service, operation, input string, paginate bool) awsapi.Result {
	t.Helper()
	op := lookup(t, service, operation)
	in, err := op.DecodeInput([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	client := op.Service.NewClient(cfg, awsapi.UsePathStyle, awsapi.UseQueryProtocol)
	res, err := op.CallWith(context.Background(), client, in, paginate)
	if err != nil {
		t.Fatalf("%s %s: %v", service, operation, err)
	}
	return res
}

func lookup(t testing.TB, service, operation string) awsapi.Operation {
	t.Helper()
	svc, err := awsapi.LookupService(service)
	if err != nil {
		t.Fatal(err)
	}
	op, err := svc.Operation(operation)
	if err != nil {
		t.Fatal(err)
	}
	return op
}
