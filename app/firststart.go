package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/sync/invite"
)

// firstStart asks a new installation for the three things it needs: the
// interface language, the organisation and the person's name.
type firstStart struct {
	u        *UI
	content  fyne.CanvasObject
	partners []assets.Partner

	language  *picker
	mode      *widget.RadioGroup
	partner   *picker
	orgName   *entry
	country   *picker
	languages *widget.CheckGroup
	langCodes []string
	user      *entry
	newOrg    *fyne.Container
	errs      map[string]*widget.Label
	problem   *widget.Label
	invite    *invite.Invitation // chosen with "I have an invitation" (invite.go)
}

func (u *UI) showFirstStart() {
	u.first = newFirstStart(u, nil)
	u.win.SetContent(u.first.content)
	u.markShown()
}

// rebuild lays the form out again in the newly chosen language, keeping what was typed.
func (f *firstStart) rebuild() {
	n := newFirstStart(f.u, f)
	f.u.first = n
	f.u.win.SetContent(n.content)
}

func newFirstStart(u *UI, old *firstStart) *firstStart {
	f := &firstStart{u: u, partners: assets.Partners(), errs: map[string]*widget.Label{}}
	var labels, values []string
	for _, l := range Languages {
		labels = append(labels, l.Name)
		values = append(values, l.Code)
	}
	f.language = newPicker(labels, values, nil)
	f.language.setValue(u.lang)
	f.language.Select.OnChanged = func(string) {
		if code := f.language.value(); code != "" && code != u.lang {
			u.SetLanguage(code)
		}
	}

	partnerLabels, partnerValues := []string{}, []string{}
	sortByName(u.lang, f.partners, func(p assets.Partner) string { return p.Name })
	for _, p := range f.partners {
		partnerLabels = append(partnerLabels, p.Name+" — "+cityName(p.City)+" ("+countryName(p.Country)+")")
		partnerValues = append(partnerValues, p.ID)
	}
	f.partner = newPicker(partnerLabels, partnerValues, func(string) { f.clearError("partner") })
	f.partner.PlaceHolder = lang.X("first.partner.placeholder", "Choose your organisation")

	f.orgName = newEntry(u)
	f.orgName.SetPlaceHolder(lang.X("first.org_name.placeholder", "The organisation's name"))
	var countryLabels, countryValues []string
	for _, c := range sortedCountries(u.lang) {
		countryLabels = append(countryLabels, countryName(c))
		countryValues = append(countryValues, c)
	}
	f.country = newPicker(countryLabels, countryValues, func(code string) {
		f.clearError("country")
		f.addLanguage(countryLanguage(code))
	})
	f.country.PlaceHolder = lang.X("first.country.placeholder", "Choose the country")
	var langNames []string
	for _, l := range Languages {
		langNames = append(langNames, l.Name)
		f.langCodes = append(f.langCodes, l.Code)
	}
	f.languages = widget.NewCheckGroup(langNames, func([]string) { f.clearError("languages") })
	f.languages.Horizontal = true

	// Enter in a field submits the form, as the Start button does.
	f.orgName.OnChanged = func(string) { f.clearError("name"); f.clearError("id") }
	f.orgName.OnSubmitted = func(string) { f.submit() }
	f.user = newEntry(u)
	f.user.OnChanged = func(string) { f.clearError("user") }
	f.user.OnSubmitted = func(string) { f.submit() }
	f.user.SetPlaceHolder(lang.X("first.user.placeholder", "Your first name and surname"))

	modes := []string{
		lang.X("first.mode.partner", "My organisation is in the list"),
		lang.X("first.mode.new", "My organisation is not in the list"),
	}
	f.mode = widget.NewRadioGroup(modes, func(sel string) {
		if sel == modes[1] {
			f.partner.Disable()
			f.newOrg.Show()
		} else {
			f.partner.Enable()
			f.newOrg.Hide()
		}
	})
	f.mode.Required = true

	for _, name := range []string{"partner", "id", "name", "country", "languages", "user"} {
		f.errs[name] = errorText()
	}
	f.problem = errorText()
	f.newOrg = container.NewVBox(
		widget.NewForm(
			widget.NewFormItem(lang.X("first.org_name", "Name"), container.NewVBox(f.orgName, f.errs["name"], f.errs["id"])),
			widget.NewFormItem(lang.X("first.country", "Country"), container.NewVBox(f.country.Select, f.errs["country"])),
			widget.NewFormItem(lang.X("first.languages", "Working languages"), container.NewVBox(f.languages, f.errs["languages"])),
		),
	)

	if old != nil {
		f.invite = old.invite
		f.partner.setValue(old.partner.value())
		f.orgName.SetText(old.orgName.Text)
		f.country.setValue(old.country.value())
		f.languages.Selected = old.languages.Selected
		f.user.SetText(old.user.Text)
		f.mode.SetSelected(modes[modeIndex(old.mode)])
	} else {
		f.mode.SetSelected(modes[0])
		// A new organisation works at least in the language chosen above.
		f.addLanguage(u.lang)
	}

	start := widget.NewButtonWithIcon(lang.X("first.start", "Start using Vademecum"), theme.ConfirmIcon(), f.submit)
	start.Importance = widget.HighImportance

	icon := canvasIcon()
	intro := paragraph(lang.X("first.intro", "Welcome. Vademecum holds a toolkit of digital tools for social work and a journal of good practices shared with partner organisations. It works without internet. Three questions and you are ready."))
	orgHeading := subheading(lang.X("first.q.org", "2. Your organisation"))
	later := note(lang.X("first.hub.later", "Sync with partners can be set up later, in Settings."))
	if f.invite != nil {
		later.Hide() // the invitation sets the hub up
	}
	if f.invite != nil && f.invite.ForNewLaptop() {
		// The invitation says which organisation: only the name is asked.
		for _, o := range []fyne.CanvasObject{orgHeading, f.mode, f.partner.Select, f.newOrg} {
			o.Hide()
		}
	}
	form := newRows(
		container.NewBorder(nil, nil, icon, nil, heading(lang.X("first.heading", "Welcome to Vademecum"))),
		intro,
		f.invitationRows(),
		widget.NewSeparator(),
		subheading(lang.X("first.q.language", "1. Your language")),
		f.language.Select,
		widget.NewSeparator(),
		orgHeading,
		f.mode,
		f.partner.Select, f.errs["partner"],
		f.newOrg,
		widget.NewSeparator(),
		subheading(lang.X("first.q.name", "3. Your name")),
		hint(lang.X("first.user.hint", "Shown to colleagues and partners on what you write.")),
		f.user, f.errs["user"],
		widget.NewSeparator(),
		f.problem,
		container.NewHBox(layout.NewSpacer(), start),
		later,
	)
	// A readable column in the middle of the window.
	f.content = container.New(&columnLayout{width: 680}, container.NewVScroll(container.NewPadded(form)))
	return f
}

func modeIndex(r *widget.RadioGroup) int {
	for i, o := range r.Options {
		if o == r.Selected {
			return i
		}
	}
	return 0
}

// submit records the organisation and the name, then opens the main window.
func (f *firstStart) submit() {
	defer f.content.Refresh() // lay the form out again around the messages
	for _, l := range f.errs {
		setError(l, "")
	}
	setError(f.problem, "")
	if f.submitNewLaptop() {
		return
	}
	var org *data.Organisation
	if modeIndex(f.mode) == 0 {
		id := f.partner.value()
		for _, p := range f.partners {
			if p.ID == id {
				org = &data.Organisation{Name: p.Name, City: p.City, Country: p.Country, Kind: p.Kind,
					Languages: append([]string{}, p.Languages...)}
				org.ID = p.ID
			}
		}
		if org == nil {
			setError(f.errs["partner"], lang.X("first.error.partner", "Choose your organisation in the list, or choose \"not in the list\"."))
			return
		}
	} else {
		org = &data.Organisation{Name: strings.TrimSpace(f.orgName.Text), Country: f.country.value()}
		for i, n := range f.languages.Options {
			for _, sel := range f.languages.Selected {
				if sel == n {
					org.Languages = append(org.Languages, f.langCodes[i])
				}
			}
		}
		org.ID = orgID(org.Name, org.Country)
		if org.Name == "" {
			setError(f.errs["name"], lang.X("first.error.name", "Type the organisation's name."))
		}
		if org.Country == "" {
			setError(f.errs["country"], lang.X("first.error.country", "Choose the country where the organisation works."))
		}
		if org.Name == "" || org.Country == "" {
			return
		}
	}
	if len(org.Languages) > 0 {
		org.Lang = org.Languages[0]
	} else {
		org.Lang = f.u.lang
	}
	if f.inviterIsOwnOrg(org.ID) {
		return
	}
	err := f.u.store.Init(org, f.user.Text)
	if err != nil {
		if ve, ok := validation(err); ok {
			for _, fe := range ve {
				msg := fe.Msg
				switch fe.Field {
				case "user":
					msg = lang.X("first.error.user", "Please type your name.")
				case "id":
					msg = lang.X("first.error.id", "Use a name with at least two letters or digits.")
				case "name":
					msg = lang.X("first.error.name", "Type the organisation's name.")
				case "country":
					msg = lang.X("first.error.country", "Choose the country where the organisation works.")
				}
				if l, ok := f.errs[fe.Field]; ok {
					setError(l, msg)
				} else {
					setError(f.problem, msg)
				}
			}
			return
		}
		setError(f.problem, err.Error())
		return
	}
	f.started()
}

// clearError hides a field's message once the person has acted on it.
func (f *firstStart) clearError(field string) {
	if l := f.errs[field]; l != nil && l.Visible() {
		setError(l, "")
		f.content.Refresh()
	}
}

// addLanguage ticks a working language of the new organisation.
func (f *firstStart) addLanguage(code string) {
	for i, c := range f.langCodes {
		if c == code && !slices.Contains(f.languages.Selected, f.languages.Options[i]) {
			f.languages.SetSelected(append(slices.Clone(f.languages.Selected), f.languages.Options[i]))
		}
	}
}

// countryLanguage is the interface language most people of a partner country use.
func countryLanguage(country string) string {
	switch country {
	case "IT":
		return "it"
	case "ES":
		return "es"
	case "PL":
		return "pl"
	case "CZ":
		return "cs"
	case "FR", "BE":
		return "fr"
	}
	return ""
}

// orgID makes an organisation id from its name and country: "Casa Aperta", "IT"
// gives "casa-aperta-it".
func orgID(name, country string) string {
	var b strings.Builder
	dash := false
	for _, r := range data.Fold(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.Trim(b.String(), "-")
	if len(id) > 50 {
		id = strings.Trim(id[:50], "-")
	}
	if country != "" {
		id += "-" + strings.ToLower(country)
	}
	return strings.TrimPrefix(id, "-")
}

// columnLayout centres its content in a column of readable width, as tall as
// the window.
type columnLayout struct{ width float32 }

func (c *columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(min(c.width, s.Width), s.Height)
}

func (c *columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(c.width, size.Width)
	for _, o := range objs {
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

func canvasIcon() fyne.CanvasObject {
	img := widget.NewIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	return container.NewGridWrap(fyne.NewSize(48, 48), img)
}
