package awsaccount

import (
	"context"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/awsaccount/awsaccount/ratelimit"
)

// lazyStore is a ratelimit.Store opened at its first admission, where a
// context is at hand: the key of a shared limit needs the account's id,
// which may take a call. One open runs at a time (detached from any one
// caller's cancel), no lock is held during it, and a failed open is tried
// again by the next admission.
type lazyStore struct {
	open  func(context.Context) (ratelimit.Store, error)
	store atomic.Pointer[storeBox]
	sf    singleflight.Group
}

type storeBox struct{ ratelimit.Store }

var _ ratelimit.Store = (*lazyStore)(nil)

func (s *lazyStore) get(ctx context.Context) (ratelimit.Store, error) {
	if b := s.store.Load(); b != nil {
		return b.Store, nil
	}
	ch := s.sf.DoChan("open", func() (any, error) {
		if b := s.store.Load(); b != nil {
			return b.Store, nil
		}
		st, err := s.open(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		s.store.Store(&storeBox{st})
		return st, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(ratelimit.Store), nil
	}
}

// Reserve implements ratelimit.Store.
func (s *lazyStore) Reserve(ctx context.Context, l ratelimit.Limit, maxWait time.Duration) (ratelimit.Reservation, error) {
	st, err := s.get(ctx)
	if err != nil {
		return ratelimit.Reservation{}, err
	}
	return st.Reserve(ctx, l, maxWait)
}

// Cancel implements ratelimit.Store; before the store is open there is
// nothing to give back.
func (s *lazyStore) Cancel(ctx context.Context, r ratelimit.Reservation) {
	if b := s.store.Load(); b != nil {
		b.Cancel(ctx, r)
	}
}
