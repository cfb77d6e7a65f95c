package main

import (
	"context"

	"errors"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"sync"

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

// accountBook finds out who each account is, once, when first asked: the
// first of an account's targets to ask does the asking (concurrent askers
// wait for it), so the lookups run inside the fan-out, not in a phase
// before it.
type accountBook struct {
	withARN bool // whoami needs the principal's ARN (a GetCallerIdentity)

	mu      sync.Mutex
	entries map[*awsaccount.Account]*bookEntry // requires mu
}

type bookEntry struct {
	done chan struct{} // closed once info is set
	info accountInfo
}

func newAccountBook(withARN bool) *accountBook {
	return &accountBook{withARN: withARN, entries: map[*awsaccount.Account]*bookEntry{}}
}

// lookup returns who ra's account is, asking on first need.
func (b *accountBook) lookup(ctx context.Context, ra *awsaccount.RegionalAccount) accountInfo {
	a := ra.Account()
	b.mu.Lock()
	e, ok := b.entries[a]
	if !ok {
		e = &bookEntry{done: make(chan struct{})}
		b.entries[a] = e
	}
	b.mu.Unlock()
	if !ok {
		info, err := identify(ctx, ra, b.withARN)
		if err != nil {
			info = accountInfo{err: asCallError(err, ra)}
		}
		e.info = info
		close(e.done)
		return info
	}
	select {
	case <-e.done:
		return e.info
	case <-ctx.Done():
		return accountInfo{err: asCallError(ctx.Err(), ra)}
	}
}

// known returns what lookup found for ra's account; the zero accountInfo
// when it was never asked.
func (b *accountBook) known(ra *awsaccount.RegionalAccount) accountInfo {
	b.mu.Lock()
	e, ok := b.entries[ra.Account()]
	b.mu.Unlock()
	if !ok {
		return accountInfo{}
	}
	select {
	case <-e.done:
		return e.info
	default:
		return accountInfo{}
	}
}

// lookupAll asks every distinct account of targets who it is, through the
// fan-out (one target per account does the asking), for the commands whose
// output is the accounts themselves (whoami, targets) and for --shard.
func (b *accountBook) lookupAll(ctx context.Context, set *awsaccount.RegionalAccountSet, targets []*awsaccount.RegionalAccount, concurrency int) {
	var firsts []*awsaccount.RegionalAccount
	seen := map[*awsaccount.Account]bool{}
	for _, ra := range targets {
		if a := ra.Account(); !seen[a] {
			seen[a] = true
			firsts = append(firsts, ra)
		}
	}
	if len(firsts) == 0 {
		return
	}
	for range forEachTarget(ctx, set, firsts, concurrency, nil, func(ctx context.Context, ra *awsaccount.RegionalAccount) (struct{}, error) {
		b.lookup(ctx, ra)
		return struct{}{}, nil
	}) {
	}
}

// identify is one account's identity lookup: its id (from a role's ARN
// without a call, else STS GetCallerIdentity), its alias (IAM), and with
// withARN the principal's ARN. The STS call goes through ra's client, so it
// passes ra's limit and its failure is a *CallError naming the account and
// what it is entered with, with a hint.
func identify(ctx context.Context, ra *awsaccount.RegionalAccount, withARN bool) (accountInfo, error) {
	a := ra.Account()
	var info accountInfo
	if id, err := a.AccountID(ctx); err == nil && !withARN {
		info.id = id // a role's, from its ARN: no call
	} else {
		out, err := awsaccount.Client(ra, sts.NewFromConfig).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return info, err
		}
		info.id, info.arn = aws.ToString(out.Account), aws.ToString(out.Arn)
	}
	// An account that may not list its aliases is shown by id.
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
