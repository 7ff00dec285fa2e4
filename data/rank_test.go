package data

import (
	"context"
	"fmt"
	"math"
	"testing"
)

func savePractice(t *testing.T, s *Store, title, summary string) *Practice {
	t.Helper()
	p := &Practice{Meta: Meta{Lang: "en"}, Title: title, Summary: summary, Visibility: Shared}
	if err := s.SavePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestJournalRanking: the journal's own bm25 puts a word in a title before the
// same word in a body, a rare word's title before a common word's, and of equal
// matches the newer first.
func TestJournalRanking(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for i := range 40 {
		savePractice(t, s, fmt.Sprintf("Evening round %d", i), "We met at the shelter with a volunteer.")
	}
	inTitle := savePractice(t, s, "Shelter intake", "How the first evening goes.")
	rareTitle := savePractice(t, s, "Housing paperwork", "The shelter helped with the volunteer forms.")
	savePractice(t, s, "Volunteer rota", "Shared with the shelter team, about housing.") // newer
	for i := range 5 {
		savePractice(t, s, fmt.Sprintf("Night notes %d", i), "A shelter again, then the volunteer left.")
	}
	hits, err := s.Search(ctx, Query{Text: "shelter ", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].ID != inTitle.ID {
		t.Fatalf("'shelter': %v, want %q first", titles(hits), inTitle.Title)
	}
	// Both words are in every match; "housing" is in fewer documents than
	// "volunteer", so a title with "housing" weighs more than one with "volunteer".
	hits, err = s.Search(ctx, Query{Text: "volunteer housing ", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].ID != rareTitle.ID {
		t.Fatalf("'volunteer housing': %v, want %q first", titles(hits), rareTitle.Title)
	}
	// Equal matches (the word in the body only): the newest first.
	hits, err = s.Search(ctx, Query{Text: "again ", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 5 || hits[0].Title != "Night notes 4" || hits[4].Title != "Night notes 0" {
		t.Fatalf("'again': %v, want the newest first", titles(hits))
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Score < hits[i-1].Score {
			t.Fatalf("scores not in order: %v", hits)
		}
	}
}

// TestWordWeightsFollowWrites: the cached weight of a word is dropped by a write,
// whether through this store or another one on the same database, so that a word
// that became common weighs less.
func TestWordWeightsFollowWrites(t *testing.T) {
	dir := t.TempDir()
	s := newStoreIn(t, dir)
	ctx := context.Background()
	for range 30 {
		savePractice(t, s, "Weekly meeting", "Nothing special.")
	}
	savePractice(t, s, "Outreach", "The bus went to the station.")
	weight := func(s *Store) float64 {
		t.Helper()
		if _, err := s.Search(ctx, Query{Text: "station "}); err != nil {
			t.Fatal(err)
		}
		w, err := s.wordStats(ctx, "journal_fts", []string{"station"}, false)
		if err != nil {
			t.Fatal(err)
		}
		return w[0].idf
	}
	rare := weight(s)
	if n := len(s.idfs.words); n == 0 {
		t.Fatal("the search kept no weight")
	}
	for range 20 {
		savePractice(t, s, "Outreach", "The bus went to the station again.")
	}
	if n := len(s.idfs.words); n != 0 {
		t.Fatalf("a write kept %d weights", n)
	}
	common := weight(s)
	if !(common < rare) {
		t.Fatalf("'station' weighs %v in 21 of 51 documents, %v in 1 of 31", common, rare)
	}
	// Another process writes: the totals of the index changed.
	other, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for range 40 {
		savePractice(t, other, "Station", "At the station.")
	}
	if w := weight(s); !(w < common) {
		t.Fatalf("after another store's writes 'station' weighs %v, before %v", w, common)
	}
}

// TestWordEstimate: a word in more documents than the sample is estimated from
// how densely the sample lies among the newest documents.
func TestWordEstimate(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	err := s.Tx(ctx, func(tx *Tx) error {
		for i := range 600 {
			text := "ordinary day"
			if i%3 == 0 {
				text = "ordinary day with a ticket"
			}
			p := &Practice{Meta: Meta{ID: fmt.Sprintf("01900000-0000-7000-8000-%012x", i), Type: TypePractice, Org: "streetwork-cz",
				Lang: "en", Created: Now(), Updated: Now()}, Title: "Day", Summary: text, Visibility: Shared}
			if err := tx.Put(p, PutHub); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.wordStats(ctx, "journal_fts", []string{"ticket", "ordinary", "nowhere"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(w[0].docs-200) > 20 {
		t.Errorf("'ticket' in 200 of 600 documents, estimated %v", w[0].docs)
	}
	if math.Abs(w[1].docs-600) > 30 || w[1].idf <= 0 {
		t.Errorf("'ordinary' in all 600 documents, estimated %v (weight %v)", w[1].docs, w[1].idf)
	}
	if w[2].docs != 0 || !(w[2].idf > w[0].idf) {
		t.Errorf("'nowhere': %+v, 'ticket': %+v", w[2], w[0])
	}
}

// TestSearchNeverFindsErased: a search whose words' weights are cached does not
// find a practice deleted or erased after it.
func TestSearchNeverFindsErased(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	deleted := savePractice(t, s, "Winter shelter", "Beds for the cold nights.")
	erased := savePractice(t, s, "Winter clothes", "Coats for the cold nights.")
	kept := savePractice(t, s, "Winter soup", "Soup for the cold nights.")
	find := func() map[string]bool {
		t.Helper()
		hits, err := s.Search(ctx, Query{Text: "winter cold"})
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		for _, h := range hits {
			found[h.ID] = true
		}
		return found
	}
	if f := find(); !f[deleted.ID] || !f[erased.ID] || !f[kept.ID] {
		t.Fatalf("before: %v", f)
	}
	if err := s.DeletePractice(ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Erase(ctx, erased.ID, "personal data", func(r Record) string { return "practices/" + r.Base().ID + ".json" }); err != nil {
		t.Fatal(err)
	}
	if f := find(); f[deleted.ID] || f[erased.ID] || !f[kept.ID] {
		t.Fatalf("after deleting and erasing: %v", f)
	}
}

// TestSingleLetterWholeFirst: a last word of one letter is looked up whole first
// ("w" is a word), and as a prefix when the whole word has too few matches.
func TestSingleLetterWholeFirst(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for i := range 3 {
		savePractice(t, s, fmt.Sprintf("Dyżur %d", i), "Spotkanie w świetlicy.")
	}
	savePractice(t, s, "Warsztat", "Spotkanie warsztatowe.")
	hits, err := s.Search(ctx, Query{Text: "spotkanie w", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 3 {
		t.Fatalf("'spotkanie w' limit 3: %v", titles(hits))
	}
	for _, h := range hits {
		if h.Title == "Warsztat" {
			t.Fatalf("'spotkanie w' limit 3: %v, the whole word 'w' has three matches", titles(hits))
		}
	}
	hits, err = s.Search(ctx, Query{Text: "spotkanie w", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 4 {
		t.Fatalf("'spotkanie w' limit 10: %v, want the prefix's four", titles(hits))
	}
}

// TestFacetWordsNotMatchedByText: the text's words are kept off the facets column
// when they could match a facet word.
func TestFacetWordsNotMatchedByText(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	savePractice(t, s, "Zebra crossing", "Road safety.")
	for _, q := range []string{"z", "zf", "zftypexpractice", "zflangxen "} {
		hits, err := s.Search(ctx, Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if q == "z" {
			want = 1 // zebra
		}
		if len(hits) != want {
			t.Errorf("%q: %v", q, titles(hits))
		}
	}
}

// TestTypeFilterInJournal: a filter on practices leaves the comments out, one on
// comments keeps only them, both keep the whole journal, and a toolkit type beside
// them adds its own matches.
func TestTypeFilterInJournal(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	p := savePractice(t, s, "Laundry day", "Washing machines at the day centre.")
	c := &Comment{Meta: Meta{Lang: "en"}, Practice: p.ID, Text: "Our laundry opens on Mondays.", Visibility: Shared}
	if err := s.SaveComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	tool := &Tool{Meta: Meta{ID: "laundry-map", Type: TypeTool, Lang: "en", Created: Now(), Updated: Now()},
		Name: Text{"en": "Laundry map"}, Summary: Text{"en": "Where to wash clothes."}, Category: "daily"}
	if err := s.Tx(ctx, func(tx *Tx) error { return tx.Put(tool, PutToolkit) }); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		types []string
		want  []string
	}{
		{[]string{TypePractice}, []string{p.ID}},
		{[]string{TypeComment}, []string{c.ID}},
		{[]string{TypePractice, TypeComment}, []string{p.ID, c.ID}},
		{[]string{TypeComment, TypeTool}, []string{c.ID, tool.ID}},
		{nil, []string{p.ID, c.ID, tool.ID}},
	} {
		hits, err := s.Search(ctx, Query{Text: "laundry", Types: tc.types})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, h := range hits {
			got[h.ID] = true
		}
		if len(got) != len(tc.want) {
			t.Errorf("types %v: %v, want %v", tc.types, got, tc.want)
			continue
		}
		for _, id := range tc.want {
			if !got[id] {
				t.Errorf("types %v: %v, want %v", tc.types, got, tc.want)
			}
		}
	}
}
