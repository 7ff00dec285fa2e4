package app

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"vademecum/selfcheck"
)

// answerPages answers every page of the self-check through the screen: the
// answer worth low on the questions of the weak competences, high elsewhere.
func answerPages(t *testing.T, u *UI, weak map[string]bool, low, high int, pages int) {
	t.Helper()
	s := u.selfcheck
	for p := 0; p < pages; p++ {
		if s.choices == nil {
			t.Fatalf("page %d: no questions shown", p)
		}
		comp := s.pages[s.page][0].Competence
		want := high
		if weak[comp] {
			want = low
		}
		for _, ch := range s.choices {
			if ch.value == want {
				test.Tap(ch.button)
			}
		}
		if s.next == nil {
			return // the last answer finished the self-check
		}
		test.Tap(s.next)
	}
}

// TestSelfCheckScreenLeadsToPath: answering through the screen, with the
// lowest answers on three competences, shows those three lowest in the chart
// and a learning path that trains exactly them; a step opens in the toolkit.
func TestSelfCheckScreenLeadsToPath(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	// The View menu reaches the self-check.
	for _, m := range u.Window().MainMenu().Items {
		for _, it := range m.Items {
			if m.Label == "View" && it.Label == "Self-check" {
				it.Action()
			}
		}
	}
	if u.tabs.Selected().Content != u.selfcheck.content {
		t.Fatal("View > Self-check does not open the self-check")
	}
	s := u.selfcheck
	if !s.remove.Disabled() || !s.share.Disabled() {
		t.Fatal("delete and share are offered before any answer")
	}
	test.Tap(s.start)
	weak := map[string]bool{"1.2": true, "4.1": true, "5.1": true}
	answerPages(t, u, weak, 1, 3, len(s.pages))
	if s.choices != nil {
		t.Fatal("the self-check is finished, but a page of questions is still shown")
	}
	if len(s.bars) != 21 {
		t.Fatalf("the chart has %d bars, want 21", len(s.bars))
	}
	for code, b := range s.bars {
		if weak[code] != (b.level == 1) || !weak[code] && b.level != 5 {
			t.Errorf("bar %s at level %d (weak %v)", code, b.level, weak[code])
		}
	}
	if len(s.pathLinks) == 0 || len(s.pathLinks) != len(s.result.Recommended) {
		t.Fatalf("learning path: %d links for %d steps", len(s.pathLinks), len(s.result.Recommended))
	}
	for _, r := range s.result.Recommended {
		if !weak[r.Competence] {
			t.Errorf("the path trains %s, which is not weak", r.Competence)
		}
	}
	first := s.result.Recommended[0]
	s.pathLinks[0].OnTapped()
	if u.tabs.SelectedIndex() != 0 || u.toolkit.selected != first.Type+":"+first.ID {
		t.Fatalf("the first step opens tab %d showing %q, want the toolkit showing %s:%s", u.tabs.SelectedIndex(), u.toolkit.selected, first.Type, first.ID)
	}
	if s.share.Disabled() || s.remove.Disabled() {
		t.Fatal("share and delete are not offered after a self-check")
	}
}

// TestSelfCheckScreenResumes: answers given on a few pages survive closing the
// app; the self-check reopens at the first page not answered yet.
func TestSelfCheckScreenResumes(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.selectTab(4)
	test.Tap(u.selfcheck.start)
	answerPages(t, u, nil, 1, 2, 3)
	test.Tap(u.selfcheck.pause)
	u.Close()

	u2 := newTestUI(t, st, nil)
	s := u2.selfcheck
	if s.start.Text != "Continue the self-check" {
		t.Fatalf("start button says %q after answering 3 pages", s.start.Text)
	}
	if len(s.answers) != 6 || len(s.result.Competences) != 3 || s.result.Complete {
		t.Fatalf("after a restart: %d answers, %d competences, complete %v", len(s.answers), len(s.result.Competences), s.result.Complete)
	}
	test.Tap(s.start)
	if s.page != 3 {
		t.Fatalf("resumed at page %d, want 3", s.page)
	}
	test.Tap(s.back)
	selected := 0
	for _, ch := range s.choices {
		if ch.selected {
			selected++
			if ch.value != 2 {
				t.Errorf("%s shows answer %d, want 2", ch.question, ch.value)
			}
		}
	}
	if selected != 2 {
		t.Fatalf("page 3 shows %d chosen answers, want 2", selected)
	}
}

// TestSelfCheckScreenProgressAndDelete: a second self-check shows the levels
// of the first as marks; delete removes everything after confirmation.
func TestSelfCheckScreenProgressAndDelete(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.selectTab(4)
	s := u.selfcheck
	test.Tap(s.start)
	answerPages(t, u, nil, 1, 1, len(s.pages))
	test.Tap(s.start)
	answerPages(t, u, map[string]bool{"2.1": true}, 1, 3, len(s.pages))
	if len(s.history) != 2 || s.bars["1.1"].before != 1 || s.bars["1.1"].level != 5 || s.bars["2.1"].level != 1 {
		t.Fatalf("after two self-checks: %d in history, 1.1 bar %+v", len(s.history), s.bars["1.1"])
	}
	test.Tap(s.remove)
	if u.dialog == nil {
		t.Fatal("delete does not ask first")
	}
	confirmDialog(t, u, "Delete")
	if h, _ := st.SelfCheckHistory(context.Background()); len(h) != 0 {
		t.Fatalf("%d self-checks left after delete", len(h))
	}
	if len(s.bars) != 0 && len(s.result.Competences) != 0 || s.start.Text != "Start the self-check" {
		t.Fatalf("after delete the screen still shows a result (%d competences, button %q)", len(s.result.Competences), s.start.Text)
	}
}

// confirmDialog taps the button labelled yes in the open dialog.
func confirmDialog(t *testing.T, u *UI, yes string) {
	t.Helper()
	b, ok := button(u.Window().Canvas().Overlays().Top(), yes)
	if !ok {
		t.Fatalf("no %q button in the dialog", yes)
	}
	test.Tap(b)
}

// TestSelfCheckShareSummary: the anonymous summary holds counts only.
func TestSelfCheckShareSummary(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.selectTab(4)
	s := u.selfcheck
	test.Tap(s.start)
	answerPages(t, u, map[string]bool{"3.3": true}, 1, 2, len(s.pages))
	out := filepath.Join(t.TempDir(), "summary.json")
	s.chooseFile = func(name string, done func(string)) { done(out) }
	test.Tap(s.share)
	confirmDialog(t, u, "Choose where to save it…")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := selfcheck.ParseSummary(b)
	if err != nil {
		t.Fatal(err)
	}
	if sum.People != 1 || strings.Contains(string(b), "Giulia") || strings.Contains(string(b), "opengroup") || strings.Contains(string(b), "1.1a") {
		t.Fatalf("summary: %s", b)
	}
	for _, r := range sum.Competences {
		if (r.Code == "3.3") != (r.Foundation == 1) || r.Code != "3.3" && r.Intermediate != 1 {
			t.Errorf("%+v", r)
		}
	}
}

// TestSelfCheckScreenshots renders the self-check and the learning path in
// Italian and Czech (make screenshots).
func TestSelfCheckScreenshots(t *testing.T) {
	if *screenshotDir == "" {
		t.Skip("pass -screenshots=DIR to render the screens")
	}
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	if err := u.SetTheme(ThemeLight); err != nil {
		t.Fatal(err)
	}
	defer UseLanguage("en")
	shot := func(name string) {
		t.Helper()
		u.Wait()
		f, err := os.Create(filepath.Join(*screenshotDir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, u.Window().Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
	first := true
	for _, code := range []string{"it", "cs"} {
		if err := u.SetLanguage(code); err != nil {
			t.Fatal(err)
		}
		u.selectTab(4)
		s := u.selfcheck
		if first {
			// A first self-check a while ago, weaker, so that the chart shows progress.
			test.Tap(s.start)
			answerPages(t, u, map[string]bool{"4.2": true, "4.1": true, "1.2": true, "2.6": true}, 1, 2, len(s.pages))
			first = false
			test.Tap(s.start)
			answerPages(t, u, map[string]bool{"4.2": true, "4.1": true, "1.2": true}, 1, 3, len(s.pages))
		}
		test.Tap(s.start)
		for _, ch := range s.choices[:1] {
			test.Tap(ch.button)
		}
		shot("selfcheck-questions-" + code)
		test.Tap(s.pause)
		shot("selfcheck-result-" + code)
		u.Wait()
		s.scroll.Offset = fyne.NewPos(0, s.pathHead.Position().Y)
		s.scroll.Refresh()
		shot("selfcheck-path-" + code)
	}
}
