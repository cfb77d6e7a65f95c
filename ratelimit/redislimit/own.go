package redislimit

import (
	"time"

	"github.com/awsaccount/awsaccount/ratelimit"
)

// A Store keeps the recent starts of its process, whoever granted them, so
// that the process keeps its own limit when the Store switches between
// Redis and its local fallback, both ways:
//
//   - Redis to local: every start Redis grants is also recorded in the
//     fallback (ratelimit.MemoryStore.Record), at its time in the process's
//     clock, so the fallback begins an outage knowing the process's window.
//   - local to Redis: after an outage began, or after the fallback granted
//     a start, the next script run first replays the recent starts into
//     Redis, by age so that the server's clock places them (see script.go).
//     Replaying them all, not only the fallback's, also restores the
//     process's starts to a server that restarted empty. A restart between
//     two calls shows no outage: a call that holds a start the key cannot
//     have outlived asks the script to check that the key is there, and
//     replays if it is not.
//
// Cancel gives a start back in both.

// maxOwn bounds the starts a Store keeps (about 100 bytes each). Beyond it,
// the oldest are forgotten into the horizon, which a replay sends: strict,
// at the cost of some budget after an outage for a MaxCount above it.
const maxOwn = 8192

// ownStart is one start of the process.
type ownStart struct {
	id    uint64                // the Reservation's ID; member(id) in Redis
	at    time.Time             // in the process's clock
	local ratelimit.Reservation // its record in the fallback
	// Below: requires Store.mu.
	inRedis bool // recorded in Redis, granted or replayed there
	gone    bool // given back
}

// own is the book of a Store's starts. Requires Store.mu, all of it.
type own struct {
	byID map[uint64]*ownStart
	list []*ownStart // oldest first from head
	head int
	// horizon is the latest start forgotten (zero: none): the starts
	// before it are assumed to be at it.
	horizon time.Time
	// dirty counts what Redis must be told of: starts the fallback
	// granted, and keys found lost. synced is the dirty a replay has
	// covered, and outagesSynced the outages (health.outages) a replay
	// followed.
	dirty, synced, outagesSynced uint64
}

func newOwn(outages uint64) own {
	return own{byID: make(map[uint64]*ownStart), outagesSynced: outages}
}

// add keeps st, after forgetting the starts older than iv before now.
func (o *own) add(st *ownStart, now time.Time, iv time.Duration) {
	cutoff := now.Add(-iv)
	for o.head < len(o.list) && (!o.list[o.head].at.After(cutoff) || len(o.list)-o.head >= maxOwn) {
		o.forgetFront()
	}
	if o.head > len(o.list)/2 {
		o.list = append(o.list[:0], o.list[o.head:]...)
		o.head = 0
	}
	o.list = append(o.list, st)
	o.byID[st.id] = st
}

func (o *own) forgetFront() {
	st := o.list[o.head]
	o.list[o.head] = nil
	o.head++
	if !st.gone && st.at.After(o.horizon) {
		o.horizon = st.at
	}
	delete(o.byID, st.id)
}

// take removes the start with ID id, to give it back, and reports whether
// it was kept and whether it is in Redis.
func (o *own) take(id uint64) (st *ownStart, inRedis, ok bool) {
	st, ok = o.byID[id]
	if !ok {
		return nil, false, false
	}
	delete(o.byID, id)
	st.gone = true
	return st, st.inRedis, true
}

// syncMark is what a replay covered, for markSynced.
type syncMark struct{ dirty, outages uint64 }

// replay returns the script arguments after the first six (see script.go):
// if a replay is due (the fallback granted starts, a key was found lost or
// an outage began since the last replay), those that replay the starts of
// the last iv before now, with the starts they name; otherwise, if the
// process holds a start in Redis within the last iv, the request to check
// that the key is there.
func (o *own) replay(now time.Time, iv time.Duration, outages uint64) (args []any, batch []*ownStart, mark syncMark) {
	mark = syncMark{o.dirty, outages}
	cutoff := now.Add(-iv)
	if o.dirty == o.synced && outages == o.outagesSynced {
		for i := len(o.list) - 1; i >= o.head && o.list[i].at.After(cutoff); i-- {
			if st := o.list[i]; st.inRedis && !st.gone {
				return []any{"1"}, nil, mark
			}
		}
		return nil, nil, mark
	}
	hz := o.horizon
	args = append(args, "", "")
	for _, st := range o.list[o.head:] {
		switch {
		case st.gone:
		case !st.at.After(cutoff):
			if st.at.After(hz) {
				hz = st.at
			}
		default:
			batch = append(batch, st)
			args = append(args, member(st.id), floorMicros(now.Sub(st.at)))
		}
	}
	if !hz.IsZero() {
		args[1] = floorMicros(now.Sub(hz))
	}
	return args, batch, mark
}

// markSynced notes a replay of batch that Redis ran, and returns the starts of
// batch given back meanwhile: Redis now holds them again.
func (o *own) markSynced(mark syncMark, batch []*ownStart) (gone []*ownStart) {
	o.synced = max(o.synced, mark.dirty)
	o.outagesSynced = max(o.outagesSynced, mark.outages)
	for _, st := range batch {
		st.inRedis = true
		if st.gone {
			gone = append(gone, st)
		}
	}
	return gone
}

// floorMicros is d in whole microseconds, rounded down (towards the past
// for a start's age, so that its score is never earlier than the start).
func floorMicros(d time.Duration) int64 {
	us := int64(d / time.Microsecond)
	if d < 0 && d%time.Microsecond != 0 {
		us--
	}
	return us
}
