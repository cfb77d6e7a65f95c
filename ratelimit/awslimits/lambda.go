package awslimits

// Lambda's numbers are AWS's, from "Lambda quotas" (AWS Lambda Developer
// Guide), https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
// (section "Lambda API requests", and the API rows of "Durable functions"),
// read on 2026-12-02 from stored copies, not the live site: the page's
// Markdown source as AWS publishes it (gettingstarted-limits.md, a current
// revision: it lists durable functions), whose rows are used; another
// stored copy of the page, converted from HTML, with the same three rows of
// the control plane; the
// repository awsdocs/aws-lambda-developer-guide, an older revision (memory
// up to 3,008 MB) with the same numbers.
//
// The rows used: GetFunction, 100 requests per second; GetPolicy, 15; the
// remainder of the control plane ("excludes invocation, GetFunction, and
// GetPolicy requests"), "15 requests per second across all APIs (not 15
// requests per second per API)": one group shared by the operations below;
// and of durable functions, GetDurableExecution 30, GetDurableExecutionHistory
// 15 and ListDurableExecutionsByFunction 15, each its own. AWS says the
// first three cannot be increased and the durable-function quotas can. The
// page says Lambda's quotas for concurrency and storage apply per Region;
// it does not say so of the API rows, which are taken per account and
// Region. Which operations are the remainder of the control plane is the
// preset's reading: every operation of the Lambda API (as the Go SDK's
// lambda module v1.114.4 lists them) but the invocations (Invoke,
// InvokeAsync, InvokeWithResponseStream), GetFunction, GetPolicy and the
// durable-execution operations, which the page lists with quotas of their
// own. An operation added to the API later has no rule until it is added
// here. Not here: the invocations, limited by concurrency, not a request
// rate; CheckpointDurableExecution, GetDurableExecutionState,
// SendDurableExecutionCallback* and StopDurableExecution, whose quotas are
// higher in three Regions, which a Rule cannot see.

const lambdaSource = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"

// lambdaControlPlane are the operations of the remainder of the control
// plane, which share one quota.
var lambdaControlPlane = []string{
	"AddLayerVersionPermission",
	"AddPermission",
	"CreateAlias",
	"CreateCapacityProvider",
	"CreateCodeSigningConfig",
	"CreateEventSourceMapping",
	"CreateFunction",
	"CreateFunctionUrlConfig",
	"DeleteAlias",
	"DeleteCapacityProvider",
	"DeleteCodeSigningConfig",
	"DeleteEventSourceMapping",
	"DeleteFunction",
	"DeleteFunctionCodeSigningConfig",
	"DeleteFunctionConcurrency",
	"DeleteFunctionEventInvokeConfig",
	"DeleteFunctionUrlConfig",
	"DeleteLayerVersion",
	"DeleteProvisionedConcurrencyConfig",
	"DeleteResourcePolicy",
	"GetAccountSettings",
	"GetAlias",
	"GetCapacityProvider",
	"GetCodeSigningConfig",
	"GetEventSourceMapping",
	"GetFunctionCodeSigningConfig",
	"GetFunctionConcurrency",
	"GetFunctionConfiguration",
	"GetFunctionEventInvokeConfig",
	"GetFunctionRecursionConfig",
	"GetFunctionScalingConfig",
	"GetFunctionUrlConfig",
	"GetLayerVersion",
	"GetLayerVersionByArn",
	"GetLayerVersionPolicy",
	"GetProvisionedConcurrencyConfig",
	"GetResourcePolicy",
	"GetRuntimeManagementConfig",
	"ListAliases",
	"ListCapacityProviders",
	"ListCodeSigningConfigs",
	"ListEventSourceMappings",
	"ListFunctionEventInvokeConfigs",
	"ListFunctionUrlConfigs",
	"ListFunctionVersionsByCapacityProvider",
	"ListFunctions",
	"ListFunctionsByCodeSigningConfig",
	"ListLayerVersions",
	"ListLayers",
	"ListProvisionedConcurrencyConfigs",
	"ListTags",
	"ListVersionsByFunction",
	"PublishLayerVersion",
	"PublishVersion",
	"PutFunctionCodeSigningConfig",
	"PutFunctionConcurrency",
	"PutFunctionEventInvokeConfig",
	"PutFunctionRecursionConfig",
	"PutFunctionScalingConfig",
	"PutProvisionedConcurrencyConfig",
	"PutResourcePolicy",
	"PutRuntimeManagementConfig",
	"RemoveLayerVersionPermission",
	"RemovePermission",
	"TagResource",
	"UntagResource",
	"UpdateAlias",
	"UpdateCapacityProvider",
	"UpdateCodeSigningConfig",
	"UpdateEventSourceMapping",
	"UpdateFunctionCode",
	"UpdateFunctionConfiguration",
	"UpdateFunctionEventInvokeConfig",
	"UpdateFunctionUrlConfig",
}

var lambdaOps = func() map[string]group {
	m := map[string]group{
		"GetFunction":                     {"GetFunction", perSecond(100)},
		"GetPolicy":                       {"GetPolicy", perSecond(15)},
		"GetDurableExecution":             {"GetDurableExecution", perSecond(30)},
		"GetDurableExecutionHistory":      {"GetDurableExecutionHistory", perSecond(15)},
		"ListDurableExecutionsByFunction": {"ListDurableExecutionsByFunction", perSecond(15)},
	}
	control := group{"control-plane", perSecond(15)}
	for _, op := range lambdaControlPlane {
		m[op] = control
	}
	return foldedOps(m)
}()
