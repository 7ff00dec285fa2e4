package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Private modes of the data directory and of what the store keeps in it
// (DESIGN.md, threat model 7): several OS users may share an office computer.
const (
	PrivateDirMode  os.FileMode = 0o700
	PrivateFileMode os.FileMode = 0o600
)

// isStoreFile reports whether name, inside the data directory, is a file the
// store owns: the database, its companions and the copies moved aside, and
// the local copy.
func isStoreFile(name string) bool {
	return name == LocalCopyFile || name == DBFile || strings.HasPrefix(name, DBFile+"-") || strings.HasPrefix(name, DBFile+".")
}

// makePrivate gives the data directory dir and the store's files private
// modes, whatever they were before (a folder made by hand, files restored from
// a backup). Other files are left alone (the packages that own them see to
// them), and symbolic links are not followed. Windows has no such mode bits:
// the user's profile folder protects the data there.
func makePrivate(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	if err := EnsureMode(dir, PrivateDirMode); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("cannot read the data directory %s: %s", dir, rootCause(err))
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if e.Type().IsRegular() && isStoreFile(e.Name()) {
			if err := EnsureMode(path, PrivateFileMode); err != nil {
				return err
			}
		}
	}
	return nil
}

// EnsureMode sets mode on path unless it has it already (a file of another
// owner that already has private modes is no error); nothing on Windows.
func EnsureMode(path string, mode os.FileMode) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot check the permissions of %s: %s", path, rootCause(err))
	}
	if fi.Mode().Perm() == mode {
		return nil
	}
	if err := os.Chmod(path, mode); err != nil {
		return fmt.Errorf("%s can be read by other users of this computer and its permissions cannot be fixed (%s): run 'chmod %o %s' as its owner",
			path, rootCause(err), mode, path)
	}
	return nil
}

// createPrivate makes an empty file with private modes, unless it exists (it
// reports whether it made it): so that SQLite, which creates the database with
// 0644 less the umask and its WAL and shared-memory files with the database's
// mode, starts from 0600.
func createPrivate(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, PrivateFileMode)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, f.Close()
}
