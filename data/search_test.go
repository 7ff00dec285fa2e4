package data

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestSearchDiacriticsAndPrefix(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	notes := []struct{ lang, title, summary string }{
		{"it", "Sportello nella città di Bologna", "Accoglienza per persone senza dimora, perché nessuno resti fuori"},
		{"es", "Acompañamiento en Santander", "Información sobre trámites para migrantes"},
		{"pl", "Punkt konsultacyjny w Łodzi", "Spotkania w Łódź dla cudzoziemców, pomoc żywnościowa"},
		{"cs", "Terénní práce v Praze", "Noční služba pro mladé lidi na ulici, přespávání"},
		{"fr", "Accueil de jour à Bruxelles", "Hébergement d'urgence et café solidaire, élèves"},
	}
	for _, n := range notes {
		p := &Practice{Meta: Meta{Lang: n.lang}, Title: n.title, Summary: n.summary, Visibility: Shared}
		if err := s.SavePractice(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		q    string
		want string // title of the single expected hit
	}{
		{"citta", "Sportello nella città di Bologna"},
		{"CITTÀ", "Sportello nella città di Bologna"},
		{"perche", "Sportello nella città di Bologna"},
		{"acompanamiento", "Acompañamiento en Santander"},
		{"informacion tramites", "Acompañamiento en Santander"},
		{"lodz", "Punkt konsultacyjny w Łodzi"},
		{"zywnosciowa", "Punkt konsultacyjny w Łodzi"},
		{"łódź", "Punkt konsultacyjny w Łodzi"},
		{"terenni prace", "Terénní práce v Praze"},
		{"prespavani", "Terénní práce v Praze"},
		{"hebergement", "Accueil de jour à Bruxelles"},
		{"ELEVES", "Accueil de jour à Bruxelles"},
		// prefixes, as typed
		{"bolo", "Sportello nella città di Bologna"},
		{"acomp", "Acompañamiento en Santander"},
		{"konsult", "Punkt konsultacyjny w Łodzi"},
		{"noc", "Terénní práce v Praze"},
		{"bruxe", "Accueil de jour à Bruxelles"},
	}
	for _, c := range cases {
		hits, err := s.Search(ctx, Query{Text: c.q})
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if len(hits) != 1 || hits[0].Title != c.want {
			t.Errorf("%q: got %v, want %q", c.q, titles(hits), c.want)
			continue
		}
		h := hits[0]
		if len(h.Matches) == 0 {
			t.Errorf("%q: no match offsets in snippet %q", c.q, h.Snippet)
		}
		for _, m := range h.Matches {
			if m[0] < 0 || m[1] > len(h.Snippet) || m[0] >= m[1] {
				t.Errorf("%q: bad offsets %v in %q", c.q, m, h.Snippet)
			}
		}
	}
	// A full word (trailing space) is not a prefix.
	if hits, _ := s.Search(ctx, Query{Text: "bolo "}); len(hits) != 0 {
		t.Errorf("'bolo ' should not match Bologna: %v", titles(hits))
	}
	// Filters.
	if hits, _ := s.Search(ctx, Query{Text: "a", Lang: "pl"}); len(hits) != 0 {
		t.Logf("lang filter with prefix 'a': %v", titles(hits))
	}
	if hits, _ := s.Search(ctx, Query{Text: "noc", Lang: "it"}); len(hits) != 0 {
		t.Errorf("lang filter let through %v", titles(hits))
	}
	if hits, _ := s.Search(ctx, Query{Text: "noc", Types: []string{TypeTool}}); len(hits) != 0 {
		t.Errorf("type filter let through %v", titles(hits))
	}
}

func TestSnippetOffsets(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	p := &Practice{Meta: Meta{Lang: "pl"}, Title: "Notatka", Summary: "Spotkania w Łódź dla cudzoziemców", Visibility: Draft}
	s.SavePractice(ctx, p)
	hits, _ := s.Search(ctx, Query{Text: "lodz"})
	if len(hits) != 1 {
		t.Fatalf("got %d hits", len(hits))
	}
	h := hits[0]
	if len(h.Matches) != 1 || h.Snippet[h.Matches[0][0]:h.Matches[0][1]] != "Łódź" {
		t.Fatalf("snippet %q matches %v", h.Snippet, h.Matches)
	}
}

func TestHostileQueries(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	s.SavePractice(ctx, &Practice{Meta: Meta{Lang: "en"}, Title: "Night shelter phone", Summary: "AND OR NOT near", Visibility: Draft})
	for _, q := range []string{`"`, `""`, `"night`, `*`, `**`, `night*`, `AND`, `OR`, `NOT`, `night AND`, `-`, `-night`,
		`night -phone`, `NEAR(night phone)`, `(`, `)`, `{`, `^night`, `title:night`, `🏠`, `night 🏠 shelter`, `'`, `\`,
		`%`, `_`, `;DROP TABLE records;--`, "\x00", "\xff\xfe", "   ", "", `a:b:c`, `"""`, `+`, `night+phone`} {
		hits, err := s.Search(ctx, Query{Text: q})
		if err != nil {
			t.Errorf("query %q: %v", q, err)
		}
		if hits == nil {
			t.Errorf("query %q: nil instead of an empty list", q)
		}
	}
	if hits, _ := s.Search(ctx, Query{Text: `"night`}); len(hits) != 1 {
		t.Errorf(`"night found %d`, len(hits))
	}
	if hits, _ := s.Search(ctx, Query{Text: `AND`}); len(hits) != 1 {
		t.Errorf(`AND as a word found %d`, len(hits))
	}
}

func titles(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Title)
	}
	return out
}

func TestSearchFacetFilters(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	add := func(title, lang, country string, tags ...string) {
		t.Helper()
		if err := s.SavePractice(ctx, &Practice{Meta: Meta{Lang: lang}, Title: title, Country: country, Tags: tags, Visibility: Draft}); err != nil {
			t.Fatal(err)
		}
	}
	add("Phone charging corner", "en", "IT", "digital-inclusion")
	add("Phone repair café", "fr", "BE", "Łaźnia")
	add("Phone credit for calls home", "pl", "PL", "migrants")
	cases := []struct {
		q    Query
		want []string
	}{
		{Query{Text: "phone", Country: "be"}, []string{"Phone repair café"}},
		{Query{Text: "phone", Tag: "laznia"}, []string{"Phone repair café"}},
		{Query{Text: "phone", Tag: "Łaźnia"}, []string{"Phone repair café"}},
		{Query{Text: "phone", Lang: "pl"}, []string{"Phone credit for calls home"}},
		{Query{Text: "phone", Org: "streetwork-cz", Country: "IT"}, []string{"Phone charging corner"}},
		{Query{Text: "phone", Types: []string{TypeComment}}, nil},
		{Query{Text: "phone", Since: time.Now().Add(time.Hour)}, nil},
		{Query{Text: "phone", Since: time.Now().Add(-time.Hour), Lang: "fr"}, []string{"Phone repair café"}},
	}
	for _, c := range cases {
		hits, err := s.Search(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(hits); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%+v: got %v, want %v", c.q, got, c.want)
		}
	}
	// Facet words never match what people type.
	if hits, _ := s.Search(ctx, Query{Text: "zflangxen"}); len(hits) != 0 {
		t.Errorf("a facet word matched the text: %v", titles(hits))
	}
}
