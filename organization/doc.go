// Package organization turns the accounts of an AWS organization into
// targets: it lists the organization with the credentials of its
// management account (or of a delegated administrator), selects accounts
// by OU, id, name and tags, and builds a RegionalAccounts container for
// each selected one, entered through a member role. It builds on package
// awsaccount: the containers, targets, limits and role chains are the
// Registry's own.
//
// # In a config file
//
// An item of a RegionalAccountSet list may be an Organization instead of a
// RegionalAccounts; its keys are those of [Spec]:
//
//	RegionalAccountSet:
//	  - Organization:
//	      Account: *management          # who lists the organization: an Account block
//	      MemberRole:                   # how each member is entered (an AssumeRole block)
//	        RoleName: OrganizationAccountAccessRole   # the default; or RoleArn: 'arn:{partition}:iam::{account_id}:role/ops/Audit'
//	        RoleSessionName: awsacct    # and ExternalId, DurationSeconds, Policy, PolicyArns, Tags, SourceIdentity
//	      Include: {OrganizationalUnits: [ou-ab12-cdefgh34], Names: ['prod-*'], Tags: {env: 'prod*'}}
//	      Exclude: {Accounts: ['111122223333']}
//	      Statuses: [ACTIVE]            # the default
//	      ManagementAccount: own        # own (the default) | role | skip
//	      RateLimit: *rl                # per member account and region, as in RegionalAccounts
//	      Filter: *filter               # regions, as in RegionalAccounts (RegionSource too)
//	  - RegionalAccounts: ...           # items of both kinds mix in one set
//
// [Spec.Validate] refuses bad shapes before any network call, naming the
// key (MemberRole.RoleArn, Include.Names[1], ...): a RoleArn without
// {account_id}, both RoleName and RoleArn, an unknown ManagementAccount or
// status, a malformed OU or account id, a bad glob.
//
// # Selection
//
// OUs are walked recursively: an OU (or the root, r-...) in
// OrganizationalUnits stands for every account beneath it, at any depth.
// An account is selected when
//
//   - its status is in Statuses (default: ACTIVE only, so closed,
//     SUSPENDED accounts are left out);
//   - it matches every kind of Include given — OrganizationalUnits,
//     Accounts, Names, Tags — by any value within the kind (no Include:
//     the whole organization);
//   - it matches no value of any kind of Exclude: Exclude always wins.
//
// Names and tag values are globs (path.Match: *, ?, [a-z]); a tag matches
// by key and value. An OU or account id that the organization does not
// have is an error naming it ([UnknownIDError]), not an empty selection.
//
// # In a program
//
//	org, err := organization.Get(ctx, reg, spec) // lists the organization; kept in reg per spec
//	rows, err := org.Accounts(ctx)              // every account: OU path, tags, Selected, Reason
//	set, err := org.RegionalAccountSet(ctx)     // a container per selected account
//	for _, r := range awsaccount.ForEach(ctx, set, fn) { ... }
//
// [Get] keeps the Organization in the Registry as the Registry keeps its own
// objects (the same spec, by its canonical encoding with secrets hashed,
// gives the same Organization). The listing is renewed when it is older
// than [Options.TTL] (15 minutes), or by [Organization.Refresh].
//
// Each member's container has the Account of the Spec with the member role
// assumed on top of it (after any roles of its own), and the Spec's
// RateLimit, Filter, RateLimitRegionSpec, APILimits, service_name and
// RegionSource. Building them makes no API call: a member is entered at
// the first request of one of its targets, with one AssumeRole however
// many of its targets start at once. A member whose role cannot be assumed
// fails its own targets, with a *awsaccount.CallError naming the role; the
// others run. The management account, which has no member role of its own
// unless you made one, is entered with the listing credentials
// (ManagementAccount own), like a member (role), or left out (skip).
//
// # The listing
//
// The listing calls DescribeOrganization, ListRoots, and for the root and
// every OU, ListOrganizationalUnitsForParent and ListAccountsForParent, a
// page of 20 at a time; and ListTagsForResource once per account, but only
// when Include or Exclude selects by tags or [Options.ListTags] is set. The
// calls are made in the partition's home region (us-east-1 for aws) through
// a RegionalAccount of the Spec's Account, and pass a limiter of their own:
// AWS Organizations throttles at a few requests per second, so the default
// is 5 per second, blocking ([Options.RateLimit]). An organization of 500
// accounts in 20 OUs takes 64 calls, about 13 seconds at that pace; its
// tags take 500 more.
//
// A listing refused because the Account is in no organization
// (AWSOrganizationsNotInUseException) or is denied (AccessDeniedException,
// as for a member account that is not a delegated administrator) fails Get
// with a *awsaccount.CallError whose hint says what is needed.
//
// # IAM permissions
//
// The Account that lists the organization needs, in the management account
// or a delegated administrator account:
//
//	{
//	  "Effect": "Allow",
//	  "Action": [
//	    "organizations:DescribeOrganization",
//	    "organizations:ListRoots",
//	    "organizations:ListOrganizationalUnitsForParent",
//	    "organizations:ListAccountsForParent",
//	    "organizations:ListTagsForResource"
//	  ],
//	  "Resource": "*"
//	}
//
// (organizations:ListAccounts and ListChildren, which other tools use, are
// not called.) To enter the members it needs sts:AssumeRole on their role,
// e.g. arn:aws:iam::*:role/OrganizationAccountAccessRole, and the role must
// trust it: the OrganizationAccountAccessRole that Organizations creates
// trusts the management account; a delegated administrator needs a role
// of its own in every member (deployed by a StackSet, for example). With
// ManagementAccount own, the listing also asks sts:GetCallerIdentity (which
// needs no permission) whether its Account is the management account or a
// delegated administrator, unless a role's ARN says so.
package organization
