package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"vademecum/data"
)

// TestStartupRebuild damages the database of an installation with a draft, and
// rebuilds it from the window shown at start.
func TestStartupRebuild(t *testing.T) {
	dir := t.TempDir()
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	org := &data.Organisation{Name: "Open Group", Country: "IT", Languages: []string{"it"}}
	org.ID, org.Lang = "opengroup-it", "it"
	if err := st.Init(org, "Giulia Rossi"); err != nil {
		t.Fatal(err)
	}
	p := &data.Practice{Title: "Draft kept in the local copy", Visibility: data.Draft}
	p.Lang = "en"
	if err := st.SavePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// Garbage over the database file: SQLite no longer recognises it.
	junk := []byte(strings.Repeat("not a database ", 512))
	if err := os.WriteFile(filepath.Join(dir, data.DBFile), junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, openErr := data.Open(dir)
	if openErr == nil {
		t.Fatal("a damaged database opened")
	}

	a := test.NewTempApp(t)
	restarted := false
	sp := newStartupProblem(a, dir, openErr, func() error { restarted = true; return nil })
	t.Cleanup(func() { sp.u.cancel(); sp.u.Wait() })
	if sp.rebuild == nil {
		t.Fatalf("no rebuild offered for %q", openErr)
	}
	if sp.rebuild.Text != "Rebuild from the local copy" {
		t.Errorf("button %q", sp.rebuild.Text)
	}
	test.Tap(sp.rebuild)
	sp.u.Wait()
	if !strings.Contains(sp.result.Text, "rebuilt with") || !sp.again.Visible() {
		t.Fatalf("after the rebuild: %q, start again shown %v", sp.result.Text, sp.again.Visible())
	}
	test.Tap(sp.again)
	if !restarted {
		t.Error("Start again did not restart")
	}
	st, err = data.Open(dir)
	if err != nil {
		t.Fatalf("the rebuilt database does not open: %v", err)
	}
	defer st.Close()
	got, err := st.GetPractice(p.ID)
	if err != nil || got.Title != p.Title {
		t.Errorf("the draft after the rebuild: %v, %v", got, err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, data.DBFile+".broken-*")); len(matches) == 0 {
		t.Error("the damaged database was not kept aside")
	}
}

// TestStartupOtherProblem offers no rebuild when the database is not the problem.
func TestStartupOtherProblem(t *testing.T) {
	a := test.NewTempApp(t)
	sp := newStartupProblem(a, "/nowhere", os.ErrPermission, nil)
	if sp.rebuild != nil {
		t.Error("a rebuild is offered for a permission problem")
	}
}
