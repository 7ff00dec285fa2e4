package data

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// The data directory and what the store keeps in it are for this user only,
// whatever they were before (a folder made by hand, a copy restored from a
// backup with 0644 files): another OS user of the office computer must not
// read a draft (DESIGN.md, threat model 7).
func TestDataDirectoryIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := newStoreIn(t, dir)
	s.SetSetting(SettingUILang, "it") // writes the local copy and the WAL
	s.Close()
	os.WriteFile(filepath.Join(dir, DBFile+".broken-20260101-000000"), []byte("old"), 0o644)
	os.Chmod(dir, 0o755)
	for _, name := range []string{DBFile, DBFile + "-wal", DBFile + "-shm", LocalCopyFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			os.Chmod(filepath.Join(dir, name), 0o644)
		}
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetSetting(SettingUILang, "pl"); err != nil {
		t.Fatal(err)
	}
	want := map[string]os.FileMode{"": 0o700, DBFile: 0o600, DBFile + "-wal": 0o600, DBFile + "-shm": 0o600,
		LocalCopyFile: 0o600, DBFile + ".broken-20260101-000000": 0o600}
	for name, mode := range want {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%q has mode %04o, want %04o", name, fi.Mode().Perm(), mode)
		}
	}
}

// A database made in a fresh directory is 0600 from the start, whatever the umask.
func TestNewDatabaseIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	dir := t.TempDir()
	s := newStoreIn(t, dir)
	defer s.Close()
	for _, name := range []string{DBFile, DBFile + "-wal", DBFile + "-shm", LocalCopyFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o", name, fi.Mode().Perm())
		}
	}
}
