package redislimit_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
	"github.com/redis/go-redis/v9"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// openBackend returns a store of a new Backend (closed at the end) with a
// logger writing to log.
func openBackend(t *testing.T, url, onErr, key string, log *syncBuffer) ratelimit.Store {
	t.Helper()
	b := redislimit.NewBackend(func(o *redislimit.Options) {
		o.Logger = slog.New(slog.NewTextHandler(log, nil))
	})
	t.Cleanup(func() { _ = b.Close() })
	s, err := b.Open(t.Context(), ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: url, OnBackendError: onErr}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRedisKilledLocal: Redis dies mid-run; with on_backend_error local the
// requests go on at once under the local limit, one record is logged, and
// after a restart the limit is shared again.
func TestRedisKilledLocal(t *testing.T) {
	srv := redistest.Run(t)
	var log syncBuffer
	s := openBackend(t, srv.URL(), "local", "123456789012:us-east-1", &log)
	const n, iv = 10, 200 * time.Millisecond
	l := ratelimit.New(ratelimit.Limit{MaxCount: n, Interval: iv, Block: true}, ratelimit.WithStore(s))
	wait := func() time.Time {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		if err := l.Wait(ctx); err != nil {
			t.Fatalf("Wait: %v", err)
		}
		return time.Now()
	}
	for range 2 * n {
		wait()
	}
	srv.Kill()
	killed := time.Now()
	var during []time.Time
	for range 3 * n {
		during = append(during, wait())
	}
	if d := during[0].Sub(killed); d > time.Second {
		t.Errorf("first admission %v after the kill, want within 1s", d)
	}
	// Under the local limit: 3n starts need at least 2 intervals.
	if d := during[len(during)-1].Sub(during[0]); d < 2*iv-20*time.Millisecond {
		t.Errorf("%d admissions during the outage in %v: over the local limit of %d per %v", len(during), d, n, iv)
	}
	if c := strings.Count(log.String(), "redis unavailable"); c != 1 {
		t.Errorf("%d outage records, want 1:\n%s", c, log.String())
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv)
	deadline := time.Now().Add(3 * time.Second)
	for c.Exists(t.Context(), "awsaccount:123456789012:us-east-1").Val() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no start recorded in Redis 3s after its restart; log:\n%s", log.String())
		}
		wait()
	}
	if !strings.Contains(log.String(), "redis answers again") {
		t.Errorf("no record of the end of the outage:\n%s", log.String())
	}
	// Shared again: another process's fail-fast limiter sees this one's
	// starts in Redis. (A window of 10s, so that the check does not depend
	// on how fast a loaded machine makes the starts.)
	for range n - 1 {
		wait()
	}
	other := redislimit.NewStore(c, "awsaccount:123456789012:us-east-1")
	r, err := other.Reserve(t.Context(), ratelimit.Limit{MaxCount: n, Interval: 10 * time.Second}, 0)
	if err != nil || r.OK {
		t.Errorf("another store's fail-fast Reserve after this one's %d starts = %+v, %v; want refused", n, r, err)
	}
}

// TestRedisKilledFail: with on_backend_error fail, requests fail with
// ErrBackend while Redis is down, fast, and succeed again after a restart.
func TestRedisKilledFail(t *testing.T) {
	srv := redistest.Run(t)
	var log syncBuffer
	s := openBackend(t, srv.URL(), "fail", "123456789012:eu-west-1", &log)
	l := ratelimit.New(ratelimit.Limit{MaxCount: 1000, Interval: time.Second, Block: true}, ratelimit.WithStore(s))
	if err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	for i := range 20 {
		begin := time.Now()
		err := l.Wait(t.Context())
		if !errors.Is(err, redislimit.ErrBackend) {
			t.Fatalf("Wait %d with Redis down = %v, want ErrBackend", i, err)
		}
		if d := time.Since(begin); d > 500*time.Millisecond {
			t.Errorf("Wait %d took %v to fail", i, d)
		}
		var be *redislimit.BackendError
		if !errors.As(err, &be) || be.Key != "awsaccount:123456789012:eu-west-1" || be.Err == nil {
			t.Errorf("error %v: want a *BackendError naming the key and the cause", err)
		}
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for l.Wait(t.Context()) != nil {
		if time.Now().After(deadline) {
			t.Fatal("still failing 3s after the restart")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRedisSlow: a server that does not answer within the timeout counts as
// down: local falls back within the timeout, fail fails with a timeout.
func TestRedisSlow(t *testing.T) {
	for name, onErr := range map[string]string{"local": "local", "fail": "fail"} {
		t.Run(name, func(t *testing.T) {
			srv := redistest.Run(t)
			c := newClient(t, srv)
			var log syncBuffer
			s := openBackend(t, srv.URL(), onErr, "slow:"+name, &log)
			l := ratelimit.New(ratelimit.Limit{MaxCount: 1000, Interval: time.Second, Block: true}, ratelimit.WithStore(s))
			if err := l.Wait(t.Context()); err != nil { // connected
				t.Fatal(err)
			}
			if err := c.ClientPause(t.Context(), 700*time.Millisecond).Err(); err != nil {
				t.Fatal(err)
			}
			begin := time.Now()
			err := l.Wait(t.Context())
			if d := time.Since(begin); d > 600*time.Millisecond {
				t.Errorf("Wait against a paused server took %v", d)
			}
			switch onErr {
			case "local":
				if err != nil {
					t.Errorf("Wait = %v, want admitted by the local fallback", err)
				}
			case "fail":
				var ne net.Error
				timeout := errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
				if !errors.Is(err, redislimit.ErrBackend) || !timeout {
					t.Errorf("Wait = %v, want ErrBackend wrapping a timeout", err)
				}
			}
		})
	}
}

// TestPasswordNeverShown: a URL's password appears in no error, log record
// or String.
func TestPasswordNeverShown(t *testing.T) {
	const secret = "s3cr3t-pw"
	var log syncBuffer
	b := redislimit.NewBackend(func(o *redislimit.Options) {
		o.Logger = slog.New(slog.NewTextHandler(&log, nil))
	})
	defer b.Close()
	var shown []string
	for _, url := range []string{
		"redis://user:" + secret + "@127.0.0.1:1/0",
		"redis://user:" + secret + "@127.0.0.1:1/notanumber",
		"redis://user:" + secret + "/x@127.0.0.1:1/0", // breaks the URL
		"http://user:" + secret + "@127.0.0.1:1/0",
	} {
		s, err := b.Open(t.Context(), ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: url, OnBackendError: "fail"}}, "k")
		if err != nil {
			if !errors.Is(err, redislimit.ErrInvalidSpec) {
				t.Errorf("Open(%q) = %v, want ErrInvalidSpec", strings.ReplaceAll(url, secret, "…"), err)
			}
			shown = append(shown, err.Error())
			continue
		}
		shown = append(shown, s.(interface{ String() string }).String())
		_, err = s.Reserve(t.Context(), ratelimit.Limit{MaxCount: 1, Interval: time.Second}, 0)
		if !errors.Is(err, redislimit.ErrBackend) {
			t.Errorf("Reserve against a dead port = %v, want ErrBackend", err)
		}
		shown = append(shown, err.Error())
	}
	shown = append(shown, log.String())
	for _, s := range shown {
		if strings.Contains(s, secret) {
			t.Errorf("password shown in %q", s)
		}
	}
}

func TestOpenSpecErrors(t *testing.T) {
	b := redislimit.NewBackend()
	defer b.Close()
	tests := map[string]ratelimit.BackendSpec{
		"no redis block":           {},
		"unknown on_backend_error": {Redis: &ratelimit.RedisSpec{URL: "redis://127.0.0.1:1/0", OnBackendError: "retry"}},
		"bad scheme":               {Redis: &ratelimit.RedisSpec{URL: "http://127.0.0.1:1/0"}},
	}
	for name, spec := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := b.Open(t.Context(), spec, "k"); !errors.Is(err, redislimit.ErrInvalidSpec) {
				t.Errorf("Open = %v, want ErrInvalidSpec", err)
			}
		})
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Open(t.Context(), ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: "redis://127.0.0.1:1/0"}}, "k"); !errors.Is(err, redislimit.ErrBackend) {
		t.Errorf("Open after Close = %v, want ErrBackend", err)
	}
}

// TestBackendSharesClients: two keys on one URL share one client; the
// prefix and the key make the Redis key.
func TestBackendSharesClients(t *testing.T) {
	srv := redistest.Run(t)
	b := redislimit.NewBackend()
	defer b.Close()
	open := func(prefix, key string) *redislimit.Store {
		s, err := b.Open(t.Context(), ratelimit.BackendSpec{Redis: &ratelimit.RedisSpec{URL: srv.URL(), Prefix: prefix}}, key)
		if err != nil {
			t.Fatal(err)
		}
		return s.(*redislimit.Store)
	}
	a, c := open("", "111:us-east-1"), open("fleet", "111:us-east-1:ec2")
	if got := redislimit.Key(a); got != "awsaccount:111:us-east-1" {
		t.Errorf("key %q, want awsaccount:111:us-east-1", got)
	}
	if got := redislimit.Key(c); got != "fleet:111:us-east-1:ec2" {
		t.Errorf("key %q, want fleet:111:us-east-1:ec2", got)
	}
	if !redislimit.SameClient(a, c) {
		t.Error("two stores of one URL have different clients")
	}
}

// TestKnobChangeDuringOutage: requests wait on a limit kept in Redis; Redis
// stops answering (paused: connections accepted, commands never answered;
// killed: connections refused) and the limit is raised. The change returns
// at once, though giving the waiting requests new turns needs Redis, and
// the requests are then admitted by the local fallback.
func TestKnobChangeDuringOutage(t *testing.T) {
	tests := map[string]func(*redistest.Server, *redis.Client) error{
		"paused": func(_ *redistest.Server, admin *redis.Client) error {
			return admin.ClientPause(context.Background(), 3*time.Second).Err()
		},
		"killed": func(srv *redistest.Server, _ *redis.Client) error { srv.Kill(); return nil },
	}
	for name, stop := range tests {
		t.Run(name, func(t *testing.T) {
			srv := redistest.Run(t)
			admin := newClient(t, srv)
			s := redislimit.NewStore(newClient(t, srv), "outage:"+name)
			var granted atomic.Int32
			redislimit.SetHooks(s, func(uint64, time.Time, ratelimit.Limit) { granted.Add(1) }, nil)
			l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Hour, Block: true}, ratelimit.WithStore(s))
			if err := l.Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
			const waiters = 5
			errs := make(chan error, waiters)
			for range waiters {
				go func() { errs <- l.Wait(t.Context()) }()
			}
			for deadline := time.Now().Add(5 * time.Second); granted.Load() < 1+waiters; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d starts granted in Redis, want %d", granted.Load(), 1+waiters)
				}
			}
			if err := stop(srv, admin); err != nil {
				t.Fatal(err)
			}
			begin := time.Now()
			l.SetMaxCount(1000)
			took := time.Since(begin)
			t.Logf("SetMaxCount with Redis %s and %d requests waiting took %v", name, waiters, took)
			if took > 10*time.Millisecond {
				t.Errorf("SetMaxCount took %v with Redis %s, want < 10ms", took, name)
			}
			for i := range waiters {
				select {
				case err := <-errs:
					if err != nil {
						t.Errorf("waiting request: %v", err)
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("%d of %d waiting requests still waiting 10s after the limit was raised", waiters-i, waiters)
				}
			}
		})
	}
}

// TestCancelStartsOutage: a Cancel that Redis does not answer starts an
// outage, so the Cancels and Reserves that follow do not wait for Redis.
func TestCancelStartsOutage(t *testing.T) {
	srv := redistest.Run(t)
	admin := newClient(t, srv)
	s := redislimit.NewStore(newClient(t, srv), "cancel-outage")
	one := ratelimit.Limit{MaxCount: 1, Interval: time.Hour, Block: true}
	var held []ratelimit.Reservation
	for range 3 {
		r, err := s.Reserve(t.Context(), one, -1)
		if err != nil || !r.OK {
			t.Fatalf("Reserve = %+v, %v", r, err)
		}
		held = append(held, r)
	}
	if err := admin.ClientPause(t.Context(), 2*time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	s.Cancel(t.Context(), held[2]) // times out: the outage starts
	first := time.Since(begin)
	begin = time.Now()
	s.Cancel(t.Context(), held[1])
	if _, err := s.Reserve(t.Context(), one, -1); err != nil {
		t.Fatalf("Reserve during the outage = %v, want the local fallback", err)
	}
	if rest := time.Since(begin); rest > 100*time.Millisecond {
		t.Errorf("a Cancel and a Reserve after a Cancel timed out (in %v) took %v, want no wait for Redis", first, rest)
	}
}

// lateContext is a context past its deadline whose timer has not fired
// yet: Err is nil, as for an instant on a loaded machine.
type lateContext struct{ context.Context }

func (c lateContext) Deadline() (time.Time, bool) { return time.Now().Add(-time.Millisecond), true }

// TestCallerDeadlineIsNoOutage: a Redis call that fails because the
// caller's deadline passed says nothing about Redis: no ErrBackend, no
// outage, even before the context reports it.
func TestCallerDeadlineIsNoOutage(t *testing.T) {
	srv := redistest.Run(t)
	s := redislimit.NewStore(newClient(t, srv), "caller-deadline", func(o *redislimit.Options) { o.OnError = redislimit.Fail })
	one := ratelimit.Limit{MaxCount: 1, Interval: time.Hour}
	_, err := s.Reserve(lateContext{t.Context()}, one, 0)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redislimit.ErrBackend) {
		t.Fatalf("Reserve past the caller's deadline = %v, want context.DeadlineExceeded, not ErrBackend", err)
	}
	if r, err := s.Reserve(t.Context(), one, 0); err != nil || !r.OK {
		t.Fatalf("next Reserve = %+v, %v; want granted by Redis", r, err)
	}
}
