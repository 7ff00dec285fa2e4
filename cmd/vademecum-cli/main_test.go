package main

import (
	"bytes"
	"database/sql"
	"go/ast"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	_ "modernc.org/sqlite"

	"vademecum/data/trust"
	"vademecum/sync/invite"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"vademecum-cli": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts drives the CLI binary as a user or a script would: see
// testdata/script. The scripts match English output, which LC_ALL=C.UTF-8
// asks for whatever language an installation speaks.
func TestScripts(t *testing.T) {
	runScripts(t, "testdata/script", "C.UTF-8")
}

// TestScriptsInLanguage runs the CLI in the person's language: the
// installation's, else LANG's (testdata/lang).
func TestScriptsInLanguage(t *testing.T) {
	runScripts(t, "testdata/lang", "")
}

func runScripts(t *testing.T, dir, lcAll string) {
	testscript.Run(t, testscript.Params{
		Dir: dir,
		Setup: func(env *testscript.Env) error {
			env.Setenv("VADEMECUM_DATA", env.WorkDir+"/data")
			env.Setenv("HOME", env.WorkDir+"/home")
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/config")
			env.Setenv("LC_ALL", lcAll)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sqlexec":      sqlExec,
			"httphub":      cmdHTTPHub,
			"expireinvite": cmdExpireInvite,
			"tamper":       cmdTamper,
			"mkdoc":        cmdMakeDocument,
			"mkphoto":      cmdMakePhoto,
		},
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

// cmdHTTPHub serves the bare repositories of a folder through the real git
// http-backend on 127.0.0.1, as a forge does, accepting the given tokens:
// httphub VAR DIR TOKEN... sets VAR to the address of DIR/hub.git.
func cmdHTTPHub(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: httphub VAR DIR TOKEN...")
	}
	srv := httptest.NewServer(httpBackend(ts.MkAbs(args[1]), args[2:]))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL+"/hub.git")
}

// httpBackend serves the bare repositories under root through the real git
// http-backend, as a forge does, to requests whose password is one of tokens.
func httpBackend(root string, tokens []string) http.Handler {
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		panic("git --exec-path: " + err.Error())
	}
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || !slices.Contains(tokens, pass) {
			w.Header().Set("WWW-Authenticate", `Basic realm="hub"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h := &cgi.Handler{Path: backend, Root: "/", Stderr: io.Discard, Env: []string{
			"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=" + user,
		}}
		h.ServeHTTP(w, r)
	})
}

// serveHTTPHub serves root's bare repositories on 127.0.0.1 for the test's
// duration and returns the server's address.
func serveHTTPHub(t *testing.T, root string, tokens ...string) string {
	srv := httptest.NewServer(httpBackend(root, tokens))
	t.Cleanup(srv.Close)
	return srv.URL
}

// cmdExpireInvite makes an invitation that expired yesterday, signed as the
// inviter would have signed it: expireinvite IN OUT DATA_DIR (IN is a plain
// invitation made with DATA_DIR's key).
func cmdExpireInvite(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: expireinvite IN OUT DATA_DIR")
	}
	b, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	inv, err := invite.Read(b, nil)
	ts.Check(err)
	in, err := trust.LoadInstallation(ts.MkAbs(args[2]))
	ts.Check(err)
	inv.Expires = time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	out, err := invite.Encode(inv, in, "")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), out, 0o600))
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
	fset, files := cliSources(t)
	for _, f := range files {
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

// cmdTamper changes one character of an invitation's signed text: tamper IN
// OUT. In a plain invitation the 81st character (inside the payload); in an
// encrypted one the 20th from the end (inside the last chunk of ciphertext).
func cmdTamper(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: tamper IN OUT")
	}
	b, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	i := 80
	if invite.Encrypted(b) {
		i = len(bytes.TrimSpace(b)) - 20
	}
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o600))
}
