package sync

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	gosync "sync"
)

// The Go runtime lets the heap grow to twice what is live before it collects:
// a first sync of a 100,000-practice hub holds about 105 MB live at its peak
// (the list of changed files, go-git's pack indexes, the merge's decisions),
// and without a limit the process reached 322 MB, about 110 MB of it outside
// Go (SQLite's caches, the program itself). For the length of a large round
// the engine sets a soft memory limit (runtime/debug) that makes the
// collector run before the heap doubles (269 MB then), and puts the previous
// limit back after. A soft limit never fails an allocation: when the live
// heap is larger than it, the collector runs more often (at most half the
// processor time), so the limit follows the heap live when the round starts.
const (
	// roundMemory is the soft limit of a large round's Go memory, unless
	// the process holds more than roundMemoryHeadroom below it already.
	roundMemory = 160 << 20
	// roundMemoryHeadroom is room the round keeps above the heap that was
	// live when it started (the app's own, in the desktop app).
	roundMemoryHeadroom = 64 << 20
)

// limitMu makes rounds of several engines in one process (tests) set and put
// back the limit in turn.
var (
	limitMu     gosync.Mutex
	limitDepth  int
	limitBefore int64
)

// limitMemory sets the soft memory limit of a large round and returns what
// puts the previous one back. A lower limit set already (GOMEMLIMIT) stays.
func limitMemory() (restore func()) {
	limitMu.Lock()
	defer limitMu.Unlock()
	limitDepth++
	if limitDepth == 1 {
		limitBefore = debug.SetMemoryLimit(-1)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		want := int64(roundMemory)
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
