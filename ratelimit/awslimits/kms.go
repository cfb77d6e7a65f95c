package awslimits

// KMS's numbers are AWS's, from "Request quotas" (AWS Key Management
// Service Developer Guide),
// https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html
// (table "Request quotas for each AWS KMS API operation", the rows of
// single operations, "<Operation> request rate", default value in requests
// per second), read on 2026-12-02 from stored copies, not the live site:
// the page's Markdown source as AWS publishes it (requests-per-second.md;
// a current revision: it lists ML-DSA keys and GetKeyLastUsage), whose
// rows are used; a stored copy of the HTML page, whose table lost its
// operation names but gives the same values in the same order for the
// rows it reaches (CancelKeyDeletion to EnableKeyRotation). The
// repository awsdocs/aws-kms-developer-guide holds an older revision
// (CMKs, DescribeKey 100, ListKeys 100): not used.
//
// The rows used: DescribeKey, GetPublicKey and ListResourceTags 2000;
// GetKeyPolicy and GetKeyRotationStatus 1000; ListAliases and ListKeys
// 500; ListGrants, ListKeyPolicies, ListKeyRotations and
// ListRetirableGrants 100; CreateGrant, RetireGrant and RevokeGrant 50;
// DeleteAlias, DeleteImportedKeyMaterial, EnableKeyRotation,
// ImportKeyMaterial, PutKeyPolicy and ScheduleKeyDeletion 15; TagResource
// 10; CancelKeyDeletion, ConnectCustomKeyStore, CreateAlias,
// CreateCustomKeyStore, CreateKey, DeleteCustomKeyStore,
// DescribeCustomKeyStores, DisableKey, DisableKeyRotation,
// DisconnectCustomKeyStore, EnableKey, GetKeyLastUsage, RotateKeyOnDemand,
// UntagResource, UpdateAlias, UpdateCustomKeyStore and
// UpdateKeyDescription 5; GetParametersForImport 1.
//
// AWS applies them per account and Region ("Each quota is calculated
// independently for each Region of each AWS account", the "Quotas" page of
// the same guide), each operation on its own ("Each request quota is
// calculated independently"), counting requests from all principals of the
// account and from AWS services on its behalf; cross-account requests count
// against the calling account. All are adjustable (Service Quotas). Not
// here: the cryptographic operations (Encrypt, Decrypt, GenerateDataKey,
// Sign, Verify, ...), whose shared quota depends on the Region and on the
// type of the key used, which a Rule cannot see; GenerateDataKeyPair and
// GenerateDataKeyPairWithoutPlaintext, whose quota depends on the key pair
// spec (and the Region); ReplicateKey and UpdatePrimaryRegion, which also
// count in a second Region (and UpdatePrimaryRegion twice in each). AWS
// also throttles a burst of state changes to one key (EnableKey,
// DisableKey, ...) below these rates: a Rule cannot see the key.

const kmsSource = "https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html"

// kmsOps gives each operation a group of its own, named after it.
var kmsOps = ownQuotas(map[string]int{
	"DescribeKey":               2000,
	"GetPublicKey":              2000,
	"ListResourceTags":          2000,
	"GetKeyPolicy":              1000,
	"GetKeyRotationStatus":      1000,
	"ListAliases":               500,
	"ListKeys":                  500,
	"ListGrants":                100,
	"ListKeyPolicies":           100,
	"ListKeyRotations":          100,
	"ListRetirableGrants":       100,
	"CreateGrant":               50,
	"RetireGrant":               50,
	"RevokeGrant":               50,
	"DeleteAlias":               15,
	"DeleteImportedKeyMaterial": 15,
	"EnableKeyRotation":         15,
	"ImportKeyMaterial":         15,
	"PutKeyPolicy":              15,
	"ScheduleKeyDeletion":       15,
	"TagResource":               10,
	"CancelKeyDeletion":         5,
	"ConnectCustomKeyStore":     5,
	"CreateAlias":               5,
	"CreateCustomKeyStore":      5,
	"CreateKey":                 5,
	"DeleteCustomKeyStore":      5,
	"DescribeCustomKeyStores":   5,
	"DisableKey":                5,
	"DisableKeyRotation":        5,
	"DisconnectCustomKeyStore":  5,
	"EnableKey":                 5,
	"GetKeyLastUsage":           5,
	"RotateKeyOnDemand":         5,
	"UntagResource":             5,
	"UpdateAlias":               5,
	"UpdateCustomKeyStore":      5,
	"UpdateKeyDescription":      5,
	"GetParametersForImport":    1,
})
