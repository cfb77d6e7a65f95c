package redislimit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/internal/redistest"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
	"github.com/redis/go-redis/v9"
)

// helperEnv selects the helper mode of the test binary: its value is a
// helperConfig in JSON.
const helperEnv = "REDISLIMIT_TEST_HELPER"

// helperConfig is what one helper process does: Goroutines goroutines
// admit requests through one Limiter on Key until Deadline; after
// ChangeAfter (if set) the Limiter's knobs become ChangeMax and ChangeBlock.
type helperConfig struct {
	Addr        string
	Key         string
	Limit       ratelimit.Limit
	Goroutines  int
	Deadline    time.Time
	ChangeAfter time.Duration
	ChangeMax   int
	ChangeBlock bool
}

// helperLine is one line a helper prints: a start it was granted (Start in
// the server's clock, Max the MaxCount it was granted under), a start it
// gave back (Cancel), or its final counts (Done).
type helperLine struct {
	ID       uint64    `json:"id,omitempty"`
	Start    time.Time `json:"start,omitzero"`
	Max      int       `json:"max,omitempty"`
	Changed  bool      `json:"changed,omitempty"`
	Cancel   uint64    `json:"cancel,omitempty"`
	Done     bool      `json:"done,omitempty"`
	Admitted int       `json:"admitted,omitempty"`
	Refused  int       `json:"refused,omitempty"`
	Errors   []string  `json:"errors,omitempty"`
}

// TestHelperProcess is not a test: it is the body of the processes the
// cross-process tests start (the test binary run again with helperEnv).
func TestHelperProcess(t *testing.T) {
	raw := os.Getenv(helperEnv)
	if raw == "" {
		t.Skip("helper process only")
	}
	var cfg helperConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(&redis.Options{Addr: cfg.Addr, PoolSize: cfg.Goroutines + 4,
		MaxRetries: -1, ContextTimeoutEnabled: true})
	defer client.Close()

	var mu sync.Mutex // guards out and changed
	out := json.NewEncoder(os.Stdout)
	changed := false
	emit := func(l helperLine) {
		mu.Lock()
		defer mu.Unlock()
		l.Changed = l.Changed || (changed && l.Start != time.Time{})
		_ = out.Encode(l)
	}
	store := redislimit.NewStore(client, cfg.Key, func(o *redislimit.Options) {
		o.OnError = redislimit.Fail
		o.Timeout = 2 * time.Second // a loaded CI box must not fail the run
	})
	redislimit.SetHooks(store,
		func(id uint64, start time.Time, l ratelimit.Limit) {
			emit(helperLine{ID: id, Start: start, Max: l.MaxCount})
		},
		func(id uint64) { emit(helperLine{Cancel: id}) })
	lim := ratelimit.New(cfg.Limit, ratelimit.WithStore(store))

	ctx, cancel := context.WithDeadline(context.Background(), cfg.Deadline)
	defer cancel()
	if cfg.ChangeAfter > 0 {
		timer := time.AfterFunc(cfg.ChangeAfter, func() {
			mu.Lock()
			changed = true
			mu.Unlock()
			lim.SetMaxCount(cfg.ChangeMax)
			lim.SetBlock(cfg.ChangeBlock)
		})
		defer timer.Stop()
	}
	var wg sync.WaitGroup
	var admitted, refused int
	var errs []string
	for range cfg.Goroutines {
		wg.Go(func() {
			for ctx.Err() == nil {
				err := lim.Wait(ctx)
				var ee *ratelimit.ExceededError
				switch {
				case err == nil:
					mu.Lock()
					admitted++
					mu.Unlock()
				case errors.Is(err, context.DeadlineExceeded):
					return // the next turn is after the deadline
				case errors.As(err, &ee):
					mu.Lock()
					refused++
					mu.Unlock()
					// A fail-fast client backs off as told.
					select {
					case <-time.After(ee.RetryAfter):
					case <-ctx.Done():
					}
				default:
					mu.Lock()
					errs = append(errs, err.Error())
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	emit(helperLine{Done: true, Admitted: admitted, Refused: refused, Errors: errs})
}

// helperResult is what one helper process reported.
type helperResult struct {
	starts  []helperLine // granted and not given back
	done    helperLine
	stderr  string
	process int
}

// runHelpers runs one helper process per config, at once, and collects
// their reports.
func runHelpers(t *testing.T, cfgs []helperConfig) []helperResult {
	t.Helper()
	results := make([]helperResult, len(cfgs))
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		raw, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"="+string(raw))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			err := cmd.Wait()
			res := helperResult{stderr: stderr.String(), process: i}
			byID := map[uint64]int{}
			sc := bufio.NewScanner(&stdout)
			for sc.Scan() {
				var l helperLine
				if !bytes.HasPrefix(sc.Bytes(), []byte("{")) || json.Unmarshal(sc.Bytes(), &l) != nil {
					continue // go test's own output
				}
				switch {
				case l.Done:
					res.done = l
				case l.Cancel != 0:
					if j, ok := byID[l.Cancel]; ok {
						res.starts[j].Max = -1 // given back
					}
				default:
					if l.ID != 0 {
						byID[l.ID] = len(res.starts)
					}
					res.starts = append(res.starts, l)
				}
			}
			res.starts = slices.DeleteFunc(res.starts, func(l helperLine) bool { return l.Max < 0 })
			if err != nil || !res.done.Done {
				res.done.Errors = append(res.done.Errors, fmt.Sprintf("process %d: %v: %s", i, err, res.stderr))
			}
			results[i] = res
		})
	}
	wg.Wait()
	for _, r := range results {
		for _, e := range r.done.Errors {
			t.Errorf("helper %d: %s", r.process, e)
		}
	}
	return results
}

// allStarts merges the starts of every process, in time order.
func allStarts(results []helperResult) []helperLine {
	var all []helperLine
	for _, r := range results {
		all = append(all, r.starts...)
	}
	slices.SortFunc(all, func(a, b helperLine) int { return a.Start.Compare(b.Start) })
	return all
}

// checkWindows wants no window of length iv to hold more than max of the
// starts all (in time order).
func checkWindows(t *testing.T, all []helperLine, max int, iv time.Duration) {
	t.Helper()
	for i := 0; i+max < len(all); i++ {
		if d := all[i+max].Start.Sub(all[i].Start); d < iv {
			t.Fatalf("%d starts within %v from %v: more than %d per %v", max+1, d, all[i].Start.Format(time.StampMicro), max, iv)
		}
	}
}

// checkGranted wants each start's window (of length iv, ending at it) to
// have held at most the MaxCount it was granted under, counting every
// process's earlier starts. (Starts at the very same instant may have been
// granted after it, under a larger MaxCount: they do not count.)
func checkGranted(t *testing.T, all []helperLine, iv time.Duration) {
	t.Helper()
	lo, same := 0, 0
	for i, s := range all {
		for !all[lo].Start.After(s.Start.Add(-iv)) {
			lo++
		}
		if i > 0 && all[i-1].Start.Equal(s.Start) {
			same++
		} else {
			same = 0
		}
		if n := i - same - lo + 1; n > s.Max {
			t.Fatalf("%d starts in the %v window ending at %v, granted under max %d", n, iv, s.Start.Format(time.StampMicro), s.Max)
		}
	}
}

// TestCrossProcessStrict: 4 processes × 16 goroutines share 100 per 500ms
// for 5s. No window of 500ms holds more than 100 of their starts, and they
// use at least 95% of the budget.
func TestCrossProcessStrict(t *testing.T) {
	if testing.Short() {
		t.Skip("5s run")
	}
	srv := redistest.Run(t)
	const (
		procs, goroutines = 4, 16
		max               = 100
		iv                = 500 * time.Millisecond
		run               = 5 * time.Second
	)
	deadline := time.Now().Add(run + 400*time.Millisecond) // + start-up of the processes
	cfg := helperConfig{Addr: srv.Addr(), Key: "test:strict", Goroutines: goroutines, Deadline: deadline,
		Limit: ratelimit.Limit{MaxCount: max, Interval: iv, Block: true}}
	results := runHelpers(t, slices.Repeat([]helperConfig{cfg}, procs))
	all := allStarts(results)
	if len(all) == 0 {
		t.Fatal("no starts")
	}
	checkWindows(t, all, max, iv)

	first := all[0].Start
	span := min(run, deadline.Sub(first))
	if span < run-iv {
		t.Fatalf("the processes took %v to start: too slow to measure", run-span)
	}
	used := 0
	for _, s := range all {
		if s.Start.Before(first.Add(span)) {
			used++
		}
	}
	budget := max * int((span+iv-1)/iv)
	per := make([]int, procs)
	for i, r := range results {
		per[i] = len(r.starts)
	}
	t.Logf("%d starts in %v from the first (budget %d, %.1f%%); per process %v", used, span, budget, 100*float64(used)/float64(budget), per)
	if used*100 < budget*95 {
		t.Errorf("used %d of a budget of %d starts: under 95%%", used, budget)
	}
	for i, n := range per {
		if n == 0 {
			t.Errorf("process %d got no start", i)
		}
	}
}

// TestCrossProcessChanges: three processes share 40 per 250ms. After 1s,
// B turns fail-fast with max 20 and C raises its max to 80, each on its
// own Limiter. Every start still keeps the limit it was granted under,
// counting all processes' starts; B is refused while A and C keep the
// window full, and C's raise is used.
func TestCrossProcessChanges(t *testing.T) {
	srv := redistest.Run(t)
	const iv = 250 * time.Millisecond
	base := helperConfig{Addr: srv.Addr(), Key: "test:changes", Goroutines: 8,
		Deadline: time.Now().Add(2500 * time.Millisecond),
		Limit:    ratelimit.Limit{MaxCount: 40, Interval: iv, Block: true}}
	b, c := base, base
	b.ChangeAfter, b.ChangeMax, b.ChangeBlock = time.Second, 20, false
	c.ChangeAfter, c.ChangeMax, c.ChangeBlock = time.Second, 80, true
	results := runHelpers(t, []helperConfig{base, b, c})
	all := allStarts(results)
	checkGranted(t, all, iv)
	checkWindows(t, all, 80, iv)

	if r := results[1].done.Refused; r == 0 {
		t.Error("B, fail-fast with max 20 beside a full window, was never refused")
	}
	most := 0
	for i, s := range all {
		n := 0
		for j := i; j < len(all) && all[j].Start.Before(s.Start.Add(iv)); j++ {
			n++
		}
		most = max(most, n)
	}
	if most <= 40 {
		t.Errorf("at most %d starts in a window: C's raise to 80 was not used", most)
	}
	t.Logf("admitted A %d, B %d (refused %d), C %d; at most %d starts in a %v window",
		results[0].done.Admitted, results[1].done.Admitted, results[1].done.Refused, results[2].done.Admitted, most, iv)
}
