package awsaccount_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/regions"
)

// The seed's Session narrative: static keys, a role assumed and reverted,
// seen alike from every goroutine.
func Example_session() {
	ctx := context.Background()
	params := awsaccount.SessionParameters{
		AccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		Region:          "us-east-1",
	}
	session, err := awsaccount.NewSession(ctx, params, func(o *awsaccount.SessionOptions) {
		// In this example the AWS API is a moto_server on loopback.
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(emulatorURL))
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	before, _ := session.AccessKey(ctx)
	fmt.Println("static key in use:", before == params.AccessKeyID)
	id, _ := session.AccountID(ctx)
	fmt.Println("account:", id)

	err = session.AssumeRole(ctx, awsaccount.AssumeRoleParameters{
		RoleArn:         "arn:aws:iam::111122223333:role/test",
		RoleSessionName: "testing_assume_role_for_awsaccount",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	assumedKey, _ := session.AccessKey(ctx)
	fmt.Println("key changed:", assumedKey != before)

	// Other goroutines see the assumed role at once.
	var wg sync.WaitGroup
	var fromGoroutine string
	wg.Go(func() { fromGoroutine, _ = session.AccountID(ctx) })
	wg.Wait()
	id, _ = session.AccountID(ctx)
	fmt.Println("account:", id, "in another goroutine:", fromGoroutine)

	fmt.Println("reverted:", session.Revert())
	after, _ := session.AccessKey(ctx)
	id, _ = session.AccountID(ctx)
	fmt.Println("account:", id, "original key:", after == before)
	fmt.Println("reverted again:", session.Revert())
	// Output:
	// static key in use: true
	// account: 123456789012
	// key changed: true
	// account: 111122223333 in another goroutine: 111122223333
	// reverted: true
	// account: 123456789012 original key: true
	// reverted again: false
}

// The seed's Account narrative: the id, and the alias that falls back to the
// id until the account has one.
func Example_account() {
	ctx := context.Background()
	session, err := awsaccount.NewSession(ctx, awsaccount.SessionParameters{
		AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	}, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(emulatorURL))
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := session.AssumeRole(ctx, awsaccount.AssumeRoleParameters{RoleArn: "arn:aws:iam::444455556666:role/admin"}); err != nil {
		fmt.Println(err)
		return
	}
	account := awsaccount.NewAccount(session)
	fmt.Println(account.Session() == session)
	alias, _ := account.Alias(ctx)
	fmt.Println("alias before:", alias)

	// Give the account an alias, then ask again.
	iamClient := iam.NewFromConfig(session.ConfigFor("us-east-1"))
	if _, err := iamClient.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("example-prod")}); err != nil {
		fmt.Println(err)
		return
	}
	aliases, _ := account.Aliases(ctx) // none were cached: IAM is asked again
	alias, _ = account.Alias(ctx)
	fmt.Println("aliases:", aliases, "alias:", alias)
	// Output:
	// true
	// alias before: 444455556666
	// aliases: [example-prod] alias: example-prod
}

// The seed's RegionalAccount narrative: every request of every client built
// from the target passes its limiter, which can change at run time.
func Example_regionalAccount() {
	ctx := context.Background()
	session, err := awsaccount.NewSession(ctx, awsaccount.SessionParameters{
		AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	}, func(o *awsaccount.SessionOptions) {
		o.LoadOptions = append(o.LoadOptions, config.WithBaseEndpoint(emulatorURL))
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	account := awsaccount.NewAccount(session)
	limiter := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second, Block: false})
	raccount := awsaccount.NewRegionalAccount(limiter, account, "us-east-1")
	fmt.Println(raccount.Region(), raccount.Account() == account)

	stsClient := awsaccount.Client(raccount, sts.NewFromConfig)
	_, err = stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	fmt.Println("first call:", err)
	_, err = stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if errors.Is(err, ratelimit.ErrExceeded) {
		fmt.Println("Too fast!")
	}
	raccount.RateLimit().SetMaxCount(2)
	_, err = stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	fmt.Println("after SetMaxCount(2):", err)
	// Output:
	// us-east-1 true
	// first call: <nil>
	// Too fast!
	// after SetMaxCount(2): <nil>
}

// The seed's container narrative: a filtered, read-only map of targets from
// a Registry, which shares targets between containers, and a set over them.
func Example_regionalAccounts() {
	ctx := context.Background()
	registry := awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
		o.SessionOptions = append(o.SessionOptions, func(so *awsaccount.SessionOptions) {
			so.LoadOptions = append(so.LoadOptions, config.WithBaseEndpoint(emulatorURL))
		})
	})
	account := awsaccount.AccountSpec{SessionParameters: awsaccount.SessionParameters{
		AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	}}
	rl := ratelimit.Spec{Limit: ratelimit.Limit{MaxCount: 1, Interval: time.Second}}
	filter1 := regions.Filter{Partitions: map[string]regions.PartitionFilter{
		"aws": {Regions: regions.RegionFilter{Include: []string{"us-east-1"}}},
	}}
	filter1Raccts, err := registry.RegionalAccounts(ctx, awsaccount.RegionalAccountsSpec{RateLimit: rl, Account: account, Filter: filter1})
	if err != nil {
		fmt.Println(err)
		return
	}
	allRaccts, err := registry.RegionalAccounts(ctx, awsaccount.RegionalAccountsSpec{RateLimit: rl, Account: account})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filter1Raccts.Keys(), filter1Raccts.Contains("us-east-2"), allRaccts.Contains("us-east-2"))
	a, _ := allRaccts.Get("us-east-1")
	f, _ := filter1Raccts.Get("us-east-1")
	fmt.Println("same target:", a == f)

	_ = filter1Raccts.Include("aws", "us-east-2")
	fmt.Println(filter1Raccts.Keys())

	set1 := awsaccount.NewRegionalAccountSet(allRaccts)
	set1.Add(filter1Raccts)
	fmt.Println(len(set1.Containers()), len(set1.Targets()) == allRaccts.Len())
	set1.Discard(allRaccts)
	for _, ra := range set1.Targets() {
		fmt.Println(ra.Region())
	}
	// Output:
	// [us-east-1] false true
	// same target: true
	// [us-east-1 us-east-2]
	// 2 true
	// us-east-1
	// us-east-2
}
