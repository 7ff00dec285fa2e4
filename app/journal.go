package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// journalPage is how many practices are read from the store at a time.
const journalPage = 100

// journalModel is the filtered journal, read page by page as the list scrolls so
// that a journal of 100,000 practices opens as fast as one of ten.
type journalModel struct {
	store  *data.Store
	filter data.PracticeFilter
	total  int
	pages  map[int][]data.Summary
	found  []data.Summary // the practices a text search found, best first (pages unused)
	search bool
}

// journalSearchLimit is how many practices and comments a text search of the
// journal reads at most.
const journalSearchLimit = 500

func loadJournal(ctx context.Context, st *data.Store, f data.PracticeFilter, text, uiLang string) (*journalModel, error) {
	m := &journalModel{store: st, filter: f, pages: map[int][]data.Summary{}}
	if data.MatchExpr(text) != "" {
		found, err := searchJournal(ctx, st, f, text, uiLang)
		if err != nil {
			return nil, err
		}
		m.found, m.total, m.search = found, len(found), true
		return m, nil
	}
	q := data.Query{Types: []string{data.TypePractice}, Org: f.Org, Country: f.Country, Tag: f.Tag, Tool: f.Tool, Lang: f.Lang,
		Visibility: f.Visibility}
	n, err := st.Count(ctx, q)
	if err != nil {
		return nil, err
	}
	m.total = n
	if n > 0 {
		if _, err := m.page(ctx, 0); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *journalModel) page(ctx context.Context, p int) ([]data.Summary, error) {
	if rows, ok := m.pages[p]; ok {
		return rows, nil
	}
	f := m.filter
	f.Limit, f.Offset = journalPage, p*journalPage
	// Scrolling reads the page next to one already read from where that one
	// ends: at practice 50,000 of 100,000, counting the offset from the top
	// took 0.2 s a page. A jump (the scroll bar dragged) counts it once.
	if prev := m.pages[p-1]; len(prev) == journalPage {
		f.After = &prev[journalPage-1]
	} else if next := m.pages[p+1]; len(next) > 0 {
		f.Before = &next[0]
	}
	rows, err := m.store.ListPractices(ctx, f)
	if err != nil {
		return nil, err
	}
	m.pages[p] = rows
	return rows, nil
}

// get returns the i-th practice, newest first (best match first when searching).
func (m *journalModel) get(i int) (data.Summary, bool) {
	if m == nil || i < 0 || i >= m.total {
		return data.Summary{}, false
	}
	if m.search {
		return m.found[i], true
	}
	rows, err := m.page(context.Background(), i/journalPage)
	if err != nil || i%journalPage >= len(rows) {
		return data.Summary{}, false
	}
	return rows[i%journalPage], true
}

func (m *journalModel) len() int {
	if m == nil {
		return 0
	}
	return m.total
}

// journalScreen lists the good-practice notes with filters, and shows one with
// its comments.
type journalScreen struct {
	u       *UI
	content fyne.CanvasObject

	search                                        *entry // words to find in the practices and their comments
	loadTimer                                     *time.Timer
	org, country, tag, tool, language, visibility *picker
	count                                         *widget.Label
	list                                          *widget.List
	model                                         *journalModel
	detail                                        *fyne.Container
	scroll                                        *container.Scroll
	selectedID                                    string
	gen                                           uint64

	// The comment being written, and its privacy guard.
	commentText  *entry
	commentTimer *time.Timer
	commentGen   uint64

	history   *historyView // the versions last shown (history.go)
	opened    string       // the copy of an attachment last opened (attachments.go)
	conflicts []Conflict   // the values not kept shown on the practice (history.go)
}

func newJournalScreen(u *UI) *journalScreen {
	s := &journalScreen{u: u}
	changed := func(string) { s.reload("") }
	s.search = newEntry(u)
	s.search.SetPlaceHolder(lang.X("journal.search.placeholder", "Search the journal: words from a practice or its comments"))
	// Search as you type: the search runs after a pause, not at every key.
	s.search.OnChanged = func(string) { s.load("", 150*time.Millisecond) }
	s.search.OnSubmitted = func(string) { s.load("", 0) }

	orgs := make([]*data.Organisation, 0, len(u.orgs))
	for _, o := range u.orgs {
		orgs = append(orgs, o)
	}
	sortByName(u.lang, orgs, func(o *data.Organisation) string { return o.Name })
	orgLabels, orgValues := []string{lang.X("journal.filter.all_orgs", "All organisations")}, []string{""}
	countries := map[string]bool{}
	for _, c := range partnerCountries {
		countries[c] = true
	}
	for _, o := range orgs {
		orgLabels = append(orgLabels, o.Name)
		orgValues = append(orgValues, o.ID)
		if o.Country != "" {
			countries[o.Country] = true
		}
	}
	s.org = newPicker(orgLabels, orgValues, changed)

	countryLabels, countryValues := []string{lang.X("journal.filter.all_countries", "All countries")}, []string{""}
	var cs []string
	for c := range countries {
		cs = append(cs, c)
	}
	sortByName(u.lang, cs, countryName)
	for _, c := range cs {
		countryLabels = append(countryLabels, countryName(c))
		countryValues = append(countryValues, c)
	}
	s.country = newPicker(countryLabels, countryValues, changed)

	s.tag = newPicker([]string{lang.X("journal.filter.all_tags", "All tags")}, []string{""}, changed)
	s.loadTags()

	toolLabels, toolValues := []string{lang.X("journal.filter.all_tools", "All tools")}, []string{""}
	for _, t := range u.toolChoices() {
		toolLabels = append(toolLabels, t.name)
		toolValues = append(toolValues, t.id)
	}
	s.tool = newPicker(toolLabels, toolValues, changed)

	langLabels, langValues := []string{lang.X("journal.filter.all_languages", "All languages")}, []string{""}
	for _, l := range Languages {
		langLabels = append(langLabels, l.Name)
		langValues = append(langValues, l.Code)
	}
	s.language = newPicker(langLabels, langValues, changed)

	s.visibility = newPicker(
		[]string{lang.X("journal.filter.any_visibility", "Any visibility"), visibilityName(data.Draft), visibilityName(data.OrgVis), visibilityName(data.Shared)},
		[]string{"", data.Draft, data.OrgVis, data.Shared}, changed)

	for _, p := range []*picker{s.org, s.country, s.tag, s.tool, s.language, s.visibility} {
		p.SetSelectedIndex(0)
	}

	s.count = widget.NewLabel("")
	s.list = widget.NewList(s.model.len, s.newRow, s.updateRow)
	s.list.Length = func() int { return s.model.len() }
	s.list.OnSelected = func(id widget.ListItemID) {
		if sm, ok := s.model.get(id); ok {
			s.showPractice(sm.ID)
		}
	}

	s.detail = newRows()
	s.scroll = container.NewVScroll(s.detail)
	s.showEmpty()

	newBtn := widget.NewButtonWithIcon(lang.X("journal.new", "New practice"), theme.ContentAddIcon(), u.newPractice)
	newBtn.Importance = widget.HighImportance
	filters := container.NewGridWithColumns(3, s.org.Select, s.country.Select, s.tag.Select, s.tool.Select, s.language.Select, s.visibility.Select)
	searchRow := container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), nil, s.search)
	top := container.NewBorder(nil, nil, nil, container.NewVBox(newBtn), container.NewVBox(searchRow, filters))
	split := container.NewHSplit(container.NewBorder(s.count, nil, nil, nil, s.list), s.scroll)
	split.Offset = 0.42
	s.content = container.NewBorder(top, nil, nil, nil, split)
	s.reload("")
	return s
}

// loadTags fills the tag filter. The store lists tags folded for search
// ("laznia"); each is shown as a practice spells it ("łaźnia"), in the order of
// the interface language.
func (s *journalScreen) loadTags() {
	code := s.u.lang
	s.u.background(func(ctx context.Context) func() {
		tags, err := s.u.store.Tags(ctx)
		if err != nil {
			return nil
		}
		type tag struct{ label, value string }
		out := make([]tag, 0, len(tags))
		for _, t := range tags {
			out = append(out, tag{tagSpelling(ctx, s.u.store, t), t})
		}
		sortByName(code, out, func(t tag) string { return t.label })
		return func() {
			labels, values := []string{lang.X("journal.filter.all_tags", "All tags")}, []string{""}
			for _, t := range out {
				labels = append(labels, t.label)
				values = append(values, t.value)
			}
			s.tag.setOptions(labels, values)
			if s.tag.SelectedIndex() < 0 {
				s.tag.setValue("")
			}
		}
	})
}

// tagSpelling is a folded tag as the newest practice carrying it writes it.
func tagSpelling(ctx context.Context, st *data.Store, folded string) string {
	found, err := st.List(ctx, data.Query{Types: []string{data.TypePractice}, Tag: folded, Limit: 1}, 0)
	if err != nil || len(found) == 0 {
		return folded
	}
	p, err := st.GetPractice(found[0].ID)
	if err != nil {
		return folded
	}
	for _, t := range p.Tags {
		if data.Fold(t) == folded {
			return t
		}
	}
	return folded
}

// toolChoice is a tool as pickers show it; a retired tool is named (old
// practices use it) but not offered for new ones.
type toolChoice struct {
	id, name string
	retired  bool
}

// toolChoices are all the toolkit's tools by name in the interface language.
func (u *UI) toolChoices() []toolChoice {
	tools, err := u.store.ListTools(u.ctx, data.ToolFilter{Retired: true})
	if err != nil {
		return nil
	}
	out := make([]toolChoice, 0, len(tools))
	for _, t := range tools {
		n, _ := t.Name.In(u.lang)
		out = append(out, toolChoice{t.ID, n, t.Retired != ""})
	}
	sortByName(u.lang, out, func(t toolChoice) string { return t.name })
	return out
}

func visibilityName(v string) string {
	switch v {
	case data.Draft:
		return lang.X("visibility.draft", "Draft")
	case data.OrgVis:
		return lang.X("visibility.org", "My organisation")
	case data.Shared:
		return lang.X("visibility.shared", "Shared with partners")
	}
	return v
}

func (s *journalScreen) filter() data.PracticeFilter {
	return data.PracticeFilter{Org: s.org.value(), Country: s.country.value(), Tag: s.tag.value(), Tool: s.tool.value(),
		Lang: s.language.value(), Visibility: s.visibility.value()}
}

// reload reads the journal again; selectID, when set, is shown once it is loaded.
func (s *journalScreen) reload(selectID string) { s.load(selectID, 0) }

// load reads the journal again after delay (a search being typed), replacing
// a load still waiting.
func (s *journalScreen) load(selectID string, delay time.Duration) {
	if s.list == nil {
		return // still being built
	}
	f, text, uiLang := s.filter(), s.search.Text, s.u.lang
	s.gen++
	gen := s.gen
	s.u.later(&s.loadTimer, delay, func(ctx context.Context) func() {
		m, err := loadJournal(ctx, s.u.store, f, text, uiLang)
		return func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.count.SetText(lang.X("journal.error", "The journal could not be read: {{.Error}}", map[string]any{"Error": err.Error()}))
				return
			}
			s.model = m
			s.list.UnselectAll()
			s.list.Refresh()
			if m.search {
				s.count.SetText(plural("journal.search.count", "{{.Count}} practice found", "{{.Count}} practices found", m.total))
			} else {
				s.count.SetText(plural("journal.count", "{{.Count}} practice", "{{.Count}} practices", m.total))
			}
			if selectID != "" {
				s.showPractice(selectID)
			} else if s.selectedID != "" {
				s.showPractice(s.selectedID)
			}
		}
	})
}

func (s *journalScreen) newRow() fyne.CanvasObject {
	title := widget.NewLabel("")
	title.TextStyle.Bold = true
	title.Truncation = fyne.TextTruncateEllipsis
	meta := widget.NewLabel("")
	meta.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(title, meta)
}

func (s *journalScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	box := o.(*fyne.Container)
	title := box.Objects[0].(*widget.Label)
	meta := box.Objects[1].(*widget.Label)
	sm, ok := s.model.get(id)
	if !ok {
		title.SetText("")
		meta.SetText("")
		return
	}
	title.SetText(sm.Title)
	meta.SetText(s.metaLine(sm.Org, sm.Country, sm.Lang, sm.Created, sm.Visibility))
}

// metaLine is "Organisation · Country · Language · date", and the visibility
// when the note does not travel to partners.
func (s *journalScreen) metaLine(org, country, code string, created time.Time, vis string) string {
	parts := []string{s.u.orgName(org)}
	if country != "" {
		parts = append(parts, countryName(country))
	}
	if code != "" {
		parts = append(parts, languageName(code))
	}
	if !created.IsZero() {
		parts = append(parts, formatDate(created, s.u.lang))
	}
	if vis != "" && vis != data.Shared {
		parts = append(parts, visibilityName(vis))
	}
	return strings.Join(parts, " · ")
}

func (s *journalScreen) showEmpty() {
	s.selectedID = ""
	msg := lang.X("journal.detail.empty", "Choose a practice in the list to read it, or write a new one.")
	s.detail.Objects = []fyne.CanvasObject{placeholder(msg)}
	s.detail.Refresh()
}

// showPractice shows a practice with its sections and comments.
func (s *journalScreen) showPractice(id string) {
	p, err := s.u.store.GetPractice(id)
	if err != nil {
		s.showEmpty()
		return
	}
	// Shown again (a reload, a sync): the reader keeps their place, and the writer
	// of a comment their cursor.
	again := id == s.selectedID
	offset := s.scroll.Offset
	old := s.commentText
	typing := old != nil && s.u.win.Canvas().Focused() == old
	s.selectedID = id
	mine := p.Org == s.u.me.Org
	objs := []fyne.CanvasObject{heading(p.Title)}
	meta := s.metaLine(p.Org, p.Country, p.Lang, p.Created, p.Visibility)
	if p.Author != "" {
		meta = lang.X("journal.detail.by", "By {{.Author}}", map[string]any{"Author": p.Author}) + " · " + meta
	}
	objs = append(objs, note(meta), s.conflictNotice(p)) // history.go
	var row []fyne.CanvasObject
	if mine {
		edit := widget.NewButtonWithIcon(lang.X("journal.edit", "Edit"), theme.DocumentCreateIcon(), func() { s.u.editPractice(p) })
		del := widget.NewButtonWithIcon(lang.X("journal.delete", "Delete"), theme.DeleteIcon(), func() { s.confirmDelete(p) })
		del.Importance = widget.DangerImportance
		row = append(row, edit, del)
	}
	if eb := s.eraseButton(p, mine); eb != nil { // erase.go
		row = append(row, eb)
	}
	if len(row) > 0 {
		objs = append(objs, container.NewHBox(row...))
	}
	if hb := s.historyButton(p); hb != nil { // history.go
		objs = append(objs, container.NewHBox(hb))
	}
	section := func(title, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		objs = append(objs, widget.NewSeparator(), subheading(title), paragraph(text))
	}
	section(lang.X("practice.summary", "Summary"), p.Summary)
	section(lang.X("practice.context", "Context and problem"), p.Context)
	section(lang.X("practice.target_group", "Target group"), p.TargetGroup)
	section(lang.X("practice.objectives", "Objectives"), p.Objectives)
	section(lang.X("practice.activities", "How it works"), p.Activities)
	if len(p.Tools) > 0 {
		objs = append(objs, widget.NewSeparator(), subheading(lang.X("practice.tools", "Tools used")))
		for _, tid := range p.Tools {
			name := tid
			if t, err := s.u.store.GetTool(tid); err == nil {
				name, _ = t.Name.In(s.u.lang)
			}
			objs = append(objs, link(name, func() { s.u.showTool(tid) }))
		}
	}
	section(lang.X("practice.resources", "Resources needed"), p.Resources)
	section(lang.X("practice.results", "Results"), p.Results)
	section(lang.X("practice.lessons", "Lessons learned"), p.Lessons)
	section(lang.X("practice.transferability", "How others can adopt it"), p.Transferability)
	if len(p.Tags) > 0 {
		objs = append(objs, widget.NewSeparator(), subheading(lang.X("practice.tags", "Tags")), paragraph(strings.Join(p.Tags, ", ")))
	}
	objs = append(objs, s.attachmentsSection(p, mine)...) // attachments.go
	objs = append(objs, widget.NewSeparator())
	objs = append(objs, s.comments(p)...)
	s.detail.Objects = objs
	s.detail.Refresh()
	if !again {
		s.scroll.ScrollToTop()
		return
	}
	s.scroll.ScrollToOffset(offset)
	if typing {
		s.u.win.Canvas().Focus(s.commentText)
		s.commentText.CursorRow, s.commentText.CursorColumn = old.CursorRow, old.CursorColumn
		s.commentText.Refresh()
	}
}

// comments are the partners' feedback on a practice, with a field to add one.
func (s *journalScreen) comments(p *data.Practice) []fyne.CanvasObject {
	list, err := s.u.store.ListComments(s.u.ctx, p.ID)
	objs := []fyne.CanvasObject{subheading(plural("journal.comments", "{{.Count}} comment", "{{.Count}} comments", len(list)))}
	if err != nil {
		objs = append(objs, note(err.Error()))
	}
	for _, c := range list {
		who := c.Author
		if org := s.u.orgName(c.Org); org != "" {
			who = strings.TrimSpace(who + " · " + org)
		}
		objs = append(objs, note(who+" · "+formatDateTime(c.Created, s.u.lang)), paragraph(c.Text))
	}
	text := newMultiLineEntry(s.u, 3)
	text.SetPlaceHolder(lang.X("journal.comment.placeholder", "Tried this? Tell the authors how it went."))
	// What was typed and not added yet comes back (after a reload, a sync, a kill).
	text.SetText(s.u.drafts.comment(p.ID))
	cursorToEnd(text)
	s.commentText = text
	problem := errorText()
	// Comments go to partners: personal data in them is shown as it is typed,
	// and the comment waits until each finding is handled.
	guard := newPrivacyBox()
	var cleared []string
	var check func(delay time.Duration)
	show := func(fs []data.Finding) {
		guard.set(fs,
			func(f data.Finding) {
				if t, ok := replaceFinding(text.Text, f); ok {
					text.SetText(t)
				}
				check(0)
			},
			func(f data.Finding) {
				cleared = addCleared(cleared, f)
				check(0)
			})
		if len(fs) == 0 {
			setError(problem, "")
		}
		s.detail.Refresh()
	}
	check = func(delay time.Duration) {
		s.commentGen++
		gen := s.commentGen
		c := &data.Comment{Text: text.Text, Cleared: append([]string{}, cleared...)}
		s.u.later(&s.commentTimer, delay, func(context.Context) func() {
			fs := data.PrivacyFindings(c)
			return func() {
				if gen == s.commentGen {
					show(fs)
				}
			}
		})
	}
	text.OnChanged = func(v string) {
		s.u.drafts.keepComment(p.ID, v)
		check(privacyCheckDelay)
	}
	if text.Text != "" {
		check(0)
	}
	add := widget.NewButtonWithIcon(lang.X("journal.comment.add", "Add comment"), theme.MailSendIcon(), nil)
	add.OnTapped = func() {
		c := &data.Comment{Practice: p.ID, Text: text.Text, Visibility: data.Shared, Cleared: append([]string{}, cleared...)}
		c.Lang = s.u.lang
		if fs := data.PrivacyFindings(c); len(fs) > 0 {
			s.commentGen++ // a scan still waiting would show the same
			show(fs)
			setError(problem, lang.X("journal.comment.privacy", "Not added yet: the comment may contain personal data. Replace each finding or mark it as not personal, then add it again."))
			s.detail.Refresh()
			s.scroll.ScrollToBottom() // the findings are below the button
			return
		}
		if err := s.u.store.SaveComment(s.u.ctx, c); err != nil {
			if ve, ok := validation(err); ok && ve.For("text") != "" {
				setError(problem, lang.X("journal.comment.empty", "Write something before adding the comment."))
			} else {
				setError(problem, err.Error())
			}
			s.detail.Refresh()
			return
		}
		s.u.drafts.dropComment(p.ID)
		s.showPractice(p.ID)
	}
	// The button stays right under the field: what the privacy guard finds
	// appears below it, so the button does not move under the pointer.
	return append(objs, subheading(lang.X("journal.comment.title", "Add a comment")),
		overWheel(text, func() fyne.Scrollable { return s.scroll }), container.NewHBox(add), problem, guard.content)
}

func (s *journalScreen) confirmDelete(p *data.Practice) {
	s.u.confirm(lang.X("journal.delete.title", "Delete this practice?"),
		lang.X("journal.delete.message", "\"{{.Title}}\" will be removed from the journal, and from partners' journals after the next sync.", map[string]any{"Title": p.Title}),
		lang.X("journal.delete.yes", "Delete"), lang.X("dialog.cancel", "Cancel"), func() {
			if err := s.u.store.DeletePractice(s.u.ctx, p.ID); err != nil {
				s.u.showError(lang.X("journal.delete.failed", "The practice could not be deleted."), err)
				return
			}
			s.showEmpty()
			s.reload("")
		})
}

// showPractice opens a practice in the journal.
func (u *UI) showPractice(id string) {
	u.selectTab(1)
	u.journal.showPractice(id)
}

// showPracticesWithTool opens the journal filtered to the practices using a tool.
func (u *UI) showPracticesWithTool(id string) {
	u.selectTab(1)
	u.journal.tool.setValue(id)
	u.journal.reload("")
}

// searchJournal finds the practices whose text, or a comment's, holds the
// words of text (the store's full-text search, which ignores case and accents),
// best match first, each once, narrowed by the filters f.
func searchJournal(ctx context.Context, st *data.Store, f data.PracticeFilter, text, uiLang string) ([]data.Summary, error) {
	hits, err := st.Search(ctx, data.Query{Text: text, Types: []string{data.TypePractice, data.TypeComment},
		Limit: journalSearchLimit, UILang: uiLang})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []data.Summary
	for _, h := range hits {
		id := h.ID
		if h.Type == data.TypeComment {
			id = h.Parent
		}
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		p, err := st.GetPractice(id)
		if err != nil || p.Deleted || !practiceMatches(p, f) {
			continue
		}
		out = append(out, data.Summary{ID: p.ID, Type: p.Type, Org: p.Org, Author: p.Author, Lang: p.Lang, Created: p.Created,
			Updated: p.Updated, Title: p.Title, Country: p.Country, Visibility: p.Visibility})
	}
	return out, nil
}

// practiceMatches reports whether p passes the journal's filters.
func practiceMatches(p *data.Practice, f data.PracticeFilter) bool {
	has := func(list []string, v string, fold bool) bool {
		for _, x := range list {
			if x == v || (fold && data.Fold(x) == v) {
				return true
			}
		}
		return false
	}
	return (f.Org == "" || p.Org == f.Org) && (f.Country == "" || p.Country == f.Country) && (f.Lang == "" || p.Lang == f.Lang) &&
		(f.Visibility == "" || p.Visibility == f.Visibility) && (f.Tag == "" || has(p.Tags, f.Tag, true)) &&
		(f.Tool == "" || has(p.Tools, f.Tool, false))
}
