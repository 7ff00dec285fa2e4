//go:build !windows

package atomicfile

import (
	"errors"
	"os"
	"syscall"
)

// errUnsupported: chmod always works here.
var errUnsupported = errors.New("unsupported")

// Rename moves old over new (atomic on one file system).
func Rename(old, new string) error { return os.Rename(old, new) }

// Remove removes a file (an open file can be removed here).
func Remove(path string) error { return os.Remove(path) }

// SyncDir flushes a folder, so that files created, renamed or removed in it
// survive a power cut. File systems that cannot flush a folder (some network
// shares) are left to their own guarantees.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EBADF) {
		return nil
	}
	return err
}

// openForSync opens a file so that it can be flushed: fsync works on a file
// opened for reading, so read-only files (git's packs) are flushed too.
func openForSync(path string) (*os.File, error) { return os.Open(path) }
