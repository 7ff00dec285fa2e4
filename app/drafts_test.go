package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// fastAutosave makes drafts save themselves within milliseconds for one test.
func fastAutosave(t *testing.T) {
	old := autosaveEvery
	autosaveEvery = 20 * time.Millisecond
	t.Cleanup(func() { autosaveEvery = old })
}

// commentField is the field for a new comment on the practice shown.
func commentField(t *testing.T, j *journalScreen) *entry {
	t.Helper()
	text, ok := find(j.detail, func(e *entry) bool { return e.MultiLine })
	if !ok {
		t.Fatal("no comment field")
	}
	return text
}

// Tests wait (u.Wait) after typing: Fyne's test driver runs the results of
// background work (privacy scans, draft writes) on their own goroutines, where
// they would race the test's next step on the same widgets.

// waitFor polls cond for up to 3 s (autosaves run on their own goroutines).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		pumpUI()
		if cond() {
			return
		}
	}
	t.Fatalf("waited 3 s for %s", what)
}

func TestCommentDraftSurvivesReloadAndSync(t *testing.T) {
	fastAutosave(t)
	st := newTestStore(t)
	a := addPractice(t, st, "Night shelter laundry rota", "IT", "en")
	b := addPractice(t, st, "Streetwork chat hours", "CZ", "cs")
	hub, _ := conflictHub(t, st)
	u := newTestUI(t, st, hub)
	j := u.journal
	u.selectTab(1)
	j.showPractice(a.ID)
	text := commentField(t, j)
	u.win.Canvas().Focus(text)
	test.Type(text, "We tried this in Brno, and")
	u.Wait()

	// Another practice and back.
	j.showPractice(b.ID)
	if got := commentField(t, j).Text; got != "" {
		t.Errorf("the comment on another practice shows %q", got)
	}
	j.showPractice(a.ID)
	if got := commentField(t, j).Text; got != "We tried this in Brno, and" {
		t.Fatalf("after another practice and back: %q", got)
	}

	// A reload of the journal (a filter, a save elsewhere) keeps text, focus and place.
	text = commentField(t, j)
	u.win.Canvas().Focus(text)
	j.reload("")
	u.Wait()
	text = commentField(t, j)
	if text.Text != "We tried this in Brno, and" || u.win.Canvas().Focused() != text {
		t.Fatalf("after a reload: %q, focused %v", text.Text, u.win.Canvas().Focused() == text)
	}
	test.Type(text, " it helped")
	u.Wait()

	// A sync finishing (by hand or the background one) reloads the journal too.
	u.syncs.syncNow()
	u.Wait()
	if got := commentField(t, j).Text; got != "We tried this in Brno, and it helped" {
		t.Fatalf("after a sync: %q", got)
	}

	// A kill: what was typed is in the store without the window closing.
	waitFor(t, "the comment draft in the store", func() bool {
		v, _ := st.Setting(commentDraftKey + a.ID)
		return v == "We tried this in Brno, and it helped"
	})
	u.Wait()
	again := newTestUI(t, st, hub)
	again.journal.showPractice(a.ID)
	if got := commentField(t, again.journal).Text; got != "We tried this in Brno, and it helped" {
		t.Fatalf("after a restart: %q", got)
	}

	// Added: the draft is gone.
	add, _ := button(again.journal.detail, "Add comment")
	test.Tap(add)
	again.Wait()
	if got := commentField(t, again.journal).Text; got != "" {
		t.Errorf("the field still shows the added comment: %q", got)
	}
	if v, _ := st.Setting(commentDraftKey + a.ID); v != "" {
		t.Errorf("draft kept after the comment was added: %q", v)
	}
}

func TestSharedEditAutosaveSurvivesRestart(t *testing.T) {
	fastAutosave(t)
	st := newTestStore(t)
	p := addPractice(t, st, "Shared phone for the shelter", "IT", "en")
	u := newTestUI(t, st, nil)
	u.editPractice(p)
	test.Type(u.editor.lessons, "Charge it every night.")
	u.Wait()
	waitFor(t, "the edit kept aside", func() bool {
		kept, _ := u.editDraft(p.ID)
		return kept != nil && kept.Lessons == "Charge it every night."
	})
	// Kept aside, not applied: partners see nothing half-written.
	if got, _ := st.GetPractice(p.ID); got.Lessons != "" || got.Visibility != data.Shared {
		t.Fatalf("the shared practice changed before Save: %+v", got)
	}
	if !strings.Contains(u.editor.status.Text, "kept on this computer") {
		t.Errorf("status %q", u.editor.status.Text)
	}

	// Killed and started again: the editor brings the changes back.
	fyne.DoAndWait(func() { u.editor.stop() })
	again := newTestUI(t, st, nil)
	again.editPractice(p)
	e := again.editor
	if e.lessons.Text != "Charge it every night." || e.title.Text != p.Title || !e.dirty {
		t.Fatalf("restored lessons %q, title %q, dirty %v", e.lessons.Text, e.title.Text, e.dirty)
	}
	if !strings.Contains(e.status.Text, "are back") {
		t.Errorf("status %q", e.status.Text)
	}
	typeShortcut(again, shortcutSave)
	if got, _ := st.GetPractice(p.ID); got.Lessons != "Charge it every night." || got.Visibility != data.Shared {
		t.Fatalf("after Save: %+v", got)
	}
	if kept, _ := again.editDraft(p.ID); kept != nil {
		t.Error("the kept changes outlived the Save")
	}
}

func TestNewPracticeWithoutTitleSurvivesKill(t *testing.T) {
	fastAutosave(t)
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.newPractice()
	test.Type(u.editor.summary, "Typed before the title")
	u.Wait()
	waitFor(t, "the untitled practice kept aside", func() bool {
		kept, _ := u.editDraft(newPracticeKey)
		return kept != nil && kept.Summary == "Typed before the title"
	})
	fyne.DoAndWait(func() { u.editor.stop() })
	again := newTestUI(t, st, nil)
	again.newPractice()
	if got := again.editor.summary.Text; got != "Typed before the title" {
		t.Fatalf("restored summary %q", got)
	}
	test.Type(again.editor.title, "Now with a title")
	again.Wait()
	typeShortcut(again, shortcutSave)
	if kept, _ := again.editDraft(newPracticeKey); kept != nil {
		t.Error("the untitled form outlived the Save")
	}
}

func TestCloseDialogKeepsWriting(t *testing.T) {
	fastAutosave(t)
	st := newTestStore(t)
	p := addPractice(t, st, "Shared phone for the shelter", "IT", "en")
	u := newTestUI(t, st, nil)
	u.editPractice(p)
	test.Type(u.editor.lessons, "Half a sentence")
	u.Wait()
	fyne.DoAndWait(func() { u.escape() })
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("closing unsaved changes did not ask")
	}
	keep, ok1 := keyButtonNamed(top, "Keep writing")
	lose, ok2 := keyButtonNamed(top, "Close without saving")
	if !ok1 || !ok2 {
		t.Fatalf("dialog: %q", overlayText(u))
	}
	if keep.Importance != widget.HighImportance || lose.Importance == widget.HighImportance || lose.Importance == widget.DangerImportance {
		t.Errorf("highlighted: keep %v, lose %v", keep.Importance, lose.Importance)
	}
	if u.win.Canvas().Focused() != keep {
		t.Error("the safe answer does not have the focus (Enter would not keep writing)")
	}
	// Esc on the question keeps writing.
	fyne.DoAndWait(func() { u.escape() })
	if u.editor == nil || u.editor.lessons.Text != "Half a sentence" {
		t.Fatal("Esc on the question closed the editor")
	}
	fyne.DoAndWait(func() { u.escape() })
	lose, _ = keyButtonNamed(u.win.Canvas().Overlays().Top(), "Close without saving")
	test.Tap(lose)
	if u.editor != nil {
		t.Fatal("Close without saving kept the editor open")
	}
	if kept, _ := u.editDraft(p.ID); kept != nil {
		t.Error("changes given up are still kept")
	}
}
