package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// What looks like a person ("Mario R., 54") is a hint in the privacy area,
// never a block: the practice is shared on save (issue 22).
func TestEditorSoftPrivacyHintDoesNotBlock(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.newPractice()
	e := u.editor
	test.Type(e.title, "Night shelter intake")
	e.vis.SetSelected(e.vis.Options[2])
	test.Type(e.summary, "Mario R., 54, sleeps at the station")
	u.Wait()
	if !e.privacyNote.Visible() || !strings.Contains(e.privacyText.Text, "Mario R., 54") || e.privacyActs.Visible() {
		t.Fatalf("hint visible %v, text %q, actions visible %v", e.privacyNote.Visible(), e.privacyText.Text, e.privacyActs.Visible())
	}
	typeShortcut(u, shortcutSave)
	u.Wait()
	if n := practiceCount(t, st); n != 1 {
		t.Fatalf("the hint blocked sharing: %d practices stored", n)
	}
	// A tool's name is no person: no hint.
	u.newPractice()
	e = u.editor
	test.Type(e.title, "Google Maps, 3 tips")
	e.vis.SetSelected(e.vis.Options[2])
	test.Type(e.summary, "Signal Messenger and Google Translate at Termini Station")
	u.Wait()
	if e.privacyNote.Visible() {
		t.Fatalf("a hint for tool and place names: %q", e.privacyText.Text)
	}
}
