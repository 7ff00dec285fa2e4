package app

import (
	"context"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/assets"
	"vademecum/data"
)

// What the toolkit list shows.
const (
	showTools  = "tools"
	showGuides = "guides"
	showBoth   = "both"
)

// toolkitFilter is what the person asked the toolkit for.
type toolkitFilter struct {
	text                           string
	show                           string
	category, area, competence, in string
	country                        string // tools for this country and for everywhere
	offline, free, open            bool
}

// toolkitItem is one row of the toolkit list: a tool or a guide.
type toolkitItem struct {
	kind    string // data.TypeTool or data.TypeGuide
	id      string
	title   string
	english bool     // the title is the English fallback
	sub     string   // summary, or the search snippet
	matches [][2]int // matched words in sub, byte offsets
}

func (it toolkitItem) key() string { return it.kind + ":" + it.id }

// toolkitScreen is the digital vademecum: tools and guides, searched, filtered,
// browsed by DigComp competence, with a detail pane.
type toolkitScreen struct {
	u        *UI
	content  fyne.CanvasObject
	proposal *proposalForm // the "Suggest a change" form, while it is open

	search     *entry
	show       *widget.RadioGroup
	showValues []string
	category   *picker
	area       *picker
	competence *picker
	language   *picker
	country    *picker
	offline    *widget.Check
	free       *widget.Check
	open       *widget.Check
	clear      *widget.Button
	count      *widget.Label

	left   *container.AppTabs
	list   *resultList
	tree   *widget.Tree
	items  []toolkitItem
	counts map[string]int // tools and guides per competence

	// openFirst opens the first result once the search running now is done (Enter).
	openFirst bool
	suggested []string // searches offered when the last one found nothing

	detail   *fyne.Container
	scroll   *container.Scroll
	selected string // key of the item shown in the detail pane

	gen   uint64 // the latest query; older results are dropped
	timer *time.Timer
}

func newToolkitScreen(u *UI) *toolkitScreen {
	s := &toolkitScreen{u: u, counts: map[string]int{}}
	s.search = newEntry(u)
	s.search.SetPlaceHolder(lang.X("toolkit.search.placeholder", "Search tools and guides, for example: translate, offline, passwords"))
	s.search.OnChanged = func(string) { s.refresh(150 * time.Millisecond) }
	// From the search box, Enter opens the first result and Down goes to the list.
	s.search.OnSubmitted = func(string) { s.openFirstResult() }
	s.search.onDown = s.focusResults

	showLabels := []string{
		lang.X("toolkit.show.tools", "Tools"),
		lang.X("toolkit.show.guides", "Guides"),
		lang.X("toolkit.show.both", "Tools and guides"),
	}
	s.showValues = []string{showTools, showGuides, showBoth}
	s.show = widget.NewRadioGroup(showLabels, func(string) { s.refresh(0) })
	s.show.Horizontal = true
	s.show.Required = true
	s.show.Selected = showLabels[2]

	// Category names in the interface language, sorted as its speakers expect.
	cats := append(u.kit.Categories[:0:0], u.kit.Categories...)
	sortByName(u.lang, cats, func(c assets.Category) string { n, _ := c.Name.In(u.lang); return n })
	catLabels := []string{lang.X("toolkit.filter.all_categories", "All categories")}
	catValues := []string{""}
	for _, c := range cats {
		name, _ := c.Name.In(u.lang)
		catLabels = append(catLabels, name)
		catValues = append(catValues, c.ID)
	}
	s.category = newPicker(catLabels, catValues, func(string) { s.refresh(0) })

	areaLabels := []string{lang.X("toolkit.filter.all_areas", "All DigComp areas")}
	areaValues := []string{""}
	for _, a := range u.kit.DigComp.Areas {
		name, _ := a.Name.In(u.lang)
		areaLabels = append(areaLabels, a.Code+". "+name)
		areaValues = append(areaValues, a.Code)
	}
	s.area = newPicker(areaLabels, areaValues, func(string) {
		s.competence.setOptions(s.competenceOptions())
		s.refresh(0)
	})
	s.competence = newPicker(nil, nil, func(string) { s.refresh(0) })
	s.competence.setOptions(s.competenceOptions())

	langLabels := []string{lang.X("toolkit.filter.any_language", "Any language")}
	langValues := []string{""}
	for _, l := range Languages {
		langLabels = append(langLabels, lang.X("toolkit.filter.in_language", "Written in {{.Language}}", map[string]any{"Language": l.Name}))
		langValues = append(langValues, l.Code)
	}
	s.language = newPicker(langLabels, langValues, func(string) { s.refresh(0) })

	countryLabels := []string{lang.X("toolkit.filter.all_countries", "All countries")}
	countryValues := []string{""}
	for _, c := range sortedCountries(u.lang) {
		if assets.IsPartnerCountry(c) {
			countryLabels = append(countryLabels, lang.X("toolkit.filter.for_country", "For {{.Country}}", map[string]any{"Country": countryName(c)}))
			countryValues = append(countryValues, c)
		}
	}
	s.country = newPicker(countryLabels, countryValues, func(string) { s.refresh(0) })

	s.offline = widget.NewCheck(lang.X("toolkit.filter.offline", "Works offline"), func(bool) { s.refresh(0) })
	s.free = widget.NewCheck(lang.X("toolkit.filter.free", "Free of charge"), func(bool) { s.refresh(0) })
	s.open = widget.NewCheck(lang.X("toolkit.filter.open_source", "Open source"), func(bool) { s.refresh(0) })
	s.clear = widget.NewButtonWithIcon(lang.X("toolkit.filter.clear", "Clear filters"), theme.ContentClearIcon(), s.clearFilters)
	s.count = widget.NewLabel("")

	for _, p := range []*picker{s.category, s.area, s.competence, s.language, s.country} {
		p.SetSelectedIndex(0)
	}
	s.wirePickers()

	s.list = newResultList(func() int { return len(s.items) }, s.newRow, s.updateRow)
	s.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(s.items) {
			s.showItem(s.items[id])
		}
	}
	s.tree = s.newCompetenceTree()
	s.left = container.NewAppTabs(
		container.NewTabItem(lang.X("toolkit.tab.results", "Results"), container.NewBorder(s.count, nil, nil, nil, s.list)),
		container.NewTabItem(lang.X("toolkit.tab.competences", "Browse by competence"), s.tree),
	)

	s.detail = newRows()
	s.scroll = container.NewVScroll(s.detail)
	s.showEmpty()

	// Filters flow onto a second line on a narrow screen or with large text.
	filters := newFlow(true, s.category.Select, s.area.Select, s.competence.Select, s.language.Select, s.country.Select)
	checks := newFlow(false, s.show, s.offline, s.free, s.open, s.clear)
	top := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), nil, s.search),
		checks,
		filters,
	)
	split := container.NewHSplit(s.left, s.scroll)
	split.Offset = 0.38
	s.content = container.NewBorder(top, nil, nil, nil, split)
	s.refresh(0)
	s.loadCounts()
	return s
}

// wirePickers gives the drop-downs their neutral first choice.
func (s *toolkitScreen) wirePickers() {
	s.category.PlaceHolder = lang.X("toolkit.filter.all_categories", "All categories")
	s.competence.PlaceHolder = lang.X("toolkit.filter.all_competences", "All competences")
}

func (s *toolkitScreen) competenceOptions() ([]string, []string) {
	labels := []string{lang.X("toolkit.filter.all_competences", "All competences")}
	values := []string{""}
	area := ""
	if s.area != nil {
		area = s.area.value()
	}
	for _, c := range s.u.kit.DigComp.Competences {
		if area != "" && c.Area != area {
			continue
		}
		name, _ := c.Name.In(s.u.lang)
		labels = append(labels, c.Code+" "+name)
		values = append(values, c.Code)
	}
	return labels, values
}

func (s *toolkitScreen) filter() toolkitFilter {
	f := toolkitFilter{
		text:       s.search.Text,
		show:       showBoth,
		category:   s.category.value(),
		area:       s.area.value(),
		competence: s.competence.value(),
		in:         s.language.value(),
		country:    s.country.value(),
		offline:    s.offline.Checked,
		free:       s.free.Checked,
		open:       s.open.Checked,
	}
	for i, l := range s.show.Options {
		if l == s.show.Selected {
			f.show = s.showValues[i]
		}
	}
	return f
}

func (s *toolkitScreen) clearFilters() {
	s.category.SetSelectedIndex(0)
	s.area.SetSelectedIndex(0)
	s.competence.SetSelectedIndex(0)
	s.language.SetSelectedIndex(0)
	s.country.SetSelectedIndex(0)
	s.offline.SetChecked(false)
	s.free.SetChecked(false)
	s.open.SetChecked(false)
	s.refresh(0)
}

// refresh runs the query again after delay (typing waits a moment for the next key).
func (s *toolkitScreen) refresh(delay time.Duration) {
	if s.list == nil {
		return // still being built
	}
	f := s.filter()
	s.gen++
	gen := s.gen
	s.u.later(&s.timer, delay, func(ctx context.Context) func() {
		items, err := s.query(ctx, f)
		return func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.count.SetText(lang.X("toolkit.error", "The toolkit could not be read: {{.Error}}", map[string]any{"Error": err.Error()}))
				return
			}
			s.items = items
			s.list.UnselectAll()
			s.list.Refresh()
			s.list.ScrollToTop()
			s.count.SetText(plural("toolkit.count", "{{.Count}} result", "{{.Count}} results", len(items)))
			s.left.SelectIndex(0)
			s.afterRefresh()
			s.u.markShown()
		}
	})
}

// query finds the tools and guides matching f. It runs off the UI goroutine.
func (s *toolkitScreen) query(ctx context.Context, f toolkitFilter) ([]toolkitItem, error) {
	st, ui := s.u.store, s.u.lang
	toolOnly := f.category != "" || f.offline || f.free || f.open
	wantTools := f.show != showGuides
	wantGuides := f.show != showTools && !toolOnly
	tools, err := st.ListTools(ctx, data.ToolFilter{Category: f.category, Competence: f.competence, Area: f.area,
		Offline: f.offline, Free: f.free, OpenSource: f.open, Lang: f.in, Country: f.country})
	if err != nil {
		return nil, err
	}
	var guides []*data.Guide
	if wantGuides {
		all, err := st.ListGuides(ctx, f.competence)
		if err != nil {
			return nil, err
		}
		for _, g := range all {
			if f.area != "" && !hasArea(g.Competences, f.area) {
				continue
			}
			if f.in != "" && g.Summary[f.in] == "" && g.Title[f.in] == "" {
				continue
			}
			guides = append(guides, g)
		}
	}
	toolItem := func(t *data.Tool) toolkitItem {
		name, fb := t.Name.In(ui)
		sum, _ := t.Summary.In(ui)
		return toolkitItem{kind: data.TypeTool, id: t.ID, title: name, english: fb, sub: sum}
	}
	guideItem := func(g *data.Guide) toolkitItem {
		title, fb := g.Title.In(ui)
		sum, _ := g.Summary.In(ui)
		return toolkitItem{kind: data.TypeGuide, id: g.ID, title: title, english: fb, sub: sum}
	}
	var items []toolkitItem
	if strings.TrimSpace(f.text) == "" {
		var ts, gs []toolkitItem
		if wantTools {
			for _, t := range tools {
				ts = append(ts, toolItem(t))
			}
		}
		for _, g := range guides {
			gs = append(gs, guideItem(g))
		}
		for _, list := range [][]toolkitItem{ts, gs} {
			sortByName(ui, list, func(it toolkitItem) string { return it.title })
			items = append(items, list...)
		}
		return items, nil
	}
	var types []string
	if wantTools {
		types = append(types, data.TypeTool)
	}
	if wantGuides {
		types = append(types, data.TypeGuide)
	}
	if len(types) == 0 {
		return nil, nil
	}
	hits, err := st.Search(ctx, data.Query{Text: f.text, Types: types, Category: f.category, Competence: f.competence,
		Area: f.area, Lang: f.in, UILang: ui, Limit: 300})
	if err != nil {
		return nil, err
	}
	toolByID := map[string]*data.Tool{}
	for _, t := range tools {
		toolByID[t.ID] = t
	}
	guideByID := map[string]*data.Guide{}
	for _, g := range guides {
		guideByID[g.ID] = g
	}
	for _, h := range hits {
		var it toolkitItem
		switch h.Type {
		case data.TypeTool:
			t, ok := toolByID[h.ID]
			if !ok {
				continue
			}
			it = toolItem(t)
		case data.TypeGuide:
			g, ok := guideByID[h.ID]
			if !ok {
				continue
			}
			it = guideItem(g)
		default:
			continue
		}
		if h.Snippet != "" {
			it.sub, it.matches = h.Snippet, h.Matches
		}
		items = append(items, it)
	}
	return items, nil
}

func hasArea(codes []string, area string) bool {
	for _, c := range codes {
		if strings.HasPrefix(c, area+".") {
			return true
		}
	}
	return false
}

func (s *toolkitScreen) newRow() fyne.CanvasObject {
	title := widget.NewLabel("")
	title.TextStyle.Bold = true
	title.Truncation = fyne.TextTruncateEllipsis
	sub := widget.NewRichText()
	sub.Truncation = fyne.TextTruncateEllipsis
	icon := widget.NewIcon(theme.ComputerIcon())
	return container.NewBorder(nil, nil, icon, nil, container.NewVBox(title, sub))
}

func (s *toolkitScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.items) {
		return
	}
	it := s.items[id]
	b := o.(*fyne.Container)
	box := b.Objects[0].(*fyne.Container)
	icon := b.Objects[1].(*widget.Icon)
	title := box.Objects[0].(*widget.Label)
	sub := box.Objects[1].(*widget.RichText)
	t := it.title
	if it.english {
		t += " " + lang.X("toolkit.english", "(English)")
	}
	title.SetText(t)
	if it.kind == data.TypeGuide {
		icon.SetResource(theme.FileTextIcon())
	} else {
		icon.SetResource(theme.ComputerIcon())
	}
	sub.Segments = highlight(it.sub, it.matches)
	sub.Refresh()
}

// highlight splits text into plain and bold segments at the matched words.
func highlight(text string, matches [][2]int) []widget.RichTextSegment {
	text, matches = nearFirstMatch(text, matches)
	plain := func(s string) widget.RichTextSegment {
		return &widget.TextSegment{Text: s, Style: widget.RichTextStyleInline}
	}
	var segs []widget.RichTextSegment
	at := 0
	for _, m := range matches {
		if m[0] < at || m[1] > len(text) || m[0] >= m[1] {
			continue
		}
		if m[0] > at {
			segs = append(segs, plain(text[at:m[0]]))
		}
		segs = append(segs, &widget.TextSegment{Text: text[m[0]:m[1]], Style: widget.RichTextStyleStrong})
		at = m[1]
	}
	if at < len(text) || len(segs) == 0 {
		segs = append(segs, plain(strings.ReplaceAll(text[at:], "\n", " ")))
	}
	return segs
}

func (s *toolkitScreen) newCompetenceTree() *widget.Tree {
	dc := s.u.kit.DigComp
	t := widget.NewTree(
		func(id widget.TreeNodeID) []widget.TreeNodeID {
			if id == "" {
				var out []string
				for _, a := range dc.Areas {
					out = append(out, "area:"+a.Code)
				}
				return out
			}
			if area, ok := strings.CutPrefix(id, "area:"); ok {
				var out []string
				for _, c := range dc.Competences {
					if c.Area == area {
						out = append(out, c.Code)
					}
				}
				return out
			}
			return nil
		},
		func(id widget.TreeNodeID) bool { return id == "" || strings.HasPrefix(id, "area:") },
		func(branch bool) fyne.CanvasObject {
			// An area's row is two lines high and a competence's three, so names are
			// read whole in the narrow pane of a netbook at the largest text.
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			l.Truncation = fyne.TextTruncateEllipsis
			if branch {
				l.TextStyle.Bold = true
				return newLinesHigh(l, 2)
			}
			return newLinesHigh(l, 3)
		},
		func(id widget.TreeNodeID, branch bool, o fyne.CanvasObject) {
			l := o.(*fyne.Container).Objects[0].(*widget.Label)
			if area, ok := strings.CutPrefix(id, "area:"); ok {
				for _, a := range dc.Areas {
					if a.Code == area {
						name, _ := a.Name.In(s.u.lang)
						l.SetText(a.Code + ". " + name)
					}
				}
				return
			}
			if c, ok := dc.Competence(id); ok {
				name, _ := c.Name.In(s.u.lang)
				l.SetText(c.Code + " " + name + " (" + plural("toolkit.competence.count", "{{.Count}} entry", "{{.Count}} entries", s.counts[id]) + ")")
			}
		},
	)
	t.OnSelected = func(id widget.TreeNodeID) {
		if strings.HasPrefix(id, "area:") {
			t.OpenBranch(id)
			t.UnselectAll()
			return
		}
		s.browseCompetence(id)
		t.UnselectAll()
	}
	t.OpenAllBranches()
	return t
}

// loadCounts counts the tools and guides of each competence for the tree.
func (s *toolkitScreen) loadCounts() {
	s.u.background(func(ctx context.Context) func() {
		counts := map[string]int{}
		for _, c := range data.Competences {
			n, err := s.u.store.Count(ctx, data.Query{Types: []string{data.TypeTool, data.TypeGuide}, Competence: c})
			if err == nil {
				counts[c] = n
			}
		}
		return func() {
			s.counts = counts
			s.tree.Refresh()
		}
	})
}

// browseCompetence lists the tools and guides that build one competence.
func (s *toolkitScreen) browseCompetence(code string) {
	area, _, _ := strings.Cut(code, ".")
	s.area.setValue(area)
	s.competence.setOptions(s.competenceOptions())
	s.competence.setValue(code)
	s.category.SetSelectedIndex(0)
	s.search.SetText("")
	s.show.SetSelected(s.show.Options[2])
	s.left.SelectIndex(0)
	s.refresh(0)
}

func (s *toolkitScreen) showEmpty() {
	s.selected = ""
	s.detail.Objects = []fyne.CanvasObject{placeholder(lang.X("toolkit.detail.empty",
		"Choose a tool or a guide in the list to read about it."))}
	s.detail.Refresh()
}

// showByKey shows "tool:id" or "guide:id" in the detail pane.
func (s *toolkitScreen) showByKey(key string) {
	kind, id, _ := strings.Cut(key, ":")
	if kind == data.TypeGuide {
		s.showGuide(id)
	} else {
		s.showTool(id)
	}
}

func (s *toolkitScreen) showItem(it toolkitItem) {
	if it.kind == data.TypeGuide {
		s.showGuide(it.id)
	} else {
		s.showTool(it.id)
	}
}

// translated returns t in the interface language and, when it fell back to
// another language, the marker saying so.
func (s *toolkitScreen) translated(t data.Text) (string, string) {
	v, fb := t.In(s.u.lang)
	if fb {
		return v, lang.X("toolkit.english", "(English)")
	}
	return v, ""
}

func (s *toolkitScreen) markdown(t data.Text) []fyne.CanvasObject {
	text, marker := s.translated(t)
	if strings.TrimSpace(text) == "" {
		return nil
	}
	rt := widget.NewRichTextFromMarkdown(text)
	rt.Wrapping = fyne.TextWrapWord
	out := []fyne.CanvasObject{}
	if marker != "" {
		out = append(out, note(marker))
	}
	return append(out, rt)
}

func (s *toolkitScreen) competenceLinks(codes []string) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, code := range codes {
		name := code
		if c, ok := s.u.kit.DigComp.Competence(code); ok {
			n, _ := c.Name.In(s.u.lang)
			name = code + " " + n
		}
		out = append(out, link(name, func() { s.browseCompetence(code) }))
	}
	return out
}

func (s *toolkitScreen) showTool(id string) {
	t, err := s.u.store.GetTool(id)
	if err != nil {
		s.showEmpty()
		return
	}
	ui := s.u.lang
	s.selected = data.TypeTool + ":" + id
	name, marker := s.translated(t.Name)
	objs := []fyne.CanvasObject{heading(name)}
	if sum, m := s.translated(t.Summary); sum != "" {
		objs = append(objs, paragraph(sum))
		if m != "" && marker == "" {
			marker = m
		}
	}
	if marker != "" {
		objs = append(objs, note(lang.X("toolkit.detail.english_note", "Parts of this entry are not yet translated and are shown in English.")))
	}
	objs = append(objs, s.u.provenance(t.Network)...)
	objs = append(objs, s.suggestButton(data.KindTool, id))

	facts := widget.NewForm()
	if c, ok := s.u.kit.Category(t.Category); ok {
		n, _ := c.Name.In(ui)
		facts.Append(lang.X("tool.category", "Category"), widget.NewLabel(n))
	}
	if t.Licence != "" {
		lic := factText(assets.FactLicence, t.Licence)
		if t.OpenSource {
			lic += " · " + lang.X("tool.open_source", "open source")
		}
		facts.Append(lang.X("tool.licence", "Licence"), wrapLabel(lic))
	}
	if t.Cost != "" {
		facts.Append(lang.X("tool.cost", "Cost"), wrapLabel(factText(assets.FactCost, t.Cost)))
	}
	if len(t.Platforms) > 0 {
		facts.Append(lang.X("tool.platforms", "Works on"), wrapLabel(platformsText(t.Platforms)))
	}
	facts.Append(lang.X("tool.offline", "Works offline"), widget.NewLabel(factText(assets.FactOffline, t.Offline)))
	if t.Level != "" {
		facts.Append(lang.X("tool.level", "Level"), widget.NewLabel(factText(assets.FactLevel, t.Level)))
	}
	if u, err := url.Parse(t.Website); err == nil && t.Website != "" {
		h := widget.NewHyperlink(t.Website, u)
		h.Truncation = fyne.TextTruncateEllipsis
		facts.Append(lang.X("tool.website", "Website"), h)
	}
	objs = append(objs, facts)

	section := func(title string, body []fyne.CanvasObject) {
		if len(body) > 0 {
			objs = append(objs, widget.NewSeparator(), subheading(title))
			objs = append(objs, body...)
		}
	}
	section(lang.X("tool.description", "About this tool"), s.markdown(t.Description))
	section(lang.X("tool.use_cases", "How it helps in social work"), s.markdown(t.UseCases))
	section(lang.X("tool.data_protection", "Data protection"), s.markdown(t.DataProtection))
	section(lang.X("tool.competences", "DigComp competences it builds"), s.competenceLinks(t.Competences))

	var alts []fyne.CanvasObject
	for _, altID := range t.Alternatives {
		alt, err := s.u.store.GetTool(altID)
		if err != nil {
			continue
		}
		n, _ := alt.Name.In(ui)
		alts = append(alts, link(n, func() { s.showTool(alt.ID) }))
	}
	section(lang.X("tool.alternatives", "Alternatives"), alts)

	// Guides and practices using the tool come from the store, off the UI goroutine.
	guidesBox := container.NewVBox()
	practicesBox := container.NewVBox(note(lang.X("tool.practices.loading", "Looking for practices that use this tool…")))
	objs = append(objs, s.usersSection(id))
	objs = append(objs, guidesBox, widget.NewSeparator(), subheading(lang.X("tool.practices", "Practices that use this tool")), practicesBox)
	s.setDetail(objs)

	key := s.selected
	s.u.background(func(ctx context.Context) func() {
		q := data.Query{Types: []string{data.TypePractice}, Tool: id, Limit: 10}
		practices, perr := s.u.store.List(ctx, q, 0)
		total, _ := s.u.store.Count(ctx, q)
		allGuides, _ := s.u.store.ListGuides(ctx, "")
		var guides []*data.Guide
		for _, g := range allGuides {
			for _, gt := range g.Tools {
				if gt == id {
					guides = append(guides, g)
					break
				}
			}
		}
		return func() {
			if s.selected != key {
				return
			}
			if len(guides) > 0 {
				gs := []fyne.CanvasObject{widget.NewSeparator(), subheading(lang.X("tool.guides", "Guides that use this tool"))}
				for _, g := range guides {
					title, _ := g.Title.In(ui)
					gs = append(gs, link(title, func() { s.showGuide(g.ID) }))
				}
				guidesBox.Objects = gs
				guidesBox.Refresh()
			}
			var ps []fyne.CanvasObject
			switch {
			case perr != nil:
				ps = append(ps, note(perr.Error()))
			case len(practices) == 0:
				ps = append(ps, note(lang.X("tool.practices.none", "No practice in the journal mentions this tool yet.")))
			default:
				for _, p := range practices {
					meta := s.u.orgName(p.Org)
					if p.Country != "" {
						meta += " · " + countryName(p.Country)
					}
					if p.Lang != "" {
						meta += " · " + languageName(p.Lang)
					}
					ps = append(ps, link(p.Title, func() { s.u.showPractice(p.ID) }), note(meta))
				}
				if total > len(practices) {
					ps = append(ps, widget.NewButton(plural("tool.practices.all", "Show the {{.Count}} practice in the journal",
						"Show all {{.Count}} practices in the journal", total), func() { s.u.showPracticesWithTool(id) }))
				}
			}
			practicesBox.Objects = ps
			practicesBox.Refresh()
			s.scroll.Refresh()
		}
	})
}

func (s *toolkitScreen) showGuide(id string) {
	g, err := s.u.store.GetGuide(id)
	if err != nil {
		s.showEmpty()
		return
	}
	ui := s.u.lang
	s.selected = data.TypeGuide + ":" + id
	title, marker := s.translated(g.Title)
	objs := []fyne.CanvasObject{note(lang.X("guide.kind", "Guide")), heading(title)}
	if sum, m := s.translated(g.Summary); sum != "" {
		objs = append(objs, paragraph(sum))
		if m != "" {
			marker = m
		}
	}
	if marker != "" {
		objs = append(objs, note(lang.X("toolkit.detail.english_note", "Parts of this entry are not yet translated and are shown in English.")))
	}
	objs = append(objs, s.u.provenance(g.Network)...)
	objs = append(objs, s.suggestButton(data.KindGuide, id))
	if g.Level != "" {
		facts := widget.NewForm()
		facts.Append(lang.X("tool.level", "Level"), widget.NewLabel(factText(assets.FactLevel, g.Level)))
		objs = append(objs, facts)
	}
	if steps := s.markdown(g.Steps); len(steps) > 0 {
		objs = append(objs, widget.NewSeparator(), subheading(lang.X("guide.steps", "Step by step")))
		objs = append(objs, steps...)
	}
	var tools []fyne.CanvasObject
	for _, tid := range g.Tools {
		t, err := s.u.store.GetTool(tid)
		if err != nil {
			continue
		}
		n, _ := t.Name.In(ui)
		tools = append(tools, link(n, func() { s.showTool(t.ID) }))
	}
	if len(tools) > 0 {
		objs = append(objs, widget.NewSeparator(), subheading(lang.X("guide.tools", "Tools used in this guide")))
		objs = append(objs, tools...)
	}
	if comps := s.competenceLinks(g.Competences); len(comps) > 0 {
		objs = append(objs, widget.NewSeparator(), subheading(lang.X("tool.competences", "DigComp competences it builds")))
		objs = append(objs, comps...)
	}
	s.setDetail(objs)
}

func (s *toolkitScreen) setDetail(objs []fyne.CanvasObject) {
	if len(objs) != 1 || s.proposal == nil || objs[0] != s.proposal.content {
		s.proposal = nil
	}
	s.detail.Objects = objs
	s.detail.Refresh()
	s.scroll.ScrollToTop()
}

func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// factText words a fact of a tool or guide (its cost, licence, platforms,
// offline use, level) in the interface language.
func factText(kind assets.Fact, v string) string {
	return assets.FactText(kind, v, func(key, english string) string { return lang.X(key, english) })
}

// platformsText words a tool's platforms, names kept as they are.
func platformsText(ps []string) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = factText(assets.FactPlatform, p)
	}
	return strings.Join(out, ", ")
}

// showTool opens a tool in the toolkit.
func (u *UI) showTool(id string) {
	u.selectTab(0)
	u.toolkit.showTool(id)
}
