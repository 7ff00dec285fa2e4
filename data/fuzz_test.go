package data

import (
	"bytes"
	"context"
	"testing"
)

// FuzzDecode: any bytes either fail to decode or give a record whose canonical
// encoding is stable — decoding it again and encoding it once more yields the
// same bytes (a hub never sees spurious diffs, DESIGN.md).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"p1","type":"practice","org":"x","author":"a","created":"2025-01-02T03:04:05Z","updated":"2025-01-02T03:04:05.123Z","lang":"en","title":"Café","summary":"","context":"","target_group":"","objectives":"","activities":"","tools":[],"resources":"","results":"","lessons":"","transferability":"","tags":["a"],"country":"IT","visibility":"shared"}`,
		`{"id":"signal","type":"tool","org":"vademecum","author":"","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z","lang":"en","name":{"en":"Signal","it":"Signal"},"category":"messaging","summary":{"en":"x"},"description":{},"use_cases":{},"licence":"AGPL","open_source":true,"cost":"free","platforms":["android"],"offline":"no","data_protection":{},"competences":["2.1"],"level":"foundation","website":"https://signal.org","alternatives":[]}`,
		`{"id":"o","type":"org","org":"o","author":"","created":"2025-01-01T00:00:00+02:00","updated":"2025-01-01T00:00:00Z","lang":"pl","name":"Łódź","country":"PL","languages":["pl"],"keys":[{"id":"0123456789abcdef","public":"AAAA","added":"2025-01-01T00:00:00Z","revoked":"2025-02-01T00:00:00Z"}]}`,
		`{"id":"c","type":"comment","org":"o","author":"","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z","lang":"cs","practice":"p1","text":"Zkusili jsme to v Praze\nřádek","visibility":"shared","deleted":true,"sig":"k:s"}`,
		`{"id":"g","type":"guide","org":"o","author":"","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z","lang":"en","title":{"e\u0301":"decomposed","é":"composed"},"summary":{},"steps":{},"tools":[],"competences":[],"level":""}`,
		`{"id":"x","type":"practice"} trailing`,
		`not json`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Decode(b)
		if err != nil {
			return
		}
		enc, err := Encode(r)
		if err != nil {
			t.Fatalf("a decoded record does not encode: %v", err)
		}
		r2, err := Decode(enc)
		if err != nil {
			t.Fatalf("the canonical encoding does not decode: %v\n%s", err, enc)
		}
		enc2, err := Encode(r2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", enc, enc2)
		}
		if again, err := Canonical(r2); err != nil || !bytes.Equal(again, enc) {
			t.Fatalf("Canonical differs from Encode: %v", err)
		}
	})
}

// FuzzSearch: any text a person types is a valid search (never an error, never
// nil), and MatchExpr quotes every word.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"", "night shelter", `"`, `night*`, `NEAR(a b)`, `a AND b OR NOT c`, "🏠 casa", "\x00\xff",
		`title:night`, `-x +y ^z`, "łódź  ", `'; DROP TABLE records; --`, `a"b"c`, "ǅ ǆ ß ﬁ"} {
		f.Add(s)
	}
	s, err := Open(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	if err := s.Init(&Organisation{Meta: Meta{ID: "fuzz-org", Lang: "en"}, Name: "Fuzz", Country: "IT", Languages: []string{"en"}}, "F"); err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	for _, title := range []string{"Night shelter intake", "Łódź streetwork café", "AND OR NOT near"} {
		if err := s.SavePractice(ctx, &Practice{Meta: Meta{Lang: "en"}, Title: title, Summary: title, Visibility: Draft}); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		expr := MatchExpr(q)
		if expr != "" && expr[0] != '"' {
			t.Fatalf("MatchExpr(%q) = %q does not start with a quoted word", q, expr)
		}
		for _, types := range [][]string{nil, {TypePractice}, {TypeTool}} {
			hits, err := s.Search(ctx, Query{Text: q, Types: types, Limit: 5})
			if err != nil {
				t.Fatalf("Search(%q): %v (expression %s)", q, err, expr)
			}
			if hits == nil {
				t.Fatalf("Search(%q) returned nil", q)
			}
			for _, h := range hits {
				for _, m := range h.Matches {
					if m[0] < 0 || m[1] > len(h.Snippet) || m[0] > m[1] {
						t.Fatalf("Search(%q): match %v outside the snippet %q", q, m, h.Snippet)
					}
				}
			}
		}
	})
}
