package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

// Two Limiters, as in two processes, share 2 starts per second through
// Redis: the third request, fail-fast, is refused.
func Example() {
	srv, err := redistest.Start() // a throwaway redis-server
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	b := redislimit.NewBackend()
	defer b.Close()
	spec := ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: srv.URL()}}
	limit := ratelimit.Limit{MaxCount: 2, Interval: time.Second}
	var workers []*ratelimit.Limiter
	for range 2 {
		store, err := b.Open(context.Background(), spec, "123456789012:us-east-1")
		if err != nil {
			fmt.Println(err)
			return
		}
		workers = append(workers, ratelimit.New(limit, ratelimit.WithStore(store)))
	}
	ctx := context.Background()
	fmt.Println(workers[0].Wait(ctx))
	fmt.Println(workers[1].Wait(ctx))
	fmt.Println(errors.Is(workers[0].Wait(ctx), ratelimit.ErrExceeded))
	// Output:
	// <nil>
	// <nil>
	// true
}

// With on_backend_error local (the default), an unreachable Redis leaves
// each process its own copy of the limit.
func Example_fallback() {
	b := redislimit.NewBackend()
	defer b.Close()
	spec := ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: "redis://127.0.0.1:1/0"}}
	store, err := b.Open(context.Background(), spec, "123456789012:us-east-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second}, ratelimit.WithStore(store))
	ctx := context.Background()
	fmt.Println(l.Wait(ctx))
	fmt.Println(errors.Is(l.Wait(ctx), ratelimit.ErrExceeded))
	// Output:
	// <nil>
	// true
}
