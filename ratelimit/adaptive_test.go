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
// not lower it again; with no throttle the rate recovers, CUBIC-like, and
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
	// K = cbrt(20·0.3/0.4) ≈ 2.47s to regain 20/s.
	rateAt := func(d time.Duration) float64 {
		clock.Advance(d)
		_ = l.Wait(ctx) // looks at the recovery; admitted or refused
		return l.Effective().PerSecond()
	}
	r1 := rateAt(time.Second)
	if want := 0.4*math.Pow(1-math.Cbrt(15), 3) + 20; math.Abs(r1-want) > 0.01 {
		t.Fatalf("1s after the decrease: %v/s, want %.2f/s", r1, want)
	}
	if r2 := rateAt(time.Second); r2 <= r1 || r2 >= 20 {
		t.Fatalf("2s after the decrease: %v/s, want between %v and 20", r2, r1)
	}
	if got := rateAt(time.Second); l.Effective() != conf {
		t.Fatalf("3s after the decrease: effective %v (%v/s), want the knobs' %v", l.Effective(), got, conf)
	}
}

// TestAdaptiveForms: a window is lowered to a window of one, an unlimited
// limit to a bucket of one at 0.7 times the measured rate.
func TestAdaptiveForms(t *testing.T) {
	ctx := context.Background()
	tests := map[string]struct {
		conf  ratelimit.Limit
		admit int
		want  ratelimit.Limit
	}{
		"window": {ratelimit.Limit{MaxCount: 10, Interval: time.Second, Block: true}, 10,
			ratelimit.Limit{MaxCount: 1, Interval: time.Duration(math.Ceil(1e9 / 7)), Block: true}},
		// 200 admissions in the first half second: 400/s measured.
		"unlimited": {ratelimit.Limit{Block: true}, 200, ratelimit.Limit{Burst: 1, Rate: 280, Block: true}},
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
