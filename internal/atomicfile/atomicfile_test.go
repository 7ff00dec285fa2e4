package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteReplacesAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config")
	for _, body := range []string{"first\n", "second, longer\n"} {
		if err := WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != body {
			t.Fatalf("read %q, %v; want %q", got, err, body)
		}
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("the folder holds %d files, want only the target", len(entries))
	}
}

func TestFailedWriteKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "data")
	if err := WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk gone")
	err := Write(p, 0o644, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the writer's error", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Fatalf("after a failed write the file holds %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("a failed write left %d files", len(entries))
	}
}

func TestWriteViaKeepsTheTemporaryFileElsewhere(t *testing.T) {
	dir := t.TempDir()
	refs := filepath.Join(dir, "refs", "heads")
	os.MkdirAll(refs, 0o755)
	p := filepath.Join(refs, "main")
	seen := ""
	err := WriteVia(dir, "tmp-ref-*", p, 0o644, func(w io.Writer) error {
		entries, _ := os.ReadDir(refs)
		for _, e := range entries {
			seen += e.Name()
		}
		_, err := w.Write([]byte("abc\n"))
		return err
	})
	if err != nil || seen != "" {
		t.Fatalf("err %v; the target folder held %q while writing", err, seen)
	}
	if got, _ := os.ReadFile(p); string(got) != "abc\n" {
		t.Fatalf("got %q", got)
	}
}

// TestCreateNewLeavesAnExistingFile: the first writer's file stays; a second
// CreateNew reports it did not create and changes nothing; no temporary file
// is left behind.
func TestCreateNewLeavesAnExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "installation.key")
	created, err := CreateNew(path, []byte("first"), 0o600)
	if err != nil || !created {
		t.Fatalf("first: %v %v", created, err)
	}
	created, err = CreateNew(path, []byte("second"), 0o600)
	if err != nil || created {
		t.Fatalf("second: %v %v", created, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Errorf("content %q", b)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left in the folder: %v", entries)
	}
}

// TestRenameDirMovesAFlushedTree: a folder written whole and flushed is moved
// into place with its files.
func TestRenameDirMovesAFlushedTree(t *testing.T) {
	parent := t.TempDir()
	tmp := filepath.Join(parent, ".site.part")
	if err := os.MkdirAll(filepath.Join(tmp, "tools"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(tmp, "tools", "a.html"), []byte("a"), 0o644)
	if err := SyncTree(tmp); err != nil {
		t.Fatal(err)
	}
	if err := RenameDir(tmp, filepath.Join(parent, "site")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(parent, "site", "tools", "a.html")); err != nil || string(b) != "a" {
		t.Errorf("%q %v", b, err)
	}
	if err := SyncTree(filepath.Join(parent, "missing")); err == nil {
		t.Error("a missing folder flushed without an error")
	}
}
