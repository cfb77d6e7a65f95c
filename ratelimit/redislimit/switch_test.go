package redislimit_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

// startLog notes the starts one process's Store grants, at the times the
// store decided them: Redis's TIME for a start Redis granted, the
// process's clock for one its fallback granted. Redis runs on this host, so
// both are the one wall clock. It wraps the Store to see which starts are
// given back.
type startLog struct {
	ratelimit.Store
	mu     sync.Mutex
	at     map[uint64]time.Time // by ID, from the store's hooks
	starts []loggedStart
}

type loggedStart struct {
	at   time.Time
	id   uint64
	gone bool
}

func newStartLog(s *redislimit.Store) *startLog {
	log := &startLog{Store: s, at: map[uint64]time.Time{}}
	note := func(id uint64, start time.Time) {
		log.mu.Lock()
		log.at[id] = start.Round(0) // the wall clock, as Redis's TIME
		log.mu.Unlock()
	}
	redislimit.SetHooks(s, func(id uint64, start time.Time, _ ratelimit.Limit) { note(id, start) }, nil)
	redislimit.SetLocalHook(s, note)
	return log
}

func (s *startLog) Reserve(ctx context.Context, l ratelimit.Limit, maxWait time.Duration) (ratelimit.Reservation, error) {
	r, err := s.Store.Reserve(ctx, l, maxWait)
	if err == nil && r.OK {
		s.mu.Lock()
		s.starts = append(s.starts, loggedStart{at: s.at[r.ID], id: r.ID})
		s.mu.Unlock()
	}
	return r, err
}

func (s *startLog) Cancel(ctx context.Context, r ratelimit.Reservation) {
	s.mu.Lock()
	for i := len(s.starts) - 1; i >= 0; i-- {
		if st := &s.starts[i]; st.id == r.ID && !st.gone {
			st.gone = true
			break
		}
	}
	s.mu.Unlock()
	s.Store.Cancel(ctx, r)
}

// standing returns the starts granted and not given back, in time order.
func (s *startLog) standing(t *testing.T) []time.Time {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Time
	for _, st := range s.starts {
		if st.id == 0 || st.at.IsZero() {
			t.Fatalf("a start with ID %d and no time from the hooks", st.id)
		}
		if !st.gone {
			out = append(out, st.at)
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// mostInWindow is the most starts (sorted) that fall in a window of
// length iv starting in [from, to), and where that window starts.
func mostInWindow(starts []time.Time, iv time.Duration, from, to time.Time) (most int, at time.Time) {
	for i, s := range starts {
		if s.Before(from) || !s.Before(to) {
			continue
		}
		n := 0
		for _, o := range starts[i:] {
			if o.Sub(s) >= iv {
				break
			}
			n++
		}
		if n > most {
			most, at = n, s
		}
	}
	return most, at
}

// TestOwnLimitAcrossSwitch: one process admits as fast as it may, 8
// goroutines under 20 per 500ms, on a limit kept in Redis with the local
// fallback. Redis stops answering mid-run and comes back a second later:
// killed and restarted empty, or paused (CLIENT PAUSE: connections
// accepted, commands answered only once the pause ends). Across both
// switches (Redis to local, local to Redis) no window of 500ms holds more
// than 20 of the process's starts: the fallback knows the starts Redis
// granted, and Redis, once back, learns the starts granted locally. The
// budget is still used, during the outage and after it.
func TestOwnLimitAcrossSwitch(t *testing.T) {
	const (
		max = 20
		iv  = 500 * time.Millisecond
		run = 3200 * time.Millisecond
		// Windows are checked with a slack for Redis's microseconds.
		slack = time.Millisecond
	)
	tests := map[string]struct {
		stop  func(*testing.T, *redistest.Server)
		start func(*testing.T, *redistest.Server)
	}{
		"killed and restarted": {
			stop: func(_ *testing.T, srv *redistest.Server) { srv.Kill() },
			start: func(t *testing.T, srv *redistest.Server) {
				if err := srv.Restart(); err != nil {
					t.Fatal(err)
				}
			},
		},
		"paused": {
			stop: func(t *testing.T, srv *redistest.Server) {
				if err := newClient(t, srv).ClientPause(t.Context(), time.Second).Err(); err != nil {
					t.Fatal(err)
				}
			},
			start: func(*testing.T, *redistest.Server) {}, // the pause ends
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := redistest.Run(t)
			store := redislimit.NewStore(newClient(t, srv), "switch", func(o *redislimit.Options) {
				o.ProbeInterval = 50 * time.Millisecond
			})
			log := newStartLog(store)
			l := ratelimit.New(ratelimit.Limit{MaxCount: max, Interval: iv, Block: true}, ratelimit.WithStore(log))

			begin := time.Now()
			ctx, cancel := context.WithDeadline(t.Context(), begin.Add(run))
			defer cancel()
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					for ctx.Err() == nil {
						err := l.Wait(ctx)
						if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
							t.Error(err)
							return
						}
					}
				})
			}
			time.Sleep(800 * time.Millisecond)
			tc.stop(t, srv)
			stopped := time.Now()
			time.Sleep(time.Second)
			tc.start(t, srv)
			back := time.Now()
			wg.Wait()

			starts := log.standing(t)
			end := begin.Add(run)
			most, at := mostInWindow(starts, iv-slack, begin, end)
			if most > max {
				t.Errorf("%d starts in the %v window from %v (stopped at %v, back at %v): over the limit of %d",
					most, iv-slack, at.Sub(begin).Round(time.Millisecond),
					stopped.Sub(begin).Round(time.Millisecond), back.Sub(begin).Round(time.Millisecond), max)
			}
			for _, p := range []struct {
				name     string
				from, to time.Time
			}{
				{"before", begin, stopped.Add(-iv)},
				{"across the stop", stopped.Add(-iv), stopped},
				{"during the outage", stopped, back.Add(-iv)},
				{"across the return", back.Add(-iv), back},
				{"after", back, end.Add(-iv)},
			} {
				// The windows that start in [from, to).
				most, _ := mostInWindow(starts, iv-slack, p.from, p.to)
				t.Logf("%s: at most %d starts in a %v window", p.name, most, iv)
				if most < max/2 {
					t.Errorf("%s: at most %d starts in a %v window: the budget of %d is not used", p.name, most, iv, max)
				}
			}
		})
	}
}

// TestRestartedServerRelearnsStarts: a process used its whole budget of 5
// per hour through Redis; Redis restarts empty. The process's fallback still
// refuses it, and once Redis answers, the process's starts are in Redis
// again: another process is refused too.
func TestRestartedServerRelearnsStarts(t *testing.T) {
	srv := redistest.Run(t)
	const key = "relearn"
	five := ratelimit.Limit{MaxCount: 5, Interval: time.Hour}
	a := redislimit.NewStore(newClient(t, srv), key, func(o *redislimit.Options) { o.ProbeInterval = 10 * time.Millisecond })
	for i := range 5 {
		if r, err := a.Reserve(t.Context(), five, 0); err != nil || !r.OK {
			t.Fatalf("start %d = %+v, %v", i, r, err)
		}
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	admin := newClient(t, srv)
	for deadline := time.Now().Add(5 * time.Second); admin.ZCard(t.Context(), key).Val() < 5; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Redis holds %d starts 5s after its restart, want the process's 5", admin.ZCard(t.Context(), key).Val())
		}
		if r, err := a.Reserve(t.Context(), five, 0); err != nil || r.OK {
			t.Fatalf("the process's 6th start = %+v, %v; want refused (by its fallback, then by Redis)", r, err)
		}
	}
	b := redislimit.NewStore(newClient(t, srv), key)
	if r, err := b.Reserve(t.Context(), five, 0); err != nil || r.OK {
		t.Fatalf("another process's start = %+v, %v; want refused", r, err)
	}
}
