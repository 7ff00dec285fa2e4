package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// autosaveEvery is how often a draft being written saves itself: a crash or a
// closed lid loses at most this much typing.
var autosaveEvery = 3 * time.Second

// editorScreen is the form for writing a practice.
type editorScreen struct {
	u        *UI
	content  fyne.CanvasObject
	original *data.Practice // as last saved; nil while a new practice is unsaved

	title, summary, context, target, objectives, activities *entry
	resources, results, lessons, transfer, tags             *entry

	tools     []string
	toolNames map[string]string
	toolsBox  *fyne.Container
	toolPick  *picker
	country   *picker
	language  *picker
	vis       *choices
	visValues []string

	errs    map[string]*widget.Label // error line under each field, by data field name
	form    *fyne.Container
	scroll  *container.Scroll
	heading *widget.Label
	status  *widget.Label
	dirty   bool
	edits   uint64 // changes made so far; an autosave keeps dirty when more came meanwhile
	kept    uint64 // edits when the form was last kept aside (see autosave)
	filling bool   // set while the form is being filled from a record

	// The privacy guard: personal data found in the texts while the practice is
	// to be shared, shown under each field until it is replaced or cleared.
	texts        map[string]*entry      // the free-text fields, by data field name
	privacy      map[string]*privacyBox // findings under each field
	cleared      []string               // findings marked as not personal ("kind:text")
	findings     []data.Finding         // the findings shown now
	privacyNote  *attention             // the banner above the form while findings wait
	privacyActs  *fyne.Container        // its buttons, for findings that must be handled
	soft         []data.Finding         // what looks like a person: a hint only (issue 22)
	privacyText  *widget.Label
	privacyTimer *time.Timer
	privacyGen   uint64

	stopTick chan struct{}
}

func newEditorScreen(u *UI, p *data.Practice) *editorScreen {
	e := &editorScreen{u: u, original: p, errs: map[string]*widget.Label{}, toolNames: map[string]string{},
		texts: map[string]*entry{}, privacy: map[string]*privacyBox{}}
	changed := func(string) { e.changed() }
	line := func() *entry { x := newEntry(u); x.OnChanged = changed; return x }
	multi := func(rows int) *entry { x := newMultiLineEntry(u, rows); x.OnChanged = changed; return x }

	e.title = line()
	e.title.SetPlaceHolder(lang.X("editor.title.placeholder", "A short name, e.g. \"Night-round check-ins on a shared phone\""))
	e.summary = multi(3)
	e.context = multi(4)
	e.target = multi(2)
	e.objectives = multi(3)
	e.activities = multi(5)
	e.resources = multi(3)
	e.results = multi(3)
	e.lessons = multi(3)
	e.transfer = multi(3)
	e.tags = line()
	e.tags.SetPlaceHolder(lang.X("editor.tags.placeholder", "e.g. housing, young people, interpreting"))
	for name, x := range map[string]*entry{"title": e.title, "summary": e.summary, "context": e.context,
		"target_group": e.target, "objectives": e.objectives, "activities": e.activities, "resources": e.resources,
		"results": e.results, "lessons": e.lessons, "transferability": e.transfer, "tags": e.tags} {
		e.texts[name] = x
		e.privacy[name] = newPrivacyBox()
	}

	var toolLabels, toolValues []string
	for _, t := range u.toolChoices() {
		e.toolNames[t.id] = t.name
		if t.retired {
			continue // named in old practices, not offered for new ones
		}
		toolLabels = append(toolLabels, t.name)
		toolValues = append(toolValues, t.id)
	}
	e.toolsBox = container.NewVBox()
	e.toolPick = newPicker(toolLabels, toolValues, func(id string) {
		if id == "" {
			return
		}
		e.addTool(id)
		e.toolPick.setOptions(toolLabels, toolValues)
		e.toolPick.ClearSelected()
	})
	e.toolPick.PlaceHolder = lang.X("editor.tools.add", "Add a tool from the toolkit…")

	countryLabels, countryValues := []string{lang.X("editor.country.none", "No country")}, []string{""}
	for _, c := range sortedCountries(u.lang) {
		countryLabels = append(countryLabels, countryName(c))
		countryValues = append(countryValues, c)
	}
	e.country = newPicker(countryLabels, countryValues, changed)
	var langLabels, langValues []string
	for _, l := range Languages {
		langLabels = append(langLabels, l.Name)
		langValues = append(langValues, l.Code)
	}
	e.language = newPicker(langLabels, langValues, changed)

	e.visValues = []string{data.Draft, data.OrgVis, data.Shared}
	e.vis = newChoices(u, []string{
		lang.X("editor.visibility.draft", "Draft: only on this computer"),
		lang.X("editor.visibility.org", "My organisation: not sent to partners"),
		lang.X("editor.visibility.shared", "Shared: partners can read it after the next sync"),
	}, changed)

	e.fill(p)

	e.heading = heading("")
	e.status = note("")
	e.setHeading()
	save := widget.NewButtonWithIcon(lang.X("editor.save", "Save (Ctrl+S)"), theme.DocumentSaveIcon(), e.save)
	save.Importance = widget.HighImportance
	closeBtn := widget.NewButtonWithIcon(lang.X("editor.close", "Close (Esc)"), theme.CancelIcon(), func() { e.requestClose(nil) })
	header := container.NewBorder(nil, nil, nil, container.NewVBox(container.NewHBox(closeBtn, save)), container.NewVBox(e.heading, e.status))
	e.privacyText = widget.NewLabel("")
	e.privacyText.Wrapping = fyne.TextWrapWord
	show := widget.NewButtonWithIcon(lang.X("privacy.show", "Show"), theme.NavigateNextIcon(), e.scrollToFinding)
	replaceAll := widget.NewButtonWithIcon(lang.X("privacy.replace_all", "Replace all"), theme.VisibilityOffIcon(), e.replaceAll)
	e.privacyActs = container.NewHBox(show, replaceAll)
	e.privacyNote = newAttention(container.NewBorder(nil, nil, widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())),
		e.privacyActs, e.privacyText))
	e.privacyNote.Hide()

	field := func(name, label, help string, input fyne.CanvasObject) fyne.CanvasObject {
		l := widget.NewLabel(label)
		l.TextStyle.Bold = true
		objs := []fyne.CanvasObject{l}
		if help != "" {
			objs = append(objs, hint(help))
		}
		e.errs[name] = errorText()
		if x, ok := input.(*entry); ok && x.MultiLine {
			input = overWheel(x, func() fyne.Scrollable {
				if e.scroll == nil {
					return nil
				}
				return e.scroll
			})
		}
		objs = append(objs, input)
		if b, ok := e.privacy[name]; ok {
			objs = append(objs, b.content)
		}
		objs = append(objs, e.errs[name])
		return newRows(objs...)
	}
	group := func(title string, fields ...fyne.CanvasObject) fyne.CanvasObject {
		return newRows(append([]fyne.CanvasObject{widget.NewSeparator(), subheading(title)}, fields...)...)
	}
	form := newRows(
		group(lang.X("editor.group.essentials", "The essentials"),
			field("title", lang.X("editor.title", "Title (required)"), "", e.title),
			field("summary", lang.X("practice.summary", "Summary"), lang.X("editor.summary.hint", "Two or three sentences: what you do and why it works."), e.summary),
			container.NewGridWithColumns(2,
				field("lang", lang.X("editor.language", "Written in"), "", e.language.Select),
				field("country", lang.X("editor.country", "Country"), "", e.country.Select)),
			field("visibility", lang.X("editor.visibility", "Who can read it"), "", e.vis.content)),
		group(lang.X("editor.group.practice", "The practice"),
			field("context", lang.X("practice.context", "Context and problem"), lang.X("editor.context.hint", "The situation and the need you answered."), e.context),
			field("target_group", lang.X("practice.target_group", "Target group"), lang.X("editor.target.hint", "Who it is for. Do not write names or anything that identifies a person."), e.target),
			field("objectives", lang.X("practice.objectives", "Objectives"), "", e.objectives),
			field("activities", lang.X("practice.activities", "How it works"), lang.X("editor.activities.hint", "The steps, so that a colleague could do the same."), e.activities)),
		group(lang.X("editor.group.tools", "Tools and resources"),
			field("tools", lang.X("practice.tools", "Tools used"), lang.X("editor.tools.hint", "Pick the digital tools from the toolkit."), container.NewVBox(e.toolsBox, e.toolPick.Select)),
			field("resources", lang.X("practice.resources", "Resources needed"), lang.X("editor.resources.hint", "People, time, money, equipment."), e.resources)),
		group(lang.X("editor.group.outcome", "What came of it"),
			field("results", lang.X("practice.results", "Results"), "", e.results),
			field("lessons", lang.X("practice.lessons", "Lessons learned"), "", e.lessons),
			field("transferability", lang.X("practice.transferability", "How others can adopt it"), "", e.transfer),
			field("tags", lang.X("practice.tags", "Tags"), lang.X("editor.tags.hint", "Words to find it by, separated by commas."), e.tags)),
	)
	e.form = form
	e.restoreDraft()
	e.scroll = container.NewVScroll(container.NewPadded(form))
	e.content = container.NewBorder(container.NewVBox(header, e.privacyNote, widget.NewSeparator()), nil, nil, nil, e.scroll)
	if e.sharing() {
		// A shared practice opens with what is still to handle, checked here
		// rather than in the background so the form is whole when shown.
		e.showFindings(data.PrivacyFindings(e.collect()))
	}

	e.stopTick = make(chan struct{})
	go e.tick(e.stopTick, autosaveEvery)
	return e
}

// tick autosaves the draft every few seconds until the editor closes.
func (e *editorScreen) tick(stop chan struct{}, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-e.u.ctx.Done():
			return
		case <-t.C:
			e.u.onUI(e.autosave)
		}
	}
}

func (e *editorScreen) stop() {
	if e.stopTick != nil {
		close(e.stopTick)
		e.stopTick = nil
	}
}

func (e *editorScreen) id() string {
	if e.original == nil {
		return ""
	}
	return e.original.ID
}

// fill puts a practice (or the defaults for a new one) into the form.
func (e *editorScreen) fill(p *data.Practice) {
	e.filling = true
	defer func() { e.filling = false }()
	if p == nil {
		p = &data.Practice{Visibility: data.Draft}
		p.Lang = e.u.lang
		if o, ok := e.u.orgs[e.u.me.Org]; ok {
			p.Country = o.Country
		}
	}
	e.title.SetText(p.Title)
	e.summary.SetText(p.Summary)
	e.context.SetText(p.Context)
	e.target.SetText(p.TargetGroup)
	e.objectives.SetText(p.Objectives)
	e.activities.SetText(p.Activities)
	e.resources.SetText(p.Resources)
	e.results.SetText(p.Results)
	e.lessons.SetText(p.Lessons)
	e.transfer.SetText(p.Transferability)
	e.tags.SetText(data.JoinList(p.Tags))
	e.cleared = append([]string{}, p.Cleared...)
	e.tools = nil
	for _, id := range p.Tools {
		e.addTool(id)
	}
	e.country.setValue(p.Country)
	if e.country.SelectedIndex() < 0 {
		e.country.SetSelectedIndex(0)
	}
	e.language.setValue(p.Lang)
	for i, v := range e.visValues {
		if v == p.Visibility {
			e.vis.SetSelected(e.vis.Options[i])
		}
	}
	e.dirty = false
}

func (e *editorScreen) addTool(id string) {
	for _, t := range e.tools {
		if t == id {
			return
		}
	}
	e.tools = append(e.tools, id)
	e.showTools()
	e.changed()
}

func (e *editorScreen) showTools() {
	var rows []fyne.CanvasObject
	for _, id := range e.tools {
		name := e.toolNames[id]
		if name == "" {
			name = id
		}
		remove := widget.NewButtonWithIcon(lang.X("editor.tools.remove", "Remove"), theme.ContentRemoveIcon(), func() {
			for i, t := range e.tools {
				if t == id {
					e.tools = append(e.tools[:i], e.tools[i+1:]...)
					break
				}
			}
			e.showTools()
			e.changed()
		})
		remove.Importance = widget.LowImportance
		rows = append(rows, container.NewHBox(widget.NewIcon(theme.ComputerIcon()), widget.NewLabel(name), remove))
	}
	e.toolsBox.Objects = rows
	e.toolsBox.Refresh()
}

func (e *editorScreen) changed() {
	if e.filling || e.status == nil {
		return
	}
	e.edits++
	if !e.dirty {
		e.dirty = true
		e.status.SetText(lang.X("editor.status.unsaved", "Changes not saved yet."))
	}
	e.checkPrivacy(privacyCheckDelay)
}

func (e *editorScreen) setHeading() {
	if e.original == nil {
		e.heading.SetText(lang.X("editor.heading.new", "New practice"))
	} else {
		e.heading.SetText(lang.X("editor.heading.edit", "Edit practice"))
	}
}

// collect reads the form into a practice, keeping what the form does not show.
func (e *editorScreen) collect() *data.Practice {
	p := &data.Practice{}
	if e.original != nil {
		*p = *e.original
	}
	p.Title = strings.TrimSpace(e.title.Text)
	p.Summary = e.summary.Text
	p.Context = e.context.Text
	p.TargetGroup = e.target.Text
	p.Objectives = e.objectives.Text
	p.Activities = e.activities.Text
	p.Resources = e.resources.Text
	p.Results = e.results.Text
	p.Lessons = e.lessons.Text
	p.Transferability = e.transfer.Text
	p.Tags = splitTags(e.tags.Text)
	p.Tools = append([]string{}, e.tools...)
	p.Cleared = append([]string{}, e.cleared...)
	p.Country = e.country.value()
	p.Lang = e.language.value()
	p.Visibility = ""
	for i, o := range e.vis.Options {
		if o == e.vis.Selected {
			p.Visibility = e.visValues[i]
		}
	}
	return p
}

// save stores the practice as the form says (Ctrl+S). Nothing is stored when a
// field is wrong: each problem is shown under its field.
func (e *editorScreen) save() {
	p := e.collect()
	if p.Visibility == data.Shared {
		// Sharing waits until every piece of personal data is handled.
		if fs := data.PrivacyFindings(p); len(fs) > 0 {
			e.showErrors(nil)
			e.showFindings(fs)
			e.status.SetText(lang.X("editor.status.privacy", "Not shared yet: this practice may contain personal data. Handle each finding marked below, then save again."))
			e.scrollToFinding()
			return
		}
	}
	err := e.u.store.SavePractice(e.u.ctx, p)
	e.showErrors(err)
	if err != nil {
		if e.errs["title"].Visible() {
			e.u.win.Canvas().Focus(e.title)
		}
		return
	}
	e.u.dropEditDraft(e.draftKey())
	e.original = p
	e.dirty = false
	e.setHeading()
	e.status.SetText(lang.X("editor.status.saved", "Saved at {{.Time}}.", map[string]any{"Time": formatTime(time.Now(), false)}))
	e.u.journal.reload(p.ID)
}

// autosave keeps what is written safe. A new practice is kept as a draft from
// the moment it has a title; a shared or organisation practice is only changed
// by Save, so that nothing half-written reaches partners: its form (like that of
// a new practice with no title yet) is kept aside on this computer, and comes
// back when the editor opens it again.
func (e *editorScreen) autosave() {
	if e.stopTick == nil || !e.dirty {
		return
	}
	if (e.original != nil && e.original.Visibility != data.Draft) || strings.TrimSpace(e.title.Text) == "" {
		if e.kept == e.edits {
			return
		}
		edits := e.edits
		if err := e.u.keepEditDraft(e.draftKey(), e.collect()); err != nil {
			e.status.SetText(lang.X("editor.status.failed", "Not saved: {{.Error}}", map[string]any{"Error": err.Error()}))
			return
		}
		e.kept = edits
		e.status.SetText(lang.X("editor.status.kept", "Changes kept on this computer at {{.Time}}. Press Save to apply them.",
			map[string]any{"Time": formatTime(time.Now(), true)}))
		return
	}
	edits := e.edits
	p := e.collect()
	p.Visibility = data.Draft
	if err := e.u.store.SavePractice(e.u.ctx, p); err != nil {
		e.showErrors(err)
		return
	}
	e.showErrors(nil)
	e.u.dropEditDraft(e.draftKey())
	e.original = p
	e.dirty = e.edits != edits // typed while saving: the next autosave takes it
	e.setHeading()
	e.status.SetText(lang.X("editor.status.draft_saved", "Draft saved at {{.Time}}.", map[string]any{"Time": formatTime(time.Now(), true)}))
}

// draftKey names the form kept aside: the practice's id, or "new".
func (e *editorScreen) draftKey() string {
	if e.original == nil {
		return newPracticeKey
	}
	return e.original.ID
}

// restoreDraft puts back the form kept aside for this practice, if any.
func (e *editorScreen) restoreDraft() {
	kept, when := e.u.editDraft(e.draftKey())
	if kept == nil {
		return
	}
	e.fill(kept)
	e.dirty = true
	e.edits++
	e.kept = e.edits
	e.status.SetText(lang.X("editor.status.restored", "Your unsaved changes of {{.When}} are back. Press Save to apply them.",
		map[string]any{"When": formatDateTime(when, e.u.lang)}))
}

// forget gives up the form kept aside (the person chose to close without saving).
func (e *editorScreen) forget() {
	e.u.dropEditDraft(e.draftKey())
}

// showErrors puts each problem of a failed save under its field.
func (e *editorScreen) showErrors(err error) {
	defer e.form.Refresh() // lay the fields out again around the shown or hidden messages
	for _, l := range e.errs {
		setError(l, "")
	}
	if err == nil {
		return
	}
	ve, ok := validation(err)
	if !ok {
		e.status.SetText(lang.X("editor.status.failed", "Not saved: {{.Error}}", map[string]any{"Error": err.Error()}))
		return
	}
	var other []string
	for _, fe := range ve {
		msg := plainMessage(fe)
		if l, ok := e.errs[fe.Field]; ok {
			setError(l, msg)
		} else {
			other = append(other, msg)
		}
	}
	status := lang.X("editor.status.invalid", "Not saved: please look at the fields marked in red.")
	if len(other) > 0 {
		status += " " + strings.Join(other, " ")
	}
	e.status.SetText(status)
}

// plainMessage words a validation problem for the person who typed the field.
func plainMessage(fe data.FieldError) string {
	switch {
	case fe.Code == data.ProblemRequired && fe.Field == "title":
		return lang.X("editor.error.title_required", "Please give the practice a title. It is the only field you must fill in.")
	case fe.Code == data.ProblemRequired:
		return lang.X("editor.error.required", "Please fill this in.")
	case fe.Code == data.ProblemTooLong:
		return lang.X("editor.error.too_long", "This text is too long: please shorten it.")
	case fe.Code == data.ProblemPersonal:
		return lang.X("editor.error.personal", "This may contain personal data: replace it or mark it as not personal before sharing.")
	case fe.Code == data.ProblemPersonalInFile:
		return lang.X("editor.error.personal_in_file", "{{.File}} may contain personal data ({{.Kind}}): mark it as not personal, or attach a version without it, before sharing.",
			map[string]any{"File": fe.Values["File"], "Kind": fe.Values["Kind"]})
	case fe.Code == data.ProblemNotText:
		return lang.X("editor.error.not_text", "This contains characters that are not text: please type it again.")
	}
	switch fe.Field {
	case "lang":
		return lang.X("editor.error.lang", "Choose the language the practice is written in.")
	case "country":
		return lang.X("editor.error.country", "Choose a country from the list.")
	case "visibility":
		return lang.X("editor.error.visibility", "Choose who can read this practice.")
	case "tags":
		return lang.X("editor.error.tags", "A tag may have letters, digits, spaces and dashes, up to 60 characters. Separate tags with commas.")
	case "tools":
		return lang.X("editor.error.tools", "A tool in this list is no longer in the toolkit: please remove it.")
	case "attachments":
		return lang.X("editor.error.attachments", "An attached file is not right (its name, size or kind): remove it and attach it again.")
	}
	return fe.Msg
}

// requestClose closes the editor, keeping a draft, and runs then afterwards. It
// asks first when closing would lose what was written; the question's highlighted
// answer (and Esc) keeps writing.
func (e *editorScreen) requestClose(then func()) {
	finish := func() {
		e.u.closeEditor()
		if then != nil {
			then()
		}
	}
	if !e.dirty {
		finish()
		return
	}
	ask := func(message string) {
		e.u.askKeepWriting(message, func() {
			e.forget()
			finish()
		})
	}
	if e.original != nil && e.original.Visibility != data.Draft {
		ask(lang.X("editor.close.unsaved", "Your changes are not saved. Press Save to keep them."))
		return
	}
	if strings.TrimSpace(e.title.Text) == "" {
		p := e.collect()
		empty := p.Summary+p.Context+p.TargetGroup+p.Objectives+p.Activities+p.Resources+p.Results+p.Lessons+p.Transferability == "" &&
			len(p.Tools) == 0 && len(p.Tags) == 0
		if empty {
			e.forget()
			finish()
			return
		}
		ask(lang.X("editor.close.no_title", "This practice has no title yet, so it cannot be kept. Give it a title to keep it as a draft."))
		return
	}
	e.autosave()
	if e.dirty {
		ask(lang.X("editor.close.invalid", "This draft cannot be kept as it is: look at the fields marked in red."))
		return
	}
	finish()
}

// validation returns the per-field problems in err, whether the store returned
// them as a value or a pointer.
func validation(err error) (data.ValidationError, bool) {
	var ve data.ValidationError
	if errors.As(err, &ve) {
		return ve, true
	}
	var pve *data.ValidationError
	if errors.As(err, &pve) && pve != nil {
		return *pve, true
	}
	return nil, false
}

// sharing reports whether the form says the practice is to be shared.
func (e *editorScreen) sharing() bool {
	return e.vis.Selected == e.vis.Options[2]
}

// checkPrivacy scans the texts for personal data after delay, while the
// practice is to be shared; otherwise it clears what was shown.
func (e *editorScreen) checkPrivacy(delay time.Duration) {
	if e.filling || e.form == nil {
		return
	}
	e.privacyGen++
	gen := e.privacyGen
	if !e.sharing() {
		if e.privacyTimer != nil && e.privacyTimer.Stop() {
			e.u.jobs.Done()
		}
		e.soft = nil
		e.showFindings(nil)
		return
	}
	p := e.collect()
	e.u.later(&e.privacyTimer, delay, func(context.Context) func() {
		fs, soft := data.PrivacyFindings(p), data.SoftFindings(p)
		return func() {
			if gen != e.privacyGen || e.u.editor != e {
				return // the text changed meanwhile, or the editor closed
			}
			e.soft = soft
			e.showFindings(fs)
		}
	})
}

// splitTags reads the tags field: entries separated by commas, trimmed.
func splitTags(text string) []string {
	var out []string
	for _, t := range strings.Split(text, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// showFindings puts each finding under its field and says how many are left.
func (e *editorScreen) showFindings(fs []data.Finding) {
	e.findings = fs
	byField := map[string][]data.Finding{}
	for _, f := range fs {
		byField[f.Field] = append(byField[f.Field], f)
	}
	for name, b := range e.privacy {
		b.set(byField[name], e.replaceFinding, e.markNotPersonal)
	}
	switch {
	case len(fs) == 0 && len(e.soft) > 0:
		// A hint, never a block: false positives are worse here.
		e.privacyText.SetText(lang.X("privacy.soft_hint", "\"{{.Text}}\" may name a person: shared practices are read across the network, so consider \"a man in his fifties\" instead of a name and an age. This does not stop sharing.",
			map[string]any{"Text": e.soft[0].Text}))
		e.privacyActs.Hide()
		e.privacyNote.Show()
	case len(fs) == 0:
		e.privacyNote.Hide()
	default:
		e.privacyActs.Show()
		e.privacyText.SetText(plural("privacy.banner", "Personal data found in {{.Count}} place: replace it or mark it as not personal before sharing.",
			"Personal data found in {{.Count}} places: replace each one or mark it as not personal before sharing.", len(fs)))
		e.privacyNote.Show()
	}
	e.form.Refresh()
	e.content.Refresh()
}

// replaceFinding puts the placeholder in the field where the finding is.
func (e *editorScreen) replaceFinding(f data.Finding) {
	x, ok := e.texts[f.Field]
	if !ok {
		return
	}
	replace := replaceFinding
	if f.Field == "tags" {
		replace = removeTag
	}
	if t, ok := replace(x.Text, f); ok {
		x.SetText(t) // marks the practice changed and scans again
	}
	e.checkPrivacy(0)
}

// markNotPersonal keeps a finding as written (a helpline, an office address).
func (e *editorScreen) markNotPersonal(f data.Finding) {
	e.cleared = addCleared(e.cleared, f)
	e.changed()
	e.checkPrivacy(0)
}

// replaceAll puts a placeholder in place of every finding not marked as not personal.
func (e *editorScreen) replaceAll() {
	for name, x := range e.texts {
		red := redact(x.Text, e.cleared)
		if name == "tags" && red != x.Text {
			red = data.JoinList(data.RedactList(splitTags(x.Text), e.cleared))
		}
		if red != x.Text {
			e.filling = true // one scan after all the fields, not one per field
			x.SetText(red)
			e.filling = false
		}
	}
	e.changed()
	e.checkPrivacy(0)
}

// scrollToFinding brings the first field with personal data into view.
func (e *editorScreen) scrollToFinding() {
	if len(e.findings) == 0 {
		return
	}
	box := e.privacy[e.findings[0].Field]
	if box == nil || e.scroll.Content == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(box.content).Y - d.AbsolutePositionForObject(e.scroll.Content).Y
	// Show the field above the findings too.
	y -= 3 * theme.TextSize()
	if field := e.texts[e.findings[0].Field]; field != nil {
		y -= field.MinSize().Height
	}
	e.scroll.ScrollToOffset(fyne.NewPos(0, max(0, y)))
}
