package main

import (
	"context"
	"errors"

	"github.com/awsaccount/awsaccount"
)

// accountInfo is what the CLI shows of an account: who it is, or why that
// could not be found out.
type accountInfo struct {
	id, alias, arn string
	// err is a *awsaccount.CallError when the account's identity could
	// not be found (credentials refused, a role that cannot be assumed,
	// an endpoint out of reach). It names the account by id when that is
	// known, else by Source.
	err *awsaccount.CallError
}

// accountID is the account's id: looked up, or, for an account that could
// not say who it is, as far as its error knows it (from a role's ARN).
func (i accountInfo) accountID() string {
	if i.id == "" && i.err != nil {
		return i.err.AccountID
	}
	return i.id
}

// source is what the account is entered with ("profile dev", "access key
// AKIA****WXYZ"), when its id is not known.
func (i accountInfo) source() string {
	if i.accountID() == "" && i.err != nil {
		return i.err.Source
	}
	return ""
}

// shardKey is what --shard hashes for the account: its id, else (for an
// account that could not say who it is) what it is entered with.
func (i accountInfo) shardKey() string {
	if id := i.accountID(); id != "" {
		return id
	}
	return i.source()
}

// accountInfos asks every distinct account of targets who it is: STS
// GetCallerIdentity for the id and ARN, IAM for the alias. One target per
// account does the asking, through forEachTarget. An account that may not
// list its aliases is shown by id; an account that cannot say who it is
// gets its error, and the commands report it on its rows.
func accountInfos(ctx context.Context, set *awsaccount.RegionalAccountSet, targets []*awsaccount.RegionalAccount, concurrency int) map[*awsaccount.Account]accountInfo {
	var firsts []*awsaccount.RegionalAccount
	seen := map[*awsaccount.Account]bool{}
	for _, ra := range targets {
		if a := ra.Account(); !seen[a] {
			seen[a] = true
			firsts = append(firsts, ra)
		}
	}
	out := make(map[*awsaccount.Account]accountInfo, len(firsts))
	if len(firsts) == 0 {
		return out
	}
	for o := range forEachTarget(ctx, set, firsts, concurrency, nil, identify) {
		info := o.value
		if o.err != nil {
			info = accountInfo{err: asCallError(o.err, o.target)}
		}
		out[o.target.Account()] = info
	}
	return out
}

// identify is one account's identity lookup.
func identify(ctx context.Context, ra *awsaccount.RegionalAccount) (accountInfo, error) {
	a := ra.Account()
	var info accountInfo
	var err error
	if info.id, err = a.AccountID(ctx); err != nil {
		return info, err
	}
	if info.arn, err = a.Session().ARN(ctx); err != nil {
		return info, err
	}
	if alias, err := a.Alias(ctx); err == nil && alias != info.id {
		info.alias = alias
	}
	return info, nil
}

// asCallError returns err's *CallError, or one around err naming ra's
// region (for a target that never started).
func asCallError(err error, ra *awsaccount.RegionalAccount) *awsaccount.CallError {
	var ce *awsaccount.CallError
	if errors.As(err, &ce) {
		return ce
	}
	return &awsaccount.CallError{Region: ra.Region(), Err: err}
}
