package atomicfile

import (
	"errors"
	"io"
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
