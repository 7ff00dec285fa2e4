package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"vademecum/data"
)

// journalTitles are the titles the journal lists, in order.
func journalTitles(j *journalScreen) []string {
	var out []string
	for i := 0; i < j.model.len(); i++ {
		sm, _ := j.model.get(i)
		out = append(out, sm.Title)
	}
	return out
}

// The journal is searched as one types: words of a practice or of its
// comments, without caring for case or accents, together with the filters;
// clearing the search brings the whole journal back.
func TestJournalTextSearch(t *testing.T) {
	st := newTestStore(t)
	addPractice(t, st, "Help desk interpreting by video", "IT", "it")
	cz := addPractice(t, st, "Streetwork chat hours", "CZ", "cs", "signal")
	addPractice(t, st, "Housing search with a shared map", "ES", "es")
	addPractice(t, st, "Sportello serale in città", "IT", "it")
	if err := st.SaveComment(context.Background(), &data.Comment{Practice: cz.ID, Text: "The night bus timetable helped us a lot",
		Visibility: data.Shared, Meta: data.Meta{Lang: "en"}}); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, st, nil)
	j := u.journal
	if j.model.len() != 4 {
		t.Fatalf("journal shows %d", j.model.len())
	}
	// Ctrl+F on the journal goes to its search box.
	u.selectTab(1)
	u.focusSearch()
	if u.win.Canvas().Focused() != j.search {
		t.Errorf("Ctrl+F on the journal focuses %T", u.win.Canvas().Focused())
	}
	search := func(text string) []string {
		t.Helper()
		j.search.SetText("")
		test.Type(j.search, text)
		u.Wait()
		return journalTitles(j)
	}
	if got := search("interpret"); len(got) != 1 || got[0] != "Help desk interpreting by video" {
		t.Errorf("a word being typed: %q", got)
	}
	if got := search("timetable"); len(got) != 1 || got[0] != "Streetwork chat hours" {
		t.Errorf("a word of a comment finds its practice: %q", got)
	}
	if j.count.Text != "1 practice found" {
		t.Errorf("count %q", j.count.Text)
	}
	if got := search("CITTA "); len(got) != 1 || got[0] != "Sportello serale in città" {
		t.Errorf("case and accents: %q", got)
	}
	if got := search("shared map nothing-like-this"); len(got) != 0 || j.count.Text != "0 practices found" {
		t.Errorf("all words are needed: %q (%s)", got, j.count.Text)
	}
	search("summary")
	if j.model.len() != 4 {
		t.Errorf("a word of every practice: %q", journalTitles(j))
	}
	j.country.SetSelected(countryName("IT"))
	u.Wait()
	if got := journalTitles(j); len(got) != 2 {
		t.Errorf("search and country filter: %q", got)
	}
	j.search.SetText("")
	u.Wait()
	if j.model.len() != 2 || j.count.Text != "2 practices" {
		t.Errorf("search cleared, filter kept: %d (%s)", j.model.len(), j.count.Text)
	}
	j.list.Select(0)
	if j.selectedID == "" {
		t.Error("a found practice does not open")
	}
}
