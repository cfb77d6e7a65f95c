package ratelimit

import (
	"math"
	"sync/atomic"
	"time"
)

// Adaptive mode is CUBIC congestion control over a request rate, as in the
// SDK's adaptive retry mode (aws/retry, adaptive_ratelimit.go), changed so
// that it stays off the server's limit once it has found it.
//
// A throttle lowers the rate to beta times the rate in use: the lowest of
// the rate in force, the rate the server accepted (not throttled) over the
// last second or two, and what it accepted on average since the last
// decrease. The last one matters for a token bucket like AWS's: between
// two throttles its bucket went from empty to empty, so the average is its
// rate, while the last second also holds the reserve it saved up while our
// rate was low (idle time would dilute the average, so it lowers the rate
// in use by a third at most). A throttle less than a second after a
// decrease means that decrease was far from enough (at the start, the
// rate measured still holds the burst the server had saved): the rate is
// halved instead, and grows back from there.
//
// The rate then grows back, while no throttle comes, as
// w·(1 + scale·(t-K)³), t seconds after the decrease: quickly at first,
// flat near w, faster again beyond it. Unlike the SDK's, w is not the rate
// that was throttled but a little below it (plateau times it: the server
// refused that rate, so holding it only empties its bucket again), and the
// curve is scaled to w, so that a service allowing 5 requests a second and
// one allowing 500 are probed alike (the SDK's absolute constant regains
// 20/s in 2.5 s and overshoots it by 30% within two more). And the rate
// never exceeds the limit the knobs set: once it is back there adaptive
// mode steps aside.
//
// Measured by BenchmarkAWSLimits (package awslimits), 64 workers against
// one bucket of 100 and 20/s for 30 s: the SDK's constants had 1.4-2.2% of
// requests throttled, these 0.7-1.0%, both at the bucket's rate.
//
// A lowered limit has Burst 1 (or MaxCount 1): a throttle means the
// server's bucket is empty, so requests are paced, not bursted, until the
// rate has recovered. Throttles of requests admitted before the last
// decrease are the same congestion event and do not lower the rate again.
// (Treating the first request after a decrease as the same event too made
// the start slower to settle: 1.3% throttled instead of 0.9-1.0%.)
const (
	adaptiveBeta = 0.7 // the SDK's beta
	// adaptiveBetaRecent is beta for a throttle less than adaptiveRecent
	// after the last decrease.
	adaptiveBetaRecent = 0.5
	adaptiveRecent     = time.Second
	// adaptiveCycleFloor bounds how far the average since the last
	// decrease lowers the rate in use (see decrease).
	adaptiveCycleFloor = 2.0 / 3
	// adaptivePlateau is where the recovery flattens, as a share of the
	// rate that was throttled.
	adaptivePlateau = 0.9
	// adaptiveScale is the cubic's constant, per second cubed, relative
	// to the plateau: from 0.7 to 0.9 times the throttled rate in 4.8 s,
	// then +1% in 1.7 s more, +25% in 5 s more.
	adaptiveScale = 0.002
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
	w       float64 // the plateau: adaptivePlateau times the rate in use at the last decrease (the new rate after a re-throttle)
	k       float64 // seconds from the last decrease to reach w
	since   time.Time
	// The cycle: since the last decrease (or the start), and the
	// Limiter's admissions and throttles then.
	cycle                         time.Time
	cycleAdmitted, cycleThrottled uint64
	// The meter: the Limiter's admissions and throttles at two moments
	// about a second apart.
	t0, t1   time.Time
	c0, c1   uint64
	th0, th1 uint64
	// next is when Wait next looks at the recovery (UnixNano).
	next atomic.Int64
}

func newAdaptive(now time.Time) *adaptive {
	return &adaptive{t0: now, t1: now, cycle: now}
}

// Throttled reports that a request admitted by l at admitted was throttled
// by the server it went to. It counts the throttle (Stats.Throttled); in
// adaptive mode it also lowers the rate in force, unless the request was
// admitted before the rate was last lowered (the same congestion). The
// lowered limit is a bucket of Burst 1 (a window of MaxCount 1 if Limit()
// is a window), paced at 0.7 times the rate in use (0.5 times when the
// last decrease was less than a second ago); requests already
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
		return false // the same congestion
	}
	now := l.now()
	use := l.measureLocked(now)
	if a.lowered {
		use = min(use, a.rate)
	} else if r := l.conf.Load().PerSecond(); r < use {
		use = r
	}
	recent := a.lowered && now.Sub(a.since) < adaptiveRecent
	c, th := l.stats.admitted.Load(), l.stats.throttled.Load()
	if d := now.Sub(a.cycle).Seconds(); !recent && d > 0 {
		// Since the last decrease the server's bucket went from empty
		// to empty, so what it accepted over that time is its rate; the
		// last second or two also hold the reserve it saved up while
		// the rate was low. Idle time would dilute the average: it
		// lowers the rate in use by a third at most.
		avg := max(float64(c-a.cycleAdmitted)-float64(th-a.cycleThrottled), 0) / d
		use = min(use, max(avg, adaptiveCycleFloor*use))
	}
	a.cycle, a.cycleAdmitted, a.cycleThrottled = now, c, th
	a.w = adaptivePlateau * max(use, adaptiveMinRate)
	a.rate = max(adaptiveBeta*use, adaptiveMinRate)
	if recent {
		// Throttled again right after a decrease: that one was far
		// from enough (the rate measured still held a burst the server
		// had saved up), so cut deeper, and grow back from the new
		// rate, not towards the one refused twice.
		a.rate = max(adaptiveBetaRecent*use, adaptiveMinRate)
		a.w = a.rate
	}
	a.k = math.Cbrt(max(1-a.rate/a.w, 0) / adaptiveScale)
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
	r := a.w * (1 + adaptiveScale*math.Pow(t-a.k, 3))
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

// measureLocked returns the rate of requests the server accepted over the
// last second or two (admitted and not throttled: a throttled request
// costs the server's bucket nothing, so the accepted rate is what it
// grants), and moves the meter on. Requires mu held.
func (l *Limiter) measureLocked(now time.Time) float64 {
	a := l.adapt
	c, th := l.stats.admitted.Load(), l.stats.throttled.Load()
	if d := now.Sub(a.t1); d >= time.Second {
		if d >= 2*time.Second { // idle: the old count says nothing of now
			a.t0, a.c0, a.th0 = now.Add(-time.Second), a.c1, a.th1
		} else {
			a.t0, a.c0, a.th0 = a.t1, a.c1, a.th1
		}
		a.t1, a.c1, a.th1 = now, c, th
	}
	accepted := float64(c-a.c0) - float64(th-a.th0)
	return max(accepted, 0) / max(now.Sub(a.t0).Seconds(), 0.5)
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
