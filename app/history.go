package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// RecordVersion is one version of a record as the local repository holds it.
type RecordVersion struct {
	Version int64
	Updated time.Time
	Author  string
	Org     string
	Changed []string // fields that differ from the version before
	Unsent  bool     // this installation's change, not sent yet
	Fields  map[string]string
}

// HistoryEngine is an Engine that keeps the versions of records (the real engine
// does); the practice view offers its history only then.
type HistoryEngine interface {
	// History lists the versions of a record, newest first.
	History(ctx context.Context, id string) ([]RecordVersion, error)
	// Restore makes version n of a practice of this organisation a new edit.
	Restore(ctx context.Context, id string, n int64) error
}

// historyView is the list of a practice's versions in a dialog.
type historyView struct {
	u        *UI
	s        *journalScreen
	p        *data.Practice
	versions []RecordVersion
	restore  map[int64]*widget.Button // by version, for the versions that can be restored
	content  fyne.CanvasObject
	dialog   dialog.Dialog
}

// historyButton opens the history of a practice, when the hub keeps one.
func (s *journalScreen) historyButton(p *data.Practice) *widget.Button {
	if _, ok := s.u.engine.(HistoryEngine); !ok {
		return nil
	}
	return widget.NewButtonWithIcon(lang.X("history.open", "History"), theme.HistoryIcon(), func() { s.showHistory(p) })
}

// showHistory loads the versions of p off the UI goroutine and shows them.
func (s *journalScreen) showHistory(p *data.Practice) {
	hh, ok := s.u.engine.(HistoryEngine)
	if !ok {
		return
	}
	s.u.background(func(ctx context.Context) func() {
		vs, err := hh.History(ctx, p.ID)
		return func() {
			if err != nil {
				s.u.showError(lang.X("history.failed", "The history of this practice could not be read."), err)
				return
			}
			h := s.newHistoryView(p, vs)
			d := dialog.NewCustom(lang.X("history.title", "Versions of \"{{.Title}}\"", map[string]any{"Title": p.Title}),
				lang.X("dialog.close", "Close"), container.NewVScroll(h.content), s.u.win)
			d.Resize(fyne.NewSize(900, 640))
			h.dialog = d
			s.history = h
			s.u.showDialog(d)
		}
	})
}

// newHistoryView lays out the versions, newest first: who, when, and for each
// field that changed the old and the new text side by side.
func (s *journalScreen) newHistoryView(p *data.Practice, vs []RecordVersion) *historyView {
	h := &historyView{u: s.u, s: s, p: p, versions: vs, restore: map[int64]*widget.Button{}}
	mine := p.Org == s.u.me.Org
	var objs []fyne.CanvasObject
	if len(vs) <= 1 {
		objs = append(objs, note(lang.X("history.single", "This practice has one version so far: its history grows with each edit that is synced.")))
	}
	for i, v := range vs {
		who := v.Author
		if org := s.u.orgName(v.Org); org != "" {
			who = strings.TrimSpace(who + " · " + org)
		}
		head := lang.X("history.version", "Version {{.Version}}", map[string]any{"Version": strconv.FormatInt(v.Version, 10)})
		if v.Unsent {
			head += " · " + lang.X("history.unsent", "not sent yet")
		}
		objs = append(objs, widget.NewSeparator(), subheading(head), note(who+" · "+formatDateTime(v.Updated, s.u.lang)))
		var older map[string]string
		if i+1 < len(vs) {
			older = vs[i+1].Fields
		}
		if older != nil && len(v.Changed) > 0 {
			objs = append(objs, container.NewGridWithColumns(2,
				boldNote(lang.X("history.before", "Before")), boldNote(lang.X("history.after", "After"))))
		}
		for _, f := range v.Changed {
			if older == nil {
				continue
			}
			objs = append(objs, boldNote(fieldLabel(f)),
				container.NewGridWithColumns(2, paragraph(older[f]), paragraph(v.Fields[f])))
		}
		if older == nil {
			objs = append(objs, note(lang.X("history.first", "First version held here.")))
		}
		if mine && i > 0 && !v.Unsent {
			n := v.Version
			b := widget.NewButtonWithIcon(lang.X("history.restore", "Restore this version"), theme.HistoryIcon(), func() {
				s.u.confirm(lang.X("history.restore.title", "Restore version {{.Version}}?", map[string]any{"Version": strconv.FormatInt(n, 10)}),
					lang.X("history.restore.message", "The text of this version becomes the current one, as a new edit shared at the next sync. Later versions stay in the history."),
					lang.X("history.restore.yes", "Restore"), lang.X("dialog.cancel", "Cancel"), func() { h.restoreVersion(n) })
			})
			h.restore[n] = b
			objs = append(objs, container.NewHBox(b))
		}
	}
	h.content = container.NewVBox(objs...)
	return h
}

// restoreVersion restores version n, then shows the practice as it now is.
func (h *historyView) restoreVersion(n int64) {
	hh := h.u.engine.(HistoryEngine)
	id := h.p.ID
	h.u.background(func(ctx context.Context) func() {
		err := hh.Restore(ctx, id, n)
		return func() {
			if err != nil {
				h.u.showError(lang.X("history.restore.failed", "This version could not be restored."), err)
				return
			}
			if h.dialog != nil {
				h.dialog.Hide()
			}
			h.s.reload(id)
			h.s.showPractice(id)
		}
	})
}

// boldNote is a short bold label (a field name, a column title).
func boldNote(text string) *widget.Label {
	l := note(text)
	l.TextStyle.Bold = true
	return l
}

// conflictNotice is a box on the practice that tells, once the hub answers,
// which of its values a merge did not keep and whose they were, with a way
// to the Sync screen where the person chooses.
func (s *journalScreen) conflictNotice(p *data.Practice) fyne.CanvasObject {
	box := container.NewVBox()
	if s.u.engine == nil {
		return box
	}
	hub, id := s.u.engine, p.ID
	s.u.background(func(ctx context.Context) func() {
		cs, err := hub.Conflicts(ctx)
		if err != nil {
			return nil
		}
		var mine []Conflict
		for _, c := range cs {
			if c.RecordID == id {
				mine = append(mine, c)
			}
		}
		return func() {
			if s.selectedID != id || len(mine) == 0 {
				return
			}
			for _, c := range mine {
				notKept := c.Theirs
				if c.Kept == "theirs" {
					notKept = c.Mine
				}
				var msg string
				if c.By != "" {
					msg = lang.X("practice.settled.by", "Two edits met: the value of {{.Field}} written by {{.By}} was not kept: \"{{.Value}}\".",
						map[string]any{"Field": fieldLabel(c.Field), "By": c.By, "Value": clipText(notKept, 200)})
				} else {
					msg = lang.X("practice.settled", "Two edits met: a value of {{.Field}} was not kept: \"{{.Value}}\".",
						map[string]any{"Field": fieldLabel(c.Field), "Value": clipText(notKept, 200)})
				}
				l := boldNote(msg)
				l.Importance = widget.WarningImportance
				box.Add(l)
			}
			box.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("practice.settled.choose", "Choose the value to keep"),
				theme.WarningIcon(), func() { s.u.selectTab(2) })))
			s.conflicts = mine
			box.Refresh()
			s.detail.Refresh()
		}
	})
	return box
}

// clipText shortens s to n characters, marking the cut.
func clipText(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
