package awsaccount

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"golang.org/x/sync/singleflight"
)

// Account is an AWS account reached through a Session: its id and aliases,
// cached. Because the session's role stack can change, the cache is keyed by
// the account id the session currently acts in.
//
// An Account is safe for concurrent use by multiple goroutines.
type Account struct {
	session *Session

	mu      sync.Mutex
	aliases map[string][]string // account id → aliases; guarded by mu
	sf      singleflight.Group
}

// NewAccount returns the account that s acts in.
func NewAccount(s *Session) *Account {
	return &Account{session: s, aliases: make(map[string][]string)}
}

// Session returns the session the account was built on.
func (a *Account) Session() *Session { return a.session }

// AccountID returns the id of the account (see Session.AccountID).
func (a *Account) AccountID(ctx context.Context) (string, error) {
	return a.session.AccountID(ctx)
}

// Aliases returns the account's aliases (IAM ListAccountAliases, all pages),
// cached per account id once it has some. An account without aliases is
// asked again at the next call (concurrent calls share one request), so an
// alias created meanwhile shows. The slice is the caller's to keep.
func (a *Account) Aliases(ctx context.Context) ([]string, error) {
	id, err := a.AccountID(ctx)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	cached, ok := a.aliases[id]
	a.mu.Unlock()
	if ok {
		return append([]string(nil), cached...), nil
	}
	cfg := globalConfig(a.session.Config())
	ch := a.sf.DoChan(id, func() (any, error) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.session.opts.IdentityTimeout)
		defer cancel()
		var out []string
		p := iam.NewListAccountAliasesPaginator(iam.NewFromConfig(cfg), &iam.ListAccountAliasesInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(cctx)
			if err != nil {
				return nil, err
			}
			out = append(out, page.AccountAliases...)
		}
		if out == nil {
			return []string{}, nil
		}
		a.mu.Lock()
		a.aliases[id] = out
		a.mu.Unlock()
		return out, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, fmt.Errorf("awsaccount: list account aliases of %s: %w", id, res.Err)
		}
		return append([]string(nil), res.Val.([]string)...), nil
	}
}

// Alias returns the first alias of the account, or its id when it has none.
func (a *Account) Alias(ctx context.Context) (string, error) {
	aliases, err := a.Aliases(ctx)
	if err != nil {
		return "", err
	}
	if len(aliases) > 0 {
		return aliases[0], nil
	}
	return a.AccountID(ctx)
}

// String describes the account by its session, without secrets.
func (a *Account) String() string { return "Account{" + a.session.String() + "}" }

// GoString is String: %#v must neither print secrets nor read fields that
// other goroutines write.
func (a *Account) GoString() string { return a.String() }

// knownID returns the account id if it is known without a network call:
// from the identity memo, else from the ARN of the assumed role. It takes
// no lock.
func (a *Account) knownID() string {
	top := a.session.top.Load()
	if ident := top.ident.Load(); ident != nil {
		return ident.accountID
	}
	if top.role != nil {
		return arnAccount(top.role.RoleArn)
	}
	return ""
}

// knownIdentity returns the account id and first alias if they are known
// without a network call: from the identity memo, else from the ARN of the
// assumed role.
func (a *Account) knownIdentity() (id, alias string) {
	if id = a.knownID(); id == "" {
		return "", ""
	}
	a.mu.Lock()
	if aliases := a.aliases[id]; len(aliases) > 0 {
		alias = aliases[0]
	}
	a.mu.Unlock()
	return id, alias
}
