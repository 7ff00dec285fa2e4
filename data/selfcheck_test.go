package data

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestSelfCheckAttempts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := s.OpenSelfCheck(ctx); err != nil || a != nil {
		t.Fatalf("new store: open attempt %v, %v", a, err)
	}
	a, err := s.SaveSelfCheckAnswers(ctx, map[string]int{"1.1a": 1, "1.1b": 2})
	if err != nil {
		t.Fatal(err)
	}
	// Answered in parts, across a restart; a second answer replaces the first.
	s.Close()
	if s, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err := s.SaveSelfCheckAnswers(ctx, map[string]int{"1.1b": 3, "1.2a": 2})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != a.ID || len(b.Answers) != 3 || b.Answers["1.1b"] != 3 || b.Answers["1.1a"] != 1 {
		t.Fatalf("resumed attempt = %+v, want attempt %d with 3 answers, 1.1b = 3", b, a.ID)
	}
	if err := s.FinishSelfCheck(ctx, b.ID, map[string]int{"1.1": 3, "1.2": 3}); err != nil {
		t.Fatal(err)
	}
	// Finishing twice keeps the first levels.
	if err := s.FinishSelfCheck(ctx, b.ID, map[string]int{"1.1": 1}); err != nil {
		t.Fatal(err)
	}
	if o, _ := s.OpenSelfCheck(ctx); o != nil {
		t.Fatalf("still open after finishing: %+v", o)
	}
	c, err := s.SaveSelfCheckAnswers(ctx, map[string]int{"1.1a": 3})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == b.ID || len(c.Answers) != 1 {
		t.Fatalf("after a finished attempt, answers start a new one: %+v", c)
	}
	if err := s.FinishSelfCheck(ctx, c.ID, map[string]int{"1.1": 5}); err != nil {
		t.Fatal(err)
	}
	h, err := s.SelfCheckHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].ID != b.ID || h[0].Levels["1.1"] != 3 || len(h[0].Levels) != 2 || h[1].Levels["1.1"] != 5 ||
		h[0].Finished.IsZero() || h[0].Answers["1.2a"] != 2 {
		t.Fatalf("history = %+v %+v", h[0], h[1])
	}
}

// TestSelfCheckDeleteLeavesNoTrace: after deleting, the answers cannot be read
// back from the database files.
func TestSelfCheckDeleteLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	marker := "zq-private-answer-marker"
	a, err := s.SaveSelfCheckAnswers(ctx, map[string]int{marker: 2, "1.1a": 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishSelfCheck(ctx, a.ID, map[string]int{marker + "-level": 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveSelfCheckAnswers(ctx, map[string]int{marker + "-open": 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	if !filesContain(t, dir, marker) {
		t.Fatal("the marker is not in the database files before deleting: the test proves nothing")
	}
	if err := s.DeleteSelfCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if filesContain(t, dir, marker) {
		t.Fatal("deleted self-check answers can still be read from the database files")
	}
	if h, _ := s.SelfCheckHistory(ctx); len(h) != 0 {
		t.Fatalf("history after delete: %d attempts", len(h))
	}
	if o, _ := s.OpenSelfCheck(ctx); o != nil {
		t.Fatalf("open attempt after delete: %+v", o)
	}
	for _, f := range []string{LocalCopyFile} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil && bytes.Contains(b, []byte(marker)) {
			t.Fatalf("%s holds self-check data", f)
		}
	}
}

func filesContain(t *testing.T, dir, s string) bool {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}
