package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// entry is a text field that hands Esc to the window, so that Esc closes the
// editor or a dialog even while the cursor is in a field.
type entry struct {
	widget.Entry
	onEscape func()
}

func newEntry(u *UI) *entry {
	e := &entry{onEscape: u.escape}
	e.Wrapping = fyne.TextWrapOff
	e.Scroll = container.ScrollHorizontalOnly
	e.ExtendBaseWidget(e)
	return e
}

func newMultiLineEntry(u *UI, rows int) *entry {
	e := &entry{onEscape: u.escape}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(rows)
	e.ExtendBaseWidget(e)
	return e
}

func newPasswordEntry(u *UI) *entry {
	e := newEntry(u)
	e.Password = true
	return e
}

// TypedKey closes the surrounding editor or dialog on Esc.
func (e *entry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

// picker is a drop-down whose options show labels but stand for values (ids, codes).
type picker struct {
	*widget.Select
	values []string
}

func newPicker(labels, values []string, changed func(value string)) *picker {
	p := &picker{values: values}
	p.Select = widget.NewSelect(labels, nil)
	p.Select.OnChanged = func(string) {
		if changed != nil {
			changed(p.value())
		}
	}
	return p
}

func (p *picker) value() string {
	i := p.SelectedIndex()
	if i < 0 || i >= len(p.values) {
		return ""
	}
	return p.values[i]
}

// setValue selects the option standing for v without calling the change handler.
func (p *picker) setValue(v string) {
	for i, x := range p.values {
		if x == v {
			cb := p.Select.OnChanged
			p.Select.OnChanged = nil
			p.SetSelectedIndex(i)
			p.Select.OnChanged = cb
			return
		}
	}
}

func (p *picker) setOptions(labels, values []string) {
	cur := p.value()
	cb := p.Select.OnChanged
	p.Select.OnChanged = nil
	p.values = values
	p.Options = labels
	p.ClearSelected()
	p.Select.OnChanged = cb
	p.setValue(cur)
	p.Refresh()
}

// heading is the title of a screen or a detail pane.
func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	l.SizeName = theme.SizeNameHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// subheading names a section inside a pane.
func subheading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// paragraph is wrapped body text that can be selected and copied.
func paragraph(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	return l
}

// note is secondary text: dates, who wrote what, explanations. It keeps the
// normal size and colour, so that it stays readable on old screens.
func note(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// hint explains a field, in italics to set it apart from what people type.
func hint(text string) *widget.Label {
	l := note(text)
	l.TextStyle.Italic = true
	return l
}

// remoteRow shows a configured hub: its name and address on one line.
func remoteRow(r HubRemote) fyne.CanvasObject {
	name := widget.NewLabel(r.Name)
	name.TextStyle.Bold = true
	addr := widget.NewLabel(r.URL)
	addr.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.StorageIcon()), name), nil, addr)
}

// stateIcon is the coloured icon of a hub state.
func stateIcon(s HubState) fyne.Resource {
	switch s {
	case HubUpToDate:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case HubOffline, HubFailed:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case HubSyncing:
		return theme.NewPrimaryThemedResource(theme.ViewRefreshIcon())
	}
	return theme.InfoIcon()
}

// errorText is the message under a field; hidden while there is nothing to say.
func errorText() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

func setError(l *widget.Label, msg string) {
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// link is an in-app link (a tool, a practice).
func link(text string, tapped func()) *widget.Hyperlink {
	h := widget.NewHyperlink(text, nil)
	h.OnTapped = tapped
	h.Wrapping = fyne.TextWrapWord
	return h
}

// placeholder fills an empty pane with a calm sentence saying what to do.
func placeholder(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Alignment = fyne.TextAlignCenter
	return container.NewVBox(layout.NewSpacer(), l, layout.NewSpacer())
}

// rows stacks its objects like a VBox, but sizes each one to the full width
// before measuring its height, so wrapped text never overlaps what follows.
type rows struct{}

func (rows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w = max(w, m.Width)
		h += m.Height
		n++
	}
	if n > 1 {
		h += theme.Padding() * float32(n-1)
	}
	return fyne.NewSize(w, h)
}

func (rows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var y float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
		h := o.MinSize().Height // measured again at this width
		o.Resize(fyne.NewSize(size.Width, h))
		o.Move(fyne.NewPos(0, y))
		y += h + theme.Padding()
	}
}

func newRows(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(rows{}, objs...)
}

// footerLayout puts its second object along the bottom and gives the first the
// rest of the height. The footer is measured at the full width, so that wrapped
// text in it gets the lines it needs.
type footerLayout struct{}

func (footerLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	c, f := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(c.Width, f.Width), c.Height+f.Height)
}

func (footerLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	center, footer := objs[0], objs[1]
	footer.Resize(fyne.NewSize(size.Width, footer.MinSize().Height))
	h := footer.MinSize().Height // measured again at this width
	footer.Resize(fyne.NewSize(size.Width, h))
	footer.Move(fyne.NewPos(0, size.Height-h))
	center.Resize(fyne.NewSize(size.Width, size.Height-h))
	center.Move(fyne.NewPos(0, 0))
}
