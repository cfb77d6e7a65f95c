package awslimits_test

import (
	"fmt"

	"github.com/awsaccount/awsaccount/ratelimit/awslimits"
)

// Both spellings of an operation find its rule; Describe* calls share one
// group.
func ExamplePreset_Rule() {
	p, _ := awslimits.Lookup("aws")
	for _, op := range [][2]string{{"ec2", "describe_instances"}, {"EC2", "DescribeVpcs"}, {"ec2", "RunInstances"}} {
		r, _ := p.Rule(op[0], op[1])
		fmt.Printf("%s: %s, AWS: %v\n", r.Group, r.Limit, r.Published)
	}
	// Output:
	// ec2:non-mutating: burst 99, 20/s, block, AWS: burst 100, 20/s, fail fast
	// ec2:non-mutating: burst 99, 20/s, block, AWS: burst 100, 20/s, fail fast
	// ec2:RunInstances: burst 4, 2/s, block, AWS: burst 5, 2/s, fail fast
}
