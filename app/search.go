package app

import (
	"context"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"vademecum/data"
)

// snippetLead is how much text a one-line snippet keeps before its first
// matched word, so that the word is seen before the line is cut off.
const snippetLead = 24

// nearFirstMatch starts text a few words before its first match (with "…"),
// moving the matches along: a result row shows one line, and a match further
// on would be cut off with the rest of the line.
func nearFirstMatch(text string, matches [][2]int) (string, [][2]int) {
	if len(matches) == 0 || matches[0][0] <= snippetLead || matches[0][0] > len(text) {
		return text, matches
	}
	cut := matches[0][0] - snippetLead
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	// Start at a word.
	if i := strings.IndexByte(text[cut:matches[0][0]], ' '); i >= 0 {
		cut += i + 1
	}
	const ellipsis = "…"
	out := make([][2]int, 0, len(matches))
	shift := len(ellipsis) - cut
	for _, m := range matches {
		if m[0] < cut {
			continue
		}
		out = append(out, [2]int{m[0] + shift, m[1] + shift})
	}
	return ellipsis + text[cut:], out
}

// vocabulary is every word of the toolkit in one interface language (folded
// form → how the toolkit spells it, and how often), for suggesting what a
// mistyped search meant.
type vocabulary map[string]*vocabWord

type vocabWord struct {
	spelling string
	count    int
}

var (
	vocabMu sync.Mutex
	vocabs  = map[string]vocabulary{}
)

// toolkitVocabulary reads (once per language) the words of the toolkit's tools
// and guides as the interface language shows them.
func toolkitVocabulary(ctx context.Context, st *data.Store, code string) vocabulary {
	vocabMu.Lock()
	defer vocabMu.Unlock()
	if v, ok := vocabs[code]; ok {
		return v
	}
	v := vocabulary{}
	add := func(texts ...data.Text) {
		for _, t := range texts {
			s, _ := t.In(code)
			for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
				if utf8.RuneCountInString(w) < 4 {
					continue
				}
				f := data.Fold(w)
				if e, ok := v[f]; ok {
					e.count++
				} else {
					v[f] = &vocabWord{spelling: strings.ToLower(w), count: 1}
				}
			}
		}
	}
	tools, err := st.ListTools(ctx, data.ToolFilter{})
	if err != nil {
		return v
	}
	for _, t := range tools {
		add(t.Name, t.Summary, t.Description, t.UseCases)
	}
	guides, err := st.ListGuides(ctx, "")
	if err != nil {
		return v
	}
	for _, g := range guides {
		add(g.Title, g.Summary, g.Steps)
	}
	vocabs[code] = v
	return v
}

// suggestions are up to three searches close to query, each word not in the
// toolkit replaced by the nearest one that is (one typo in a short word, two in a
// longer one); none when every word is known or nothing is near.
func suggestions(query string, v vocabulary) []string {
	words := strings.Fields(query)
	type option struct {
		word       string
		dist, freq int
	}
	var alts [][]option
	changed := false
	for _, w := range words {
		f := data.Fold(w)
		if _, ok := v[f]; ok || utf8.RuneCountInString(f) < 4 {
			alts = append(alts, []option{{word: w}})
			continue
		}
		limit := 1
		if utf8.RuneCountInString(f) > 6 {
			limit = 2
		}
		var near []option
		for k, e := range v {
			if d := editDistance(f, k, limit); d <= limit {
				near = append(near, option{e.spelling, d, e.count})
			}
		}
		if len(near) == 0 {
			alts = append(alts, []option{{word: w}})
			continue
		}
		sort.Slice(near, func(i, j int) bool {
			if near[i].dist != near[j].dist {
				return near[i].dist < near[j].dist
			}
			if near[i].freq != near[j].freq {
				return near[i].freq > near[j].freq
			}
			return near[i].word < near[j].word
		})
		alts = append(alts, near[:min(3, len(near))])
		changed = true
	}
	if !changed {
		return nil
	}
	// The best guess for every word, then the other guesses for the first word
	// that has several.
	var out []string
	best := make([]string, len(alts))
	for i, a := range alts {
		best[i] = a[0].word
	}
	out = append(out, strings.Join(best, " "))
	for i, a := range alts {
		if len(a) < 2 {
			continue
		}
		for _, o := range a[1:] {
			q := append([]string{}, best...)
			q[i] = o.word
			out = append(out, strings.Join(q, " "))
		}
		break
	}
	return out[:min(3, len(out))]
}

// editDistance is the number of letters to insert, delete, change or swap
// (neighbours) to go from a to b, or limit+1 as soon as it is larger.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// suggest shows, when a search finds nothing, the searches close to it.
func (s *toolkitScreen) suggest(query string) {
	code := s.u.lang
	s.u.background(func(ctx context.Context) func() {
		alts := suggestions(query, toolkitVocabulary(ctx, s.u.store, code))
		return func() {
			if s.search.Text != query || len(s.items) > 0 {
				return // typed on meanwhile
			}
			s.selected = ""
			objs := []fyne.CanvasObject{subheading(lang.X("toolkit.none", "Nothing in the toolkit matches \"{{.Query}}\".", map[string]any{"Query": query}))}
			if len(alts) > 0 {
				objs = append(objs, paragraph(lang.X("toolkit.suggest", "Did you mean:")))
				for _, a := range alts {
					objs = append(objs, link(a, func() { s.search.SetText(a) }))
				}
			} else {
				objs = append(objs, paragraph(lang.X("toolkit.suggest.none", "Try a shorter word, or clear the filters.")))
			}
			s.suggested = alts
			s.detail.Objects = objs
			s.detail.Refresh()
		}
	})
}
