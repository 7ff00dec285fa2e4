package export

import (
	"testing"

	"vademecum/assets"
)

// TestToolkitCostsAndLicencesTranslated: every cost and licence term of the
// shipped toolkit is a label in the six languages (licence identifiers such as
// AGPL-3.0 stay as they are), and translating uses them.
func TestToolkitCostsAndLicencesTranslated(t *testing.T) {
	k, err := assets.Toolkit()
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range k.Tools {
		for _, term := range untranslatedTerms("cost: ", tl.Cost, false) {
			t.Errorf("%s: cost term %q has no label", tl.ID, term)
		}
		for _, term := range untranslatedTerms("licence: ", tl.Licence, true) {
			t.Errorf("%s: licence term %q has no label and is not a licence identifier", tl.ID, term)
		}
	}
	for key, text := range labels {
		for _, l := range assets.Languages {
			if text[l] == "" {
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
		if got := translateTerms(c.lang, c.prefix, c.in); got != c.want {
			t.Errorf("translateTerms(%s, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
	if got := untranslatedTerms("cost: ", "free / a bag of gold", false); len(got) != 1 || got[0] != "a bag of gold" {
		t.Errorf("untranslatedTerms missed an unknown term: %v", got)
	}
}
