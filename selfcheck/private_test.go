package selfcheck

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/export"
)

// TestExportsHoldNoSelfCheck: every export format is the same, byte for byte,
// before and after a self-check, and so is the local copy: the answers are not
// exported unless the person exports the anonymous summary themselves.
func TestExportsHoldNoSelfCheck(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	org := &data.Organisation{Name: "Open Group", Country: "IT", Languages: []string{"it"}}
	org.ID, org.Lang = "opengroup-it", "it"
	if err := s.Init(org, "Giulia"); err != nil {
		t.Fatal(err)
	}
	if _, err := assets.Seed(ctx, s); err != nil {
		t.Fatal(err)
	}
	p := &data.Practice{Title: "Offline library", Summary: "Kiwix in the common room", Visibility: data.Shared, Country: "IT"}
	p.Lang = "en"
	if err := s.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	exportAll := func(to string) map[string][]byte {
		t.Helper()
		for _, f := range []export.Format{export.JSON, export.Markdown, export.CSV, export.HTML} {
			if err := export.Save(ctx, s, f, filepath.Join(to, string(f)), export.Options{Practices: true, AllVisibilities: true}); err != nil {
				t.Fatal(err)
			}
		}
		files := map[string][]byte{}
		filepath.Walk(to, func(path string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				rel, _ := filepath.Rel(to, path)
				files[rel], _ = os.ReadFile(path)
			}
			return nil
		})
		return files
	}
	localCopy := func() []byte {
		b, _ := os.ReadFile(filepath.Join(dir, data.LocalCopyFile))
		return b
	}
	before, copyBefore := exportAll(t.TempDir()), localCopy()
	qs, _ := assets.SelfCheck()
	if _, err := Save(ctx, s, answersWith(qs, 1, map[string][]int{"4.2": {3}})); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(ctx, s, map[string]int{qs[0].ID: 2}); err != nil {
		t.Fatal(err)
	}
	after := exportAll(t.TempDir())
	if len(before) < 4 || len(after) != len(before) {
		t.Fatalf("exports: %d files before, %d after", len(before), len(after))
	}
	for name, b := range before {
		// The site's search index writes a tool's names in all languages in map
		// order: those pages are compared as multisets of bytes.
		if strings.HasSuffix(name, ".html") {
			b, after[name] = sortedBytes(b), sortedBytes(after[name])
		}
		if !bytes.Equal(b, after[name]) {
			t.Errorf("export %s changed after a self-check", name)
		}
	}
	if !bytes.Equal(copyBefore, localCopy()) {
		t.Errorf("the local copy changed after a self-check")
	}
}

func sortedBytes(b []byte) []byte {
	c := append([]byte{}, b...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	return c
}
