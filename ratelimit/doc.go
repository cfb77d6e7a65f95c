// Package ratelimit admits requests under a strict, runtime-adjustable
// limit: the seed's cs.ratelimit knobs max_count, interval and block.
//
// In no window of length Interval do more than MaxCount requests start. With
// Block, a request beyond the limit waits for its turn (in arrival order,
// honouring its context); without, it fails at once with an error that
// matches ErrExceeded and says when a slot opens:
//
//	l := ratelimit.New(ratelimit.Limit{MaxCount: 1, Interval: time.Second})
//	_ = l.Wait(ctx)               // admitted
//	err := l.Wait(ctx)            // errors.Is(err, ratelimit.ErrExceeded)
//	l.SetMaxCount(2)              // takes effect for the next admission
//	_ = l.Wait(ctx)               // admitted
//
// Unlike a token bucket, the window is strict: a burst of MaxCount followed
// by a steady stream never puts more than MaxCount starts in any window, and
// a blocked stream uses the whole budget. MaxCount 0 or Interval 0 means
// unlimited.
//
// The state lives in a Store: MemoryStore by default; package
// ratelimit/redislimit shares one limit between processes.
package ratelimit
