package ratelimit

import (
	"math"
	"sync/atomic"
	"time"
)

// Adaptive mode follows the SDK's adaptive retry mode (aws/retry,
// adaptive_ratelimit.go): CUBIC congestion control over a request rate. A
// throttle lowers the rate to beta times the rate in use (the lower of the
// rate in force and the rate measured); then, while no throttle comes, the
// rate grows back as scale·(t-K)³ + wmax, t seconds after the decrease,
// where wmax is the rate before it and K the time to regain it: slowly near
// wmax, faster beyond. Unlike the SDK's, the rate never exceeds the limit
// the knobs set, and once it is back there adaptive mode steps aside.
//
// A lowered limit has Burst 1 (or MaxCount 1): a throttle means the
// server's bucket is empty, so requests are paced, not bursted, until the
// rate has recovered. Throttles of requests admitted before the last
// decrease are the same congestion event and do not lower the rate again.
const (
	adaptiveBeta  = 0.7 // the SDK's beta
	adaptiveScale = 0.4 // the SDK's scaleConstant
	// adaptiveMinRate is the lowest rate a decrease goes to (the SDK's
	// minFillRate).
	adaptiveMinRate = 0.5
	// adaptiveStep is how much the rate must have grown before the
	// recovered limit is put in force: each change costs a store call per
	// new admission, not per waiting request (a raise keeps their turns).
	adaptiveStep = 1.05
	// adaptiveTick is how often Wait looks at the recovery.
	adaptiveTick = 50 * time.Millisecond
)

// adaptive is the state of adaptive mode. Requires Limiter.mu, except next.
type adaptive struct {
	lowered bool    // a throttle lowered the rate, and it has not recovered
	rate    float64 // the rate in force while lowered
	wmax    float64 // the rate before the last decrease
	k       float64 // seconds from the last decrease to regain wmax
	since   time.Time
	// The admission meter: the Limiter's admissions at two moments about
	// a second apart.
	t0, t1 time.Time
	c0, c1 uint64
	// next is when Wait next looks at the recovery (UnixNano).
	next atomic.Int64
}

func newAdaptive(now time.Time) *adaptive {
	return &adaptive{t0: now, t1: now}
}

// Throttled reports that a request admitted by l at admitted was throttled
// by the server it went to. It counts the throttle (Stats.Throttled); in
// adaptive mode it also lowers the rate in force, unless the request was
// admitted before the rate was last lowered (the same congestion). The
// lowered limit is a bucket of Burst 1 (a window of MaxCount 1 if Limit()
// is a window), paced at 0.7 times the rate in use; requests already
// waiting get new turns under it. The rate then recovers as described on
// Options.Adaptive. A nil Limiter does nothing.
func (l *Limiter) Throttled(admitted time.Time) {
	if l == nil {
		return
	}
	l.stats.throttled.Add(1)
	if l.adapt == nil {
		return
	}
	if l.decrease(admitted) {
		l.recordRate()
	}
}

// decrease is Throttled's arithmetic, under mu; it reports whether the
// limit in force changed.
func (l *Limiter) decrease(admitted time.Time) bool {
	a := l.adapt
	l.mu.Lock()
	defer l.mu.Unlock()
	if a.lowered && admitted.Before(a.since) {
		return false
	}
	now := l.now()
	measured := l.measureLocked(now)
	use := measured
	if a.lowered {
		use = min(use, a.rate)
	} else if r := l.conf.Load().PerSecond(); r < use {
		use = r
	}
	a.wmax = max(use, adaptiveMinRate)
	a.rate = max(adaptiveBeta*use, adaptiveMinRate)
	a.k = math.Cbrt(a.wmax * (1 - adaptiveBeta) / adaptiveScale)
	a.since, a.lowered = now, true
	l.stats.decreases.Add(1)
	changed := l.publishLocked(l.lowered(*l.conf.Load()), true)
	a.next.Store(now.Add(adaptiveTick).UnixNano())
	return changed
}

// tick lets the lowered rate recover, at most once per adaptiveTick.
func (l *Limiter) tick() {
	now := l.now()
	if now.UnixNano() < l.adapt.next.Load() {
		return
	}
	if l.recoverStep(now) {
		l.recordRate()
	}
}

// recoverStep is tick's arithmetic, under mu; it reports whether the limit
// in force changed.
func (l *Limiter) recoverStep(now time.Time) bool {
	a := l.adapt
	l.mu.Lock()
	defer l.mu.Unlock()
	a.next.Store(now.Add(adaptiveTick).UnixNano())
	l.measureLocked(now)
	if !a.lowered {
		return false
	}
	conf := *l.conf.Load()
	t := now.Sub(a.since).Seconds()
	r := adaptiveScale*math.Pow(t-a.k, 3) + a.wmax
	if r >= conf.PerSecond() {
		a.lowered = false
		return l.publishLocked(conf, false)
	}
	if r >= a.rate*adaptiveStep {
		a.rate = r
		return l.publishLocked(l.lowered(conf), false)
	}
	return false
}

// measureLocked returns the rate of admissions over the last second or
// two, and moves the meter on. Requires mu held.
func (l *Limiter) measureLocked(now time.Time) float64 {
	a := l.adapt
	c := l.stats.admitted.Load()
	if d := now.Sub(a.t1); d >= time.Second {
		if d >= 2*time.Second { // idle: the old count says nothing of now
			a.t0, a.c0 = now.Add(-time.Second), a.c1
		} else {
			a.t0, a.c0 = a.t1, a.c1
		}
		a.t1, a.c1 = now, c
	}
	return float64(c-a.c0) / max(now.Sub(a.t0).Seconds(), 0.5)
}

// lowered is the limit in force for the limit conf set by the knobs: conf,
// or while adaptive mode has lowered the rate, a paced limit of that rate
// (never looser than conf). Requires mu held.
func (l *Limiter) lowered(conf Limit) Limit {
	a := l.adapt
	if a == nil || !a.lowered || a.rate >= conf.PerSecond() {
		return conf
	}
	if !conf.Unlimited() && !conf.IsBucket() {
		iv := time.Duration(math.Ceil(float64(time.Second) / a.rate))
		return Limit{MaxCount: 1, Interval: iv, Block: conf.Block}
	}
	return Limit{Burst: 1, Rate: a.rate, Block: conf.Block}
}
