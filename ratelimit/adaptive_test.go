package ratelimit_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/ratelimit"
)

// TestAdaptive: a throttle lowers the rate to 0.7 times the rate in use,
// paced (burst 1); throttles of requests admitted before the decrease do
// not lower it again; with no throttle the rate recovers, CUBIC-like, flat a little below the
// throttled rate, and
// adaptive mode steps aside once it reaches the limit of the knobs.
func TestAdaptive(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	conf := ratelimit.Limit{Burst: 100, Rate: 20}
	l := ratelimit.New(conf, ratelimit.WithClock(clock), ratelimit.WithAdaptive(true))
	for range 50 {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	before := clock.Now()
	clock.Advance(10 * time.Millisecond)
	l.Throttled(clock.Now())
	if got, want := l.Effective(), (ratelimit.Limit{Burst: 1, Rate: 14}); got != want {
		t.Fatalf("after a throttle: effective %v, want %v", got, want)
	}
	if l.Limit() != conf {
		t.Fatalf("after a throttle: Limit() = %v, want the knobs' %v", l.Limit(), conf)
	}
	l.Throttled(before) // admitted before the decrease: the same event
	if st := l.Stats(); st.Throttled != 2 || st.Decreases != 1 {
		t.Fatalf("Stats() = %+v, want 2 throttles, 1 decrease", st)
	}
	if got := l.Effective().Rate; got != 14 {
		t.Fatalf("an old request's throttle lowered the rate to %v", got)
	}
	// The plateau w is 0.9·20 = 18/s, K = cbrt((1-14/18)/0.002) ≈ 4.81s to
	// reach it; then 20/s at K + cbrt((20/18-1)/0.002) ≈ 8.62s.
	w, k := 18.0, math.Cbrt((1-14.0/18)/0.002)
	rateAt := func(d time.Duration) float64 {
		clock.Advance(d)
		_ = l.Wait(ctx) // looks at the recovery; admitted or refused
		return l.Effective().PerSecond()
	}
	r1 := rateAt(time.Second)
	if want := w * (1 + 0.002*math.Pow(1-k, 3)); math.Abs(r1-want) > 0.01 {
		t.Fatalf("1s after the decrease: %v/s, want %.2f/s", r1, want)
	}
	if r4 := rateAt(3 * time.Second); r4 <= r1 || r4 >= w {
		t.Fatalf("4s after the decrease: %v/s, want between %v and the plateau %v", r4, r1, w)
	}
	if r8 := rateAt(4 * time.Second); r8 <= w || r8 >= 20 {
		t.Fatalf("8s after the decrease: %v/s, want between the plateau %v and 20", r8, w)
	}
	if got := rateAt(time.Second); l.Effective() != conf {
		t.Fatalf("9s after the decrease: effective %v (%v/s), want the knobs' %v", l.Effective(), got, conf)
	}
}

// TestAdaptiveForms: a window is lowered to a window of one, an unlimited
// limit to a bucket of one at 0.7 times the rate the server accepted.
func TestAdaptiveForms(t *testing.T) {
	ctx := context.Background()
	accepted := 398.0 // not a constant: the limiter's float arithmetic
	tests := map[string]struct {
		conf  ratelimit.Limit
		admit int
		want  ratelimit.Limit
	}{
		"window": {ratelimit.Limit{MaxCount: 10, Interval: time.Second, Block: true}, 10,
			ratelimit.Limit{MaxCount: 1, Interval: time.Duration(math.Ceil(1e9 / 7)), Block: true}},
		// 200 admissions in the first half second, the one reported
		// throttled: 398/s accepted.
		"unlimited": {ratelimit.Limit{Block: true}, 200, ratelimit.Limit{Burst: 1, Rate: 0.7 * accepted, Block: true}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock()
			l := ratelimit.New(tc.conf, ratelimit.WithClock(clock), ratelimit.WithAdaptive(true))
			for range tc.admit {
				if err := l.Wait(ctx); err != nil {
					t.Fatal(err)
				}
			}
			l.Throttled(clock.Now())
			if got := l.Effective(); got != tc.want {
				t.Fatalf("effective %v, want %v", got, tc.want)
			}
		})
	}
}

// TestNotAdaptive: without adaptive mode a throttle is only counted.
func TestNotAdaptive(t *testing.T) {
	l := ratelimit.New(ratelimit.Limit{Burst: 10, Rate: 1})
	l.Throttled(time.Now())
	if st := l.Stats(); st.Throttled != 1 || st.Decreases != 0 || l.Effective() != l.Limit() {
		t.Fatalf("Stats() = %+v, effective %v", st, l.Effective())
	}
	var nl *ratelimit.Limiter
	nl.Throttled(time.Now())
}

// TestAdaptiveRethrottled: a throttle less than a second after a decrease
// halves the rate in use (the last cut was far from enough) and grows back
// from there, not towards the rate refused twice.
func TestAdaptiveRethrottled(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	l := ratelimit.New(ratelimit.Limit{}, ratelimit.WithClock(clock), ratelimit.WithAdaptive(true))
	for range 200 {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	l.Throttled(clock.Now())
	first := l.Effective().Rate // 0.7 × 398/s (TestAdaptiveForms)
	clock.Advance(100 * time.Millisecond)
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	l.Throttled(clock.Now())
	if got := l.Effective(); got.Burst != 1 || math.Abs(got.Rate-0.5*first) > 1e-9 {
		t.Fatalf("throttled again 100ms after a decrease to %v/s: effective %v, want burst 1, %v/s", first, got, 0.5*first)
	}
	r0 := l.Effective().Rate
	clock.Advance(5 * time.Second)
	_ = l.Wait(ctx)
	if got, want := l.Effective().Rate, r0*(1+0.002*125); math.Abs(got-want) > 1e-6 {
		t.Fatalf("5s later: %v/s, want %v/s (the cubic from the new rate)", got, want)
	}
}

// TestAdaptiveCycleAverage: a throttle lowers the rate from what the server
// accepted since the last decrease (or the start), where the last second
// may hold a reserve spent; idle time in it lowers the rate in use by a
// third at most.
func TestAdaptiveCycleAverage(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		idle     time.Duration
		min, max float64 // the rate after the throttle
	}{
		{"busy", 0, 0.7 * 19, 0.7 * 20},
		{"idle first", 10 * time.Second, 0.7 * 2 / 3 * 19, 0.7 * 2 / 3 * 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			l := ratelimit.New(ratelimit.Limit{}, ratelimit.WithClock(clock), ratelimit.WithAdaptive(true))
			clock.Advance(tc.idle)
			for range 240 { // 12s at 20/s
				clock.Advance(50 * time.Millisecond)
				if err := l.Wait(ctx); err != nil {
					t.Fatal(err)
				}
			}
			l.Throttled(clock.Now())
			if got := l.Effective().Rate; got < tc.min || got > tc.max {
				t.Fatalf("after 12s at 20/s: %v/s, want between %v and %v", got, tc.min, tc.max)
			}
		})
	}
}
