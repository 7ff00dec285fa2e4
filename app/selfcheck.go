package app

import (
	"context"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/export"
	"vademecum/selfcheck"
)

// selfCheckScreen is the DigComp self-check: an overview with the latest
// result (a chart per area and competence) and the learning path, and the
// questions, one competence per page. Every answer is saved as it is given,
// on this computer only, so the self-check can be left and resumed at any time.
type selfCheckScreen struct {
	u       *UI
	content *fyne.Container // the overview or a page of questions
	scroll  *container.Scroll

	pages   [][]selfcheck.Question // the questions, grouped by competence
	answers map[string]int         // of the attempt being answered
	page    int
	result  selfcheck.Result
	history []selfcheck.Snapshot

	// The overview's parts, kept for tests.
	start     *widget.Button
	restart   *widget.Button
	remove    *widget.Button
	share     *widget.Button
	bars      map[string]*levelBar // by competence code
	pathHead  *widget.Label
	pathLinks []*widget.Hyperlink

	// The open page's parts.
	choices []*answerChoice
	next    *widget.Button
	back    *widget.Button
	pause   *widget.Button

	// chooseFile asks where to save the anonymous summary; tests replace it.
	chooseFile func(name string, done func(path string))
}

func newSelfCheckScreen(u *UI) *selfCheckScreen {
	s := &selfCheckScreen{u: u, content: container.NewStack()}
	s.chooseFile = s.chooseFileDialog
	qs, err := selfcheck.Questions(u.lang)
	if err != nil {
		s.content.Objects = []fyne.CanvasObject{placeholder(lang.X("selfcheck.damaged", "The self-check's questions could not be read from this copy of the app."))}
		return s
	}
	for _, q := range qs {
		if n := len(s.pages); n > 0 && s.pages[n-1][0].Competence == q.Competence {
			s.pages[n-1] = append(s.pages[n-1], q)
		} else {
			s.pages = append(s.pages, []selfcheck.Question{q})
		}
	}
	s.showOverview()
	return s
}

// load reads the answers in progress, the latest result and the history.
func (s *selfCheckScreen) load() error {
	ctx := s.u.ctx
	open, err := s.u.store.OpenSelfCheck(ctx)
	if err != nil {
		return err
	}
	s.answers = map[string]int{}
	if open != nil {
		s.answers = open.Answers
	}
	if s.result, err = selfcheck.Current(ctx, s.u.store, s.u.kit); err != nil {
		return err
	}
	s.history, err = selfcheck.History(ctx, s.u.store)
	return err
}

func (s *selfCheckScreen) questions() int {
	n := 0
	for _, p := range s.pages {
		n += len(p)
	}
	return n
}

func (s *selfCheckScreen) set(objs ...fyne.CanvasObject) {
	body := container.NewPadded(newRows(objs...))
	s.scroll = container.NewVScroll(body)
	s.content.Objects = []fyne.CanvasObject{s.scroll}
	s.content.Refresh()
}

// showOverview shows where the person stands and what they can do next.
func (s *selfCheckScreen) showOverview() {
	s.choices, s.next, s.back, s.pause = nil, nil, nil, nil
	if err := s.load(); err != nil {
		s.content.Objects = []fyne.CanvasObject{placeholder(lang.X("selfcheck.load_failed", "Your self-check could not be read from the database."))}
		s.content.Refresh()
		return
	}
	objs := []fyne.CanvasObject{
		heading(lang.X("selfcheck.title", "Where am I with digital skills?")),
		paragraph(lang.X("selfcheck.intro", "A short self-check on the 21 competences of DigComp 2.2, the European framework for digital skills: two questions on situations from social work for each, about 12 minutes in all. You can stop at any time and go on later. Your answers and results stay on this computer: they are never synced, shared or exported, unless you export the anonymous summary yourself.")),
	}
	open := len(s.answers)
	total := s.questions()
	s.start = widget.NewButtonWithIcon(lang.X("selfcheck.start", "Start the self-check"), theme.MediaPlayIcon(), func() { s.resume() })
	s.start.Importance = widget.HighImportance
	s.restart = nil
	switch {
	case open > 0:
		s.start.SetText(lang.X("selfcheck.continue", "Continue the self-check"))
		objs = append(objs, note(plural("selfcheck.progress", "{{.Count}} of {{.Total}} question answered.", "{{.Count}} of {{.Total}} questions answered.",
			open, map[string]any{"Total": formatNumber(total)})))
	case s.result.Complete:
		s.start.SetText(lang.X("selfcheck.again", "Do the self-check again"))
	}
	objs = append(objs, container.NewHBox(s.start))
	if len(s.result.Competences) > 0 {
		objs = append(objs, s.resultView()...)
	}
	s.remove = widget.NewButtonWithIcon(lang.X("selfcheck.delete", "Delete my answers and results"), theme.DeleteIcon(), s.confirmDelete)
	s.share = widget.NewButtonWithIcon(lang.X("selfcheck.share", "Share an anonymous summary…"), theme.DocumentSaveIcon(), s.confirmShare)
	if !s.result.Complete {
		s.share.Disable()
	}
	if open == 0 && len(s.history) == 0 {
		s.remove.Disable()
	}
	objs = append(objs, widget.NewSeparator(),
		note(lang.X("selfcheck.private", "Only you see this. Deleting removes every answer and result of the self-check from this computer at once.")),
		container.NewHBox(s.remove, s.share))
	s.set(objs...)
}

// resultView draws the levels as bars, area by area, then the learning path.
func (s *selfCheckScreen) resultView() []fyne.CanvasObject {
	r := s.result
	var objs []fyne.CanvasObject
	if r.Complete {
		objs = append(objs, subheading(lang.X("selfcheck.result", "Your result of {{.Date}}", map[string]any{"Date": formatDate(r.Date, s.u.lang)})))
	} else {
		objs = append(objs, subheading(lang.X("selfcheck.result.partial", "Your result so far")),
			note(lang.X("selfcheck.result.partial.note", "From the questions answered until now; it becomes complete when you answer the rest.")))
	}
	var before map[string]int
	if len(s.history) > 1 {
		prev := s.history[len(s.history)-2]
		before = prev.Levels
		up, down := 0, 0
		for _, l := range r.Competences {
			if b, ok := before[l.Code]; ok && l.Level > b {
				up++
			} else if ok && l.Level < b {
				down++
			}
		}
		objs = append(objs, note(lang.X("selfcheck.progress.since", "Since your self-check of {{.Date}}: {{.Up}} competences higher, {{.Down}} lower. The thin line on a bar marks the level you had then.",
			map[string]any{"Date": formatDate(prev.Date, s.u.lang), "Up": formatNumber(up), "Down": formatNumber(down)})))
	}
	s.bars = map[string]*levelBar{}
	areaLevel := map[string]selfcheck.Level{}
	for _, a := range r.Areas {
		areaLevel[a.Code] = a
	}
	for _, a := range s.u.kit.DigComp.Areas {
		al, ok := areaLevel[a.Code]
		if !ok {
			continue
		}
		name, _ := a.Name.In(s.u.lang)
		head := subheading(a.Code + " " + name)
		objs = append(objs, container.NewBorder(nil, nil, nil, s.levelLabel(al.Level, true), head))
		for _, l := range r.Competences {
			c, _ := s.u.kit.DigComp.Competence(l.Code)
			if c.Area != a.Code {
				continue
			}
			cname, _ := c.Name.In(s.u.lang)
			bar := newLevelBar(l.Level, before[l.Code])
			s.bars[l.Code] = bar
			objs = append(objs, note(l.Code+" "+cname),
				container.NewBorder(nil, nil, nil, s.levelLabel(l.Level, false), bar))
		}
	}
	s.pathHead = subheading(lang.X("selfcheck.path", "Your learning path"))
	objs = append(objs, widget.NewSeparator(), s.pathHead)
	s.pathLinks = nil
	if len(r.Recommended) == 0 {
		objs = append(objs, note(lang.X("selfcheck.path.none", "You answered at an advanced level everywhere: browse the toolkit for what is new to you, and help colleagues get there too.")))
	} else {
		objs = append(objs, note(lang.X("selfcheck.path.intro", "Tools and guides of the toolkit that train the competences where your level is lowest, easiest first.")))
	}
	for i, rec := range r.Recommended {
		title, _ := rec.Name.In(s.u.lang)
		key := rec.Type + ":" + rec.ID
		l := link(formatNumber(i+1)+". "+title, func() { s.openItem(key) })
		s.pathLinks = append(s.pathLinks, l)
		kind := lang.X("selfcheck.kind.tool", "Tool")
		if rec.Type == data.TypeGuide {
			kind = lang.X("selfcheck.kind.guide", "Guide")
		}
		objs = append(objs, container.NewBorder(nil, nil, nil, widget.NewLabel(kind+" · "+factText(assets.FactLevel, rec.ItemLevel)), l),
			hint(s.why(rec)))
	}
	for _, code := range r.Uncovered {
		c, _ := s.u.kit.DigComp.Competence(code)
		name, _ := c.Name.In(s.u.lang)
		objs = append(objs, hint(lang.X("selfcheck.path.uncovered", "Nothing in the toolkit trains {{.Competence}} {{.Name}} yet: ask your coordinator or the partners for a practice.",
			map[string]any{"Competence": code, "Name": name})))
	}
	return objs
}

// why says why a step of the learning path was chosen; the CLI words it with
// the same texts (assets.Translate).
func (s *selfCheckScreen) why(r selfcheck.Recommendation) string {
	c, _ := s.u.kit.DigComp.Competence(r.Competence)
	name, _ := c.Name.In(s.u.lang)
	vars := map[string]any{"Competence": r.Competence, "Name": name, "Level": levelName(s.u.kit, r.Level, s.u.lang), "ItemLevel": factText(assets.FactLevel, r.ItemLevel)}
	if r.Type == data.TypeGuide {
		return lang.X("selfcheck.why.guide", "Trains {{.Competence}} {{.Name}}, where your level is lowest ({{.Level}}). Level of this guide: {{.ItemLevel}}.", vars)
	}
	return lang.X("selfcheck.why.tool", "Trains {{.Competence}} {{.Name}}, where your level is lowest ({{.Level}}). Level of this tool: {{.ItemLevel}}.", vars)
}

// openItem shows a tool or guide of the learning path in the toolkit.
func (s *selfCheckScreen) openItem(key string) {
	s.u.selectTab(0)
	s.u.toolkit.showByKey(key)
}

// levelName is a DigComp level's name ("Intermediate 3") in code.
func levelName(kit *assets.Kit, level int, code string) string {
	for _, l := range kit.DigComp.Levels {
		if l.Level == level {
			n, _ := l.Name.In(code)
			return n
		}
	}
	return formatNumber(level)
}

// levelLabel names a level in a column as wide as the longest name, so that
// all bars of the chart have the same length.
func (s *selfCheckScreen) levelLabel(level int, bold bool) fyne.CanvasObject {
	var w float32
	for l := 1; l <= barLevels; l++ {
		m := widget.NewLabel(levelName(s.u.kit, l, s.u.lang))
		m.TextStyle.Bold = true
		w = max(w, m.MinSize().Width)
	}
	l := widget.NewLabel(levelName(s.u.kit, level, s.u.lang))
	l.TextStyle.Bold = bold
	l.Alignment = fyne.TextAlignTrailing
	space := canvas.NewRectangle(color.Transparent)
	space.SetMinSize(fyne.NewSize(w, 0))
	return container.NewStack(space, l)
}

// resume opens the first page with a question not answered yet.
func (s *selfCheckScreen) resume() {
	if len(s.answers) == 0 {
		s.showPage(0)
		return
	}
	for i, p := range s.pages {
		for _, q := range p {
			if _, ok := s.answers[q.ID]; !ok {
				s.showPage(i)
				return
			}
		}
	}
	s.showPage(0)
}

// showPage shows the questions of one competence.
func (s *selfCheckScreen) showPage(i int) {
	if i < 0 || i >= len(s.pages) {
		return
	}
	s.page = i
	p := s.pages[i]
	c, _ := s.u.kit.DigComp.Competence(p[0].Competence)
	cname, _ := c.Name.In(s.u.lang)
	var aname string
	for _, a := range s.u.kit.DigComp.Areas {
		if a.Code == c.Area {
			aname, _ = a.Name.In(s.u.lang)
		}
	}
	bar := widget.NewProgressBar()
	bar.Max = float64(len(s.pages))
	bar.SetValue(float64(i + 1))
	bar.TextFormatter = func() string {
		return lang.X("selfcheck.page", "Part {{.N}} of {{.Total}}", map[string]any{"N": formatNumber(i + 1), "Total": formatNumber(len(s.pages))})
	}
	objs := []fyne.CanvasObject{bar, note(aname), heading(c.Code + " " + cname)}
	s.choices = nil
	for _, q := range p {
		objs = append(objs, widget.NewSeparator(), paragraph(q.Text))
		group := &choiceGroup{}
		for _, a := range q.Answers {
			ch := newAnswerChoice(q.ID, a, group, s.choose)
			ch.set(s.answers[q.ID] == a.Value)
			group.all = append(group.all, ch)
			s.choices = append(s.choices, ch)
			objs = append(objs, ch.content)
		}
	}
	s.back = widget.NewButtonWithIcon(lang.X("selfcheck.back", "Back"), theme.NavigateBackIcon(), func() { s.showPage(s.page - 1) })
	if i == 0 {
		s.back.Disable()
	}
	s.next = widget.NewButtonWithIcon(lang.X("selfcheck.next", "Next"), theme.NavigateNextIcon(), func() { s.showPage(s.page + 1) })
	s.next.Importance = widget.HighImportance
	if i == len(s.pages)-1 {
		s.next.SetText(lang.X("selfcheck.finish", "See my result"))
		s.next.OnTapped = s.showOverview
	}
	s.pause = widget.NewButton(lang.X("selfcheck.pause", "Stop here and go on later"), s.showOverview)
	objs = append(objs, widget.NewSeparator(),
		container.NewBorder(nil, nil, s.back, container.NewHBox(s.pause, s.next)),
		hint(lang.X("selfcheck.saved", "Each answer is saved on this computer as you choose it.")))
	s.set(objs...)
	s.scroll.ScrollToTop()
}

// choose saves an answer at once, so that nothing is lost if the app closes;
// the last answer finishes the self-check.
func (s *selfCheckScreen) choose(question string, value int) {
	a, err := selfcheck.Save(context.Background(), s.u.store, map[string]int{question: value})
	if err != nil {
		s.u.showError(lang.X("selfcheck.save_failed", "Your answer could not be saved."), err)
		return
	}
	s.answers = a.Answers
	if !a.Finished.IsZero() {
		s.answers = map[string]int{}
		s.showOverview()
	}
}

func (s *selfCheckScreen) confirmDelete() {
	s.u.confirm(lang.X("selfcheck.delete.title", "Delete your self-check?"),
		lang.X("selfcheck.delete.message", "All your answers and results, including earlier self-checks, are deleted from this computer. This cannot be undone."),
		lang.X("selfcheck.delete.yes", "Delete"), lang.X("dialog.cancel", "Cancel"), func() {
			if err := s.u.store.DeleteSelfCheck(context.Background()); err != nil {
				s.u.showError(lang.X("selfcheck.delete.failed", "The self-check could not be deleted."), err)
				return
			}
			s.showOverview()
		})
}

// confirmShare says what the summary holds before asking where to save it.
func (s *selfCheckScreen) confirmShare() {
	s.u.confirm(lang.X("selfcheck.share.title", "Share an anonymous summary"),
		lang.X("selfcheck.share.message", "The file says, for each competence, at which level group (foundation, intermediate, advanced) you are, and the month of your self-check. It holds no name, no organisation and none of your answers. Your coordinator can add up the files of a team."),
		lang.X("selfcheck.share.yes", "Choose where to save it…"), lang.X("dialog.cancel", "Cancel"), func() {
			s.chooseFile("selfcheck-summary.json", s.writeSummary)
		})
}

func (s *selfCheckScreen) writeSummary(path string) {
	if path == "" {
		return
	}
	sum, err := selfcheck.Latest(context.Background(), s.u.store, s.u.kit)
	if err == nil {
		err = export.WriteFile(path, "selfcheck-summary.json", sum.Encode())
	}
	if err != nil {
		s.u.showError(lang.X("selfcheck.share.failed", "The summary could not be saved."), err)
		return
	}
	s.u.showInfo(lang.X("selfcheck.share.done.title", "Summary saved"), lang.X("selfcheck.share.done", "The anonymous summary is in {{.Path}}.", map[string]any{"Path": path}))
}

func (s *selfCheckScreen) chooseFileDialog(name string, done func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		done(path)
	}, s.u.win)
	d.SetFileName(name)
	if dir, err := storage.ListerForURI(storage.NewFileURI(s.u.defaultExportDir())); err == nil {
		d.SetLocation(dir)
	}
	d.Show()
}

// choiceGroup makes answer choices exclusive, like radio buttons.
type choiceGroup struct{ all []*answerChoice }

// answerChoice is one answer: a radio button beside text that wraps, so that
// long answers stay readable at any window width.
type answerChoice struct {
	question string
	value    int
	selected bool
	button   *widget.Button
	text     *widget.Label
	content  fyne.CanvasObject
}

func newAnswerChoice(question string, a selfcheck.Answer, g *choiceGroup, chosen func(question string, value int)) *answerChoice {
	ch := &answerChoice{question: question, value: a.Value}
	ch.text = widget.NewLabel(a.Text)
	ch.text.Wrapping = fyne.TextWrapWord
	ch.button = widget.NewButtonWithIcon("", theme.RadioButtonIcon(), func() {
		for _, o := range g.all {
			o.set(o == ch)
		}
		chosen(question, a.Value)
	})
	ch.button.Importance = widget.LowImportance
	ch.content = container.NewBorder(nil, nil, container.NewVBox(ch.button), nil, ch.text)
	return ch
}

func (ch *answerChoice) set(on bool) {
	ch.selected = on
	if on {
		ch.button.SetIcon(theme.RadioButtonCheckedIcon())
		ch.text.TextStyle.Bold = true
	} else {
		ch.button.SetIcon(theme.RadioButtonIcon())
		ch.text.TextStyle.Bold = false
	}
	ch.text.Refresh()
}

// levelBar draws a level as a bar out of the six levels a self-check can
// reach, coloured by group, with a thin mark at an earlier level.
type levelBar struct {
	widget.BaseWidget
	level, before int
}

func newLevelBar(level, before int) *levelBar {
	b := &levelBar{level: level, before: before}
	b.ExtendBaseWidget(b)
	return b
}

func (b *levelBar) CreateRenderer() fyne.WidgetRenderer {
	track := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	track.CornerRadius = 3
	fill := canvas.NewRectangle(groupColor(selfcheck.Group(b.level)))
	fill.CornerRadius = 3
	mark := canvas.NewRectangle(theme.Color(theme.ColorNameForeground))
	if b.before == 0 {
		mark.Hide()
	}
	return &levelBarRenderer{b: b, track: track, fill: fill, mark: mark}
}

func groupColor(group string) color.Color {
	switch group {
	case selfcheck.Foundation:
		return theme.Color(theme.ColorNameWarning)
	case selfcheck.Intermediate:
		return theme.Color(theme.ColorNamePrimary)
	}
	return theme.Color(theme.ColorNameSuccess)
}

type levelBarRenderer struct {
	b                 *levelBar
	track, fill, mark *canvas.Rectangle
}

const barLevels = 6 // the highest level a self-check gives is 5; 6 leaves room to grow

func (r *levelBarRenderer) Layout(size fyne.Size) {
	h := float32(14)
	y := (size.Height - h) / 2
	r.track.Move(fyne.NewPos(0, y))
	r.track.Resize(fyne.NewSize(size.Width, h))
	r.fill.Move(fyne.NewPos(0, y))
	r.fill.Resize(fyne.NewSize(size.Width*float32(r.b.level)/barLevels, h))
	x := size.Width * float32(r.b.before) / barLevels
	r.mark.Move(fyne.NewPos(x-1, y-3))
	r.mark.Resize(fyne.NewSize(2, h+6))
}

func (r *levelBarRenderer) MinSize() fyne.Size { return fyne.NewSize(120, 22) }

func (r *levelBarRenderer) Refresh() {
	r.track.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.fill.FillColor = groupColor(selfcheck.Group(r.b.level))
	r.mark.FillColor = theme.Color(theme.ColorNameForeground)
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *levelBarRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.fill, r.mark}
}

func (r *levelBarRenderer) Destroy() {}
