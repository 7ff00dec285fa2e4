package data

import (
	"bytes"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestEncodeMatchesCanonical: the fast record encoder writes exactly the bytes of
// the generic canonical form, for every record type and any content.
func TestEncodeMatchesCanonical(t *testing.T) {
	text := rapid.StringMatching(`[a-zA-Z0-9 àéìòùçčřšžłńść<>&"\\\n\t\x{1F600}e\x{0301}]{0,20}`)
	texts := rapid.MapOf(rapid.SampledFrom([]string{"en", "it", "pl", "cs"}), text)
	list := rapid.SliceOfN(text, -1, 4)
	when := rapid.Custom(func(t *rapid.T) time.Time {
		return time.UnixMilli(rapid.Int64Range(0, 4e12).Draw(t, "ms")).UTC()
	})
	rapid.Check(t, func(rt *rapid.T) {
		m := Meta{ID: text.Draw(rt, "id"), Type: TypePractice, Org: text.Draw(rt, "org"), Author: text.Draw(rt, "author"),
			Created: when.Draw(rt, "created"), Updated: when.Draw(rt, "updated"), Lang: text.Draw(rt, "lang"),
			Deleted: rapid.Bool().Draw(rt, "deleted"), Sig: text.Draw(rt, "sig")}
		var recs []Record
		p := &Practice{Meta: m, Title: text.Draw(rt, "title"), Summary: text.Draw(rt, "summary"), Tags: list.Draw(rt, "tags"),
			Tools: list.Draw(rt, "tools"), Visibility: Shared, Cleared: list.Draw(rt, "cleared")}
		recs = append(recs, p)
		m.Type = TypeTool
		recs = append(recs, &Tool{Meta: m, Name: texts.Draw(rt, "name"), Summary: texts.Draw(rt, "tsummary"),
			Platforms: list.Draw(rt, "platforms"), OpenSource: rapid.Bool().Draw(rt, "os"), Website: text.Draw(rt, "web")})
		m.Type = TypeOrg
		o := &Organisation{Meta: m, Name: text.Draw(rt, "oname"), Languages: list.Draw(rt, "langs"), City: text.Draw(rt, "city")}
		if rapid.Bool().Draw(rt, "keys") {
			o.Keys = []Key{{ID: text.Draw(rt, "kid"), Public: text.Draw(rt, "pub"), Added: when.Draw(rt, "added")},
				{ID: "b", Revoked: when.Draw(rt, "revoked")}}
		}
		recs = append(recs, o)
		m.Type = TypeComment
		recs = append(recs, &Comment{Meta: m, Practice: text.Draw(rt, "pr"), Text: text.Draw(rt, "ctext")})
		m.Type = TypeGuide
		recs = append(recs, &Guide{Meta: m, Title: texts.Draw(rt, "gt"), Steps: texts.Draw(rt, "steps")})
		for _, r := range recs {
			fast, err := Encode(r)
			if err != nil {
				rt.Fatal(err)
			}
			ref, err := Canonical(r)
			if err != nil {
				rt.Fatal(err)
			}
			if !bytes.Equal(fast, ref) {
				rt.Fatalf("%T differs:\nfast %s\nref  %s", r, fast, ref)
			}
		}
	})
}

func BenchmarkEncode(b *testing.B) {
	p := &Practice{Meta: Meta{ID: NewID(), Type: TypePractice, Org: "opengroup-it", Lang: "it", Created: Now(), Updated: Now()},
		Title: "Sportello digitale", Summary: "Ogni martedì sera", Tags: []string{"a", "b"}, Visibility: Shared}
	for i := 0; i < b.N; i++ {
		Encode(p)
	}
}
