package data

import (
	"strings"
	"unicode"
)

// facetWord is how a filter value is written in the full-text index's facets
// column: one word of letters and digits that no text contains ("zf" + kind +
// "x" + the folded value without separators), e.g. zflangxit, zforgxopengroupit.
func facetWord(kind, value string) string {
	var b strings.Builder
	b.WriteString("zf")
	b.WriteString(kind)
	b.WriteByte('x')
	for _, r := range Fold(value) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// facets lists a record's filter values as facet words.
func facets(m *Meta, ix index) string {
	words := []string{facetWord("type", m.Type), facetWord("org", m.Org)}
	if ix.country != "" {
		words = append(words, facetWord("country", ix.country))
	}
	if ix.category != "" {
		words = append(words, facetWord("category", ix.category))
	}
	for _, t := range ix.terms {
		if t[0] == "attachment" {
			continue // found by hash for the sync, never a filter
		}
		words = append(words, facetWord(t[0], t[1]))
	}
	return strings.Join(words, " ")
}

// facetExpr turns the filters of q that the index holds into FTS5 terms on the
// facets column, ANDed to the text's expression. Filters it cannot express (dates)
// are left to SQL: residual reports whether any are.
func facetExpr(q Query) (expr string, residual bool) {
	var terms []string
	add := func(kind, v string) {
		if v != "" {
			terms = append(terms, `facets:"`+facetWord(kind, v)+`"`)
		}
	}
	if len(q.Types) > 0 {
		var alts []string
		for _, t := range q.Types {
			alts = append(alts, `facets:"`+facetWord("type", t)+`"`)
		}
		terms = append(terms, "("+strings.Join(alts, " OR ")+")")
	}
	add("org", q.Org)
	add("country", strings.ToUpper(q.Country))
	add("category", q.Category)
	add("competence", q.Competence)
	add("area", q.Area)
	add("tag", strings.TrimSpace(q.Tag))
	add("tool", q.Tool)
	add("lang", q.Lang)
	return strings.Join(terms, " AND "), !q.Since.IsZero() || !q.Until.IsZero()
}
