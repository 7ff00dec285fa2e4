package app

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// settingsScreen holds the interface choices, who is writing, and the hub.
type settingsScreen struct {
	u        *UI
	content  fyne.CanvasObject
	language *picker
	theme    *widget.RadioGroup
	size     *widget.RadioGroup
	name     *entry
	remotes  *fyne.Container
}

func newSettingsScreen(u *UI) *settingsScreen {
	s := &settingsScreen{u: u}
	var labels, values []string
	for _, l := range Languages {
		labels = append(labels, l.Name)
		values = append(values, l.Code)
	}
	s.language = newPicker(labels, values, nil)
	s.language.setValue(u.lang)
	s.language.Select.OnChanged = func(string) {
		if code := s.language.value(); code != "" && code != u.lang {
			if err := u.SetLanguage(code); err != nil {
				u.showError(lang.X("settings.language.failed", "The language could not be changed."), err)
			}
		}
	}

	themeValues := []string{ThemeLight, ThemeDark, ThemeSystem}
	s.theme = widget.NewRadioGroup([]string{
		lang.X("settings.theme.light", "Light"),
		lang.X("settings.theme.dark", "Dark"),
		lang.X("settings.theme.system", "Follow the system"),
	}, nil)
	s.theme.Required = true
	cur, _ := u.store.Setting(SettingTheme)
	if cur == "" {
		cur = ThemeSystem
	}
	for i, v := range themeValues {
		if v == cur {
			s.theme.Selected = s.theme.Options[i]
		}
	}
	s.theme.OnChanged = func(sel string) {
		for i, o := range s.theme.Options {
			if o == sel {
				if err := u.SetTheme(themeValues[i]); err != nil {
					u.showError(lang.X("settings.save_failed", "The setting could not be saved."), err)
				}
			}
		}
	}

	s.size = widget.NewRadioGroup([]string{
		lang.X("settings.size.normal", "Normal"),
		lang.X("settings.size.large", "Large"),
		lang.X("settings.size.larger", "Larger"),
	}, nil)
	s.size.Required = true
	curSize, _ := u.store.Setting(SettingTextSize)
	n, err := strconv.Atoi(curSize)
	if err != nil {
		n = 100
	}
	for i, v := range textSizes {
		if v == n {
			s.size.Selected = s.size.Options[i]
		}
	}
	s.size.OnChanged = func(sel string) {
		for i, o := range s.size.Options {
			if o == sel {
				if err := u.SetTextSize(textSizes[i]); err != nil {
					u.showError(lang.X("settings.save_failed", "The setting could not be saved."), err)
				}
			}
		}
	}

	s.name = newEntry(u)
	s.name.SetText(u.me.User)
	nameProblem := errorText()
	saveName := widget.NewButton(lang.X("settings.name.save", "Save name"), func() {
		v := strings.TrimSpace(s.name.Text)
		if v == "" {
			setError(nameProblem, lang.X("settings.name.required", "Please type your name: it is shown on what you write."))
			s.content.Refresh()
			return
		}
		if err := u.store.SetSetting(data.SettingUser, v); err != nil {
			setError(nameProblem, err.Error())
			return
		}
		setError(nameProblem, "")
		s.content.Refresh()
		u.me.User = v
		u.setTitle()
	})

	org := u.orgName(u.me.Org)
	if o, ok := u.orgs[u.me.Org]; ok && o.Country != "" {
		org += " (" + countryName(o.Country) + ")"
	}

	s.remotes = container.NewVBox()
	interfaceForm := widget.NewForm(
		widget.NewFormItem(lang.X("settings.language", "Language of the interface"), s.language.Select),
		widget.NewFormItem(lang.X("settings.theme", "Colours"), s.theme),
		widget.NewFormItem(lang.X("settings.size", "Text size"), s.size),
	)
	youForm := widget.NewForm(
		widget.NewFormItem(lang.X("settings.name", "Your name"), container.NewBorder(nil, nameProblem, nil, saveName, s.name)),
		widget.NewFormItem(lang.X("settings.org", "Organisation"), widget.NewLabel(org)),
		widget.NewFormItem(lang.X("settings.data", "Data folder"), paragraph(u.store.Dir())),
	)
	body := container.NewVBox(
		heading(lang.X("settings.heading", "Settings")),
		subheading(lang.X("settings.group.interface", "Interface")),
		interfaceForm,
		widget.NewSeparator(),
		subheading(lang.X("settings.group.you", "You")),
		youForm,
		widget.NewSeparator(),
		subheading(lang.X("settings.group.hub", "Hub")),
		container.NewHBox(u.settingsInvitation(s.loadRemotes), u.inviteButton()),
		note(lang.X("settings.hub.help", "The hub is where partners exchange their shared practices. Drafts and practices for your organisation never leave this computer.")),
		s.remotes,
		u.hubForm(),
	)
	s.content = container.NewVScroll(container.NewPadded(body))
	s.loadRemotes()
	return s
}

// loadRemotes lists the configured hubs.
func (s *settingsScreen) loadRemotes() {
	if s.u.engine == nil {
		s.remotes.Objects = []fyne.CanvasObject{paragraph(lang.X("sync.hubs.unavailable", "This copy of Vademecum cannot sync: your practices stay on this computer. Ask your coordinator for a version with sync."))}
		s.remotes.Refresh()
		return
	}
	s.u.background(func(ctx context.Context) func() {
		remotes, err := s.u.engine.Remotes()
		return func() {
			var objs []fyne.CanvasObject
			switch {
			case err != nil:
				objs = append(objs, paragraph(err.Error()))
			case len(remotes) == 0:
				objs = append(objs, paragraph(lang.X("settings.hub.none", "No hub is set up yet.")))
			}
			for _, r := range remotes {
				objs = append(objs, remoteRow(r))
			}
			s.remotes.Objects = objs
			s.remotes.Refresh()
		}
	})
}
