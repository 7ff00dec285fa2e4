package assets

import (
	"strings"
	"testing"
	"unicode"
)

// wordsNotNames: a fact value in lower-case words is something to translate
// (free, public service, phone); one with a capital or a digit is a name
// (GPL-3.0, Android, macOS) and stays as written.
func wordsNotNames(v string) bool {
	return strings.IndexFunc(v, func(r rune) bool { return unicode.IsUpper(r) || unicode.IsDigit(r) }) < 0
}

// TestEveryFactWorded: each cost, licence word, platform, offline and level
// value the toolkit writes has its words in the catalogue, so a tool page in
// Italian or Polish shows no English fact, in the app or the CLI.
func TestEveryFactWorded(t *testing.T) {
	k, err := Toolkit()
	if err != nil {
		t.Fatal(err)
	}
	check := func(id string, kind Fact, v string) {
		if v != "" && wordsNotNames(v) && !HasFactWord(kind, v) {
			t.Errorf("%s: %q has no words in the catalogue (assets/facts.go)", id, v)
		}
	}
	for _, tl := range k.Tools {
		check(tl.ID, FactCost, tl.Cost)
		check(tl.ID, FactOffline, tl.Offline)
		check(tl.ID, FactLevel, tl.Level)
		for _, p := range tl.Platforms {
			check(tl.ID, FactPlatform, p)
		}
		for _, part := range strings.Split(tl.Licence, " / ") {
			if open := strings.LastIndex(part, " ("); open > 0 {
				check(tl.ID, FactLicence, strings.TrimSuffix(part[open+2:], ")"))
				part = part[:open]
			}
			check(tl.ID, FactLicence, part)
		}
	}
	for _, g := range k.Guides {
		check(g.ID, FactLevel, g.Level)
	}
}

func TestFactTextInLanguage(t *testing.T) {
	it := func(key, english string) string { return Translate("it", key, nil) }
	for _, c := range []struct {
		kind     Fact
		in, want string
	}{
		{FactCost, "free tier / paid", "Gratuito, con piani a pagamento"},
		{FactLicence, "public service", "servizio pubblico"},
		{FactLicence, "proprietary server / GPL-3.0 (apps)", "server proprietario / GPL-3.0 (app)"},
		{FactLicence, "AGPL-3.0 / Apache-2.0 (open core)", "AGPL-3.0 / Apache-2.0 (open core)"},
		{FactPlatform, "phone", "telefono"},
		{FactPlatform, "Android", "Android"},
		{FactOffline, "no", "No, serve internet"},
		{FactLevel, "foundation", "Base"},
	} {
		if got := FactText(c.kind, c.in, it); got != c.want {
			t.Errorf("FactText(%d, %q) in Italian = %q, want %q", c.kind, c.in, got, c.want)
		}
	}
}
