package assets

import (
	_ "embed"
	"sort"
	"strings"
)

//go:embed partners.tsv
var partnersTSV string

// Partner is a known partner organisation, offered on first start so that people
// pick their organisation instead of typing it.
type Partner struct {
	ID        string   // organisation id, e.g. "opengroup-it"
	Name      string   // "Open Group"
	City      string   // "Bologna"
	Country   string   // ISO 3166-1 alpha-2, "IT"
	Kind      string   // "social cooperative (project lead)"
	Work      string   // what it does, in a few words
	Languages []string // ISO 639-1, the country's languages and English
}

// countryLanguages are the working languages of each partner country; English is
// added to every organisation, since partners share in it.
var countryLanguages = map[string][]string{
	"IT": {"it"},
	"ES": {"es"},
	"PL": {"pl"},
	"CZ": {"cs"},
	"BE": {"fr", "nl"},
	"FR": {"fr"},
}

// Partners returns the known partner organisations, in the order of partners.tsv.
func Partners() []Partner {
	var out []Partner
	lines := strings.Split(strings.TrimSpace(partnersTSV), "\n")
	for i, line := range lines {
		if i == 0 || strings.TrimSpace(line) == "" {
			continue // header
		}
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		for len(f) < 6 {
			f = append(f, "")
		}
		p := Partner{ID: f[0], Name: f[1], City: f[2], Country: f[3], Kind: f[4], Work: f[5]}
		p.Languages = append(append([]string{}, countryLanguages[p.Country]...), "en")
		out = append(out, p)
	}
	return out
}

// PartnerCountries are the countries of the partner organisations (ISO 3166-1
// alpha-2), sorted: the countries a toolkit entry may be limited to.
func PartnerCountries() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range Partners() {
		if p.Country != "" && !seen[p.Country] {
			seen[p.Country] = true
			out = append(out, p.Country)
		}
	}
	sort.Strings(out)
	return out
}

// IsPartnerCountry reports whether cc (upper case) is a partner's country.
func IsPartnerCountry(cc string) bool {
	for _, c := range PartnerCountries() {
		if c == cc {
			return true
		}
	}
	return false
}
