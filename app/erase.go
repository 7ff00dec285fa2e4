package app

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// EraseEngine is an Engine that erases a practice on every installation (the
// right to erasure, hub format 4): the practice view offers it only then.
type EraseEngine interface {
	// Erase erases practice id here, with the reason every installation shows,
	// and writes the signed notice that erases it everywhere at the next syncs.
	Erase(ctx context.Context, id, reason string) error
}

// eraseButton offers to erase a practice that has left this computer, to its
// organisation, or to an editor of the network for any practice.
func (s *journalScreen) eraseButton(p *data.Practice, mine bool) *widget.Button {
	ee, ok := s.u.engine.(EraseEngine)
	if !ok || p.Visibility == data.Draft {
		return nil
	}
	if !mine {
		if editor, err := s.u.store.IsEditor(s.u.ctx); err != nil || !editor {
			return nil
		}
	}
	b := widget.NewButtonWithIcon(lang.X("journal.erase", "Erase everywhere…"), theme.ContentClearIcon(), func() { s.confirmErase(ee, p) })
	b.Importance = widget.DangerImportance
	return b
}

// confirmErase asks why, says what erasing does, and erases.
func (s *journalScreen) confirmErase(ee EraseEngine, p *data.Practice) {
	reason := newMultiLineEntry(s.u, 3)
	reason.SetPlaceHolder(lang.X("journal.erase.reason.placeholder", "Why, for every partner to read: no personal data"))
	reason.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New(lang.X("journal.erase.reason.required", "Say why it is erased."))
		}
		return nil
	}
	explain := paragraph(lang.X("journal.erase.message", "\"{{.Title}}\" will be erased from this computer now and from every partner's at their next sync: nobody can read its text any more, and it cannot be undone. Only a note stays everywhere: who erased it, when and why.", map[string]any{"Title": p.Title}))
	items := []*widget.FormItem{
		widget.NewFormItem("", explain),
		widget.NewFormItem(lang.X("journal.erase.reason", "Reason"), reason),
	}
	d := dialog.NewForm(lang.X("journal.erase.title", "Erase this practice everywhere?"), lang.X("journal.erase.yes", "Erase everywhere"),
		lang.X("dialog.cancel", "Cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			why := reason.Text
			s.u.background(func(ctx context.Context) func() {
				err := ee.Erase(ctx, p.ID, why)
				return func() {
					if err != nil {
						s.u.showError(lang.X("journal.erase.failed", "The practice could not be erased."), err)
						return
					}
					s.showEmpty()
					s.reload("")
					s.u.showInfo(lang.X("journal.erase.done.title", "Erased"),
						lang.X("journal.erase.done", "\"{{.Title}}\" is erased here. Each partner's copy is erased at their next sync; the Sync screen sends the notice now if a hub can be reached.", map[string]any{"Title": p.Title}))
				}
			})
		}, s.u.win)
	d.Resize(fyne.NewSize(560, 380))
	d.Show()
	s.u.win.Canvas().Focus(reason)
}
