package data

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
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

// cliWords finds, in a sentence, what only the CLI has: its command, a flag
// (--ssh-key) or one of its environment variables (VADEMECUM_…).
var cliWords = regexp.MustCompile(`vademecum-cli |(^|[\s('"])--[a-z]|VADEMECUM_[A-Z]`)

// TestNoLowerLayerNamesTheCLI: no text of data/, sync/ (sync/invite too) or
// assets/ tells the person to run a command of the CLI, to give one of its
// flags or to set one of its variables: the layers return codes and typed
// errors, each front end names its own way out. A string without a space is
// not a sentence (an argument of git, the name of a variable read).
func TestNoLowerLayerNamesTheCLI(t *testing.T) {
	if !cliWords.MatchString("or give the key file with --ssh-key") || !cliWords.MatchString("(scripts: VADEMECUM_INVITE_PASSPHRASE)") {
		t.Fatal("the pattern misses a flag or a variable")
	}
	fset, files := lowerLayerFiles(t)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && strings.Contains(s, " ") && cliWords.MatchString(s) {
				t.Errorf("%s: %q names the CLI (a command, flag or variable)", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
}
