package names

import "testing"

func TestFold(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"sdk operation":   {"DescribeInstances", "describeinstances"},
		"boto3 operation": {"describe_instances", "describeinstances"},
		"sdk id":          {"CloudWatch Logs", "cloudwatchlogs"},
		"dashes":          {"application-autoscaling", "applicationautoscaling"},
		"digits kept":     {"EC2", "ec2"},
		"empty":           {"", ""},
		"non-ASCII kept":  {"Ünï", "Ünï"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestServiceKey(t *testing.T) {
	tests := map[string]struct{ boto3, sdkID string }{
		"logs":                    {"logs", "CloudWatch Logs"},
		"events":                  {"events", "EventBridge"},
		"elb":                     {"elb", "Elastic Load Balancing"},
		"elbv2":                   {"elbv2", "Elastic Load Balancing v2"},
		"stepfunctions":           {"stepfunctions", "SFN"},
		"es":                      {"es", "Elasticsearch Service"},
		"cognito-idp":             {"cognito-idp", "Cognito Identity Provider"},
		"monitoring":              {"monitoring", "CloudWatch"},
		"email":                   {"email", "SES"},
		"application-autoscaling": {"application-autoscaling", "Application Auto Scaling"},
		"secretsmanager":          {"secretsmanager", "Secrets Manager"},
		"ec2":                     {"ec2", "EC2"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if a, b := ServiceKey(tt.boto3), ServiceKey(tt.sdkID); a != b {
				t.Errorf("ServiceKey(%q) = %q, ServiceKey(%q) = %q; want equal", tt.boto3, a, tt.sdkID, b)
			}
		})
	}
	// An alias's target maps to itself: keys are stable under ServiceKey.
	for k, v := range boto3Aliases {
		if got := ServiceKey(v); got != v {
			t.Errorf("ServiceKey(%q) = %q; the alias target of %q must be a fixed point", v, got, k)
		}
	}
}
