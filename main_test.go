package awsaccount_test

import (
	"context"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
)

// emulatorURL is the moto_server every test and example of this package
// talks to; TestMain starts it.
var emulatorURL string

var moto *awstest.Moto

func TestMain(m *testing.M) {
	os.Exit(awstest.Main(m, func(mo *awstest.Moto) {
		moto, emulatorURL = mo, mo.URL()
	}))
}

// testKeys are static credentials: moto checks no signature.
var testKeys = awsaccount.SessionParameters{
	AccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
	SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	Region:          "us-east-1",
}

// newTestSession returns a session on moto.
func newTestSession(t testing.TB, optFns ...func(*awsaccount.SessionOptions)) *awsaccount.Session {
	t.Helper()
	opts := append([]func(*awsaccount.SessionOptions){func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(emulatorURL))
	}}, optFns...)
	s, err := awsaccount.NewSession(context.Background(), testKeys, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
