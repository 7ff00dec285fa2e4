package app

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestAppDoesNotImportSync: the app talks to the sync engine only through its
// Engine interface (cmd/vademecum/engine wires the real one), so neither the
// app, its tests nor anything they import reaches package sync.
func TestAppDoesNotImportSync(t *testing.T) {
	seen := map[string]string{} // import path → who imported it first
	var visit func(path, dir string, tests bool)
	visit = func(path, dir string, tests bool) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".go") || (!tests && strings.HasSuffix(name, "_test.go")) {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, name), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, im := range f.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				if !strings.HasPrefix(p, "vademecum/") {
					continue
				}
				if p == "vademecum/sync" {
					t.Errorf("%s imports vademecum/sync (%s)", path, filepath.Join(dir, name))
				}
				if _, ok := seen[p]; !ok {
					seen[p] = path
					visit(p, filepath.Join("..", strings.TrimPrefix(p, "vademecum/")), false)
				}
			}
		}
	}
	visit("vademecum/app", ".", true)
	if _, ok := seen["vademecum/data"]; !ok || len(seen) < 5 {
		t.Fatalf("only %d packages found: %v", len(seen), seen)
	}
}
