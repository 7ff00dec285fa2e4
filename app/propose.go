package app

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"vademecum/assets"
	"vademecum/data"
)

// proposalDraftKey keeps a proposal being written (see drafts.go): + kind + "." + target ("" for a new entry).
const proposalDraftKey = "draft.proposal."

// proposalForm is the "Suggest a change" / "Propose a tool" form (issue 23):
// the texts of an entry in one language at a time, its facts, and below them
// what the proposal changes, checked as the person types. What is typed is
// kept in the store as it is typed, so it survives a screen change and a kill.
type proposalForm struct {
	u       *UI
	kind    string // data.KindTool or data.KindGuide
	target  string // the entry changed, "" for a new one
	cur     data.Record
	content fyne.CanvasObject

	id          *entry // a new entry's id
	lang        *widget.Select
	langs       []string
	shown       string                       // the language the text fields show
	texts       map[string]map[string]string // field → language → text as typed
	fields      []proposalText
	category    *widget.Select
	categoryIDs []string
	offline     *widget.Select
	website     *entry
	competences *entry

	diff    *fyne.Container
	problem *widget.Label
	send    *widget.Button
	sent    func(p *data.Proposal)
	timer   *time.Timer
	loading bool
}

// proposalText is one text field of the form.
type proposalText struct {
	key   string
	entry *entry
}

// newProposalForm makes the form for a change of target (kind), or for a new
// entry when target is "". sent runs after the proposal is saved.
func newProposalForm(u *UI, kind, target string, sent func(p *data.Proposal)) *proposalForm {
	f := &proposalForm{u: u, kind: kind, target: target, texts: map[string]map[string]string{}, sent: sent}
	if target != "" {
		f.cur, _ = u.store.Get(target)
	}
	for _, l := range Languages {
		f.langs = append(f.langs, l.Code)
	}
	var labels []string
	for _, l := range Languages {
		labels = append(labels, l.Name)
	}
	f.lang = widget.NewSelect(labels, func(name string) {
		i := slices.Index(labels, name)
		if i >= 0 {
			f.showLanguage(f.langs[i])
		}
	})
	form := widget.NewForm()
	if target == "" {
		f.id = newEntry(u)
		f.id.SetPlaceHolder(lang.X("propose.id.placeholder", "a short id in lower case, e.g. mapy-com"))
		form.Append(lang.X("propose.id", "Id"), f.id)
	}
	form.Append(lang.X("propose.language", "Texts in"), f.lang)
	keys := []string{"name", "summary", "description", "use_cases", "data_protection"}
	if kind == data.KindGuide {
		keys = []string{"title", "summary", "steps"}
	}
	for _, k := range keys {
		rows := 3
		if k == "name" || k == "title" {
			rows = 1
		}
		e := newMultiLineEntry(u, rows)
		if rows == 1 {
			e = newEntry(u)
		}
		f.fields = append(f.fields, proposalText{key: k, entry: e})
		form.Append(proposalFieldName(k), e)
	}
	if kind == data.KindTool {
		var names []string
		for _, c := range u.kit.Categories {
			n, _ := c.Name.In(u.lang)
			names = append(names, n)
			f.categoryIDs = append(f.categoryIDs, c.ID)
		}
		f.category = widget.NewSelect(names, func(string) { f.changed() })
		f.offline = widget.NewSelect([]string{factText(assets.FactOffline, data.OfflineYes), factText(assets.FactOffline, data.OfflinePartly), factText(assets.FactOffline, data.OfflineNo)}, func(string) { f.changed() })
		f.website = newEntry(u)
		form.Append(lang.X("tool.category", "Category"), f.category)
		form.Append(lang.X("tool.offline", "Works offline"), f.offline)
		form.Append(lang.X("tool.website", "Website"), f.website)
	}
	f.competences = newEntry(u)
	f.competences.SetPlaceHolder(lang.X("propose.competences.placeholder", "e.g. 1.1, 4.2"))
	form.Append(lang.X("tool.competences", "DigComp competences it builds"), f.competences)

	f.load()
	for _, t := range f.fields {
		t.entry.OnChanged = func(string) { f.changed() }
	}
	if f.id != nil {
		f.id.OnChanged = func(string) { f.changed() }
	}
	if f.website != nil {
		f.website.OnChanged = func(string) { f.changed() }
	}
	f.competences.OnChanged = func(string) { f.changed() }

	f.diff = container.NewVBox()
	f.problem = errorText()
	f.send = widget.NewButton(lang.X("propose.send", "Send the proposal to the editors"), f.submit)
	f.send.Importance = widget.HighImportance
	title := lang.X("propose.title.new_tool", "Propose a tool")
	switch {
	case target != "":
		name := ""
		switch c := f.cur.(type) {
		case *data.Tool:
			name, _ = c.Name.In(u.lang)
		case *data.Guide:
			name, _ = c.Title.In(u.lang)
		}
		title = lang.X("propose.title.change", "Suggest a change: {{.Name}}", map[string]any{"Name": name})
	case kind == data.KindGuide:
		title = lang.X("propose.title.new_guide", "Propose a guide")
	}
	f.content = container.NewVBox(heading(title),
		note(lang.X("propose.intro", "The network's editors review what you propose; once accepted, it joins the toolkit of every partner. Write the texts in English and in your language: choose the language above the texts.")),
		form, widget.NewSeparator(), subheading(lang.X("propose.diff", "What your proposal changes")), f.diff, f.problem, f.send)
	f.preview()
	return f
}

func proposalFieldName(k string) string {
	switch k {
	case "name":
		return lang.X("propose.field.name", "Name")
	case "title":
		return lang.X("propose.field.title", "Title")
	case "summary":
		return lang.X("propose.field.summary", "Summary")
	case "description":
		return lang.X("tool.description", "About this tool")
	case "use_cases":
		return lang.X("tool.use_cases", "How it helps in social work")
	case "data_protection":
		return lang.X("tool.data_protection", "Data protection")
	case "steps":
		return lang.X("guide.steps", "Step by step")
	case "category":
		return lang.X("tool.category", "Category")
	case "offline":
		return lang.X("tool.offline", "Works offline")
	case "level":
		return lang.X("tool.level", "Level")
	case "cost":
		return lang.X("tool.cost", "Cost")
	case "licence":
		return lang.X("tool.licence", "Licence")
	case "open_source":
		return lang.X("propose.field.open_source", "Open source")
	case "platforms":
		return lang.X("tool.platforms", "Works on")
	case "website":
		return lang.X("tool.website", "Website")
	case "competences":
		return lang.X("tool.competences", "DigComp competences it builds")
	case "alternatives":
		return lang.X("tool.alternatives", "Alternatives")
	case "tools":
		return lang.X("guide.tools", "Tools used in this guide")
	case "countries":
		return lang.X("propose.field.countries", "Countries")
	}
	return k
}

// proposalValue is a field's value as people read it.
func (u *UI) proposalValue(field, v string) string {
	switch field {
	case "category":
		if c, ok := u.kit.Category(v); ok {
			n, _ := c.Name.In(u.lang)
			return n
		}
	case "offline":
		return factText(assets.FactOffline, v)
	case "level":
		return factText(assets.FactLevel, v)
	case "cost":
		return factText(assets.FactCost, v)
	case "licence":
		return factText(assets.FactLicence, v)
	case "open_source":
		if v == "true" {
			return lang.X("propose.yes", "Yes")
		}
		return lang.X("propose.no", "No")
	case "countries":
		var names []string
		for _, c := range strings.Split(v, ", ") {
			names = append(names, countryName(c))
		}
		return strings.Join(names, ", ")
	}
	return v
}

func (f *proposalForm) draftKey() string { return proposalDraftKey + f.kind + "." + f.target }

// formDraft is what the store keeps of the form.
type formDraft struct {
	ID          string                       `json:"id,omitempty"`
	Lang        string                       `json:"lang"`
	Texts       map[string]map[string]string `json:"texts"`
	Category    string                       `json:"category,omitempty"`
	Offline     string                       `json:"offline,omitempty"`
	Website     string                       `json:"website,omitempty"`
	Competences string                       `json:"competences,omitempty"`
}

// load fills the form from the draft kept in the store, else from the entry.
func (f *proposalForm) load() {
	f.loading = true
	defer func() { f.loading = false }()
	var d formDraft
	if s, _ := f.u.store.Setting(f.draftKey()); s != "" && json.Unmarshal([]byte(s), &d) == nil && d.Texts != nil {
		f.texts = d.Texts
	} else {
		d = formDraft{Lang: f.u.lang}
		f.texts = f.curTexts()
		switch c := f.cur.(type) {
		case *data.Tool:
			d.Category, d.Offline, d.Website, d.Competences = c.Category, c.Offline, c.Website, strings.Join(c.Competences, ", ")
		case *data.Guide:
			d.Competences = strings.Join(c.Competences, ", ")
		}
	}
	if f.id != nil {
		f.id.SetText(d.ID)
	}
	if f.category != nil {
		if i := slices.Index(f.categoryIDs, d.Category); i >= 0 {
			f.category.SetSelectedIndex(i)
		}
		for i, v := range []string{data.OfflineYes, data.OfflinePartly, data.OfflineNo} {
			if v == d.Offline {
				f.offline.SetSelectedIndex(i)
			}
		}
		f.website.SetText(d.Website)
	}
	f.competences.SetText(d.Competences)
	l := d.Lang
	if !slices.Contains(f.langs, l) {
		l = "en"
	}
	f.shown = ""
	f.lang.SetSelectedIndex(slices.Index(f.langs, l))
}

// curTexts are the entry's texts as the toolkit holds them.
func (f *proposalForm) curTexts() map[string]map[string]string {
	out := map[string]map[string]string{}
	if f.cur == nil {
		return out
	}
	var m map[string]json.RawMessage
	b, _ := json.Marshal(f.cur)
	json.Unmarshal(b, &m)
	for _, t := range f.fields {
		var tx map[string]string
		json.Unmarshal(m[t.key], &tx)
		if tx == nil {
			tx = map[string]string{}
		}
		out[t.key] = tx
	}
	return out
}

// showLanguage keeps what the fields hold and shows the texts in l.
func (f *proposalForm) showLanguage(l string) {
	if f.shown != "" {
		f.keepTexts()
	}
	f.shown = l
	was := f.loading
	f.loading = true
	for _, t := range f.fields {
		t.entry.SetText(f.texts[t.key][l])
	}
	f.loading = was
	f.changed()
}

func (f *proposalForm) keepTexts() {
	for _, t := range f.fields {
		if f.texts[t.key] == nil {
			f.texts[t.key] = map[string]string{}
		}
		f.texts[t.key][f.shown] = t.entry.Text
	}
}

// changed keeps the draft and checks the proposal again.
func (f *proposalForm) changed() {
	if f.loading || f.shown == "" {
		return
	}
	f.keepTexts()
	d := f.draft()
	b, _ := json.Marshal(d)
	key := f.draftKey()
	f.u.later(&f.timer, 300*time.Millisecond, func(ctx context.Context) func() {
		f.u.store.SetSetting(key, string(b))
		return f.preview
	})
}

func (f *proposalForm) draft() formDraft {
	d := formDraft{Lang: f.shown, Texts: f.texts, Competences: f.competences.Text}
	if f.id != nil {
		d.ID = strings.TrimSpace(f.id.Text)
	}
	if f.category != nil {
		if i := f.category.SelectedIndex(); i >= 0 {
			d.Category = f.categoryIDs[i]
		}
		if i := f.offline.SelectedIndex(); i >= 0 {
			d.Offline = []string{data.OfflineYes, data.OfflinePartly, data.OfflineNo}[i]
		}
		d.Website = strings.TrimSpace(f.website.Text)
	}
	return d
}

// raw is the proposal's JSON: what differs from the entry (everything for a
// new one).
func (f *proposalForm) raw() []byte {
	d := f.draft()
	m := map[string]any{}
	id := f.target
	if id == "" {
		id = d.ID
	}
	m["id"] = id
	cur := f.curTexts()
	for _, t := range f.fields {
		given := map[string]string{}
		for l, v := range d.Texts[t.key] {
			if v != cur[t.key][l] && (v != "" || cur[t.key][l] != "") {
				given[l] = v
			}
		}
		if len(given) > 0 {
			m[t.key] = given
		}
	}
	var comps []string
	for _, c := range strings.Split(d.Competences, ",") {
		if c = strings.TrimSpace(c); c != "" {
			comps = append(comps, c)
		}
	}
	m["competences"] = comps
	if f.kind == data.KindTool {
		m["category"], m["offline"] = d.Category, d.Offline
		if d.Website != "" {
			m["website"] = d.Website
		}
	}
	b, _ := json.Marshal(m)
	return b
}

func (f *proposalForm) knownCategory(id string) bool {
	_, ok := f.u.kit.Category(id)
	return ok
}

// preview shows what the proposal changes, or why it cannot go yet.
func (f *proposalForm) preview() {
	changes, err := f.u.store.PreviewProposal(f.u.ctx, f.kind, f.raw(), f.u.lang, f.knownCategory)
	var rows []fyne.CanvasObject
	for _, c := range changes {
		rows = append(rows, f.u.diffRows(c)...)
	}
	if len(rows) == 0 {
		rows = append(rows, note(lang.X("propose.no_changes", "Nothing changed yet.")))
	}
	f.diff.Objects = rows
	f.diff.Refresh()
	setError(f.problem, proposalProblemText(err))
	if err != nil {
		f.send.Disable()
	} else {
		f.send.Enable()
	}
}

// diffRows shows one changed field: its name, the value before and after.
func (u *UI) diffRows(c data.Change) []fyne.CanvasObject {
	name := c.Field
	if k, l, ok := strings.Cut(c.Field, "."); ok {
		name = proposalFieldName(k) + " · " + languageName(l)
	} else {
		name = proposalFieldName(c.Field)
		c.Old, c.New = u.proposalValue(c.Field, c.Old), u.proposalValue(c.Field, c.New)
	}
	head := widget.NewLabel(name)
	head.TextStyle.Bold = true
	out := []fyne.CanvasObject{head}
	if c.Old != "" {
		old := wrapLabel(lang.X("propose.diff.old", "− {{.Text}}", map[string]any{"Text": c.Old}))
		old.Importance = widget.DangerImportance
		out = append(out, old)
	}
	nw := wrapLabel(lang.X("propose.diff.new", "+ {{.Text}}", map[string]any{"Text": c.New}))
	nw.Importance = widget.SuccessImportance
	return append(out, nw)
}

// submit saves the proposal; sync sends it to the editors.
func (f *proposalForm) submit() {
	f.keepTexts()
	p, err := f.u.store.Propose(f.u.ctx, f.kind, f.raw(), f.u.lang, f.knownCategory)
	if err != nil {
		setError(f.problem, proposalProblemText(err))
		return
	}
	if f.timer != nil && f.timer.Stop() {
		f.u.jobs.Done()
	}
	f.u.store.SetSetting(f.draftKey(), "")
	if f.sent != nil {
		f.sent(p)
	}
}

// proposalProblemText words what keeps a proposal from going ("" for nothing).
func proposalProblemText(err error) string {
	var mt *data.MissingTextError
	var taken *data.IDTakenError
	var pd *data.PersonalDataError
	var bad *data.InvalidEntryError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &mt):
		return lang.X("propose.error.missing_text", "Write the {{.Field}} in {{.Lang}} too: every entry has English, and your proposal your language.",
			map[string]any{"Field": proposalFieldName(mt.Field), "Lang": languageName(mt.Lang)})
	case errors.As(err, &taken):
		return lang.X("propose.error.id_taken", "{{.Org}} already proposed an entry with the id \"{{.ID}}\": choose another id.", map[string]any{"ID": taken.ID, "Org": taken.Org})
	case errors.As(err, &pd):
		return lang.X("propose.error.personal", "{{.Field}} may contain personal data ({{.Text}}): proposals go to every partner, so remove it.",
			map[string]any{"Field": proposalFieldName(pd.Field), "Text": pd.Text})
	case errors.Is(err, data.ErrUnknownCategory):
		return lang.X("propose.error.category", "Choose a category.")
	case errors.Is(err, data.ErrUnknownCompetence):
		return lang.X("propose.error.competence", "Competences are DigComp codes from 1.1 to 5.4, separated by commas.")
	case errors.Is(err, data.ErrBadEntryID):
		return lang.X("propose.error.bad_id", "Write the id in lower-case letters, digits and dashes, e.g. mapy-com.")
	case errors.Is(err, data.ErrNoTarget):
		return lang.X("propose.error.no_id", "Give the new entry a short id.")
	case errors.Is(err, data.ErrNoChange):
		return lang.X("propose.no_changes", "Nothing changed yet.")
	case errors.As(err, &bad):
		return lang.X("propose.error.invalid", "Something is not right yet: {{.Detail}}", map[string]any{"Detail": bad.Err.Error()})
	}
	return err.Error()
}
