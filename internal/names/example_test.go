package names_test

import (
	"fmt"

	"github.com/awsaccount/awsaccount/internal/names"
)

func Example() {
	fmt.Println(names.Fold("describe_instances") == names.Fold("DescribeInstances"))
	fmt.Println(names.ServiceKey("logs"), names.ServiceKey("CloudWatch Logs"))
	// Output:
	// true
	// cloudwatchlogs cloudwatchlogs
}
