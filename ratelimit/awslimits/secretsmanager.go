package awslimits

// Secrets Manager's numbers are AWS's, from "AWS Secrets Manager quotas",
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
// (table "Secrets Manager quotas", the "Combined rate of ... API requests"
// rows), read on 2026-12-02 from stored copies of the page (the rate of the
// PutSecretValue row from its translated copy, the English one being cut
// short there), not the live site. They are quotas per second, per account
// and Region, not adjustable; the other operations have quotas the stored
// copies did not show, and have no rule here.

const secretsManagerSource = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html"

var secretsManagerOps = func() map[string]group {
	read := group{"read", perSecond(10000)}
	policy := group{"resource-policy", perSecond(50)}
	write := group{"put-value", perSecond(50)}
	return foldedOps(map[string]group{
		"DescribeSecret":               read,
		"GetSecretValue":               read,
		"DeleteResourcePolicy":         policy,
		"GetResourcePolicy":            policy,
		"PutResourcePolicy":            policy,
		"ValidateResourcePolicy":       policy,
		"PutSecretValue":               write,
		"RemoveRegionsFromReplication": write,
		"ReplicateSecretToRegion":      write,
		"StopReplicationToReplica":     write,
		"UpdateSecret":                 write,
		"UpdateSecretVersionStage":     write,
	})
}()
