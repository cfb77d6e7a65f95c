package awslimits

// EC2's numbers are AWS's, from "Request throttling for the Amazon EC2 API",
// https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
// (tables "Request token bucket sizes and refill rates" and "Resource token
// bucket sizes and refill rates"), read on 2026-12-02 from a stored copy of
// the page, not the live site: check it when AWS revises. AWS applies them
// per account and Region; accounts may have raised limits. Not here: the
// console's own non-mutating bucket (100, 10/s), which only console calls
// draw from.
//
// Revisions of that page differ on what shares a bucket: older ones say
// that all non-mutating (Describe*) actions draw from one bucket; the
// latest says that each API is evaluated on its own, with the bucket size
// of its category. The preset shares one limiter per category, which keeps
// the sum of a category within one bucket: right for the older reading,
// stricter than needed for the newer.

// EC2 action groups, as the preset names them (Rule.Group); an action with
// a bucket of its own is its own group, "ec2:" + action.
const (
	EC2NonMutating           = "ec2:non-mutating"
	EC2UnfilteredNonMutating = "ec2:unfiltered-non-mutating"
	EC2Mutating              = "ec2:mutating"
	EC2ResourceIntensive     = "ec2:resource-intensive"
)

// bucket is a published token bucket: burst, and refill per second.
type bucket struct {
	burst int
	rate  float64
}

var (
	ec2NonMutating           = bucket{100, 20}
	ec2UnfilteredNonMutating = bucket{50, 10}
	ec2Mutating              = bucket{50, 5}
	ec2ResourceIntensive     = bucket{50, 5}
)

// ec2Unfiltered draw from the smaller bucket when called with neither a
// filter nor pagination.
var ec2Unfiltered = set("DescribeInstances", "DescribeInstanceStatus", "DescribeNetworkInterfaces",
	"DescribeSecurityGroups", "DescribeSnapshots", "DescribeSpotInstanceRequests", "DescribeVolumes")

var ec2ResourceIntensiveActions = set("AcceptVpcPeeringConnection", "AuthorizeSecurityGroupIngress",
	"CancelSpotInstanceRequests", "CreateKeyPair", "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection",
	"RejectVpcPeeringConnection", "RevokeSecurityGroupIngress", "RequestSpotInstances")

// ec2ActionLimits are the "uncategorized actions": buckets of their own.
var ec2ActionLimits = map[string]bucket{
	"AcceptVpcEndpointConnections":                        {10, 1},
	"AdvertiseByoipCidr":                                  {1, 0.1},
	"AssignIpv6Addresses":                                 {100, 5},
	"AssignPrivateIpAddresses":                            {100, 5},
	"AssignPrivateNatGatewayAddress":                      {10, 1},
	"AssociateCapacityReservationBillingOwner":            {1, 0.5},
	"AssociateEnclaveCertificateIamRole":                  {10, 1},
	"AssociateIamInstanceProfile":                         {100, 5},
	"AssociateNatGatewayAddress":                          {10, 1},
	"AttachVerifiedAccessTrustProvider":                   {10, 2},
	"AuthorizeClientVpnIngress":                           {5, 2},
	"CancelDeclarativePoliciesReport":                     {1, 1},
	"CopyImage":                                           {100, 1},
	"CreateClientVpnRoute":                                {5, 2},
	"CreateCoipCidr":                                      {5, 1},
	"CreateCoipPool":                                      {5, 1},
	"CreateDefaultSubnet":                                 {1, 1},
	"CreateDefaultVpc":                                    {1, 1},
	"CreateLaunchTemplateVersion":                         {100, 5},
	"CreateNatGateway":                                    {10, 1},
	"CreateNetworkInterface":                              {100, 5},
	"CreateRestoreImageTask":                              {50, 0.1},
	"CreateSnapshot":                                      {100, 5},
	"CreateSnapshots":                                     {100, 5},
	"CreateSpotDatafeedSubscription":                      {50, 3},
	"CreateStoreImageTask":                                {50, 0.1},
	"CreateSubnetCidrReservation":                         {5, 1},
	"CreateTags":                                          {100, 10},
	"CreateVerifiedAccessEndpoint":                        {20, 4},
	"CreateVerifiedAccessGroup":                           {10, 2},
	"CreateVerifiedAccessInstance":                        {10, 2},
	"CreateVerifiedAccessTrustProvider":                   {10, 2},
	"CreateVolume":                                        {100, 5},
	"CreateVpcEndpoint":                                   {4, 0.3},
	"CreateVpcEndpointServiceConfiguration":               {10, 1},
	"DeleteClientVpnRoute":                                {5, 2},
	"DeleteCoipCidr":                                      {5, 1},
	"DeleteCoipPool":                                      {5, 1},
	"DeleteCoipPoolPermission":                            {5, 1},
	"DeleteNatGateway":                                    {10, 1},
	"DeleteNetworkInterface":                              {100, 5},
	"DeleteSnapshot":                                      {100, 5},
	"DeleteSpotDatafeedSubscription":                      {50, 3},
	"DeleteSubnetCidrReservation":                         {5, 1},
	"DeleteQueuedReservedInstances":                       {5, 5},
	"DeleteTags":                                          {100, 10},
	"DeleteVerifiedAccessEndpoint":                        {20, 4},
	"DeleteVerifiedAccessGroup":                           {10, 2},
	"DeleteVerifiedAccessInstance":                        {10, 2},
	"DeleteVerifiedAccessTrustProvider":                   {10, 2},
	"DeleteVolume":                                        {100, 5},
	"DeleteVpcEndpoints":                                  {4, 0.3},
	"DeleteVpcEndpointServiceConfigurations":              {10, 1},
	"DeprovisionByoipCidr":                                {1, 0.1},
	"DeregisterImage":                                     {100, 5},
	"DescribeAggregateIdFormat":                           {10, 10},
	"DescribeByoipCidrs":                                  {1, 0.5},
	"DescribeCapacityBlockExtensionOfferings":             {10, 0.15},
	"DescribeCapacityBlockOfferings":                      {10, 0.15},
	"DescribeDeclarativePoliciesReports":                  {5, 5},
	"DescribeHostReservations":                            {5, 2},
	"DescribeHostReservationOfferings":                    {5, 2},
	"DescribeIdentityIdFormat":                            {10, 10},
	"DescribeIdFormat":                                    {10, 10},
	"DescribeInstanceTopology":                            {1, 1},
	"DescribeMovingAddresses":                             {1, 1},
	"DescribePrincipalIdFormat":                           {10, 10},
	"DescribeReservedInstancesOfferings":                  {10, 10},
	"DescribeSecurityGroupReferences":                     {20, 5},
	"DescribeSpotDatafeedSubscription":                    {100, 13},
	"DescribeSpotFleetInstances":                          {100, 5},
	"DescribeSpotFleetRequestHistory":                     {100, 5},
	"DescribeSpotFleetRequests":                           {50, 3},
	"DescribeStaleSecurityGroups":                         {20, 5},
	"DescribeStoreImageTasks":                             {50, 0.5},
	"DescribeVerifiedAccessInstanceLoggingConfigurations": {10, 2},
	"DetachVerifiedAccessTrustProvider":                   {10, 2},
	"DisableFastLaunch":                                   {5, 2},
	"DisableImageBlockPublicAccess":                       {1, 0.1},
	"DisableSnapshotBlockPublicAccess":                    {1, 0.1},
	"DisassociateCapacityReservationBillingOwner":         {1, 0.5},
	"DisassociateEnclaveCertificateIamRole":               {10, 1},
	"DisassociateIamInstanceProfile":                      {100, 5},
	"DisassociateNatGatewayAddress":                       {10, 1},
	"EnableFastLaunch":                                    {5, 2},
	"EnableImageBlockPublicAccess":                        {1, 0.1},
	"EnableSnapshotBlockPublicAccess":                     {1, 0.1},
	"GetAssociatedEnclaveCertificateIamRoles":             {10, 1},
	"GetDeclarativePoliciesReportSummary":                 {5, 5},
	"GetHostReservationPurchasePreview":                   {5, 2},
	"ModifyImageAttribute":                                {100, 5},
	"ModifyInstanceMetadataDefaults":                      {2, 2},
	"ModifyInstanceMetadataOptions":                       {100, 5},
	"ModifyLaunchTemplate":                                {100, 5},
	"ModifyNetworkInterfaceAttribute":                     {100, 5},
	"ModifySnapshotAttribute":                             {100, 5},
	"ModifyVerifiedAccessEndpoint":                        {20, 4},
	"ModifyVerifiedAccessEndpointPolicy":                  {20, 4},
	"ModifyVerifiedAccessGroup":                           {10, 2},
	"ModifyVerifiedAccessGroupPolicy":                     {20, 4},
	"ModifyVerifiedAccessInstance":                        {10, 2},
	"ModifyVerifiedAccessInstanceLoggingConfiguration":    {10, 2},
	"ModifyVerifiedAccessTrustProvider":                   {10, 2},
	"ModifyVpcEndpoint":                                   {4, 0.3},
	"ModifyVpcEndpointServiceConfiguration":               {10, 1},
	"MoveAddressToVpc":                                    {1, 1},
	"ProvisionByoipCidr":                                  {1, 0.1},
	"PurchaseCapacityBlock":                               {10, 0.15},
	"PurchaseCapacityBlockExtension":                      {10, 0.15},
	"PurchaseHostReservation":                             {5, 2},
	"PurchaseReservedInstancesOffering":                   {5, 5},
	"RejectVpcEndpointConnections":                        {10, 1},
	"RestoreAddressToClassic":                             {1, 1},
	"RevokeClientVpnIngress":                              {5, 2},
	"RunInstances":                                        {5, 2},
	"StartDeclarativePoliciesReport":                      {1, 1},
	"StartInstances":                                      {5, 2},
	"TerminateInstances":                                  {100, 5},
	"UnassignPrivateIpAddresses":                          {100, 5},
	"UnassignPrivateNatGatewayAddress":                    {10, 1},
	"WithdrawByoipCidr":                                   {1, 0.1},
}

// ec2ResourceLimits are the resource token buckets: a request draws one
// token per instance it launches, starts, stops or terminates, in addition
// to its request token.
var ec2ResourceLimits = map[string]bucket{
	"RunInstances":       {1000, 2},
	"TerminateInstances": {1000, 20},
	"StartInstances":     {1000, 2},
	"StopInstances":      {1000, 20},
}
