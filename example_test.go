package awsaccount_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/awsaccount/awsaccount"
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
	account.ForgetAliases()
	aliases, _ := account.Aliases(ctx)
	alias, _ = account.Alias(ctx)
	fmt.Println("aliases:", aliases, "alias:", alias)
	// Output:
	// true
	// alias before: 444455556666
	// aliases: [example-prod] alias: example-prod
}
