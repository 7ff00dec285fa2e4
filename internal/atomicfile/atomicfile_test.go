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
