package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// newStore opens a fresh initialised store in a temporary directory.
func newStore(t testing.TB) *Store {
	t.Helper()
	return newStoreIn(t, t.TempDir())
}

// newStoreIn opens a fresh initialised store in dir.
func newStoreIn(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	org := &Organisation{Meta: Meta{ID: "streetwork-cz", Lang: "cs"}, Name: "Czech Streetwork Association", Country: "CZ", Languages: []string{"cs", "en"}}
	if err := s.Init(org, "Jana Nováková"); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing dir: %v", err)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, DBFile), []byte(strings.Repeat("this is not sqlite\n", 100)), 0o644)
	if _, err := Open(bad); err == nil || !strings.Contains(err.Error(), "not a Vademecum database") {
		t.Errorf("not sqlite: %v", err)
	}
	if os.Getuid() != 0 {
		ro := t.TempDir()
		os.Chmod(ro, 0o500)
		defer os.Chmod(ro, 0o700)
		if _, err := Open(ro); err == nil || !strings.Contains(err.Error(), "not writable") {
			t.Errorf("read-only: %v", err)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.db.Exec("PRAGMA user_version = 999")
	s.Close()
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "newer Vademecum") {
		t.Fatalf("want refusal, got %v", err)
	}
}

func TestOldSchemaUpgrades(t *testing.T) {
	dir := t.TempDir()
	// A database as the first release left it: schema 1 only.
	db, err := sql.Open("sqlite", filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := migrations()
	if _, err := db.Exec(ms[0].sql + "; PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v int
	s.db.QueryRow("PRAGMA user_version").Scan(&v)
	if v != SchemaVersion() {
		t.Fatalf("user_version %d, want %d", v, SchemaVersion())
	}
}

func TestPracticeLifecycle(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	p := &Practice{Meta: Meta{Lang: "cs"}, Title: "Noční kontaktní služba v Praze", Summary: "Streetwork s mladými lidmi", Visibility: Shared, Tags: []string{"streetwork", " noc "}}
	if err := s.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p.ID == "" || p.Org != "streetwork-cz" || p.Author != "Jana Nováková" {
		t.Fatalf("meta not filled: %+v", p.Meta)
	}
	got, err := s.GetPractice(p.ID)
	if err != nil || got.Title != p.Title || len(got.Tags) != 2 {
		t.Fatalf("get: %v %+v", err, got)
	}
	first := got.Updated
	got.Summary = "Změněno"
	if err := s.SavePractice(ctx, got); err != nil {
		t.Fatal(err)
	}
	if !got.Updated.After(first) {
		t.Errorf("updated did not move: %v -> %v", first, got.Updated)
	}
	list, _ := s.ListPractices(ctx, PracticeFilter{Tag: "NOC"})
	if len(list) != 1 {
		t.Errorf("tag filter (folded) found %d", len(list))
	}
	if err := s.DeletePractice(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetPractice(p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted practice still returned: %v", err)
	}
	if hits, _ := s.Search(ctx, Query{Text: "streetwork", Types: []string{TypePractice}}); len(hits) != 0 {
		t.Errorf("deleted practice still found: %+v", hits)
	}
	pend, _ := s.Pending(ctx)
	if len(pend) != 2 || !pend[1].Deleted && !pend[0].Deleted {
		t.Errorf("want org + tombstone pending, got %d", len(pend))
	}
}

func TestPracticeValidation(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	cases := []struct {
		name  string
		p     Practice
		field string
	}{
		{"empty title", Practice{Meta: Meta{Lang: "en"}, Title: "  ", Visibility: Draft}, "title"},
		{"invalid utf8", Practice{Meta: Meta{Lang: "en"}, Title: "ok", Summary: "bad \xff", Visibility: Draft}, "summary"},
		{"huge field", Practice{Meta: Meta{Lang: "en"}, Title: "ok", Context: strings.Repeat("x", 10<<20), Visibility: Draft}, "context"},
		{"bad visibility", Practice{Meta: Meta{Lang: "en"}, Title: "ok", Visibility: "public"}, "visibility"},
		{"bad lang", Practice{Meta: Meta{Lang: "english"}, Title: "ok"}, "lang"},
		{"unknown tool", Practice{Meta: Meta{Lang: "en"}, Title: "ok", Tools: []string{"no-such-tool"}}, "tools"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := s.SavePractice(ctx, &c.p)
			var ve ValidationError
			if !errors.As(err, &ve) || ve.For(c.field) == "" {
				t.Fatalf("want error on %s, got %v", c.field, err)
			}
		})
	}
	if n, _ := s.Count(ctx, Query{Types: []string{TypePractice}}); n != 0 {
		t.Errorf("%d practices half-written", n)
	}
}

func TestCanonicalStable(t *testing.T) {
	p := &Practice{Meta: Meta{ID: "x", Type: TypePractice, Lang: "fr"}, Title: "Cafe\u0301 <b>&</b>", Tags: []string{"b", "a"}}
	a, _ := Encode(p)
	r, err := Decode(a)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Encode(r)
	if string(a) != string(b) {
		t.Fatalf("not stable:\n%s\n%s", a, b)
	}
	if !strings.Contains(string(a), "Café <b>&</b>") || !strings.HasSuffix(string(a), "}\n") {
		t.Errorf("not NFC / escaped / no newline: %s", a)
	}
	if _, err := Decode([]byte(`{"id":"x","type":"practice","title":"t","colour":"red"}`)); err == nil {
		t.Error("unknown field accepted")
	}
	if _, err := Decode([]byte("{\"id\":\"x\",\"type\":\"practice\",\"title\":\"\xff\"}")); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

func TestMergeFields(t *testing.T) {
	base := []byte(`{"a":"1","b":"1","t":{"en":"x","it":"y"}}`)
	mine := []byte(`{"a":"2","b":"1","t":{"en":"x","it":"mine"}}`)
	theirs := []byte(`{"a":"1","b":"3","t":{"en":"new","it":"y"},"c":"4"}`)
	got, err := MergeFields(base, mine, theirs)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": \"2\",\n  \"b\": \"3\",\n  \"c\": \"4\",\n  \"t\": {\n    \"en\": \"new\",\n    \"it\": \"mine\"\n  }\n}\n"
	if string(got) != want {
		t.Fatalf("got\n%s", got)
	}
}

func TestPrivacyGuardBlocksSharing(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	p := &Practice{Meta: Meta{Lang: "it"}, Title: "Sportello", Summary: "Chiamare Marco al 347 123 4567 o scrivere a marco.rossi@example.org", Visibility: Shared}
	err := s.SavePractice(ctx, p)
	var ve ValidationError
	if !errors.As(err, &ve) || !strings.Contains(ve.For("summary"), "personal data") {
		t.Fatalf("shared practice with a phone and an e-mail was saved: %v", err)
	}
	if n, _ := s.Count(ctx, Query{Types: []string{TypePractice}}); n != 0 {
		t.Fatalf("%d practices saved", n)
	}
	// As a draft it is kept: the guard only stands at the door.
	p.Visibility = Draft
	if err := s.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	// Mark the phone as not personal (a helpline), pseudonymise the rest: now it can be shared.
	for _, f := range PrivacyFindings(p) {
		if f.Kind == "phone" {
			p.Cleared = append(p.Cleared, f.Key())
		}
	}
	Pseudonymise(p)
	p.Visibility = Shared
	if err := s.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetPractice(p.ID)
	if !strings.Contains(got.Summary, "347 123 4567") || strings.Contains(got.Summary, "marco.rossi") || !strings.Contains(got.Summary, "[email]") {
		t.Errorf("summary after handling: %q", got.Summary)
	}
}

func TestFoldPaths(t *testing.T) {
	for _, s := range []string{"Łódź Città ČESKÁ Straße Ærø", "Cafe\u0301 (decomposed)", "Ελλάδα", "日本語", "İstanbul"} {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}

// The visibility filter applies before the page limit, like the others.
func TestListPracticesVisibilityWithLimit(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for i, vis := range []string{Shared, Draft, Draft, Draft} {
		if err := s.SavePractice(ctx, &Practice{Meta: Meta{Lang: "en"}, Title: "Note " + string(rune('A'+i)), Visibility: vis}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListPractices(ctx, PracticeFilter{Visibility: Shared, Limit: 2})
	if err != nil || len(list) != 1 || list[0].Title != "Note A" {
		t.Fatalf("shared, first page of 2: %v %v", list, err)
	}
	if n, _ := s.Count(ctx, Query{Types: []string{TypePractice}, Visibility: Draft}); n != 3 {
		t.Errorf("count of drafts: %d", n)
	}
}

// Pages read from the previous page's last practice (After) or the next
// page's first (Before) are the pages read by offset, ties on the creation
// time included, with a filter on.
func TestListPracticesFromAPlace(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	err := s.Tx(ctx, func(tx *Tx) error {
		for i := range 37 {
			p := &Practice{Title: fmt.Sprintf("Note %02d", i), Country: []string{"IT", "PL"}[i%2], Visibility: Shared}
			p.ID, p.Type, p.Org, p.Author, p.Lang = NewID(), TypePractice, "opengroup-it", "Giulia", "it"
			// Three practices share each creation time.
			p.Created = start.Add(time.Duration(i/3) * time.Minute)
			p.Updated = p.Created
			if err := tx.Put(p, PutLocal); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, country := range []string{"", "PL"} {
		all, err := s.ListPractices(ctx, PracticeFilter{Country: country})
		if err != nil {
			t.Fatal(err)
		}
		var byOffset [][]Summary
		for off := 0; off < len(all); off += 5 {
			page, err := s.ListPractices(ctx, PracticeFilter{Country: country, Limit: 5, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			byOffset = append(byOffset, page)
		}
		ids := func(l []Summary) (out []string) {
			for _, sm := range l {
				out = append(out, sm.ID)
			}
			return out
		}
		for i := 1; i < len(byOffset); i++ {
			prev := byOffset[i-1]
			page, err := s.ListPractices(ctx, PracticeFilter{Country: country, Limit: 5, After: &prev[len(prev)-1]})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(page), ids(byOffset[i])) {
				t.Errorf("country %q: page %d after the previous one: %v, by offset %v", country, i, ids(page), ids(byOffset[i]))
			}
		}
		for i := len(byOffset) - 2; i >= 0; i-- {
			next := byOffset[i+1]
			page, err := s.ListPractices(ctx, PracticeFilter{Country: country, Limit: 5, Before: &next[0]})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(page), ids(byOffset[i])) {
				t.Errorf("country %q: page %d before the next one: %v, by offset %v", country, i, ids(page), ids(byOffset[i]))
			}
		}
		// A summary made by hand (its time only) finds its place too.
		mid := all[len(all)/2]
		hand := &Summary{ID: mid.ID, Created: mid.Created}
		page, err := s.ListPractices(ctx, PracticeFilter{Country: country, Limit: 3, After: hand})
		if err != nil || len(page) == 0 || page[0].ID != all[len(all)/2+1].ID {
			t.Errorf("country %q: after a summary made by hand: %v %v", country, ids(page), err)
		}
	}
}
