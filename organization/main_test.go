package organization_test

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/organization"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// moto is the emulator every test of this package talks to. The tests
// build organizations as moto's default account, which can hold one at a
// time: they do not run in parallel.
var moto *awstest.Moto

func TestMain(m *testing.M) { os.Exit(awstest.Main(m, func(mo *awstest.Moto) { moto = mo })) }

// management are the credentials of the organization's management
// account (moto's default account): static keys, since moto checks no
// signature.
var management = awsaccount.AccountSpec{SessionParameters: awsaccount.SessionParameters{
	AccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
	SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	Region:          "us-east-1",
}}

// newRegistry returns a registry whose sessions send every request to
// endpoint (moto, or a proxy in front of it).
func newRegistry(t testing.TB, endpoint string) *awsaccount.Registry {
	t.Helper()
	return awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.LoadOptions = append(so.LoadOptions, config.WithBaseEndpoint(endpoint))
		})
	})
}

// builderConfig is the SDK configuration BuildOrganization uses: the
// management account, straight to moto (not through a test's proxy, whose
// counters are for the code under test).
func builderConfig(t testing.TB) aws.Config {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	p := management.SessionParameters
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(moto.URL()),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(p.AccessKeyID, p.SecretAccessKey, "")),
		config.WithHTTPClient(&http.Client{Transport: tr}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// buildOrg builds spec in moto for one test.
func buildOrg(t testing.TB, spec awstest.OrgSpec) *awstest.Org {
	t.Helper()
	org, err := awstest.BuildOrganization(context.Background(), t, builderConfig(t), spec)
	if err != nil {
		t.Fatal(err)
	}
	return org
}

// unlimited lifts the Organizations rate limit (5 calls per second by
// default), so that tests list moto at its own pace; TestListingRateLimit
// checks the default.
func unlimited(o *organization.Options) { o.RateLimit = ratelimit.Limit{} }
