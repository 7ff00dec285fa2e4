package app

import (
	"fmt"
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

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
			u := New(a, Options{Store: st, Hub: hub})
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
