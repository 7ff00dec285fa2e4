package data

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// lowerLayerFiles parses the non-test Go files under data/, sync/ and
// assets/, the layers below the front ends.
func lowerLayerFiles(t *testing.T) (*token.FileSet, map[string]*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	for _, root := range []string{".", filepath.Join("..", "sync"), filepath.Join("..", "assets")} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
			if err != nil {
				return err
			}
			files[path] = f
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 50 {
		t.Fatalf("only %d files found", len(files))
	}
	return fset, files
}

// TestNoImportRunsBackUp: nothing under data/ imports the layers above it.
func TestNoImportRunsBackUp(t *testing.T) {
	_, files := lowerLayerFiles(t)
	for path, f := range files {
		if strings.HasPrefix(path, "..") {
			continue
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			for _, above := range []string{"vademecum/assets", "vademecum/export", "vademecum/sync", "vademecum/app", "vademecum/selfcheck", "vademecum/internal/words"} {
				if p == above || strings.HasPrefix(p, above+"/") {
					t.Errorf("%s imports %s, a layer above data", path, p)
				}
			}
		}
	}
}

// TestNoLowerLayerNamesTheCLI: no text of data/, sync/ or assets/ tells the
// person to run a command of the CLI: the layers return codes and typed
// errors, each front end names its own way out.
func TestNoLowerLayerNamesTheCLI(t *testing.T) {
	fset, files := lowerLayerFiles(t)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && strings.Contains(s, "vademecum-cli ") {
				t.Errorf("%s: %q names a CLI command", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
}
