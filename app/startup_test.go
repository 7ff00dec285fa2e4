package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// TestStartupRebuild: a damaged database is offered a rebuild from the
// window shown at start, which shows its progress and what came back, then
// starts again.
func TestStartupRebuild(t *testing.T) {
	dir := t.TempDir()
	// Garbage where the database is: SQLite does not recognise it.
	if err := os.WriteFile(filepath.Join(dir, data.DBFile), []byte(strings.Repeat("garbage ", 1024)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, openErr := data.Open(dir)
	if openErr == nil {
		t.Fatal("a damaged database opened")
	}

	a := test.NewTempApp(t)
	restarted := false
	var rebuiltDir string
	// The sync's rebuild is tested on a damaged database in
	// cmd/vademecum/engine; here it reports its progress and what came back.
	rebuild := func(dir string, progress func(done, total int)) (RebuildReport, error) {
		rebuiltDir = dir
		for i := range 4 {
			progress(i, 3)
		}
		return RebuildReport{Records: 1, MovedTo: filepath.Join(dir, data.DBFile+".broken-1")}, nil
	}
	sp := newStartupProblem(a, dir, openErr, rebuild, func() error { restarted = true; return nil })
	t.Cleanup(func() { sp.u.cancel(); sp.u.Wait() })
	if sp.rebuildBtn == nil {
		t.Fatalf("no rebuild offered for %q", openErr)
	}
	if sp.rebuildBtn.Text != "Rebuild from the local copy" {
		t.Errorf("button %q", sp.rebuildBtn.Text)
	}
	test.Tap(sp.rebuildBtn)
	sp.u.Wait()
	if rebuiltDir != dir {
		t.Errorf("rebuilt %q, want %q", rebuiltDir, dir)
	}
	if !strings.Contains(sp.result.Text, "rebuilt with 1 record") || !strings.Contains(sp.result.Text, data.DBFile+".broken-1") || !sp.again.Visible() {
		t.Fatalf("after the rebuild: %q, start again shown %v", sp.result.Text, sp.again.Visible())
	}
	test.Tap(sp.again)
	if !restarted {
		t.Error("Start again did not restart")
	}
}

// TestStartupNewerData: a data folder last used by a newer Vademecum is said
// so in the person's words, with no rebuild offered (nothing is damaged).
func TestStartupNewerData(t *testing.T) {
	dir := t.TempDir()
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, openErr := data.Open(dir)
	if openErr == nil {
		t.Fatal("a database of a newer Vademecum opened")
	}
	a := test.NewTempApp(t)
	sp := newStartupProblem(a, dir, openErr, func(string, func(int, int)) (RebuildReport, error) {
		t.Error("rebuild called")
		return RebuildReport{}, nil
	}, func() error { return nil })
	t.Cleanup(func() { sp.u.cancel(); sp.u.Wait() })
	if sp.rebuildBtn != nil {
		t.Error("a rebuild is offered for a database that is not damaged")
	}
	if _, ok := find(sp.u.win.Content(), func(l *widget.Label) bool {
		return strings.HasPrefix(l.Text, "This data folder was last used by a newer version of Vademecum.")
	}); !ok {
		t.Errorf("the window does not say a newer Vademecum wrote the data (the error: %v)", openErr)
	}
}
