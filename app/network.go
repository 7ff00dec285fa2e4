package app

import (
	"context"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"vademecum/assets"
	"vademecum/data"
)

// networkScreen is what the partnership builds together (issue 23): the
// proposals and their review by the editors, and which partner uses which
// tool.
type networkScreen struct {
	u       *UI
	content fyne.CanvasObject

	status    *widget.Select
	statuses  []string
	list      *widget.List
	proposals []data.ProposalView
	editor    bool
	detail    *fyne.Container
	scroll    *container.Scroll
	selected  string
	form      *proposalForm // the proposal being written, if any
	reason    *entry
	problem   *widget.Label

	country    *widget.Select
	countries  []string
	category   *widget.Select
	categories []string
	overview   *fyne.Container
	overviewN  int // the latest overview asked for: an older one arriving late is dropped
	loadN      int // the same for the list of proposals
	tabs       *container.AppTabs
}

func newNetworkScreen(u *UI) *networkScreen {
	s := &networkScreen{u: u}
	s.statuses = []string{"", data.StatusOpen, data.Accepted, data.Rejected}
	s.status = widget.NewSelect([]string{lang.X("network.status.all", "All proposals"), statusText(data.StatusOpen),
		statusText(data.Accepted), statusText(data.Rejected)}, func(string) { s.load() })
	s.list = widget.NewList(func() int { return len(s.proposals) },
		func() fyne.CanvasObject { return container.NewVBox(widget.NewLabel(""), widget.NewLabel("")) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			p := s.proposals[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(proposalTitle(p, u.lang))
			box.Objects[1].(*widget.Label).SetText(statusText(p.Status) + " · " + u.orgName(p.Org))
		})
	s.list.OnSelected = func(i widget.ListItemID) { s.show(s.proposals[i].ID) }
	s.detail = container.NewVBox()
	s.scroll = container.NewVScroll(s.detail)
	newTool := widget.NewButton(lang.X("propose.title.new_tool", "Propose a tool"), func() { s.propose(data.KindTool) })
	newGuide := widget.NewButton(lang.X("propose.title.new_guide", "Propose a guide"), func() { s.propose(data.KindGuide) })
	left := container.NewBorder(container.NewVBox(container.NewGridWithColumns(2, newTool, newGuide), s.status), nil, nil, nil, s.list)
	split := container.NewHSplit(left, s.scroll)
	split.Offset = 0.35

	s.countries = append([]string{""}, assets.PartnerCountries()...)
	names := []string{lang.X("network.all_countries", "All countries")}
	for _, c := range s.countries[1:] {
		names = append(names, countryName(c))
	}
	s.country = widget.NewSelect(names, func(string) { s.loadOverview() })
	s.categories = []string{""}
	cats := []string{lang.X("network.all_categories", "All categories")}
	for _, c := range u.kit.Categories {
		n, _ := c.Name.In(u.lang)
		s.categories = append(s.categories, c.ID)
		cats = append(cats, n)
	}
	s.category = widget.NewSelect(cats, func(string) { s.loadOverview() })
	s.overview = container.NewVBox()
	overview := container.NewBorder(container.NewVBox(
		note(lang.X("network.overview.intro", "Which partner uses which tool, and what they think of it.")),
		container.NewGridWithColumns(2, s.country, s.category)), nil, nil, nil, container.NewScroll(s.overview))

	s.tabs = container.NewAppTabs(
		container.NewTabItem(lang.X("network.proposals", "Proposals"), split),
		container.NewTabItem(lang.X("network.overview", "Who uses what"), overview),
	)
	s.content = s.tabs
	s.status.SetSelectedIndex(0)
	s.country.SetSelectedIndex(0)
	s.category.SetSelectedIndex(0)
	s.showIntro()
	return s
}

func statusText(st string) string {
	switch st {
	case data.Accepted:
		return lang.X("proposal.status.accepted", "accepted")
	case data.Rejected:
		return lang.X("proposal.status.rejected", "rejected")
	}
	return lang.X("proposal.status.open", "open")
}

func proposalTitle(p data.ProposalView, ui string) string {
	var t string
	switch {
	case p.Tool != nil:
		t, _ = p.Tool.Name.In(ui)
	case p.Guide != nil:
		t, _ = p.Guide.Title.In(ui)
	}
	if p.New {
		return lang.X("network.new_entry", "New: {{.Title}}", map[string]any{"Title": t})
	}
	return lang.X("network.change_entry", "Change: {{.Title}}", map[string]any{"Title": t})
}

// load reads the proposals and whether this organisation is an editor.
func (s *networkScreen) load() {
	status := ""
	if i := s.status.SelectedIndex(); i > 0 {
		status = s.statuses[i]
	}
	s.loadN++
	n := s.loadN
	s.u.background(func(ctx context.Context) func() {
		ps, err := s.u.store.Proposals(ctx, status)
		editor, _ := s.u.store.IsEditor(ctx)
		return func() {
			if err != nil || n != s.loadN {
				return
			}
			sort.SliceStable(ps, func(i, j int) bool { return ps[i].Created.After(ps[j].Created) })
			s.proposals, s.editor = ps, editor
			s.list.UnselectAll()
			s.list.Refresh()
			if s.selected != "" && s.form == nil {
				s.show(s.selected)
			}
		}
	})
}

func (s *networkScreen) setDetail(objs ...fyne.CanvasObject) {
	s.detail.Objects = objs
	s.detail.Refresh()
	s.scroll.ScrollToTop()
}

func (s *networkScreen) showIntro() {
	s.setDetail(heading(lang.X("network.title", "The network's toolkit")),
		paragraph(lang.X("network.intro", "Partners propose new tools and guides, changes and translations; the network's editors accept or reject them. Accepted entries join the toolkit of every partner at its next sync. Choose a proposal to see what it changes.")))
}

// propose opens the form for a new entry of kind.
func (s *networkScreen) propose(kind string) {
	s.selected = ""
	s.form = newProposalForm(s.u, kind, "", func(p *data.Proposal) {
		s.form = nil
		s.selected = p.ID
		s.load()
	})
	s.setDetail(s.form.content)
}

// show is the review screen of one proposal: what it changes, and for an
// editor the buttons to accept or reject it.
func (s *networkScreen) show(id string) {
	s.form = nil
	s.selected = id
	v, err := s.u.store.GetProposal(s.u.ctx, id)
	if err != nil {
		s.showIntro()
		return
	}
	var entry data.Record = v.Tool
	if v.Guide != nil {
		entry = v.Guide
	}
	var cur data.Record
	if !v.New {
		cur, _ = s.u.store.Get(v.Target)
	}
	objs := []fyne.CanvasObject{heading(proposalTitle(v, s.u.lang)),
		note(lang.X("network.proposed_by", "Proposed by {{.Org}} on {{.Date}} · {{.Status}}",
			map[string]any{"Org": s.u.orgName(v.Org), "Date": formatDate(v.Created, s.u.lang), "Status": statusText(v.Status)})),
		widget.NewSeparator(), subheading(lang.X("network.changes", "What the proposal changes"))}
	for _, c := range data.EntryChanges(cur, entry) {
		objs = append(objs, s.u.diffRows(c)...)
	}
	objs = append(objs, widget.NewSeparator())
	switch {
	case v.Review != nil && v.Status == data.Accepted:
		objs = append(objs, paragraph(lang.X("network.accepted_by", "Accepted by {{.Org}} on {{.Date}}.",
			map[string]any{"Org": s.u.orgName(v.Review.Org), "Date": formatDate(v.Review.Updated, s.u.lang)})))
	case v.Review != nil:
		objs = append(objs, paragraph(lang.X("network.rejected_by", "Rejected by {{.Org}} on {{.Date}}: {{.Reason}}",
			map[string]any{"Org": s.u.orgName(v.Review.Org), "Date": formatDate(v.Review.Updated, s.u.lang), "Reason": v.Review.Reason})))
	case !s.editor:
		objs = append(objs, note(lang.X("network.not_editor", "Only the network's editors accept or reject proposals.")))
	default:
		s.reason = newMultiLineEntry(s.u, 2)
		s.reason.SetPlaceHolder(lang.X("network.reason", "Why you reject it, for the organisation that proposed it"))
		s.problem = errorText()
		accept := widget.NewButton(lang.X("network.accept", "Accept"), func() { s.review(id, true) })
		accept.Importance = widget.HighImportance
		reject := widget.NewButton(lang.X("network.reject", "Reject"), func() { s.review(id, false) })
		objs = append(objs, accept, s.reason, reject, s.problem)
	}
	s.setDetail(objs...)
}

// review records the editor's decision.
func (s *networkScreen) review(id string, accept bool) {
	reason := ""
	if !accept {
		reason = strings.TrimSpace(s.reason.Text)
	}
	_, err := s.u.store.ReviewProposal(s.u.ctx, id, accept, reason)
	switch {
	case err == nil:
		s.load()
		s.show(id)
		s.u.toolkit.refresh(0)
	case err == data.ErrReasonRequired:
		setError(s.problem, lang.X("network.error.reason", "Say why you reject it: the organisation that proposed it reads your reason."))
	case err == data.ErrNotEditor:
		setError(s.problem, lang.X("network.not_editor", "Only the network's editors accept or reject proposals."))
	default:
		setError(s.problem, err.Error())
	}
}

// loadOverview fills the table of tools × organisations.
func (s *networkScreen) loadOverview() {
	country, category := "", ""
	if i := s.country.SelectedIndex(); i > 0 {
		country = s.countries[i]
	}
	if i := s.category.SelectedIndex(); i > 0 {
		category = s.categories[i]
	}
	s.overviewN++
	n := s.overviewN
	s.u.background(func(ctx context.Context) func() {
		marks, err := s.u.store.ListUsage(ctx, "")
		if err != nil {
			return nil
		}
		tools, _ := s.u.store.ListTools(ctx, data.ToolFilter{Category: category, Retired: true})
		return func() {
			if n == s.overviewN {
				s.showOverview(marks, tools, country)
			}
		}
	})
}

func (s *networkScreen) showOverview(marks []*data.Usage, tools []*data.Tool, country string) {
	byID := map[string]*data.Tool{}
	for _, t := range tools {
		byID[t.ID] = t
	}
	var orgs []string
	cells := map[[2]string]string{}
	var rows []string
	for _, m := range marks {
		if byID[m.Tool] == nil {
			continue
		}
		if o := s.u.orgs[m.Org]; country != "" && (o == nil || o.Country != country) {
			continue
		}
		if !contains(orgs, m.Org) {
			orgs = append(orgs, m.Org)
		}
		if !contains(rows, m.Tool) {
			rows = append(rows, m.Tool)
		}
		cells[[2]string{m.Tool, m.Org}] = verdictText(m.Verdict)
	}
	if len(rows) == 0 {
		s.overview.Objects = []fyne.CanvasObject{note(lang.X("network.overview.none", "No partner has marked a tool here yet."))}
		s.overview.Refresh()
		return
	}
	sort.Strings(orgs)
	sort.Slice(rows, func(i, j int) bool {
		a, _ := byID[rows[i]].Name.In(s.u.lang)
		b, _ := byID[rows[j]].Name.In(s.u.lang)
		return strings.ToLower(a) < strings.ToLower(b)
	})
	objs := []fyne.CanvasObject{widget.NewLabel("")}
	for _, o := range orgs {
		h := widget.NewLabel(s.u.orgName(o))
		h.TextStyle.Bold = true
		h.Wrapping = fyne.TextWrapWord
		objs = append(objs, h)
	}
	for _, id := range rows {
		n, _ := byID[id].Name.In(s.u.lang)
		objs = append(objs, link(n, func() { s.u.showTool(id) }))
		for _, o := range orgs {
			objs = append(objs, widget.NewLabel(cells[[2]string{id, o}]))
		}
	}
	s.overview.Objects = []fyne.CanvasObject{container.NewGridWithColumns(len(orgs)+1, objs...)}
	s.overview.Refresh()
}

func contains(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// suggestButton opens the "Suggest a change" form of a tool or guide in the
// toolkit's detail pane; back to the entry when it is sent.
func (s *toolkitScreen) suggestButton(kind, id string) fyne.CanvasObject {
	return widget.NewButton(lang.X("propose.suggest", "Suggest a change"), func() {
		f := newProposalForm(s.u, kind, id, func(*data.Proposal) {
			s.showByKey(kind + ":" + id)
			if s.u.network != nil {
				s.u.network.load()
			}
		})
		s.proposal = f
		s.setDetail([]fyne.CanvasObject{f.content})
	})
}
