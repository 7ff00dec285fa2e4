package sync

import (
	gosync "sync"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"vademecum/data"
)

// readAhead reads and decodes the record files a round is about to check or
// import, in their order, on a goroutine of their own and through a
// repository handle of their own (go-git's is not safe for concurrent use),
// while the round verifies and writes the ones before: on two cores a large
// import overlaps the two. It only saves work: a file it has not read (yet,
// or at all) is read by the round itself, and a file it could not read is
// read again by the round, so what the round decides is what it decided
// without it. At most readAheadWindow records, and readAheadBytes of files,
// wait in memory.
type readAhead struct {
	mu       gosync.Mutex
	cond     *gosync.Cond
	plan     []plannedRead
	first    map[plumbing.Hash]int // a blob's first position in plan
	done     []readResult          // by position; dropped once passed
	produced int                   // positions read so far
	consumed int                   // positions the round has passed
	held     int                   // bytes of the files read and not taken yet
	stopped  bool
	wg       gosync.WaitGroup
}

type plannedRead struct {
	blob plumbing.Hash
	hf   hubFile
}

type readResult struct {
	rec        data.Record
	body       []byte
	reason     string
	unreadable bool // not found through this handle (a pack written since it opened)
}

const (
	// readAheadWindow bounds the records read ahead of the round.
	readAheadWindow = 256
	// readAheadMin is the smallest plan worth a second repository handle
	// (opening one reads the pack indexes again): rounds of a few changes
	// read their files themselves.
	readAheadMin = 512
	// readAheadCache is the object cache of the read-ahead's handle.
	readAheadCache = 1 * cache.MiByte
	// readAheadBytes bounds the bytes of the files waiting (their decoded
	// records take about as much again): files from a hub may each be up to
	// MaxBlob.
	readAheadBytes = 8 << 20
)

// startReadAhead starts reading plan ahead from the repository at path, or
// returns nil when the plan is too small to gain from it. stop must be called.
func startReadAhead(path string, keys *keyBox, plan []plannedRead) *readAhead {
	if len(plan) < readAheadMin {
		return nil
	}
	// The read-ahead opens sealed files with the keys held in memory: they
	// are read from the database here, on the round's goroutine, never from
	// the read-ahead's.
	keys.ready()
	a := &readAhead{plan: plan, first: make(map[plumbing.Hash]int, len(plan)), done: make([]readResult, len(plan))}
	a.cond = gosync.NewCond(&a.mu)
	for i := len(plan) - 1; i >= 0; i-- {
		a.first[plan[i].blob] = i
	}
	a.wg.Add(1)
	go a.run(path, keys)
	return a
}

func (a *readAhead) run(path string, keys *keyBox) {
	defer a.wg.Done()
	// Each file is read once: go-git's object cache would only hold memory.
	// The packs stay open until the handle closes, below.
	r := &repo{path: path, st: filesystem.NewStorageWithOptions(bufferedIndexes{osfs.New(path)}, cache.NewObjectLRU(readAheadCache),
		filesystem.Options{LargeObjectThreshold: largeObject, KeepDescriptors: true}), keys: keys}
	defer r.close()
	for i, p := range a.plan {
		a.mu.Lock()
		// The file the round waits for is always read; the ones after it
		// wait for room, in count and in bytes.
		for !a.stopped && i > a.consumed && (i-a.consumed >= readAheadWindow || a.held >= readAheadBytes) {
			a.cond.Wait()
		}
		if a.stopped {
			a.mu.Unlock()
			return
		}
		skip := i < a.consumed
		a.mu.Unlock()
		var res readResult
		if !skip {
			res.rec, res.body, res.reason = readRecordIn(r, p.blob, p.hf)
			res.unreadable = res.reason == unreadable
		}
		a.mu.Lock()
		if i >= a.consumed {
			a.done[i] = res
			a.held += len(res.body)
		}
		a.produced = i + 1
		a.cond.Broadcast()
		a.mu.Unlock()
	}
}

// take returns the record file blob read ahead, if it was planned at this
// path and not passed yet, waiting for it when the reader is behind. Every
// position before it is passed (and dropped). ok is false when the round must
// read the file itself.
func (a *readAhead) take(blob plumbing.Hash, hf hubFile) (res readResult, ok bool) {
	if a == nil {
		return res, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	i, planned := a.first[blob]
	if !planned || i < a.consumed || a.plan[i].hf != hf {
		return res, false
	}
	// Positions before i are passed: the reader skips those it has not read.
	for j := a.consumed; j < i; j++ {
		a.held -= len(a.done[j].body)
		a.done[j] = readResult{}
	}
	a.consumed = i
	a.cond.Broadcast()
	for a.produced <= i && !a.stopped {
		a.cond.Wait()
	}
	if a.produced <= i {
		return res, false
	}
	res, a.done[i] = a.done[i], readResult{}
	a.held -= len(res.body)
	a.consumed = i + 1
	a.cond.Broadcast()
	// A file the second handle could not read is read by the round.
	return res, !res.unreadable
}

// stop ends the reading and waits for the reader to let go of the repository.
func (a *readAhead) stop() {
	if a == nil {
		return
	}
	a.mu.Lock()
	a.stopped = true
	a.cond.Broadcast()
	a.mu.Unlock()
	a.wg.Wait()
}
