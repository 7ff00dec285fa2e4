package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile replaces path with data, atomically and durably.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write replaces path with what write writes, atomically and durably. The
// temporary file is a hidden sibling of path; a failed write removes it and
// leaves path as it was.
func Write(path string, perm os.FileMode, write func(io.Writer) error) error {
	return WriteVia(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*", path, perm, write)
}

// WriteVia is Write with the temporary file made in tmpDir from pattern (as
// os.CreateTemp takes them): for folders whose every file is read as data,
// such as a git repository's refs. tmpDir must be on the same file system.
func WriteVia(tmpDir, pattern, path string, perm os.FileMode, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(tmpDir, pattern)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil && !errors.Is(err, errUnsupported) {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := Rename(tmp, path); err != nil {
		return err
	}
	if err := SyncDir(filepath.Dir(path)); err != nil {
		return err
	}
	if d := filepath.Clean(tmpDir); d != filepath.Dir(path) {
		return SyncDir(d)
	}
	return nil
}

// SyncFile flushes a file already in place to the disk.
func SyncFile(path string) error {
	f, err := openForSync(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// CreateNew puts a file at path with data, durably, only when there is none:
// created is false when path exists already (another process made it first),
// and that file is left as it is. The content is complete before the name
// appears (a hard link of a flushed temporary file); file systems without hard
// links (FAT on a USB stick) get an exclusive create, flushed before it returns.
func CreateNew(path string, data []byte, perm os.FileMode) (created bool, err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return false, err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := writeSynced(f, data, perm); err != nil {
		return false, err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if err := writeSynced(f, data, perm); err != nil {
			os.Remove(path)
			return false, err
		}
	}
	return true, SyncDir(dir)
}

// writeSynced writes data to f, sets its mode, flushes and closes it.
func writeSynced(f *os.File, data []byte, perm os.FileMode) error {
	_, err := f.Write(data)
	if err == nil {
		if cerr := f.Chmod(perm); cerr != nil && !errors.Is(cerr, errUnsupported) {
			err = cerr
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// SyncTree flushes every file and folder under dir to the disk: for a folder
// written whole (a static site) before it is renamed into place.
func SyncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return SyncDir(path)
		}
		return SyncFile(path)
	})
}

// RenameDir moves the folder old (flushed with SyncTree) to new, which must
// not exist, and flushes new's parent so that the move survives a power cut.
func RenameDir(old, new string) error {
	if err := Rename(old, new); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(new))
}
