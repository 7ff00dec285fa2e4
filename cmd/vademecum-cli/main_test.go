package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
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
	})
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
