package sync

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"vademecum/internal/atomicfile"
)

// Locks, and what a crash leaves of them:
//
//   - SQLite keeps its own locks and journal (WAL); a killed process leaves
//     nothing that the next open does not recover.
//   - The local repository is written by one sync round at a time across
//     processes (the app and a cron job may share a data directory): the round
//     holds an OS lock (flock) on hub.git/vademecum-sync.lock, which the
//     kernel releases when the process dies, so it never goes stale. Under it,
//     what a killed round left half-written is tidied (tidyObjects).
//   - go-git locks reference files with flock (released at death too) and
//     writes loose objects and packs under temporary names; a killed write
//     leaves temporary files, or an index without its pack, which tidyObjects
//     removes. References are written here by rename (writeRefFile), never
//     truncated in place.
//   - A hub folder (USB stick, share) is locked for a push with the file
//     vademecum-push.lock (lockFolder), put in place whole and naming its owner
//     (pid@host and a nonce). A lock whose owner died on this computer is taken
//     over at once; its owner refreshes it every few seconds while it works, so
//     a lock of another computer that nobody refreshed for lockExpiry (as seen
//     on the waiting computer's own clock: clocks of two computers disagree)
//     is taken over too. A sync that finds the folder busy waits up to
//     lockWait, telling how long it has waited.

// roundLockFile is the name of the local repository's round lock.
const roundLockFile = "vademecum-sync.lock"

// lockRound takes the local repository's round lock, waiting while another
// process syncs the same data directory.
func lockRound(ctx context.Context, repoPath string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(repoPath, roundLockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, explainLocal(err, repoPath)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, explainLocal(err, repoPath)
		}
		if ok {
			return func() { unlock(f); f.Close() }, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, hubErr(ErrHubBusy, nil, "another Vademecum (the app or a scheduled sync) is syncing this data directory: try again in a minute")
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// tidyObjects removes what an interrupted write left in a repository's object
// folder: temporary files, and pack indexes whose pack never arrived (go-git
// would otherwise reuse a half-written index when the same pack comes again).
// The caller holds the lock that keeps other writers out.
func tidyObjects(repoPath string) error {
	packDir := filepath.Join(repoPath, "objects", "pack")
	entries, err := os.ReadDir(packDir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	packs := map[string]bool{}
	for _, e := range entries {
		if base, ok := strings.CutSuffix(e.Name(), ".pack"); ok && strings.HasPrefix(base, "pack-") {
			packs[base] = true
		}
	}
	var firstErr error
	remove := func(p string) {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) && firstErr == nil {
			firstErr = err
		}
	}
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, "tmp_"):
			remove(filepath.Join(packDir, n))
		case strings.HasPrefix(n, "pack-") && !strings.HasSuffix(n, ".pack"):
			base := n[:strings.LastIndexByte(n, '.')]
			if !packs[base] {
				remove(filepath.Join(packDir, n))
			}
		case strings.HasPrefix(n, "pack-") && strings.HasSuffix(n, ".pack"):
			// A pack is renamed into place after its index: without an index it is
			// what a deletion left behind (its objects are in a newer pack).
			if _, err := os.Stat(filepath.Join(packDir, strings.TrimSuffix(n, ".pack")+".idx")); errors.Is(err, os.ErrNotExist) {
				remove(filepath.Join(packDir, n))
			}
		}
	}
	// Loose objects are also written outside the lock (large objects copied into
	// a hub folder): only a temporary file a minute old is abandoned.
	objDir := filepath.Join(repoPath, "objects")
	if entries, err := os.ReadDir(objDir); err == nil {
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "tmp_") && time.Since(fi.ModTime()) > time.Minute {
				remove(filepath.Join(objDir, e.Name()))
			}
		}
	}
	if entries, err := os.ReadDir(repoPath); err == nil {
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "vademecum-ref-") || strings.HasPrefix(e.Name(), "vademecum-push-") {
				remove(filepath.Join(repoPath, e.Name()))
			}
		}
	}
	return firstErr
}

// lockOwner is what a push lock file says about who holds it.
func lockOwner() string {
	host, _ := os.Hostname()
	return strconv.Itoa(os.Getpid()) + "@" + host
}

// ownerGone reports whether a push lock's content names a process of this
// computer that no longer runs.
func ownerGone(content string) bool {
	who, _, _ := strings.Cut(strings.TrimSpace(content), " ")
	pidS, host, ok := strings.Cut(who, "@")
	me, _ := os.Hostname()
	pid, err := strconv.Atoi(pidS)
	if !ok || err != nil || host != me || pid <= 0 {
		return false
	}
	return !processAlive(pid)
}

// processAlive reports whether process pid of this computer still runs
// (lock_unix.go, lock_windows.go).
func processAlive(pid int) bool { return processRunning(pid) }

// Timings of a hub folder's push lock (variables for the tests).
var (
	lockBeat   = 3 * time.Second  // how often a holder refreshes its lock
	lockExpiry = 20 * time.Second // a lock nobody refreshed for this long is abandoned
	lockBlank  = 3 * time.Second  // a lock still without its owner's line after this is abandoned
	lockWait   = time.Minute      // how long a push waits for a busy folder
)

// lockFolder takes a hub folder's push lock, waiting (up to lockWait, calling
// wait about every second with the time waited) while another process holds
// it. Under the lock, what an interrupted push left half-written is tidied
// away. The returned function releases it.
func lockFolder(ctx context.Context, path string, wait func(time.Duration)) (func(), error) {
	lock := filepath.Join(path, pushLockFile)
	mine := lockOwner() + " " + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.Itoa(rand.IntN(1<<30)) + "\n"
	start := time.Now()
	lastReport := start
	var seen lockSighting
	for {
		ok, err := createLock(lock, mine)
		if err != nil {
			return nil, explainLocal(err, path)
		}
		if ok {
			if err := tidyObjects(path); err != nil {
				releaseLock(lock, mine)
				return nil, explainLocal(err, path)
			}
			return holdLock(lock, mine), nil
		}
		if seen.abandoned(lock) {
			takeOver(lock, seen.content)
			seen = lockSighting{}
			continue
		}
		waited := time.Since(start)
		if waited > lockWait {
			return nil, hubErr(ErrHubBusy, nil, "the hub folder %s stayed busy with another sync for a minute: sync again later, nothing was lost", path)
		}
		if wait != nil && time.Since(lastReport) >= time.Second {
			lastReport = time.Now()
			wait(waited)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(30+rand.IntN(40)) * time.Millisecond):
		}
	}
}

// createLock puts the lock in place with its content already in it: written to
// a file of its own, then hard-linked to the lock's name, which fails when the
// name exists. File systems without hard links (FAT on USB sticks) get an
// exclusive create instead, whose content follows a moment later (lockBlank).
func createLock(lock, content string) (bool, error) {
	tmp := lock + "." + strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(rand.IntN(1<<30))
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return false, err
	}
	defer os.Remove(tmp)
	err := os.Link(tmp, lock)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, os.ErrExist) {
		return false, nil
	}
	f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, os.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, werr := f.WriteString(content)
	if err := f.Sync(); werr == nil {
		werr = err
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		os.Remove(lock)
		return false, werr
	}
	return true, nil
}

// holdLock refreshes the lock every lockBeat until released; releasing removes
// it only while it is still this holder's.
func holdLock(lock, mine string) func() {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(lockBeat)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				now := time.Now()
				os.Chtimes(lock, now, now)
			}
		}
	}()
	var once gosync.Once
	return func() {
		once.Do(func() {
			close(stop)
			<-done
			releaseLock(lock, mine)
		})
	}
}

func releaseLock(lock, mine string) {
	if b, err := os.ReadFile(lock); err == nil && string(b) == mine {
		atomicfile.Remove(lock) // retried on Windows while a waiter reads it
	}
}

// lockSighting is what a waiting process saw of someone else's lock, and since
// when (on its own clock) it has not changed.
type lockSighting struct {
	content string
	mtime   time.Time
	since   time.Time
}

// abandoned reports whether the lock is left by a process that is gone: one
// of this computer that no longer runs, one that wrote no owner within
// lockBlank, or one that did not refresh it for lockExpiry.
func (s *lockSighting) abandoned(lock string) bool {
	fi, err := os.Stat(lock)
	if err != nil {
		return false
	}
	b, err := os.ReadFile(lock)
	if err != nil {
		return false
	}
	content := string(b)
	if content != s.content || !fi.ModTime().Equal(s.mtime) || s.since.IsZero() {
		*s = lockSighting{content: content, mtime: fi.ModTime(), since: time.Now()}
	}
	if strings.TrimSpace(content) == "" {
		return time.Since(s.since) > lockBlank
	}
	if ownerGone(content) {
		return true
	}
	return time.Since(s.since) > lockExpiry
}

// takeOver removes an abandoned lock, if it is still the one judged
// abandoned. It is first renamed to a name of this process's own, so that of
// two processes doing this at once only one removes it; one that finds it
// took a fresh lock of someone else puts that back.
func takeOver(lock, judged string) {
	stale := lock + ".stale-" + strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(rand.IntN(1<<30))
	if atomicfile.Rename(lock, stale) != nil {
		return
	}
	if b, err := os.ReadFile(stale); err == nil && string(b) != judged {
		if os.Link(stale, lock) != nil {
			createLock(lock, string(b))
		}
	}
	os.Remove(stale)
}
