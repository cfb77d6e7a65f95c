package awsapi_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"go.uber.org/goleak"

	"github.com/awsaccount/awsaccount/internal/awsapi"
	"github.com/awsaccount/awsaccount/internal/awstest"
)

// moto is the emulator every call test talks to; TestMain starts it.
var moto *awstest.Moto

func TestMain(m *testing.M) {
	awstest.IsolateEnv()
	var err error
	moto, err = awstest.StartMoto()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	moto.Close()
	if code == 0 {
		if err := goleak.Find(awstest.LeakOptions()...); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
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
