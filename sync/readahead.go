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
// wait in memory, and nothing is kept per file of the plan: a round of
// 100,000 files holds a window of them, not a list.
//
// Each file read then goes through a second goroutine, which does ahead
// work on the record that needs no repository (prepare): the pure part of
// the signature check (Options.Precheck: the ed25519 verification, whose
// result the check then looks up by its whole input, precheck.go of
// data/trust) and, for an import, the record's canonical encoding. Reading
// and that work take about as long each: on two cores they run beside each
// other and beside the round.
type readAhead struct {
	mu       gosync.Mutex
	cond     *gosync.Cond
	plan     readPlan
	prepare  func(*readResult)
	ring     [readAheadWindow]readResult // position i at ring[i%readAheadWindow]
	next     int                         // the next position the reader reads
	prepared int                         // positions the second goroutine has passed
	consumed int                         // positions the round has passed
	held     int                         // bytes of the files read and not taken yet
	stopped  bool
	wg       gosync.WaitGroup
}

// readPlan is the files a round reads, in its order: n positions, and at(i)
// the file at position i, ok false for a position the round does not read
// (not a record file). The plan reads the round's own list, which must not
// change while the reader runs.
type readPlan struct {
	n  int
	at func(i int) (blob plumbing.Hash, hf hubFile, ok bool)
}

type readResult struct {
	blob       plumbing.Hash
	hf         hubFile
	read       bool // position holds a file read (false: not one to read, or not read yet)
	rec        data.Record
	body       []byte
	reason     string
	unreadable bool   // not found through this handle (a pack written since it opened)
	encoded    []byte // data.Encode(rec), when prepare made it
}

const (
	// readAheadWindow bounds the records read ahead of the round.
	readAheadWindow = 256
	// readAheadSearch bounds how far past the last position taken a file
	// asked for is looked for in the plan: the round asks in the plan's
	// order, skipping a few (erased records, files decided without
	// reading), so a file further on is one the plan does not hold.
	readAheadSearch = 4 * readAheadWindow
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
// prepare, when not nil, is given each file read and decoded, on another
// goroutine, before the round takes it.
func startReadAhead(path string, keys *keyBox, plan readPlan, prepare func(*readResult)) *readAhead {
	if plan.n < readAheadMin {
		return nil
	}
	// The read-ahead opens sealed files with the keys held in memory: they
	// are read from the database here, on the round's goroutine, never from
	// the read-ahead's.
	keys.ready()
	a := &readAhead{plan: plan, prepare: prepare}
	a.cond = gosync.NewCond(&a.mu)
	a.wg.Add(2)
	go a.run(path, keys)
	go a.prepareAll()
	return a
}

// planOf is a plan over a list of files (the tests' plans).
func planOf(files []plannedRead) readPlan {
	return readPlan{len(files), func(i int) (plumbing.Hash, hubFile, bool) { return files[i].blob, files[i].hf, true }}
}

type plannedRead struct {
	blob plumbing.Hash
	hf   hubFile
}

func (a *readAhead) run(path string, keys *keyBox) {
	defer a.wg.Done()
	// Each file is read once: go-git's object cache would only hold memory.
	// The packs stay open until the handle closes, below.
	r := &repo{path: path, st: filesystem.NewStorageWithOptions(bufferedIndexes{osfs.New(path)}, cache.NewObjectLRU(readAheadCache),
		filesystem.Options{LargeObjectThreshold: largeObject, KeepDescriptors: true}), keys: keys}
	defer r.close()
	for i := 0; i < a.plan.n; i++ {
		a.mu.Lock()
		// The file the round waits for is always read; the ones after it
		// wait for room, in count and in bytes (the ring holds a window).
		for !a.stopped && i > a.consumed && (i-a.consumed >= readAheadWindow || a.held >= readAheadBytes) {
			a.cond.Wait()
		}
		if a.stopped {
			a.mu.Unlock()
			return
		}
		skip := i < a.consumed
		a.mu.Unlock()
		res := readResult{}
		if blob, hf, ok := a.plan.at(i); ok && !skip {
			res = readResult{blob: blob, hf: hf, read: true}
			res.rec, res.body, res.reason = readRecordIn(r, blob, hf)
			res.unreadable = res.reason == unreadable
		}
		a.mu.Lock()
		if i >= a.consumed {
			a.ring[i%readAheadWindow] = res
			a.held += len(res.body)
		}
		a.next = i + 1
		a.cond.Broadcast()
		a.mu.Unlock()
	}
}

// prepareAll hands each file read, in order, to prepare.
func (a *readAhead) prepareAll() {
	defer a.wg.Done()
	for j := 0; j < a.plan.n; j++ {
		a.mu.Lock()
		for !a.stopped && a.next <= j {
			a.cond.Wait()
		}
		if a.stopped {
			a.mu.Unlock()
			return
		}
		// The round takes position j only once it is prepared, so the slot
		// stays j's until then (or until the round passes it: then the work
		// is dropped).
		res := a.ring[j%readAheadWindow]
		live := j >= a.consumed && res.read && res.rec != nil && a.prepare != nil
		a.mu.Unlock()
		if live {
			a.prepare(&res)
		}
		a.mu.Lock()
		if live && j >= a.consumed {
			a.ring[j%readAheadWindow].encoded = res.encoded
			a.held += len(res.encoded)
		}
		a.prepared = j + 1
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
	i := a.consumed
	for end := min(a.plan.n, a.consumed+readAheadSearch); i < end; i++ {
		if i < a.next {
			// Read already: the ring holds what the position is.
			if r := &a.ring[i%readAheadWindow]; r.read && r.blob == blob && r.hf == hf {
				break
			}
			continue
		}
		if b, h, planned := a.plan.at(i); planned && b == blob && h == hf {
			break
		}
	}
	if i >= a.plan.n || i >= a.consumed+readAheadSearch {
		return res, false
	}
	// Positions before i are passed: the reader skips those it has not read.
	for j := a.consumed; j < i && j < a.next; j++ {
		a.drop(j)
	}
	a.consumed = i
	a.cond.Broadcast()
	for a.prepared <= i && !a.stopped {
		a.cond.Wait()
	}
	if a.prepared <= i {
		return res, false
	}
	res = a.ring[i%readAheadWindow]
	a.drop(i)
	a.consumed = i + 1
	a.cond.Broadcast()
	// A file the second handle could not read is read by the round.
	return res, res.read && res.blob == blob && res.hf == hf && !res.unreadable
}

// drop lets go of the file read at position i (locked).
func (a *readAhead) drop(i int) {
	a.held -= len(a.ring[i%readAheadWindow].body) + len(a.ring[i%readAheadWindow].encoded)
	a.ring[i%readAheadWindow] = readResult{}
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
