package app

import (
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
	"vademecum/data/privacy"
)

// privacyCheckDelay is how long the guard waits after the last key before it
// scans a text that is about to be shared.
const privacyCheckDelay = 400 * time.Millisecond

// kindName says in words what kind of personal data a finding is.
func kindName(kind string) string {
	switch kind {
	case privacy.KindEmail:
		return lang.X("privacy.kind.email", "E-mail address")
	case privacy.KindPhone:
		return lang.X("privacy.kind.phone", "Phone number")
	case privacy.KindIBAN:
		return lang.X("privacy.kind.iban", "Bank account number (IBAN)")
	case privacy.KindITCF:
		return lang.X("privacy.kind.it_cf", "Italian tax code (codice fiscale)")
	case privacy.KindESDNI:
		return lang.X("privacy.kind.es_dni", "Spanish identity number (DNI)")
	case privacy.KindESNIE:
		return lang.X("privacy.kind.es_nie", "Spanish foreigner's number (NIE)")
	case privacy.KindPESEL:
		return lang.X("privacy.kind.pl_pesel", "Polish identity number (PESEL)")
	case privacy.KindCZRC:
		return lang.X("privacy.kind.cz_rc", "Czech birth number (rodné číslo)")
	case privacy.KindBENN:
		return lang.X("privacy.kind.be_nn", "Belgian national register number")
	}
	return kind
}

// notPersonalLabel is the button that keeps a finding as written, with an
// example of when that is right for its kind.
func notPersonalLabel(kind string) string {
	switch kind {
	case privacy.KindPhone:
		return lang.X("privacy.not_personal.phone", "Not personal (e.g. a helpline)")
	case privacy.KindEmail:
		return lang.X("privacy.not_personal.email", "Not personal (e.g. an office address)")
	case privacy.KindIBAN:
		return lang.X("privacy.not_personal.iban", "Not personal (e.g. the service's account)")
	}
	return lang.X("privacy.not_personal", "Not personal")
}

// replaceLabel is the button that puts a placeholder where the finding was.
func replaceLabel(kind string) string {
	return lang.X("privacy.replace", "Replace with {{.Placeholder}}", map[string]any{"Placeholder": pseudonym(kind)})
}

// pseudonym is what stands in the text where personal data was, in the
// interface language ("[telefono]").
func pseudonym(kind string) string {
	switch {
	case kind == privacy.KindEmail:
		return lang.X("privacy.placeholder.email", "[email]")
	case kind == privacy.KindPhone:
		return lang.X("privacy.placeholder.phone", "[phone]")
	case kind == privacy.KindIBAN:
		return lang.X("privacy.placeholder.iban", "[iban]")
	case privacy.IsID(kind):
		return lang.X("privacy.placeholder.id", "[id]")
	}
	return lang.X("privacy.placeholder.other", "[removed]")
}

// redact puts a placeholder in place of every finding of text not listed in
// cleared, in the interface language.
func redact(text string, cleared []string) string {
	return privacy.RedactWith(text, cleared, pseudonym)
}

// addCleared returns cleared with the finding's key, once.
func addCleared(cleared []string, f data.Finding) []string {
	if slices.Contains(cleared, f.Key()) {
		return cleared
	}
	return append(cleared, f.Key())
}

// replaceFinding returns text with the finding replaced by its placeholder. The
// finding's offsets are used when they still point at its text; otherwise (the
// text moved since the scan) its first occurrence is replaced.
func replaceFinding(text string, f data.Finding) (string, bool) {
	ph := pseudonym(f.Kind)
	if f.Start >= 0 && f.End <= len(text) && f.Start < f.End && text[f.Start:f.End] == f.Text {
		return text[:f.Start] + ph + text[f.End:], true
	}
	if i := strings.Index(text, f.Text); i >= 0 && f.Text != "" {
		return text[:i] + ph + text[i+len(f.Text):], true
	}
	return text, false
}

// privacyBox shows, next to a text field, the personal data found in it, each
// finding with its two ways out: a placeholder, or "not personal". It is hidden
// while there is nothing to handle.
type privacyBox struct {
	rows    *fyne.Container
	content *attention
}

func newPrivacyBox() *privacyBox {
	b := &privacyBox{rows: newRows()}
	b.content = newAttention(b.rows)
	b.content.Hide()
	return b
}

// removeTagLabel is the button that drops a tag holding personal data (a
// placeholder is no tag).
func removeTagLabel() string {
	return lang.X("privacy.remove_tag", "Remove this tag")
}

// removeTag returns the tags, as the editor shows them, without those holding
// the finding's text.
func removeTag(tags string, f data.Finding) (string, bool) {
	var kept []string
	removed := false
	for _, t := range splitTags(tags) {
		if f.Text != "" && strings.Contains(t, f.Text) {
			removed = true
			continue
		}
		kept = append(kept, t)
	}
	return data.JoinList(kept), removed
}

// set shows findings; replace and notPersonal run when a button is tapped.
func (b *privacyBox) set(fs []data.Finding, replace, notPersonal func(data.Finding)) {
	if len(fs) == 0 {
		b.rows.Objects = nil
		b.content.Hide()
		return
	}
	objs := []fyne.CanvasObject{}
	for _, f := range fs {
		what := widget.NewLabel(lang.X("privacy.finding", "{{.Kind}}: “{{.Text}}”", map[string]any{"Kind": kindName(f.Kind), "Text": f.Text}))
		what.Wrapping = fyne.TextWrapWord
		what.TextStyle.Bold = true
		label := replaceLabel(f.Kind)
		if f.Field == "tags" {
			label = removeTagLabel()
		}
		rep := widget.NewButtonWithIcon(label, theme.VisibilityOffIcon(), func() { replace(f) })
		keep := widget.NewButtonWithIcon(notPersonalLabel(f.Kind), theme.ConfirmIcon(), func() { notPersonal(f) })
		objs = append(objs, container.NewBorder(nil, nil, widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())), nil, what),
			container.NewHBox(rep, keep))
	}
	b.rows.Objects = objs
	b.rows.Refresh()
	b.content.Show()
	b.content.Refresh()
}

// attention is a box in the theme's warning colour around its content, so that
// what needs attention stands out in a long form.
type attention struct {
	widget.BaseWidget
	content fyne.CanvasObject
}

func newAttention(content fyne.CanvasObject) *attention {
	h := &attention{content: content}
	h.ExtendBaseWidget(h)
	return h
}

func (h *attention) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Transparent)
	pad := container.NewPadded(h.content)
	r := &attentionRenderer{h: h, bg: bg, pad: pad}
	r.Refresh()
	return r
}

type attentionRenderer struct {
	h   *attention
	bg  *canvas.Rectangle
	pad *fyne.Container
}

func (r *attentionRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	r.pad.Resize(s)
}

func (r *attentionRenderer) MinSize() fyne.Size { return r.pad.MinSize() }

func (r *attentionRenderer) Refresh() {
	w := theme.ColorForWidget(theme.ColorNameWarning, r.h)
	cr, cg, cb, _ := w.RGBA()
	r.bg.FillColor = color.NRGBA{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), 0x26}
	r.bg.StrokeColor = w
	r.bg.StrokeWidth = 1
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.bg.Refresh()
	r.pad.Refresh()
}

func (r *attentionRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.pad} }

func (r *attentionRenderer) Destroy() {}
