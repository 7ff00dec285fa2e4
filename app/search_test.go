package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

func TestSearchTypoSuggestsNearestTerms(t *testing.T) {
	defer UseLanguage("en")
	st := newTestStore(t)
	st.SetSetting(data.SettingUILang, "it")
	u := newTestUI(t, st, nil)
	s := u.toolkit
	test.Type(s.search, "traduzone")
	u.Wait()
	u.Wait() // the suggestions, read after the empty result
	if len(s.items) != 0 {
		t.Fatalf("the typo found %d results", len(s.items))
	}
	if len(s.suggested) == 0 || !strings.HasPrefix(s.suggested[0], "traduzion") {
		t.Fatalf("suggestions for traduzone: %q", s.suggested)
	}
	l, ok := find(s.detail, func(h *widget.Hyperlink) bool { return h.Text == s.suggested[0] })
	if !ok {
		t.Fatal("the suggestion is not shown")
	}
	l.OnTapped() // test.Tap lands beside a hyperlink's text
	u.Wait()
	if len(s.items) == 0 {
		t.Errorf("the suggested search %q finds nothing", s.search.Text)
	}
}

func TestSuggestions(t *testing.T) {
	v := vocabulary{"traduzione": {"traduzione", 5}, "tradurre": {"tradurre", 3}, "password": {"password", 9}, "offline": {"offline", 4}}
	for q, want := range map[string]string{
		"traduzone":          "traduzione",
		"pasword offline":    "password offline",
		"offline":            "",
		"zzzzzzzz":           "",
		"trdauzione offline": "traduzione offline",
	} {
		got := suggestions(q, v)
		if want == "" && len(got) != 0 || want != "" && (len(got) == 0 || got[0] != want) {
			t.Errorf("suggestions(%q) = %q, want %q first", q, got, want)
		}
	}
}

func TestSnippetKeepsHighlightedWord(t *testing.T) {
	text := "Kiwix keeps whole websites on a laptop or a phone so that people read them without any connection: Wikipedia, dictionaries and translation guides."
	i := strings.Index(text, "translation")
	got, ms := nearFirstMatch(text, [][2]int{{i, i + len("translation")}})
	if len(ms) != 1 || got[ms[0][0]:ms[0][1]] != "translation" {
		t.Fatalf("match lost: %q %v", got, ms)
	}
	if ms[0][0] > snippetLead+len("…")+1 || !strings.HasPrefix(got, "…") {
		t.Errorf("the word is still far into the line: %q at %d", got, ms[0][0])
	}
	segs := highlight(text, [][2]int{{i, i + len("translation")}})
	var bold string
	for _, s := range segs {
		if ts := s.(*widget.TextSegment); ts.Style == widget.RichTextStyleStrong {
			bold = ts.Text
		}
	}
	if bold != "translation" {
		t.Errorf("highlighted %q", bold)
	}
}
