package assets

import (
	_ "embed"
	"strings"
)

//go:embed partners.tsv
var partnersTSV string

// Partner is one of the known partner organisations offered at first start.
type Partner struct {
	ID      string // organisation id, e.g. opengroup-it
	Name    string
	City    string
	Country string // ISO 3166-1 alpha-2
	Kind    string
	Work    string
}

// Partners returns the known partner organisations, in file order.
func Partners() []Partner {
	var out []Partner
	for i, line := range strings.Split(strings.TrimSpace(partnersTSV), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 6 {
			continue // header
		}
		out = append(out, Partner{ID: f[0], Name: f[1], City: f[2], Country: f[3], Kind: f[4], Work: f[5]})
	}
	return out
}
