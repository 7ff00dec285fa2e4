package data

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Query is a full-text search with optional filters. Any text is accepted: it is
// reduced to words (see Tokens), so no input can make a search fail.
type Query struct {
	Text       string
	Types      []string // tool, guide, practice, comment, org; empty means all
	Category   string   // tool category id
	Competence string   // DigComp code, e.g. "4.2"
	Area       string   // DigComp area, e.g. "4"
	Org        string
	Country    string
	Lang       string // content language
	Tag        string
	Tool       string // practices and guides that use this tool id
	Visibility string // draft, org or shared (listings only: search finds all three)
	Since      time.Time
	Until      time.Time
	Limit      int    // default 50
	UILang     string // language of snippets from multi-language records; default en
}

// Hit is one search result.
type Hit struct {
	Summary
	Score   float64  `json:"score"`
	Snippet string   `json:"snippet"`
	Matches [][2]int `json:"matches"` // byte offsets of matched words in Snippet
}

// maxQueryWords bounds the words of a search: the rest of the text is ignored.
const maxQueryWords = 16

// MatchExpr turns free text into a safe FTS5 expression: every word quoted, all
// required, the last one a prefix (search as you type) unless the text ends in a space.
func MatchExpr(text string) string {
	toks := Tokens(text)
	if len(toks) == 0 {
		return ""
	}
	if len(toks) > maxQueryWords {
		toks = toks[:maxQueryWords]
	}
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(t)
		b.WriteByte('"')
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	if !unicode.IsSpace(last) {
		b.WriteByte('*')
	}
	return b.String()
}

// filterSQL appends the WHERE conditions shared by search and listings.
func filterSQL(q Query, where []string, args []any) ([]string, []any) {
	if len(q.Types) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(q.Types)), ",")
		where = append(where, "r.type IN ("+ph+")")
		for _, t := range q.Types {
			args = append(args, t)
		}
	}
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	eq("r.category", q.Category)
	eq("r.org", q.Org)
	eq("r.visibility", q.Visibility)
	eq("r.country", strings.ToUpper(q.Country))
	term := func(kind, v string) {
		if v != "" {
			where = append(where, "EXISTS (SELECT 1 FROM record_terms t WHERE t.kind = ? AND t.value = ? AND t.rid = r.rid)")
			args = append(args, kind, v)
		}
	}
	term("competence", q.Competence)
	term("area", q.Area)
	term("tag", Fold(strings.TrimSpace(q.Tag)))
	term("tool", q.Tool)
	term("lang", q.Lang)
	if !q.Since.IsZero() {
		where = append(where, "r.updated >= ?")
		args = append(args, fmtTime(q.Since))
	}
	if !q.Until.IsZero() {
		where = append(where, "r.updated < ?")
		args = append(args, fmtTime(q.Until))
	}
	return where, args
}

// rankWindow bounds the work of ranking: only the newest rankWindow matches are
// ranked, so a query for a word that half the journal uses costs about what a
// rare word costs. Smaller match sets are ranked whole.
const rankWindow = 300

// matchExpr is the full-text expression of a search in one table: the text's words
// (kept off the facets column when one of them could match a facet word), ANDed
// with the filters the index holds (words of the facets column, intersected inside
// the index). dated reports filters left to SQL.
func matchExpr(table, expr string, q Query) (match string, dated bool) {
	match = expr
	if mayMatchFacet(expr) {
		// Reading each match's positions to check its column costs about a
		// fifth of a search: done only when a facet word could match.
		match = "{title body} : (" + expr + ")"
	}
	if len(q.Types) > 0 {
		var kept []string
		for _, t := range q.Types {
			if searchTable(t) == table {
				kept = append(kept, t)
			}
		}
		switch {
		case table == "journal_fts" && !slices.Contains(kept, TypeComment):
			// Practices are most of the journal: leaving the comments out
			// walks a list a third as long as keeping the practices in.
			match = "(" + match + `) NOT facets:"` + facetWord("type", TypeComment) + `"`
			q.Types = nil
		case table == "journal_fts" && slices.Contains(kept, TypePractice):
			q.Types = nil // both: the whole journal
		default:
			q.Types = kept
		}
	}
	fexpr, dated := facetExpr(q)
	if fexpr != "" {
		match = "(" + match + ") AND " + fexpr
	}
	return match, dated
}

// mayMatchFacet reports whether a word of expr (as MatchExpr writes it) could match
// a facet word, all of which begin with "zf": a word that begins so, or a last
// word "z" looked up as a prefix.
func mayMatchFacet(expr string) bool {
	return strings.Contains(expr, `"zf`) || strings.HasSuffix(expr, `"z"*`)
}

// matchFrom is the FROM and WHERE of the matches of expr and the filters of q in
// one full-text table. Date limits, which the index does not hold, are checked
// against record_index.
func matchFrom(table, expr string, q Query) (string, []any) {
	match, dated := matchExpr(table, expr, q)
	if !dated {
		return " FROM " + table + " WHERE " + table + " MATCH ?", []any{match}
	}
	where, args := filterSQL(Query{Since: q.Since, Until: q.Until}, []string{"r.deleted = 0"}, nil)
	return " FROM " + table + " JOIN record_index r ON r.rid = " + table + ".rowid WHERE " + table + " MATCH ? AND " +
		strings.Join(where, " AND "), append([]any{match}, args...)
}

// window returns the rowids of the newest rankWindow matches of expr and the
// filters of q in one full-text table, newest first.
func (s *Store) window(ctx context.Context, table, expr string, q Query) ([]int64, error) {
	from, args := matchFrom(table, expr, q)
	rows, err := s.searchQuery(ctx, "SELECT "+table+".rowid"+from+" ORDER BY "+table+".rowid DESC LIMIT ?", append(args, rankWindow)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			return nil, err
		}
		out = append(out, rid)
	}
	return out, rows.Err()
}

// rankBM25 returns the best matches in one full-text table by FTS5's bm25 over the
// window, titles weighing four times the body: for the toolkit, small enough that
// counting each word's documents costs little.
func (s *Store) rankBM25(ctx context.Context, table, expr string, q Query, limit int) ([]ranked, error) {
	from, args := matchFrom(table, expr, q)
	window := "SELECT " + table + ".rowid AS rid, bm25(" + table + ", 4.0, 1.0, 0.0) AS score" + from +
		" ORDER BY " + table + ".rowid DESC LIMIT ?"
	rows, err := s.searchQuery(ctx, "SELECT rid, score FROM ("+window+") ORDER BY score LIMIT ?",
		append(args, rankWindow, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ranked
	for rows.Next() {
		var r ranked
		if err := rows.Scan(&r.rid, &r.score); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// The prefix lengths the full-text tables index (prefix = '2 3 4'): a last word
// of another length, looked up as a prefix, makes FTS5 merge the lists of every
// word it begins, which costs as much as the word is common.
const prefixMin, prefixIndexed = 2, 4

// wholeFirst returns expr with its last word whole instead of a prefix when that
// prefix is one the index does not hold: a word typed to its end usually has
// enough matches by itself, and only when it has fewer than the limit is the
// prefix search run. A single letter is tried whole too ("w", "e", "a" are
// words): as a prefix it merges the lists of every word it begins.
func wholeFirst(expr string) (string, bool) {
	if !strings.HasSuffix(expr, "*") {
		return "", false
	}
	last := expr[strings.LastIndexByte(expr[:len(expr)-2], '"')+1 : len(expr)-2]
	if n := utf8.RuneCountInString(last); n >= prefixMin && n <= prefixIndexed {
		return "", false
	}
	return strings.TrimSuffix(expr, "*"), true
}

// rankTable returns the best matches of expr and q's filters in one full-text
// table, best first, at most limit of the toolkit's and the whole ranked window of
// the journal's.
func (s *Store) rankTable(ctx context.Context, table, expr string, q Query, limit int) ([]ranked, error) {
	if table == "toolkit_fts" {
		if whole, ok := wholeFirst(expr); ok {
			found, err := s.rankBM25(ctx, table, whole, q, limit)
			if err != nil || len(found) >= limit {
				return found, err
			}
		}
		return s.rankBM25(ctx, table, expr, q, limit)
	}
	toks := Tokens(q.Text)
	if len(toks) > maxQueryWords {
		toks = toks[:maxQueryWords]
	}
	if whole, ok := wholeFirst(expr); ok {
		words, err := s.wordStats(ctx, table, toks, false)
		if err != nil {
			return nil, err
		}
		found, err := s.window(ctx, table, whole, q)
		if err != nil {
			return nil, err
		}
		if len(found) >= limit {
			return s.rankJournal(ctx, found, toks, false, words)
		}
	}
	prefix := strings.HasSuffix(expr, "*")
	words, err := s.wordStats(ctx, table, toks, prefix)
	if err != nil {
		return nil, err
	}
	found, err := s.window(ctx, table, expr, q)
	if err != nil {
		return nil, err
	}
	return s.rankJournal(ctx, found, toks, prefix, words)
}

// Search finds records matching q, best first (bm25, titles weigh more).
func (s *Store) Search(ctx context.Context, q Query) ([]Hit, error) {
	expr := MatchExpr(q.Text)
	if expr == "" {
		return []Hit{}, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	tables := map[string]bool{}
	for _, t := range q.Types {
		tables[searchTable(t)] = true
	}
	if len(q.Types) == 0 {
		tables["journal_fts"], tables["toolkit_fts"] = true, true
	}
	var all []ranked
	for _, table := range []string{"toolkit_fts", "journal_fts"} {
		if !tables[table] {
			continue
		}
		found, err := s.rankTable(ctx, table, expr, q, limit)
		if err != nil {
			return nil, err
		}
		all = append(all, found...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score < all[j].score })
	if len(all) > limit {
		all = all[:limit]
	}
	toks := Tokens(q.Text)
	prefix := strings.HasSuffix(expr, "*")
	hits := make([]Hit, 0, len(all))
	if len(all) == 0 {
		return hits, nil
	}
	ids := make([]int64, len(all))
	for i, r := range all {
		ids[i] = r.rid
	}
	rows, err := s.searchQuery(ctx, "SELECT r.rid, "+summaryCols+", r.body FROM records r WHERE r.rid IN (SELECT value FROM json_each(?))",
		jsonList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byRid := make(map[int64]Hit, len(all))
	for rows.Next() {
		var h Hit
		var rid int64
		var body string
		if err := rows.Scan(append(append([]any{&rid}, h.Summary.scanDest()...), &body)...); err != nil {
			return nil, err
		}
		h.Summary.fix()
		// Bodies in the store were validated when written: one plain decode is enough.
		if rec := New(h.Type); rec != nil && json.Unmarshal([]byte(body), rec) == nil {
			h.Snippet, h.Matches = snippet(displayTexts(rec, q.UILang), toks, prefix)
		}
		byRid[rid] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range all {
		if h, ok := byRid[r.rid]; ok {
			h.Score = r.score
			hits = append(hits, h)
		}
	}
	return hits, nil
}

// displayTexts are the texts of r a snippet may come from, most telling first.
func displayTexts(r Record, lang string) []string {
	if lang == "" {
		lang = "en"
	}
	in := func(t Text) string { s, _ := t.In(lang); return s }
	switch v := r.(type) {
	case *Practice:
		return []string{v.Title, v.Summary, v.Context, v.TargetGroup, v.Objectives, v.Activities,
			v.Resources, v.Results, v.Lessons, v.Transferability, strings.Join(v.Tags, ", ")}
	case *Comment:
		return []string{v.Text}
	case *Tool:
		out := []string{in(v.Name), in(v.Summary), in(v.Description), in(v.UseCases)}
		for _, l := range sortedKeys(v.Summary) {
			out = append(out, v.Name[l], v.Summary[l], v.Description[l], v.UseCases[l])
		}
		return out
	case *Guide:
		out := []string{in(v.Title), in(v.Summary), in(v.Steps)}
		for _, l := range sortedKeys(v.Title) {
			out = append(out, v.Title[l], v.Summary[l], v.Steps[l])
		}
		return out
	case *Organisation:
		return []string{v.Name, v.City, v.Kind}
	}
	return nil
}

const snippetWidth = 180

// snippet picks a window of the first text that contains a query word and returns
// it with the byte offsets of every matched word inside it. The title (texts[0])
// is used only when nothing else matches, since it is shown anyway.
func snippet(texts []string, toks []string, prefix bool) (string, [][2]int) {
	order := append(append([]string{}, texts[min(1, len(texts)):]...), texts[:min(1, len(texts))]...)
	for _, t := range order {
		if t == "" {
			continue
		}
		folded, offs := foldMap(t)
		ms := findWords(folded, toks, prefix)
		if len(ms) == 0 {
			continue
		}
		first := offs[ms[0][0]]
		start := 0
		if first > snippetWidth/3 {
			start = wordStart(t, first-snippetWidth/3)
		}
		end := len(t)
		if end-start > snippetWidth {
			end = wordEnd(t, start+snippetWidth)
		}
		text := strings.Join(strings.Fields(t[start:end]), " ")
		// Offsets are recomputed on the whitespace-collapsed window.
		f2, o2 := foldMap(text)
		var out [][2]int
		for _, m := range findWords(f2, toks, prefix) {
			out = append(out, [2]int{o2[m[0]], o2[m[1]]})
		}
		if start > 0 {
			text = "…" + text
			for i := range out {
				out[i][0] += len("…")
				out[i][1] += len("…")
			}
		}
		if end < len(t) {
			text += "…"
		}
		return text, out
	}
	return "", nil
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// findWords returns [start, end) byte ranges in folded text of words equal to a
// token (or starting with the last token, for a prefix query), in text order.
func findWords(folded string, toks []string, prefix bool) [][2]int {
	var out [][2]int
	i := 0
	for i < len(folded) {
		r, size := utf8.DecodeRuneInString(folded[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		j := i
		for j < len(folded) {
			r2, s2 := utf8.DecodeRuneInString(folded[j:])
			if !isWordRune(r2) {
				break
			}
			j += s2
		}
		word := folded[i:j]
		for k, t := range toks {
			if word == t || (prefix && k == len(toks)-1 && strings.HasPrefix(word, t)) {
				out = append(out, [2]int{i, j})
				break
			}
		}
		i = j
	}
	return out
}

func wordStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	for j := i; j < len(s) && j < i+30; {
		r, size := utf8.DecodeRuneInString(s[j:])
		if unicode.IsSpace(r) {
			return j + size
		}
		j += size
	}
	return i
}

func wordEnd(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	for j := i; j > 0 && j > i-30; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if unicode.IsSpace(r) {
			return j - size
		}
		j -= size
	}
	return i
}
