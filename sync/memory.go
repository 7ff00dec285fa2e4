package sync

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	gosync "sync"
	"sync/atomic"
)

// The Go runtime lets the heap grow to twice what is live before it collects:
// a first sync of a 100,000-practice hub holds about 105 MB live at its peak
// (the list of changed files, go-git's pack indexes, the merge's decisions),
// and without a limit vademecum-cli reached 322 MB, about 110 MB of it outside
// Go (SQLite's caches, the program itself). A program may ask (SetRoundMemory)
// that for the length of a large round the engine set a soft memory limit
// (runtime/debug), which makes the collector run before the heap doubles
// (269 MB then), and put the previous limit back after. A soft limit never
// fails an allocation, but a live heap near it makes the collector run
// again and again (up to half the processor time): the limit suits a
// process whose heap is the round's, such as vademecum-cli, and not one
// holding much else (the desktop app does not ask for it).

// roundMemory is the soft limit of a large round's Go memory (0: none), and
// roundMemoryHeadroom the room kept above the heap live when the round
// starts, whatever the limit.
var roundMemory atomic.Int64

const roundMemoryHeadroom = 64 << 20

// SetRoundMemory asks that each large round (a merge or import read ahead)
// run under a soft memory limit of n bytes, or 64 MB above the heap live
// when it starts if that is more; 0 sets none (the default). A lower limit
// set already (GOMEMLIMIT) stays. vademecum-cli asks for 160 MB.
func SetRoundMemory(n int64) { roundMemory.Store(n) }

// limitMu makes rounds of several engines in one process (tests) set and put
// back the limit in turn.
var (
	limitMu     gosync.Mutex
	limitDepth  int
	limitBefore int64
)

// limitMemory sets the soft memory limit of a large round, if the program
// asked for one, and returns what puts the previous one back.
func limitMemory() (restore func()) {
	want := roundMemory.Load()
	if want <= 0 {
		return func() {}
	}
	limitMu.Lock()
	defer limitMu.Unlock()
	limitDepth++
	if limitDepth == 1 {
		limitBefore = debug.SetMemoryLimit(-1)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		if live := sample[0].Value.Uint64(); live < math.MaxInt64/2 {
			want = max(want, int64(live)+roundMemoryHeadroom)
		}
		if want < limitBefore {
			debug.SetMemoryLimit(want)
		}
	}
	return func() {
		limitMu.Lock()
		defer limitMu.Unlock()
		limitDepth--
		if limitDepth == 0 {
			debug.SetMemoryLimit(limitBefore)
		}
	}
}
