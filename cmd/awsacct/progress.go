package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress draws "done/total, failures, rate" on one stderr line while a
// call runs, when stderr is a terminal.
type progress struct {
	w       io.Writer
	total   int
	enabled bool
	start   time.Time

	mu      sync.Mutex
	done    int
	failed  int
	last    time.Time
	stopped bool
}

func newProgress(w io.Writer, total int, enabled bool) *progress {
	return &progress{w: w, total: total, enabled: enabled, start: time.Now()}
}

// update is forEachTarget's onDone.
func (p *progress) update(done, _ int, failed bool) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	if failed {
		p.failed++
	}
	if now := time.Now(); !p.stopped && (now.Sub(p.last) > 100*time.Millisecond || done == p.total) {
		p.last = now
		rate := float64(p.done) / now.Sub(p.start).Seconds()
		fmt.Fprintf(p.w, "\r%d/%d targets, %d failed, %.1f/s ", p.done, p.total, p.failed, rate)
	}
}

func (p *progress) stop() {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.stopped && p.done > 0 {
		fmt.Fprint(p.w, "\r\033[K")
	}
	p.stopped = true
}
