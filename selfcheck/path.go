package selfcheck

import (
	"sort"

	"vademecum/assets"
	"vademecum/data"
)

// Limits of the learning path: a short list people will actually work through.
const (
	maxWeak       = 6 // competences trained at once
	perCompetence = 3 // tools and guides for each
)

// Recommendation is a step of the learning path: a tool or guide, and why it
// was chosen (the weak competence it trains, the person's level there, and its
// own level).
type Recommendation struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"` // tool | guide
	Competence string    `json:"competence"`
	Name       data.Text `json:"-"`
	// Level and Group are the person's in Competence.
	Level int    `json:"-"`
	Group string `json:"-"`
	// ItemLevel is the tool's or guide's: foundation, intermediate or advanced.
	ItemLevel string `json:"-"`
}

// Recommend builds the learning path for the levels of competences: the weak
// competences are those in the person's lowest group (none when that group is
// advanced), at most maxWeak of them, lowest level first. Each gets up to
// perCompetence tools and guides that train it, at the person's group or above
// when the toolkit has such, else any; a tool or guide comes once. The path is
// sorted easiest first, then by how weak the competence is, guides before
// tools. Weak competences that nothing trains come back as uncovered.
func Recommend(kit *assets.Kit, levels map[string]int) (path []Recommendation, uncovered []string) {
	lowest := len(Groups)
	for _, l := range levels {
		lowest = min(lowest, rank(Group(l)))
	}
	if lowest >= rank(Advanced) {
		return nil, nil
	}
	var weak []string
	for _, c := range kit.DigComp.Competences {
		if l, ok := levels[c.Code]; ok && rank(Group(l)) == lowest {
			weak = append(weak, c.Code)
		}
	}
	sort.SliceStable(weak, func(i, j int) bool { return levels[weak[i]] < levels[weak[j]] })
	if len(weak) > maxWeak {
		weak = weak[:maxWeak]
	}
	type item struct {
		id, typ, level string
		name           data.Text
		comps          []string
	}
	var items []item
	for _, t := range kit.Tools {
		if t.Retired != "" {
			continue // no longer exists: never recommended
		}
		items = append(items, item{t.ID, data.TypeTool, t.Level, t.Name, t.Competences})
	}
	for _, g := range kit.Guides {
		items = append(items, item{g.ID, data.TypeGuide, g.Level, g.Title, g.Competences})
	}
	easier := func(a, b item) bool {
		if rank(a.level) != rank(b.level) {
			return rank(a.level) < rank(b.level)
		}
		if a.typ != b.typ {
			return a.typ == data.TypeGuide
		}
		return a.id < b.id
	}
	chosen := map[string]bool{}
	weakIndex := map[string]int{}
	for wi, c := range weak {
		weakIndex[c] = wi
		var fit, any []item
		for _, it := range items {
			if chosen[it.id] || !contains(it.comps, c) {
				continue
			}
			any = append(any, it)
			if rank(it.level) >= rank(Group(levels[c])) {
				fit = append(fit, it)
			}
		}
		if len(fit) == 0 {
			fit = any
		}
		if len(fit) == 0 {
			uncovered = append(uncovered, c)
			continue
		}
		sort.Slice(fit, func(i, j int) bool { return easier(fit[i], fit[j]) })
		for _, it := range fit[:min(perCompetence, len(fit))] {
			chosen[it.id] = true
			path = append(path, Recommendation{ID: it.id, Type: it.typ, Competence: c, Name: it.name,
				Level: levels[c], Group: Group(levels[c]), ItemLevel: it.level})
		}
	}
	sort.SliceStable(path, func(i, j int) bool {
		a, b := path[i], path[j]
		if rank(a.ItemLevel) != rank(b.ItemLevel) {
			return rank(a.ItemLevel) < rank(b.ItemLevel)
		}
		if weakIndex[a.Competence] != weakIndex[b.Competence] {
			return weakIndex[a.Competence] < weakIndex[b.Competence]
		}
		if a.Type != b.Type {
			return a.Type == data.TypeGuide
		}
		return a.ID < b.ID
	})
	return path, uncovered
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
