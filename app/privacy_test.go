package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

const phone = "+39 347 123 4567"

// sharedPracticeWithPhone fills a new practice that is to be shared and has a
// phone number in its summary, and presses Save once.
func sharedPracticeWithPhone(t *testing.T, u *UI, summary string) *editorScreen {
	t.Helper()
	u.newPractice()
	e := u.editor
	test.Type(e.title, "Night shelter beds by phone")
	e.vis.SetSelected(e.vis.Options[2])
	test.Type(e.summary, summary)
	u.Wait()
	// The guard shows the finding as it is typed, before any save.
	if !e.privacy["summary"].content.Visible() || !e.privacyNote.Visible() {
		t.Fatal("the phone number is not shown while a shared practice is written")
	}
	typeShortcut(u, shortcutSave)
	u.Wait()
	return e
}

func TestEditorPrivacyBlocksSharing(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	e := sharedPracticeWithPhone(t, u, "Call "+phone+" to ask for a bed.")
	if n := practiceCount(t, st); n != 0 {
		t.Fatalf("a practice with a phone number was shared: %d practices stored", n)
	}
	if !strings.Contains(e.status.Text, "personal data") {
		t.Errorf("status %q", e.status.Text)
	}
	box := e.privacy["summary"].content
	if _, ok := find(box, func(l *widget.Label) bool {
		return strings.Contains(l.Text, "Phone number") && strings.Contains(l.Text, phone)
	}); !ok {
		t.Error("the finding is not named with its kind and text")
	}
	rep, ok := button(box, "Replace with [phone]")
	if !ok {
		t.Fatal("no Replace with [phone] button")
	}
	test.Tap(rep)
	u.Wait()
	if got := e.summary.Text; got != "Call [phone] to ask for a bed." {
		t.Fatalf("summary after Replace: %q", got)
	}
	if box.Visible() || e.privacyNote.Visible() {
		t.Error("the finding is still shown after Replace")
	}
	typeShortcut(u, shortcutSave)
	u.Wait()
	list, _ := st.ListPractices(context.Background(), data.PracticeFilter{})
	if len(list) != 1 {
		t.Fatalf("%d practices stored after Replace", len(list))
	}
	p, _ := st.GetPractice(list[0].ID)
	if p.Visibility != data.Shared || p.Summary != "Call [phone] to ask for a bed." || strings.Contains(p.Summary, phone) {
		t.Errorf("stored: visibility %s, summary %q", p.Visibility, p.Summary)
	}
}

func TestEditorPrivacyNotPersonal(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	summary := "The regional helpline " + phone + " answers at night."
	e := sharedPracticeWithPhone(t, u, summary)
	if n := practiceCount(t, st); n != 0 {
		t.Fatalf("shared before the finding was handled: %d", n)
	}
	keep, ok := button(e.privacy["summary"].content, "Not personal (e.g. a helpline)")
	if !ok {
		t.Fatal("no Not personal button")
	}
	test.Tap(keep)
	u.Wait()
	if e.privacyNote.Visible() {
		t.Error("banner still shown after Not personal")
	}
	typeShortcut(u, shortcutSave)
	u.Wait()
	list, _ := st.ListPractices(context.Background(), data.PracticeFilter{})
	if len(list) != 1 {
		t.Fatalf("%d practices stored", len(list))
	}
	p, _ := st.GetPractice(list[0].ID)
	if p.Visibility != data.Shared || p.Summary != summary || !slices.Contains(p.Cleared, "phone:"+phone) {
		t.Errorf("stored: visibility %s, summary %q, cleared %v", p.Visibility, p.Summary, p.Cleared)
	}
	// Reopened, the practice keeps its cleared number and shows nothing to handle.
	u.closeEditor()
	u.editPractice(p)
	u.Wait()
	if u.editor.privacyNote.Visible() {
		t.Error("a cleared finding is shown again when the practice is reopened")
	}
}

func TestEditorPrivacyOnlyWhenShared(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.newPractice()
	e := u.editor
	test.Type(e.title, "Our own list of numbers")
	test.Type(e.summary, "Call "+phone+" for the key.")
	e.vis.SetSelected(e.vis.Options[1]) // my organisation: never leaves the device
	u.Wait()
	if e.privacyNote.Visible() {
		t.Error("findings shown for a practice that is not shared")
	}
	typeShortcut(u, shortcutSave)
	if n := practiceCount(t, st); n != 1 {
		t.Fatalf("organisation practice not saved: %d", n)
	}
	// Choosing "shared" shows the finding at once; "Replace all" handles it.
	e.vis.SetSelected(e.vis.Options[2])
	u.Wait()
	if !e.privacyNote.Visible() {
		t.Fatal("choosing Shared does not show the phone number")
	}
	all, _ := button(e.privacyNote, "Replace all")
	test.Tap(all)
	u.Wait()
	if e.summary.Text != "Call [phone] for the key." || e.privacyNote.Visible() {
		t.Errorf("after Replace all: %q, banner %v", e.summary.Text, e.privacyNote.Visible())
	}
}

func TestCommentPrivacy(t *testing.T) {
	st := newTestStore(t)
	p := addPractice(t, st, "Streetwork chat hours", "CZ", "cs")
	u := newTestUI(t, st, nil)
	j := u.journal
	j.showPractice(p.ID)
	text, ok := find(j.detail, func(e *entry) bool { return e.MultiLine })
	if !ok {
		t.Fatal("no comment field")
	}
	text.SetText("Write to petra.novak@example.cz and she explains it.")
	u.Wait()
	add, _ := button(j.detail, "Add comment")
	test.Tap(add)
	if cs, _ := st.ListComments(context.Background(), p.ID); len(cs) != 0 {
		t.Fatalf("a comment with an e-mail address was shared: %v", cs)
	}
	rep, ok := button(j.detail, "Replace with [email]")
	if !ok {
		t.Fatal("no Replace with [email] button under the comment")
	}
	test.Tap(rep)
	u.Wait()
	if text.Text != "Write to [email] and she explains it." {
		t.Fatalf("comment after Replace: %q", text.Text)
	}
	test.Tap(add)
	cs, _ := st.ListComments(context.Background(), p.ID)
	if len(cs) != 1 || cs[0].Text != "Write to [email] and she explains it." {
		t.Fatalf("comments %+v", cs)
	}

	// A helpline marked as not personal is shared as written.
	j.showPractice(p.ID)
	text, _ = find(j.detail, func(e *entry) bool { return e.MultiLine })
	text.SetText("The helpline " + phone + " also answers in Ukrainian.")
	add, _ = button(j.detail, "Add comment")
	test.Tap(add)
	keep, ok := button(j.detail, "Not personal (e.g. a helpline)")
	if !ok {
		t.Fatal("no Not personal button under the comment")
	}
	test.Tap(keep)
	u.Wait()
	test.Tap(add)
	cs, _ = st.ListComments(context.Background(), p.ID)
	if len(cs) != 2 {
		t.Fatalf("%d comments", len(cs))
	}
	var got *data.Comment
	for _, c := range cs {
		if strings.Contains(c.Text, "helpline") {
			got = c
		}
	}
	if got == nil || !strings.Contains(got.Text, phone) || !slices.Contains(got.Cleared, "phone:"+phone) || got.Visibility != data.Shared {
		t.Errorf("helpline comment %+v", got)
	}
}

func TestReplaceFinding(t *testing.T) {
	f := data.Finding{Field: "summary"}
	f.Kind, f.Start, f.End, f.Text = "phone", 5, 21, phone
	for _, c := range []struct{ in, want string }{
		{"Call " + phone + " now", "Call [phone] now"},
		{"Please call " + phone + " now", "Please call [phone] now"}, // moved since the scan
		{"Nothing here", "Nothing here"},
	} {
		if got, _ := replaceFinding(c.in, f); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

// A codice fiscale typed as a tag is shown under the tags and stops sharing;
// the tag is removed (a placeholder is no tag) and the practice can be shared.
func TestEditorPrivacyInTags(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.newPractice()
	e := u.editor
	test.Type(e.title, "Night shelter beds")
	e.vis.SetSelected(e.vis.Options[2])
	test.Type(e.tags, "housing, RSSMRA85T10A562S")
	u.Wait()
	typeShortcut(u, shortcutSave)
	u.Wait()
	if n := practiceCount(t, st); n != 0 {
		t.Fatalf("a practice with a codice fiscale in a tag was shared: %d practices stored", n)
	}
	box := e.privacy["tags"].content
	if !box.Visible() {
		t.Fatal("the finding in the tags is not shown")
	}
	rm, ok := button(box, "Remove this tag")
	if !ok {
		t.Fatal("no Remove this tag button")
	}
	test.Tap(rm)
	u.Wait()
	if e.tags.Text != "housing" {
		t.Fatalf("tags after Remove: %q", e.tags.Text)
	}
	typeShortcut(u, shortcutSave)
	u.Wait()
	list, _ := st.ListPractices(context.Background(), data.PracticeFilter{})
	if len(list) != 1 {
		t.Fatalf("%d practices stored after Remove", len(list))
	}
	if p, _ := st.GetPractice(list[0].ID); !slices.Equal(p.Tags, []string{"housing"}) || p.Visibility != data.Shared {
		t.Fatalf("stored after Remove: %+v", p)
	}
}
