package main

import (
	"bytes"
	"database/sql"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	_ "modernc.org/sqlite"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"vademecum-cli": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts drives the CLI binary as a user or a script would: see testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("VADEMECUM_DATA", env.WorkDir+"/data")
			env.Setenv("HOME", env.WorkDir+"/home")
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/config")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"sqlexec": sqlExec},
	})
}

// sqlExec runs SQL on a database file, as someone editing it by hand would:
// sqlexec FILE STATEMENT.
func sqlExec(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: sqlexec FILE STATEMENT")
	}
	db, err := sql.Open("sqlite", ts.MkAbs(args[0]))
	if err != nil {
		ts.Fatalf("%v", err)
	}
	defer db.Close()
	_, err = db.Exec(args[1])
	if (err != nil) != neg {
		ts.Fatalf("sqlexec: %v", err)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"frobnicate"}, 2},
		{[]string{"--data", dir + "/d", "init", "--org-id", "x"}, 2},
		{[]string{"--data", dir + "/d", "tools", "--competence", "9.9"}, 2},
		{[]string{"--data", dir + "/d", "practice", "add", "--title"}, 2},
		{[]string{"--data", dir + "/missing", "tools"}, 1},
		{[]string{"--data", dir + "/d", "init", "--org-id", "pmff-pl", "--org-name", "Polish Migration Forum", "--country", "PL", "--lang", "pl", "--user", "Ola"}, 0},
		{[]string{"--data", dir + "/d", "practice", "add", "--title", " "}, 1},
		{[]string{"--data", dir + "/d", "tool", "show"}, 2},
		{[]string{"--data", dir + "/d", "tool", "show", "signal"}, 0},
		{[]string{"--data", dir + "/d", "search"}, 2},
		{[]string{"--data", dir + "/d", "tools", "--country", "DE"}, 2},
		{[]string{"--data", dir + "/d", "tools", "--country", "PL"}, 0},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		got := run(c.args, strings.NewReader(""), &out, &errb)
		if got != c.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", c.args, got, c.code, errb.String())
		}
		if got != 0 && strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
			t.Errorf("%v: stderr is not one line: %q", c.args, errb.String())
		}
	}
}

// TestEveryPrintIsEscaped: every print of the CLI goes through fprintf or
// fprintln, which escape control characters in text (DESIGN.md, threat model
// 8): a direct fmt.Fprint* would let text from a hub reach the terminal raw.
func TestEveryPrintIsEscaped(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			fd, ok := n.(*ast.FuncDecl)
			if ok && (fd.Name.Name == "fprintf" || fd.Name.Name == "fprintln") {
				return false // the helpers themselves
			}
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "fmt" && (strings.HasPrefix(sel.Sel.Name, "Fprint") || strings.HasPrefix(sel.Sel.Name, "Print")) {
				t.Errorf("%s: fmt.%s prints without escaping: use fprintf or fprintln", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
