package export

import (
	"encoding/json"
	"strings"
	"testing"

	"vademecum/assets"
	"vademecum/data"
)

// untranslatedTerms lists the terms of v that are not labels prefix+term.
func untranslatedTerms(prefix, v string) []string {
	var out []string
	for _, p := range strings.Split(v, " / ") {
		p = strings.TrimSpace(p)
		if open := strings.LastIndex(p, " ("); open > 0 && strings.HasSuffix(p, ")") {
			if _, ok := labels[prefix+p[open+2:len(p)-1]]; !ok {
				out = append(out, p)
				continue
			}
			p = p[:open]
		}
		if _, ok := labels[prefix+p]; !ok {
			out = append(out, p)
		}
	}
	return out
}

// TestToolkitCostsAndLicencesTranslated: every cost term of the shipped
// toolkit is a label in the six languages, and translating uses them; a
// licence is worded by the catalogue as in the app (every licence word of the
// toolkit has its words: assets.TestEveryFactWorded), licence identifiers such
// as AGPL-3.0 kept as they are.
func TestToolkitCostsAndLicencesTranslated(t *testing.T) {
	k, err := assets.Toolkit()
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range k.Tools {
		for _, term := range untranslatedTerms("cost: ", tl.Cost) {
			t.Errorf("%s: cost term %q has no label", tl.ID, term)
		}
	}
	for _, l := range assets.Languages {
		b, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + l + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var text map[string]any
		if err := json.Unmarshal(b, &text); err != nil {
			t.Fatal(err)
		}
		for key := range labels {
			if s, _ := text["export.label."+key].(string); s == "" {
				t.Errorf("label %q has no %s text", key, l)
			}
		}
	}
	for _, c := range []struct{ lang, prefix, in, want string }{
		{"pl", "cost: ", "free tier / paid", "plan bezpłatny / płatne"},
		{"fr", "licence: ", "AGPL-3.0 / Apache-2.0 (open core)", "AGPL-3.0 / Apache-2.0 (cœur libre)"},
		{"cs", "licence: ", "proprietary", "proprietární"},
		{"es", "cost: ", "a price nobody wrote down", "a price nobody wrote down"},
	} {
		got := translateTerms(c.lang, c.prefix, c.in)
		if c.prefix == "licence: " {
			got = (&content{lang: c.lang}).licence(&data.Tool{Licence: c.in})
		}
		if got != c.want {
			t.Errorf("%s%q in %s = %q, want %q", c.prefix, c.in, c.lang, got, c.want)
		}
	}
	if got := untranslatedTerms("cost: ", "free / a bag of gold"); len(got) != 1 || got[0] != "a bag of gold" {
		t.Errorf("untranslatedTerms missed an unknown term: %v", got)
	}
}
