package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
	"vademecum/export"
	"vademecum/internal/words"
)

// settingExportDir remembers the folder of the last export, offered next time.
const settingExportDir = "ui_export_dir"

// exportRequest is what the export dialog asks for.
type exportRequest struct {
	format    export.Format
	lang      string
	practices bool // the shared practices too (all formats but CSV)
	internal  bool // a CSV also holds drafts and organisation-only practices
	path      string
}

func formatName(f export.Format) string {
	switch f {
	case export.PDF:
		return lang.X("export.format.pdf", "PDF booklet, to print")
	case export.HTML:
		return lang.X("export.format.html", "Web site, for a USB stick or a phone")
	case export.Markdown:
		return lang.X("export.format.md", "Markdown, for a wiki or a document")
	case export.JSON:
		return lang.X("export.format.json", "JSON records, for other software")
	case export.CSV:
		return lang.X("export.format.csv", "CSV spreadsheet of the practices, for reports")
	}
	return string(f)
}

// exportFileName is the name an export gets unless the person types another.
func exportFileName(r exportRequest) string {
	switch r.format {
	case export.HTML:
		return "vademecum-site-" + r.lang
	case export.JSON:
		return "vademecum.json"
	case export.CSV:
		return "vademecum-practices.csv"
	}
	return "vademecum-" + r.lang + "." + string(r.format)
}

// defaultExportDir is the folder offered for an export: the last one used, else
// Documents, else the home folder.
func (u *UI) defaultExportDir() string {
	if d, _ := u.store.Setting(settingExportDir); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if st, err := os.Stat(filepath.Join(home, "Documents")); err == nil && st.IsDir() {
		return filepath.Join(home, "Documents")
	}
	return home
}

// chooseFolderDialog asks for a folder with Fyne's folder chooser.
func (u *UI) chooseFolderDialog(start string, done func(path string)) {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			u.showError(lang.X("export.folder.failed", "The folder could not be opened."), err)
			return
		}
		if l != nil {
			done(l.Path())
		}
	}, u.win)
	if start != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(start)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// chooseCSVDialog asks for a CSV file with Fyne's file chooser.
func (u *UI) chooseCSVDialog(done func(path string)) {
	u.chooseFileDialog([]string{".csv", ".CSV"}, lang.X("import.open_failed", "The file could not be opened."), done)
}

// chooseFileDialog asks for a file whose name ends in one of exts, starting
// in the documents folder; failed words a file that cannot be opened.
func (u *UI) chooseFileDialog(exts []string, failed string, done func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(failed, err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		done(path)
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	if start := u.defaultExportDir(); start != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(start)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// exportDialog is the form of File > Export: what to export, in which
// language, and where.
type exportDialog struct {
	u         *UI
	dialog    *dialog.CustomDialog
	format    *picker
	language  *picker
	practices *widget.Check
	internal  *widget.Check
	folder    *widget.Label
	name      *entry
	about     *widget.Label
	problem   *widget.Label
	dir       string
	autoName  string // the name the dialog chose; replaced when format or language change
}

// showExport opens the export dialog (File > Export…).
func (u *UI) showExport() *exportDialog {
	x := &exportDialog{u: u, dir: u.defaultExportDir()}
	var fLabels, fValues []string
	for _, f := range export.Formats {
		fLabels = append(fLabels, formatName(f))
		fValues = append(fValues, string(f))
	}
	x.format = newPicker(fLabels, fValues, func(string) { x.update() })
	var lLabels, lValues []string
	for _, l := range Languages {
		lLabels = append(lLabels, l.Name)
		lValues = append(lValues, l.Code)
	}
	x.language = newPicker(lLabels, lValues, func(string) { x.update() })
	x.practices = widget.NewCheck(lang.X("export.practices", "Include the shared practices"), nil)
	x.practices.SetChecked(true)
	x.internal = widget.NewCheck(lang.X("export.internal", "Also drafts and practices for my organisation only (for an internal report)"), nil)
	x.about = note("")
	x.about.TextStyle.Italic = true
	x.folder = widget.NewLabel(x.dir)
	x.folder.Wrapping = fyne.TextWrapBreak
	x.name = newEntry(u)
	x.problem = errorText()
	choose := widget.NewButtonWithIcon(lang.X("export.folder.choose", "Choose…"), theme.FolderOpenIcon(), func() {
		u.chooseFolder(x.dir, func(p string) {
			x.dir = p
			x.folder.SetText(p)
			setError(x.problem, "")
		})
	})
	form := widget.NewForm(
		widget.NewFormItem(lang.X("export.format", "Format"), x.format.Select),
		widget.NewFormItem(lang.X("export.language", "Language"), x.language.Select),
		widget.NewFormItem(lang.X("export.content", "Content"), container.NewVBox(x.practices, x.internal)),
		widget.NewFormItem(lang.X("export.folder", "Folder"), container.NewBorder(nil, nil, nil, choose, x.folder)),
		widget.NewFormItem(lang.X("export.name", "Name"), x.name),
	)
	x.format.setValue(string(export.PDF))
	x.language.setValue(u.lang)
	x.update()
	content := newRows(form, x.about, x.problem)
	x.dialog = dialog.NewCustomWithoutButtons(lang.X("export.title", "Export"), content, u.win)
	x.dialog.SetButtons([]fyne.CanvasObject{
		widget.NewButton(lang.X("dialog.cancel", "Cancel"), x.dialog.Hide),
		&widget.Button{Text: lang.X("export.start", "Export"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: x.submit},
	})
	x.dialog.Resize(fyne.NewSize(640, 0))
	u.showDialog(x.dialog)
	return x
}

// update fits the form to the chosen format.
func (x *exportDialog) update() {
	r := x.request()
	switch r.format {
	case export.JSON:
		x.language.Disable()
		x.about.SetText(lang.X("export.about.json", "One file with every record in all its languages."))
	case export.CSV:
		x.language.Disable()
		x.about.SetText(lang.X("export.about.csv", "One row per practice; it opens in any spreadsheet and can be imported again."))
	case export.HTML:
		x.language.Enable()
		x.about.SetText(lang.X("export.about.html", "A folder with index.html: open it in any web browser, also without internet."))
	case export.Markdown:
		x.language.Enable()
		x.about.SetText(lang.X("export.about.md", "One text file of the toolkit and the guides, with headings and lists."))
	default:
		x.language.Enable()
		x.about.SetText(lang.X("export.about.pdf", "An A4 booklet of the toolkit and the guides, with contents, ready to print."))
	}
	if r.format == export.CSV {
		x.practices.Hide()
		x.internal.Show()
	} else {
		x.practices.Show()
		x.internal.Hide()
	}
	if x.name.Text == "" || x.name.Text == x.autoName {
		x.autoName = exportFileName(r)
		x.name.SetText(x.autoName)
	}
	if x.dialog != nil {
		x.dialog.Refresh()
	}
}

func (x *exportDialog) request() exportRequest {
	r := exportRequest{format: export.Format(x.format.value()), lang: x.language.value(),
		practices: x.practices.Checked, internal: x.internal.Checked}
	if r.lang == "" {
		r.lang = "en"
	}
	if name := strings.TrimSpace(x.name.Text); name != "" && x.dir != "" {
		r.path = filepath.Join(x.dir, name)
	}
	return r
}

// submit checks the place, asks before replacing an earlier export, and starts.
func (x *exportDialog) submit() {
	r := x.request()
	name := strings.TrimSpace(x.name.Text)
	switch {
	case x.dir == "":
		setError(x.problem, lang.X("export.error.folder", "Choose the folder to export to."))
	case name == "" || strings.ContainsAny(name, `/\`):
		setError(x.problem, lang.X("export.error.name", "Type a name for the export, without slashes."))
	default:
		setError(x.problem, "")
	}
	x.dialog.Refresh()
	if x.problem.Visible() {
		return
	}
	x.dialog.Hide()
	if _, err := os.Stat(r.path); err == nil {
		x.u.confirm(lang.X("export.replace.title", "Replace the earlier export?"),
			lang.X("export.replace.message", "{{.Name}} already exists in this folder. It is replaced only once the new export is complete.", map[string]any{"Name": name}),
			lang.X("export.replace.yes", "Replace"), lang.X("dialog.cancel", "Cancel"), func() { x.u.runExport(r) })
		return
	}
	x.u.runExport(r)
}

// runExport writes an export in the background, with a progress bar and a
// Stop button, then says where it is or what went wrong.
func (u *UI) runExport(r exportRequest) {
	ctx, cancel := context.WithCancel(u.ctx)
	bar := widget.NewProgressBar()
	bar.TextFormatter = func() string { return formatPercent(bar.Value) }
	stop := widget.NewButtonWithIcon(lang.X("export.stop", "Stop"), theme.CancelIcon(), cancel)
	what := note(lang.X("export.running", "Writing: {{.Format}}…", map[string]any{"Format": formatName(r.format)}))
	prog := dialog.NewCustomWithoutButtons(lang.X("export.title", "Export"),
		container.NewVBox(what, bar, container.NewHBox(stop)), u.win)
	prog.Resize(fyne.NewSize(480, 0))
	u.showDialog(prog)
	u.store.SetSetting(settingExportDir, filepath.Dir(r.path))
	opts := export.Options{Lang: r.lang, Practices: r.practices, AllVisibilities: r.internal,
		Progress: func(done, total int) {
			if total > 0 {
				u.onUI(func() { bar.SetValue(float64(done) / float64(total)) })
			}
		}}
	u.background(func(context.Context) func() {
		defer cancel()
		err := export.Save(ctx, u.store, r.format, r.path, opts)
		stopped := ctx.Err() != nil
		return func() {
			prog.Hide()
			switch {
			case stopped && errors.Is(err, context.Canceled):
				u.showInfo(lang.X("export.stopped.title", "Export stopped"), lang.X("export.stopped", "The export was stopped. Nothing was written."))
			case err != nil:
				u.showError(lang.X("export.failed", "The export could not be written. Nothing was changed."), err)
			case r.format == export.HTML:
				u.showInfo(lang.X("export.done.title", "Export finished"),
					lang.X("export.done.html", "The site is in the folder {{.Path}}. Open index.html in it with any web browser: it works without internet, from a USB stick or a phone.", map[string]any{"Path": r.path}))
			default:
				u.showInfo(lang.X("export.done.title", "Export finished"),
					lang.X("export.done.file", "The export is saved as {{.Path}}.", map[string]any{"Path": r.path}))
			}
		}
	})
}

// showInfo tells something calmly, in a dialog with an OK button.
func (u *UI) showInfo(title, message string) {
	u.showDialog(dialog.NewInformation(title, message, u.win))
}

// showImport asks for a CSV file and imports its practices (File > Import…).
func (u *UI) showImport() {
	u.chooseCSV(u.runImport)
}

// runImport brings the practices of a CSV file into the journal: all its rows,
// or, when any row is wrong, none, with every wrong row listed.
func (u *UI) runImport(path string) {
	prog := dialog.NewCustomWithoutButtons(lang.X("import.title", "Import practices"),
		container.NewVBox(note(lang.X("import.running", "Reading {{.Name}}…", map[string]any{"Name": filepath.Base(path)})), widget.NewProgressBarInfinite()), u.win)
	u.showDialog(prog)
	u.background(func(ctx context.Context) func() {
		var n int
		f, err := os.Open(path)
		if err == nil {
			n, err = export.ImportCSV(ctx, u.store, f)
			f.Close()
		}
		return func() {
			prog.Hide()
			var ie *export.ImportError
			switch {
			case errors.As(err, &ie):
				u.showImportErrors(filepath.Base(path), ie)
			case err != nil && fileProblem(err) != "":
				u.showError(lang.X("import.failed", "The practices could not be imported. Nothing was imported.")+"\n\n"+fileProblem(err), nil)
			case err != nil:
				u.showError(lang.X("import.failed", "The practices could not be imported. Nothing was imported."), err)
			default:
				u.showInfo(lang.X("import.done.title", "Import finished"),
					plural("import.done", "{{.Count}} practice was added or updated. New practices are drafts unless the file says otherwise.",
						"{{.Count}} practices were added or updated. New practices are drafts unless the file says otherwise.", n))
				if u.journal != nil {
					u.journal.reload("")
				}
			}
		}
	})
}

// importErrorsShown is how many wrong rows the import dialog lists; the rest are counted.
const importErrorsShown = 200

// showImportErrors lists every row of a CSV file that cannot be imported.
func (u *UI) showImportErrors(name string, ie *export.ImportError) {
	rows := []fyne.CanvasObject{}
	for i, r := range ie.Rows {
		if i == importErrorsShown {
			rows = append(rows, note(plural("import.errors.more", "…and {{.Count}} more row.", "…and {{.Count}} more rows.", len(ie.Rows)-i)))
			break
		}
		rows = append(rows, paragraph(lang.X("import.row", "Line {{.Line}}: {{.Problem}}", map[string]any{"Line": formatNumber(r.Line), "Problem": words.In(currentLanguage()).ImportProblems(r.Problems)})))
	}
	intro := paragraph(plural("import.errors", "{{.Count}} row of {{.Name}} cannot be imported, so nothing was imported. Correct it in the spreadsheet and import the file again.",
		"{{.Count}} rows of {{.Name}} cannot be imported, so nothing was imported. Correct them in the spreadsheet and import the file again.",
		len(ie.Rows), map[string]any{"Name": name}))
	body := container.NewBorder(container.NewVBox(intro, widget.NewSeparator()), nil, nil, nil, container.NewVScroll(newRows(rows...)))
	d := dialog.NewCustom(lang.X("import.errors.title", "Nothing was imported"), lang.X("dialog.close", "Close"), body, u.win)
	d.Resize(fyne.NewSize(720, 460))
	u.showDialog(d)
}

// fileProblem words what is wrong with a whole CSV file (too large, not
// UTF-8, empty), or "" for another error.
func fileProblem(err error) string {
	if p, ok := export.FileProblem(err); ok {
		return words.In(currentLanguage()).ImportProblems([]data.FieldError{p})
	}
	return ""
}
