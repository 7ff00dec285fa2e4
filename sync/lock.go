package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
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
//     vademecum-push.lock, which names its owner (pid@host): a lock whose owner
//     died on this computer is taken over at once, any other after two minutes.

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
	objDir := filepath.Join(repoPath, "objects")
	if entries, err := os.ReadDir(objDir); err == nil {
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "tmp_") {
				remove(filepath.Join(objDir, e.Name()))
			}
		}
	}
	if entries, err := os.ReadDir(repoPath); err == nil {
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "vademecum-ref-") {
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

// staleLock reports whether a push lock was left by a process that is gone:
// one of this computer that no longer runs, or any lock older than maxAge.
func staleLock(path string, maxAge time.Duration) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	if time.Since(fi.ModTime()) > maxAge {
		return true
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	pidS, host, ok := strings.Cut(strings.TrimSpace(string(b)), "@")
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
