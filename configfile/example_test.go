package configfile_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// The seed's configure.yaml shape, loaded in Go: anchors shared by two
// containers, the key pair from template variables, and the application's
// own section beside the RegionalAccountSet.
func Example() {
	const text = `
SessionParameters: &aws_api_creds
 aws_access_key_id: {{ AWS_ACCESS_KEY_ID }}
 aws_secret_access_key: {{ AWS_SECRET_ACCESS_KEY }}
 region_name: {{ AWS_REGION | default('us-east-1') }}

Account: &default_account
 SessionParameters: *aws_api_creds

RateLimit: &default_ratelimit
 max_count: 10
 interval: 0.5
 block: True

YourApp:
 Greeting: hello
 RegionalAccountSet:
  - RegionalAccounts:
     Account: *default_account
     RateLimit: *default_ratelimit
     Filter:
      Partitions:
       aws:
        Regions:
         include: [us-west-2, us-east-1]
  - RegionalAccounts:
     Account: *default_account
     RateLimit: {<<: *default_ratelimit, max_count: 2}
     Filter:
      Partitions:
       aws:
        Regions:
         include: [eu-west-1, eu-central-1]
`
	f, err := configfile.Read(strings.NewReader(text), "configure.yaml", func(o *configfile.Options) {
		o.Data = map[string]any{ // default: the environment
			"AWS_ACCESS_KEY_ID":     "AKIAIOSFODNN7EXAMPLE",
			"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		}
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	var greeting string
	if err := f.Decode("YourApp.Greeting", &greeting); err != nil {
		fmt.Println(err)
	}
	fmt.Println(greeting)
	fmt.Println("sets:", f.SetPaths())

	set, err := f.RegionalAccountSet(context.Background(), "YourApp.RegionalAccountSet", awsaccount.NewRegistry())
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, c := range set.Containers() {
		l := c.Values()[0].RateLimit().Limit()
		fmt.Printf("container %d: %v, %d per %v\n", i+1, c.Keys(), l.MaxCount, l.Interval)
	}

	// A mistake is reported with its key path and line.
	var wrong struct {
		RateLimit ratelimit.Spec `yaml:"RateLimit"`
	}
	bad, _ := configfile.Read(strings.NewReader("RateLimit:\n  max_count: ten\n"), "bad.yaml")
	fmt.Println(bad.Decode("", &wrong))
	// Output:
	// hello
	// sets: [YourApp.RegionalAccountSet]
	// container 1: [us-east-1 us-west-2], 10 per 500ms
	// container 2: [eu-central-1 eu-west-1], 2 per 500ms
	// bad.yaml:2:14: RateLimit.max_count: must be an integer, not "ten"
}

// A hostile or broken file fails fast, naming the bound it broke and where:
// here a billion laughs, nine levels of ten aliases each, which would
// expand to 10^9 values.
func ExampleReadContext() {
	var text strings.Builder
	text.WriteString("l0: &l0 [lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&text, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d,", i-1), 10), ","))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := configfile.ReadContext(ctx, strings.NewReader(text.String()), "laughs.yaml")
	fmt.Println(errors.Is(err, configfile.ErrLimit))
	fmt.Println(err)
	// Output:
	// true
	// laughs.yaml:6:26: the document holds more than MaxValues (100000) values, counting each alias's anchor again
}
