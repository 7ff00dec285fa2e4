package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"vademecum/assets"
	"vademecum/data"
)

func TestKeyboardTabSwitching(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	for _, i := range []int{1, 2, 3, 0} {
		typeShortcut(u, shortcutTab(i))
		if got := u.tabs.SelectedIndex(); got != i {
			t.Errorf("Ctrl+%d shows tab %d", i+1, got)
		}
	}
	// The View menu carries the same shortcuts, for when a field has the focus.
	var view *fyne.Menu
	for _, m := range u.win.MainMenu().Items {
		if m.Label == "View" {
			view = m
		}
	}
	n := 0
	for _, it := range view.Items {
		if it.Shortcut != nil && strings.HasPrefix(it.Shortcut.ShortcutName(), "CustomDesktop:") {
			n++
		}
	}
	if n < 5 {
		t.Errorf("View menu: %d items with a shortcut", n)
	}
}

func TestEnterSubmitsFirstStart(t *testing.T) {
	st, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.SetSetting(data.SettingUILang, "en")
	assets.Seed(context.Background(), st)
	u := newTestUI(t, st, nil)
	f := u.first
	f.user.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !f.errs["partner"].Visible() {
		t.Fatal("Enter did not submit the form")
	}
	// The message goes as soon as an organisation is chosen.
	f.partner.SetSelectedIndex(0)
	if f.errs["partner"].Visible() {
		t.Error("the 'choose your organisation' message stays after choosing one")
	}
	test.Type(f.user, "Anna Kowalska")
	u.Wait()
	f.user.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u.Wait()
	if !st.Initialised() || u.tabs == nil {
		t.Fatal("Enter in the last field did not start the app")
	}
}

func TestNewOrganisationLanguagePreselected(t *testing.T) {
	st, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.SetSetting(data.SettingUILang, "it")
	defer UseLanguage("en")
	u := newTestUI(t, st, nil)
	f := u.first
	f.mode.SetSelected(f.mode.Options[1])
	if got := strings.Join(f.languages.Selected, ","); got != "Italiano" {
		t.Errorf("working languages of a new organisation: %q", got)
	}
	f.country.setValue("PL")
	f.country.Select.OnChanged("")
	if got := strings.Join(f.languages.Selected, ","); got != "Italiano,Polski" {
		t.Errorf("after choosing Poland: %q", got)
	}
}

func TestKeyboardSearchToResults(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	s := u.toolkit
	u.win.Canvas().Focus(s.search)
	test.Type(s.search, "translate")
	u.Wait()
	// Down goes from the search box to the results.
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	u.Wait()
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if u.win.Canvas().Focused() != s.list {
		t.Fatal("Down in the search box does not reach the results")
	}
	// Enter in the search box opens the first result.
	u.win.Canvas().Focus(s.search)
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u.Wait()
	if len(s.items) == 0 || s.selected == "" || u.win.Canvas().Focused() != s.list {
		t.Fatalf("Enter: %d results, shown %q, list focused %v", len(s.items), s.selected, u.win.Canvas().Focused() == s.list)
	}
	first := s.selected
	// Enter in the list opens the result with the focus.
	s.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	s.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.selected == first || len(s.items) > 1 && s.selected != s.items[1].key() {
		t.Errorf("Enter in the list: shown %q (first was %q)", s.selected, first)
	}
}

func TestEscClosesEditorAfterChoosingVisibility(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.newPractice()
	e := u.editor
	test.Type(e.title, "Laundry rota")
	u.Wait()
	// Clicked: the choice does not keep the focus, so Esc reaches the window.
	test.Tap(e.vis.buttons[1])
	if e.vis.Selected != e.vis.Options[1] {
		t.Fatal("the click did not choose")
	}
	if f := u.win.Canvas().Focused(); f != nil && f != e.title {
		t.Fatalf("a click on a choice took the focus: %T", f)
	}
	// Reached with Tab and chosen with the keyboard: Esc still closes.
	u.win.Canvas().Focus(e.vis.buttons[2])
	u.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if e.vis.Selected != e.vis.Options[2] {
		t.Fatal("Space did not choose")
	}
	u.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	u.Wait()
	if u.editor != nil {
		t.Fatal("Esc did not close the editor after a choice was made")
	}
}

func TestMouseWheelScrollsEditorOverTextBox(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	resize(u, firstWindow)
	u.newPractice()
	e := u.editor
	u.win.Content().Refresh()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(e.summary)
	test.Scroll(u.win.Canvas(), pos.Add(fyne.NewPos(20, 20)), 0, -300)
	if e.scroll.Offset.Y <= 0 {
		t.Fatal("the wheel over a text box did not scroll the editor")
	}
}

func TestCommentWarningDoesNotMoveButton(t *testing.T) {
	st := newTestStore(t)
	p := addPractice(t, st, "Night shelter laundry rota", "IT", "en")
	u := newTestUI(t, st, nil)
	resize(u, firstWindow)
	j := u.journal
	u.selectTab(1)
	j.showPractice(p.ID)
	u.win.Content().Refresh()
	add, _ := button(j.detail, "Add comment")
	d := fyne.CurrentApp().Driver()
	// Where the button is on the page (the page may scroll).
	at := func() fyne.Position {
		return d.AbsolutePositionForObject(add).Subtract(d.AbsolutePositionForObject(j.detail))
	}
	before := at()
	test.Type(commentField(t, j), "Write to anna.rossi@example.org")
	u.Wait()
	test.Tap(add)
	u.Wait()
	u.win.Content().Refresh()
	if _, ok := button(j.detail, "Replace with [email]"); !ok {
		t.Fatal("the privacy warning is not shown")
	}
	if after := at(); after != before || before.Y <= 0 {
		t.Errorf("the Add button moved from %v to %v", before, after)
	}
}

func TestWindowFitsNetbookAndKeepsItsSize(t *testing.T) {
	st := newTestStore(t)
	u := New(test.NewTempApp(t), Options{Store: st})
	if s := u.win.Canvas().Size(); s.Width > netbook.Width || s.Height > netbook.Height-48 {
		t.Fatalf("the window opens at %v, larger than a 1024×600 netbook", s)
	}
	resize(u, fyne.NewSize(1400, 900))
	u.Close()
	again := New(test.NewTempApp(t), Options{Store: st})
	defer again.Close()
	if s := again.win.Canvas().Size(); s != fyne.NewSize(1400, 900) {
		t.Errorf("reopened at %v", s)
	}
}
