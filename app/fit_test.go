package app

import (
	"fmt"
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// netbook is the smallest screen people use the app on; the window's content must
// fit the window it opens with there (firstWindow) at every text size.
var netbook = fyne.NewSize(1024, 600)

// screenFits lists what does not fit on a netbook screen: each main screen,
// the editor and the first-start form, by name.
func screenFits(t *testing.T, u *UI, where string) []string {
	t.Helper()
	var out []string
	check := func(name string) {
		resize(u, firstWindow)
		u.win.Content().Refresh()
		m := u.win.Content().MinSize()
		if m.Width > firstWindow.Width || m.Height > firstWindow.Height {
			out = append(out, fmt.Sprintf("%s %s: needs %.0f×%.0f", where, name, m.Width, m.Height))
		}
	}
	if u.tabs == nil {
		check("first start")
		return out
	}
	for i, item := range u.tabs.Items {
		u.selectTab(i)
		check(item.Text)
	}
	u.newPractice()
	check("editor")
	u.editor.vis.SetSelected(u.editor.vis.Options[2])
	check("editor (shared)")
	u.closeEditor()
	return out
}

func TestFitsNetbookAtEveryTextSize(t *testing.T) {
	defer UseLanguage("en")
	for _, code := range []string{"en", "it", "pl", "fr", "es", "cs"} {
		for _, size := range textSizes {
			st := newTestStore(t)
			p := addPractice(t, st, "Night shelter laundry rota", "IT", "en")
			st.SetSetting(data.SettingUILang, code)
			st.SetSetting(SettingTextSize, strconv.Itoa(size))
			hub, _ := conflictHub(t, st)
			a := test.NewTempApp(t)
			u := New(a, Options{Store: st, Engine: hub})
			u.Wait()
			u.journal.showPractice(p.ID)
			for _, problem := range screenFits(t, u, fmt.Sprintf("%s %d%%", code, size)) {
				t.Error(problem)
			}
			u.Close()
			u.Wait()
		}
	}
}

// TestCompetenceNamesWhole: in "Browse by competence" on a netbook screen, at
// every text size, each competence's name and count is read whole: the
// wrapped text fits its row, never cut with an ellipsis.
func TestCompetenceNamesWhole(t *testing.T) {
	defer UseLanguage("en")
	for _, code := range []string{"en", "it", "pl"} {
		for _, size := range textSizes {
			st := newTestStore(t)
			st.SetSetting(data.SettingUILang, code)
			st.SetSetting(SettingTextSize, strconv.Itoa(size))
			a := test.NewTempApp(t)
			u := New(a, Options{Store: st, Engine: &fakeEngine{store: st, status: HubStatus{State: HubNotSetUp}}})
			u.Wait()
			resize(u, firstWindow)
			u.selectTab(0)
			u.toolkit.left.SelectIndex(1)
			u.Wait()
			u.win.Content().Refresh()
			rows := 0
			find(u.toolkit.tree, func(l *widget.Label) bool {
				if l.Text == "" || !l.Visible() {
					return false
				}
				rows++
				probe := widget.NewLabel(l.Text)
				probe.Wrapping = fyne.TextWrapWord
				probe.TextStyle = l.TextStyle
				probe.Resize(fyne.NewSize(l.Size().Width, 0))
				if need := probe.MinSize().Height; need > l.Size().Height+1 {
					t.Errorf("%s %d%%: %q needs %.0f px, its row gives %.0f px (%.0f wide): it is cut", code, size, l.Text, need, l.Size().Height, l.Size().Width)
				}
				return false
			})
			if rows < 2 {
				t.Errorf("%s %d%%: only %d competence rows shown", code, size, rows)
			}
			u.Close()
			u.Wait()
		}
	}
}
