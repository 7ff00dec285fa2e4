//go:build windows

package atomicfile

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// errUnsupported: Windows keeps no Unix permission bits.
var errUnsupported = errors.ErrUnsupported

// Rename moves old over new (MoveFileEx with MOVEFILE_REPLACE_EXISTING, as
// os.Rename does), retrying for a few seconds while another program (an
// antivirus, a search indexer, a sync client) holds either file open.
func Rename(old, new string) error {
	return whileShared(func() error { return os.Rename(old, new) })
}

// Remove removes a file, retrying for a few seconds while another program or
// process holds it open: Go (and most programs) open files without
// FILE_SHARE_DELETE, and Windows refuses to delete a file opened that way.
func Remove(path string) error {
	return whileShared(func() error { return os.Remove(path) })
}

// whileShared runs op until it succeeds, fails for another reason than a file
// held open by someone else, or has tried for five seconds.
func whileShared(op func() error) error {
	delay := 5 * time.Millisecond
	for deadline := time.Now().Add(5 * time.Second); ; {
		err := op()
		if err == nil || !sharingViolation(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
		delay = min(delay*2, 250*time.Millisecond)
	}
}

func sharingViolation(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}

// SyncDir does nothing: Windows cannot open a folder for flushing, and NTFS
// journals renames itself.
func SyncDir(dir string) error { return nil }

// openForSync opens a file so that it can be flushed: FlushFileBuffers needs
// a handle with write access, which a read-only file (git's packs carry the
// read-only attribute) gets only once the attribute is lifted; it is put back
// when the handle is opened.
func openForSync(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err == nil || !errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return f, err
	}
	fi, serr := os.Stat(path)
	if serr != nil || fi.Mode().Perm()&0o200 != 0 {
		return nil, err
	}
	if cerr := os.Chmod(path, fi.Mode().Perm()|0o200); cerr != nil {
		return nil, err
	}
	f, err = os.OpenFile(path, os.O_RDWR, 0)
	if cerr := os.Chmod(path, fi.Mode().Perm()); err == nil && cerr != nil {
		f.Close()
		return nil, cerr
	}
	return f, err
}
