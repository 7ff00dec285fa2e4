package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// Keyboard use: Ctrl+1…5 switch the main screens, F10 (and Alt, in Fyne) opens
// the menu, Enter opens the first search result, Down goes from the search box
// to the results, Esc closes the editor and dialogs.

// shortcutTab is Ctrl+1…5 (Cmd on macOS): the i-th main screen.
func shortcutTab(i int) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: fyne.KeyName(rune('1' + i)), Modifier: fyne.KeyModifierShortcutDefault}
}

// typedKey handles the keys no field took: Esc and F10.
func (u *UI) typedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyEscape:
		u.escape()
	case fyne.KeyF10:
		toggleMenu(u.win.Canvas())
	}
}

// openFirstResult opens the first result of the search being typed (Enter).
func (s *toolkitScreen) openFirstResult() {
	s.openFirst = true
	s.refresh(0)
}

// afterRefresh runs when new results are shown: a search that found nothing
// gets suggestions, Enter opens the first result.
func (s *toolkitScreen) afterRefresh() {
	s.suggested = nil
	if q := strings.TrimSpace(s.search.Text); q != "" && len(s.items) == 0 {
		s.suggest(q)
	}
	if !s.openFirst {
		return
	}
	s.openFirst = false
	if len(s.items) > 0 {
		s.list.Select(0)
		s.u.win.Canvas().Focus(s.list)
	}
}

// focusResults moves the keyboard focus from the search box to the results.
func (s *toolkitScreen) focusResults() {
	if len(s.items) == 0 {
		return
	}
	s.left.SelectIndex(0)
	s.u.win.Canvas().Focus(s.list)
}

// SettingWindowSize is the size the window had when it was last closed ("1280x800").
const SettingWindowSize = "ui_window_size"

// firstWindow is the size of the window on a first start: it fits a 1024×600
// netbook with its desktop panel (Fyne cannot ask the screen's size); the size
// people give the window is kept for the next start.
var firstWindow = fyne.NewSize(1000, 540)

func (u *UI) windowSize() fyne.Size {
	v, _ := u.store.Setting(SettingWindowSize)
	var w, h float32
	if _, err := fmt.Sscanf(v, "%fx%f", &w, &h); err == nil && w >= 400 && h >= 300 && w <= 10000 && h <= 10000 {
		return fyne.NewSize(w, h)
	}
	return firstWindow
}

// keepWindowSize remembers the window's size for the next start.
func (u *UI) keepWindowSize() {
	s := u.win.Canvas().Size()
	if s.Width < 400 || s.Height < 300 {
		return
	}
	if err := u.store.SetSetting(SettingWindowSize, fmt.Sprintf("%.0fx%.0f", s.Width, s.Height)); err != nil {
		fyne.LogError("the window size could not be kept", err)
	}
}
