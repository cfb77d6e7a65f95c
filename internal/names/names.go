package names

import "strings"

// Fold returns the key names are compared by: s in lower case (ASCII
// letters only; AWS names are ASCII) without ' ', '-' and '_'.
func Fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '_':
			return -1
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// ServiceKey returns the key a service name is compared by: [Fold] of a
// boto3 service name or an SDK service id, with boto3's names that fold
// differently from their SDK id mapped to the SDK id's key, so that
// ServiceKey("logs") == ServiceKey("CloudWatch Logs").
func ServiceKey(name string) string {
	k := Fold(name)
	if alias, ok := boto3Aliases[k]; ok {
		return alias
	}
	return k
}

// boto3Aliases maps the folded boto3 service names (and the endpoint prefix
// "monitoring") whose fold differs from the fold of the SDK service id to
// that fold. Names that fold alike ("secretsmanager", "Secrets Manager")
// need no entry.
var boto3Aliases = map[string]string{
	"logs":          "cloudwatchlogs",          // CloudWatch Logs
	"events":        "eventbridge",             // EventBridge
	"elb":           "elasticloadbalancing",    // Elastic Load Balancing
	"elbv2":         "elasticloadbalancingv2",  // Elastic Load Balancing v2
	"stepfunctions": "sfn",                     // SFN
	"es":            "elasticsearchservice",    // Elasticsearch Service
	"cognitoidp":    "cognitoidentityprovider", // Cognito Identity Provider
	"monitoring":    "cloudwatch",              // CloudWatch's endpoint prefix
	"email":         "ses",                     // SES
}
