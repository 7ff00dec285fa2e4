package app

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
	"vademecum/internal/reason"
)

// StartupProblem is the window shown when the store cannot be opened: what went
// wrong, where, and what to do, instead of a silent exit. When the database is
// damaged it offers to rebuild it from the local repository and the local copy
// (rebuild, the sync's), and then to start again: restart, when not nil,
// starts the app anew; without it the person is asked to.
func StartupProblem(a fyne.App, dir string, err error, rebuild Rebuilder, restart func() error) fyne.Window {
	return newStartupProblem(a, dir, err, rebuild, restart).u.win
}

// startupProblem is the StartupProblem window and its rebuild.
type startupProblem struct {
	u       *UI // only its window and background helpers: there is no store
	dir     string
	rebuild Rebuilder
	restart func() error

	advice     *widget.Label
	rebuildBtn *widget.Button
	again      *widget.Button
	quit       *widget.Button
	progress   *widget.ProgressBar
	result     *widget.Label
	box        *fyne.Container
}

// damagedDatabase reports whether err says the database itself is damaged
// (rather than, say, a folder that cannot be written).
func damagedDatabase(err error) bool {
	return errors.Is(err, data.ErrDamaged)
}

// startupErrorText words why the data could not be opened, where the layer
// below says it with a code; else its own (technical) text.
func startupErrorText(err error) string {
	var re *reason.Error
	if errors.As(err, &re) {
		switch re.Code {
		case data.ErrNewerSchema:
			return lang.X("startup.newer_schema", "This data folder was last used by a newer version of Vademecum. Install that version, or a newer one, to open it: nothing was changed.")
		case data.ErrNotWritable:
			return lang.X("startup.not_writable", "Vademecum cannot write in its data folder ({{.Cause}}). Check the folder's permissions, or ask your coordinator.", map[string]any{"Cause": re.Values["Cause"]})
		}
	}
	return err.Error()
}

func newStartupProblem(a fyne.App, dir string, err error, rebuild Rebuilder, restart func() error) *startupProblem {
	UseLanguage(SystemLanguage())
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{app: a, ctx: ctx, cancel: cancel, lang: currentLanguage()}
	u.win = a.NewWindow(lang.X("app.title", "Vademecum"))
	u.win.SetOnClosed(cancel)
	p := &startupProblem{u: u, dir: dir, rebuild: rebuild, restart: restart}

	msg := paragraph(startupErrorText(err))
	where := note(lang.X("startup.dir", "Data folder: {{.Dir}}", map[string]any{"Dir": dir}))
	p.quit = widget.NewButtonWithIcon(lang.X("startup.quit", "Close"), theme.CancelIcon(), func() { a.Quit() })
	p.progress = widget.NewProgressBar()
	p.progress.TextFormatter = func() string { return formatPercent(p.progress.Value) }
	p.progress.Hide()
	p.result = paragraph("")
	p.result.Hide()
	p.again = widget.NewButtonWithIcon(lang.X("startup.again", "Start Vademecum again"), theme.ViewRefreshIcon(), p.startAgain)
	p.again.Importance = widget.HighImportance
	p.again.Hide()
	buttons := container.NewHBox(p.quit)
	if damagedDatabase(err) && rebuild != nil {
		p.advice = paragraph(lang.X("startup.rebuild.advice", "The database is damaged. Vademecum can rebuild it from the local repository (what was synced) and the local copy of your drafts and notes for your organisation. The damaged file is kept aside: nothing is deleted."))
		p.rebuildBtn = widget.NewButtonWithIcon(lang.X("startup.rebuild", "Rebuild from the local copy"), theme.HistoryIcon(), p.runRebuild)
		p.rebuildBtn.Importance = widget.HighImportance
		buttons = container.NewHBox(p.rebuildBtn, p.again, p.quit)
	} else {
		p.advice = paragraph(lang.X("startup.advice", "Nothing was changed. If the database is damaged, it can be rebuilt from the local repository with 'vademecum-cli rebuild'. Ask your coordinator if you are unsure."))
	}
	p.box = newRows(heading(lang.X("startup.heading", "Vademecum cannot open its data")),
		msg, where, widget.NewSeparator(), p.advice, p.progress, p.result, buttons)
	u.win.SetContent(container.NewVScroll(container.NewPadded(p.box)))
	u.win.Resize(fyne.NewSize(680, 400))
	return p
}

// runRebuild rebuilds the database in the background, showing its progress,
// then says what came back and offers to start again.
func (p *startupProblem) runRebuild() {
	u := p.u
	p.rebuildBtn.Disable()
	p.quit.Disable()
	p.progress.SetValue(0)
	p.progress.Show()
	p.result.Importance = widget.MediumImportance
	p.result.SetText(lang.X("startup.rebuilding", "Rebuilding the database… Do not close Vademecum."))
	p.result.Show()
	p.box.Refresh()
	u.background(func(context.Context) func() {
		rep, err := p.rebuild(p.dir, func(done, total int) {
			if total > 0 {
				u.onUI(func() { p.progress.SetValue(float64(done) / float64(total)) })
			}
		})
		return func() {
			p.progress.Hide()
			p.quit.Enable()
			if err != nil {
				p.rebuildBtn.Enable()
				p.result.Importance = widget.DangerImportance
				p.result.SetText(lang.X("startup.rebuild.failed", "The database could not be rebuilt: {{.Error}}. Ask your coordinator; 'vademecum-cli doctor' says more.", map[string]any{"Error": err.Error()}))
				p.box.Refresh()
				return
			}
			text := plural("startup.rebuilt", "The database was rebuilt with {{.Count}} record.", "The database was rebuilt with {{.Count}} records.", rep.Records)
			if rep.MovedTo != "" {
				text += " " + lang.X("startup.rebuilt.kept", "The damaged file is kept as {{.Path}}.", map[string]any{"Path": rep.MovedTo})
			}
			if p.restart != nil {
				text += " " + lang.X("startup.rebuilt.restart", "Start Vademecum again to use it.")
				p.again.Show()
			} else {
				text += " " + lang.X("startup.rebuilt.reopen", "Close Vademecum and open it again to use it.")
			}
			p.result.SetText(text)
			p.rebuildBtn.Hide()
			p.box.Refresh()
		}
	})
}

// startAgain starts the app anew on the rebuilt database.
func (p *startupProblem) startAgain() {
	if err := p.restart(); err != nil {
		p.result.Importance = widget.DangerImportance
		p.result.SetText(lang.X("startup.again.failed", "Vademecum could not start again ({{.Error}}): close it and open it again.", map[string]any{"Error": err.Error()}))
		p.box.Refresh()
	}
}
