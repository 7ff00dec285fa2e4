package app

import (
	"strings"

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
	onDown   func() // a one-line field: Down moves on (the search box to its results)
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
	switch {
	case k.Name == fyne.KeyEscape && e.onEscape != nil:
		e.onEscape()
	case k.Name == fyne.KeyDown && e.onDown != nil && !e.MultiLine:
		e.onDown()
	case k.Name == fyne.KeyF10:
		toggleMenu(fyne.CurrentApp().Driver().CanvasForObject(e))
	default:
		e.Entry.TypedKey(k)
	}
}

// toggleMenu opens or closes the window's menu bar (F10), where the driver draws
// it inside the window (Linux, Windows); Alt does the same in Fyne itself.
func toggleMenu(c fyne.Canvas) {
	if m, ok := c.(interface{ ToggleMenu() }); ok {
		m.ToggleMenu()
	}
}

// resultList is a list where Enter opens the item with the focus, as Space does.
type resultList struct {
	widget.List
}

func newResultList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *resultList {
	l := &resultList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey opens the item with the focus on Enter.
func (l *resultList) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
		k = &fyne.KeyEvent{Name: fyne.KeySpace}
	}
	l.List.TypedKey(k)
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
func remoteRow(r Remote) fyne.CanvasObject {
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

// flow lays its objects out in lines, left to right at their minimum widths, and
// starts a new line when one is full: a row of filters that fits a wide window on
// one line takes two on a netbook or with large text, instead of being cut off.
// With fill, the objects of each line share out the width left over.
type flow struct {
	fill   bool
	width  float32 // the width of the last layout: MinSize answers for it
	lines  int
	reflow func() // called when the number of lines changed, to lay the screen out again
}

func newFlow(fill bool, objs ...fyne.CanvasObject) *fyne.Container {
	f := &flow{fill: fill}
	c := container.New(f, objs...)
	f.reflow = c.Refresh
	return c
}

// split cuts objs into lines no wider than width.
func (f *flow) split(objs []fyne.CanvasObject, width float32) [][]fyne.CanvasObject {
	var out [][]fyne.CanvasObject
	var line []fyne.CanvasObject
	var used float32
	pad := theme.Padding()
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		w := o.MinSize().Width
		if len(line) > 0 && used+pad+w > width {
			out = append(out, line)
			line, used = nil, 0
		}
		if len(line) > 0 {
			used += pad
		}
		line = append(line, o)
		used += w
	}
	if len(line) > 0 {
		out = append(out, line)
	}
	return out
}

func lineHeight(line []fyne.CanvasObject) float32 {
	var h float32
	for _, o := range line {
		h = max(h, o.MinSize().Height)
	}
	return h
}

func (f *flow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	width := f.width
	if width <= 0 {
		width = 1 << 20 // not laid out yet: one line
	}
	var w, h float32
	for _, o := range objs {
		if o.Visible() {
			w = max(w, o.MinSize().Width)
		}
	}
	lines := f.split(objs, width)
	for _, l := range lines {
		h += lineHeight(l)
	}
	if len(lines) > 1 {
		h += theme.Padding() * float32(len(lines)-1)
	}
	return fyne.NewSize(w, h)
}

func (f *flow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	lines := f.split(objs, size.Width)
	pad := theme.Padding()
	var y float32
	for _, l := range lines {
		h := lineHeight(l)
		var used float32
		for _, o := range l {
			used += o.MinSize().Width
		}
		used += pad * float32(len(l)-1)
		extra := float32(0)
		if f.fill {
			extra = max(0, size.Width-used) / float32(len(l))
		}
		var x float32
		for _, o := range l {
			w := o.MinSize().Width + extra
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(w, h))
			x += w + pad
		}
		y += h + pad
	}
	if len(lines) != f.lines {
		f.lines = len(lines)
		if f.reflow != nil {
			f.reflow()
		}
	}
}

// keyButton is a button that Enter presses too (Fyne's answers only to Space),
// and that hands Esc to the window like entry does.
type keyButton struct {
	widget.Button
	onEscape func()
}

func newKeyButton(u *UI, label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{onEscape: u.escape}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter and closes the editor or dialog on Esc.
func (b *keyButton) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyEscape:
		if b.onEscape != nil {
			b.onEscape()
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
	default:
		b.Button.TypedKey(k)
	}
}

// choices is a set of radio choices made of buttons: a click does not take the
// keyboard focus (Fyne's radio items do, and then swallow Esc), Tab reaches each
// one, and Space or Enter chooses it.
type choices struct {
	content   *fyne.Container // what to put on screen
	Options   []string
	Selected  string
	OnChanged func(string)
	buttons   []*keyButton
}

func newChoices(u *UI, options []string, changed func(string)) *choices {
	c := &choices{Options: options, OnChanged: changed}
	var objs []fyne.CanvasObject
	for _, o := range options {
		b := newKeyButton(u, o, theme.RadioButtonIcon(), func() { c.SetSelected(o) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		c.buttons = append(c.buttons, b)
		objs = append(objs, b)
	}
	c.content = container.NewVBox(objs...)
	return c
}

// SetSelected chooses an option, and calls OnChanged when it is a change.
func (c *choices) SetSelected(option string) {
	if option == c.Selected {
		return
	}
	c.Selected = option
	for i, b := range c.buttons {
		if c.Options[i] == option {
			b.SetIcon(theme.RadioButtonCheckedIcon())
		} else {
			b.SetIcon(theme.RadioButtonIcon())
		}
	}
	if c.OnChanged != nil {
		c.OnChanged(option)
	}
}

// wheelTo lies over a multi-line field and hands the mouse wheel to the page
// around it: Fyne gives the wheel to the field's own scroller, so a long form
// would stop scrolling whenever the pointer crossed a text box. Clicks, typing
// and selection go to the field below, which this does not take.
type wheelTo struct {
	widget.BaseWidget
	target func() fyne.Scrollable
}

// overWheel puts field under a layer that scrolls target with the wheel.
func overWheel(field fyne.CanvasObject, target func() fyne.Scrollable) fyne.CanvasObject {
	w := &wheelTo{target: target}
	w.ExtendBaseWidget(w)
	return container.NewStack(field, w)
}

// Scrolled scrolls the page.
func (w *wheelTo) Scrolled(ev *fyne.ScrollEvent) {
	if t := w.target(); t != nil {
		t.Scrolled(ev)
	}
}

func (w *wheelTo) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(layout.NewSpacer())
}

// linesHigh holds one wrapping label at the height of a number of lines of
// its text, whatever the text size: the rows of a tree are as high as its
// template, so a long competence name is read whole in a narrow pane (a
// netbook's) instead of cut at its edge.
type linesHigh struct {
	probe   *widget.Label // as many empty lines: the row's height
	wrapped *widget.Label // the label's text wrapped without truncation: its height
}

func newLinesHigh(l *widget.Label, lines int) *fyne.Container {
	probe := widget.NewLabel(strings.Repeat("\n", lines-1))
	probe.TextStyle = l.TextStyle
	wrapped := widget.NewLabel("")
	wrapped.Wrapping, wrapped.TextStyle = fyne.TextWrapWord, l.TextStyle
	return container.New(&linesHigh{probe: probe, wrapped: wrapped}, l)
}

func (t *linesHigh) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return t.probe.MinSize()
}

// Layout centres the label's lines in the row.
func (t *linesHigh) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		h := size.Height
		if l, ok := o.(*widget.Label); ok {
			// The label itself truncates, so its own MinSize is one line.
			t.wrapped.Text = l.Text
			t.wrapped.Resize(fyne.NewSize(size.Width, 0))
			t.wrapped.Refresh()
			h = fyne.Min(t.wrapped.MinSize().Height, size.Height)
		}
		o.Resize(fyne.NewSize(size.Width, h))
		o.Move(fyne.NewPos(0, (size.Height-h)/2))
	}
}
