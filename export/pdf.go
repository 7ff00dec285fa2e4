package export

import (
	"context"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansbolditalic"
	"github.com/go-fonts/liberation/liberationsansitalic"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"vademecum/data"
)

// Page geometry of the booklet, in millimetres (A4).
const (
	pageW, pageH = 210.0, 297.0
	marginX      = 20.0
	marginTop    = 18.0
	marginBottom = 22.0
	bodyW        = pageW - 2*marginX
	// Liberation Sans (SIL Open Font License): Latin, Greek and Cyrillic with every
	// diacritic the six languages use; a plain zero and a short hyphen, for print
	// (the Go fonts slash their zeros and draw long hyphens).
	family         = "LiberationSans"
	factLabelWidth = 38.0
)

type rgb struct{ r, g, b int }

var (
	inkColor    = rgb{33, 37, 41}
	accentColor = rgb{31, 95, 107}
	mutedColor  = rgb{98, 108, 116}
	fillColor   = rgb{234, 242, 243}
	ruleColor   = rgb{196, 208, 212}
	white       = rgb{255, 255, 255}
)

// WritePDF writes an A4 booklet of the toolkit and the guides (and, with
// o.Practices, the shared practices) in o.Lang: a cover, the contents with page
// numbers, one section per category, the guides as numbered steps.
func WritePDF(ctx context.Context, s *data.Store, w io.Writer, o Options) error {
	c, err := loadContent(ctx, s, o)
	if err != nil {
		return err
	}
	// The contents show page numbers that are known only once the pages are laid
	// out, so the booklet is laid out twice: the second time with the numbers of
	// the first, which fit in the same space and so do not move anything.
	pr := &progress{fn: o.Progress, total: 2*c.items() + 1}
	var pages map[string]int
	var doc *fpdf.Fpdf
	for pass := 0; pass < 3; pass++ {
		b := newBooklet(c, pages, pr)
		if err := b.render(ctx); err != nil {
			return err
		}
		stable := pages != nil && maps.Equal(pages, b.seen)
		pages, doc = b.seen, b.pdf
		if stable {
			break
		}
	}
	if err := doc.Output(w); err != nil {
		return fmt.Errorf("cannot write the PDF: %w", err)
	}
	pr.finish()
	return nil
}

// booklet lays out one pass of the PDF.
type booklet struct {
	*content
	pdf     *fpdf.Fpdf
	pages   map[string]int // page of each entry, from the previous pass (nil on the first)
	seen    map[string]int // page of each entry in this pass
	links   map[string]int // internal link of each entry
	section string         // shown in the footer
	pr      *progress
}

func newBooklet(c *content, pages map[string]int, pr *progress) *booklet {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(family, "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes(family, "B", liberationsansbold.TTF)
	pdf.AddUTF8FontFromBytes(family, "I", liberationsansitalic.TTF)
	pdf.AddUTF8FontFromBytes(family, "BI", liberationsansbolditalic.TTF)
	pdf.SetMargins(marginX, marginTop, marginX)
	pdf.SetAutoPageBreak(true, marginBottom)
	pdf.SetTitle("Vademecum — "+c.label("subtitle"), true)
	pdf.SetSubject(c.label("subtitle"), true)
	pdf.SetCreator("Vademecum", true)
	pdf.SetLang(c.lang)
	pdf.SetCreationDate(c.created)
	pdf.SetModificationDate(c.created)
	b := &booklet{content: c, pdf: pdf, pages: pages, seen: map[string]int{}, links: map[string]int{}, pr: pr}
	pdf.SetFooterFunc(b.footer)
	return b
}

func (b *booklet) render(ctx context.Context) error {
	b.cover()
	b.contents()
	for _, sec := range b.sections {
		b.sectionStart("cat:"+sec.ID, sec.Name)
		for i, t := range sec.Tools {
			if err := ctx.Err(); err != nil {
				return err
			}
			if i > 0 {
				b.pdf.AddPage() // a tool to a sheet, to pin on a wall
			}
			b.tool(t)
			b.pr.step()
		}
	}
	if len(b.guides) > 0 {
		b.sectionStart("guides", b.label("guides"))
		for i, g := range b.guides {
			if err := ctx.Err(); err != nil {
				return err
			}
			if i > 0 {
				b.pdf.AddPage()
			}
			b.guide(g)
			b.pr.step()
		}
	}
	if len(b.practices) > 0 {
		b.sectionStart("practices", b.label("practices"))
		for i, p := range b.practices {
			if err := ctx.Err(); err != nil {
				return err
			}
			if i > 0 {
				b.separator()
			}
			b.practice(p)
			b.pr.step()
		}
	}
	if err := b.pdf.Error(); err != nil {
		return fmt.Errorf("cannot lay out the PDF: %w", err)
	}
	return nil
}

// Drawing helpers.

func (b *booklet) font(style string, size float64) { b.pdf.SetFont(family, style, size) }
func (b *booklet) text(c rgb)                      { b.pdf.SetTextColor(c.r, c.g, c.b) }
func (b *booklet) fill(c rgb)                      { b.pdf.SetFillColor(c.r, c.g, c.b) }
func (b *booklet) draw(c rgb)                      { b.pdf.SetDrawColor(c.r, c.g, c.b) }

// ensure starts a new page unless h millimetres are left on this one.
func (b *booklet) ensure(h float64) {
	if b.pdf.GetY()+h > pageH-marginBottom {
		b.pdf.AddPage()
	}
}

// mark records where an entry starts, for the contents and the links to it.
func (b *booklet) mark(key string) {
	b.seen[key] = b.pdf.PageNo()
	b.pdf.SetLink(b.link(key), b.pdf.GetY(), -1)
}

func (b *booklet) link(key string) int {
	l, ok := b.links[key]
	if !ok {
		l = b.pdf.AddLink()
		b.links[key] = l
	}
	return l
}

// multi writes a block of wrapping text across the body width from the left margin.
func (b *booklet) multi(style string, size, lh float64, c rgb, s string) {
	b.font(style, size)
	b.text(c)
	b.pdf.SetX(marginX)
	b.pdf.MultiCell(bodyW, lh, pdfText(s), "", "L", false)
}

// fit shortens s with an ellipsis until it is at most w wide in the current font.
func (b *booklet) fit(s string, w float64) string {
	s = pdfText(s)
	if b.pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && b.pdf.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}

func (b *booklet) footer() {
	if b.pdf.PageNo() == 1 {
		return
	}
	y := pageH - 14
	b.draw(ruleColor)
	b.pdf.SetLineWidth(0.2)
	b.pdf.Line(marginX, y, pageW-marginX, y)
	b.font("", 8)
	b.text(mutedColor)
	b.pdf.SetXY(marginX, y+1.5)
	b.pdf.CellFormat(bodyW-20, 5, b.fit("Vademecum · "+b.section, bodyW-22), "", 0, "L", false, 0, "")
	b.pdf.CellFormat(20, 5, strconv.Itoa(b.pdf.PageNo()), "", 0, "R", false, 0, "")
}

func (b *booklet) cover() {
	pdf := b.pdf
	pdf.AddPage()
	b.fill(accentColor)
	pdf.Rect(0, 0, pageW, 128, "F")
	b.text(white)
	b.font("B", 42)
	pdf.SetXY(marginX, 52)
	pdf.CellFormat(bodyW, 16, "Vademecum", "", 2, "L", false, 0, "")
	pdf.Ln(3)
	b.font("", 16)
	pdf.MultiCell(bodyW*0.8, 7.5, pdfText(b.label("subtitle")), "", "L", false)
	pdf.SetXY(marginX, 112)
	b.font("", 11)
	pdf.CellFormat(bodyW, 6, pdfText(b.label("language")), "", 0, "L", false, 0, "")

	// The numbers: tools, guides, practices.
	stats := []struct {
		n     int
		label string
	}{{len(b.tools), b.label("toolkit")}, {len(b.guides), b.label("guides")}}
	if len(b.practices) > 0 {
		stats = append(stats, struct {
			n     int
			label string
		}{len(b.practices), b.label("practices")})
	}
	colW := bodyW / 3
	for i, st := range stats {
		x := marginX + float64(i)*colW
		pdf.SetXY(x, 146)
		b.font("B", 30)
		b.text(accentColor)
		pdf.CellFormat(colW, 13, strconv.Itoa(st.n), "", 2, "L", false, 0, "")
		pdf.SetX(x)
		b.font("", 11)
		b.text(mutedColor)
		pdf.MultiCell(colW-4, 5, pdfText(st.label), "", "L", false)
	}

	// Categories at a glance.
	pdf.SetXY(marginX, 186)
	var names []string
	for _, sec := range b.sections {
		names = append(names, sec.Name)
	}
	// Lines break only after a dot: no-break spaces inside names and before dots.
	for i, n := range names {
		names[i] = strings.ReplaceAll(n, " ", "\u00a0")
	}
	b.multi("", 10.5, 5.6, inkColor, strings.Join(names, "\u00a0· "))

	pdf.SetY(242)
	notes := []string{b.label("digcomp_note")}
	if b.fallback {
		notes = append(notes, b.label("fallback_note"))
	}
	notes = append(notes, b.label("exported")+" "+b.created.Format("2006-01-02"))
	for _, n := range notes {
		b.multi("", 9, 4.6, mutedColor, n)
		pdf.Ln(1.5)
	}
}

func (b *booklet) contents() {
	pdf := b.pdf
	pdf.AddPage()
	b.section = b.label("contents")
	b.font("B", 22)
	b.text(accentColor)
	pdf.CellFormat(bodyW, 12, pdfText(b.label("contents")), "", 2, "L", false, 0, "")
	pdf.Ln(4)
	for _, sec := range b.sections {
		b.entry(0, "cat:"+sec.ID, sec.Name)
		for _, t := range sec.Tools {
			b.entry(1, "tool:"+t.ID, b.name(t))
		}
	}
	if len(b.guides) > 0 {
		b.entry(0, "guides", b.label("guides"))
		for _, g := range b.guides {
			b.entry(1, "guide:"+g.ID, b.in(g.Title))
		}
	}
	if len(b.practices) > 0 {
		b.entry(0, "practices", b.label("practices"))
		for _, p := range b.practices {
			b.entry(1, "practice:"+p.ID, p.Title)
		}
	}
}

// entry is one line of the contents: title, dotted leader, page number, all a link.
func (b *booklet) entry(level int, key, title string) {
	pdf := b.pdf
	h, indent, numW := 6.4, 0.0, 12.0
	if level == 0 {
		if b.pdf.GetY() > marginTop+20 {
			pdf.Ln(1.8)
		}
		b.ensure(h * 2) // a category heading does not stay alone at the bottom
		b.font("B", 11)
		b.text(accentColor)
	} else {
		h, indent = 5.4, 7
		b.ensure(h)
		b.font("", 10)
		b.text(inkColor)
	}
	y := pdf.GetY()
	x := marginX + indent
	title = b.fit(oneLine(title), bodyW-indent-numW-8)
	tw := pdf.GetStringWidth(title) + 2
	pdf.SetXY(x, y)
	pdf.CellFormat(tw, h, title, "", 0, "L", false, 0, "")
	b.draw(ruleColor)
	pdf.SetLineWidth(0.35)
	pdf.SetDashPattern([]float64{0.35, 1.3}, 0)
	pdf.Line(x+tw+1, y+h*0.72, pageW-marginX-numW, y+h*0.72)
	pdf.SetDashPattern(nil, 0)
	num := ""
	if p, ok := b.pages[key]; ok {
		num = strconv.Itoa(p)
	}
	pdf.SetXY(pageW-marginX-numW, y)
	pdf.CellFormat(numW, h, num, "", 0, "R", false, 0, "")
	pdf.Link(marginX, y, bodyW, h, b.link(key))
	pdf.SetXY(marginX, y+h)
}

// sectionStart opens a section on a new page, under a coloured band.
func (b *booklet) sectionStart(key, title string) {
	pdf := b.pdf
	pdf.AddPage()
	b.section = title
	b.font("B", 17)
	pdf.Bookmark(title, 0, -1)
	b.mark(key)
	b.fill(accentColor)
	pdf.Rect(0, marginTop-4, pageW, 15, "F")
	b.text(white)
	pdf.SetXY(marginX, marginTop-4)
	pdf.CellFormat(bodyW, 15, pdfText(title), "", 0, "L", false, 0, "")
	pdf.SetXY(marginX, marginTop+17)
}

// separator is a rule between practices, or a new page when the next one would
// start too low.
func (b *booklet) separator() {
	b.pdf.Ln(3)
	if b.pdf.GetY()+60 > pageH-marginBottom {
		b.pdf.AddPage()
		return
	}
	y := b.pdf.GetY()
	b.draw(ruleColor)
	b.pdf.SetLineWidth(0.3)
	b.pdf.Line(marginX, y, pageW-marginX, y)
	b.pdf.Ln(6)
}

// entryTitle starts a tool, guide or practice: kept with a few lines of its text.
func (b *booklet) entryTitle(key, title string) {
	b.ensure(45)
	b.font("B", 15)
	b.pdf.Bookmark(title, 1, -1)
	b.mark(key)
	b.multi("B", 15, 7, accentColor, title)
	b.pdf.Ln(0.5)
}

// heading is a small heading inside an entry, noting text given in English.
func (b *booklet) heading(title string, english bool) {
	pdf := b.pdf
	pdf.Ln(2.5)
	b.ensure(14)
	pdf.SetX(marginX)
	b.font("B", 10.5)
	b.text(accentColor)
	pdf.Write(5.5, pdfText(title))
	if english {
		b.font("I", 9)
		b.text(mutedColor)
		pdf.Write(5.5, pdfText("  ("+b.label("in_english")+")"))
	}
	pdf.Ln(6.5)
}

// markdown renders paragraphs, bullets and numbered steps.
func (b *booklet) markdown(text string) {
	const size, lh = 10.0, 5.0
	pdf := b.pdf
	for _, bl := range parseMarkdown(text) {
		b.text(inkColor)
		switch bl.Kind {
		case paragraph, heading:
			pdf.SetX(marginX)
			b.spans(bl.Spans, size, lh, bl.Kind == heading)
			pdf.Ln(lh + 1.6)
		case bullet, numbered:
			b.ensure(lh)
			y := pdf.GetY()
			indent, marker := 5.0, "•"
			b.font("", size)
			if bl.Kind == numbered {
				indent, marker = 7.5, bl.Num
				b.font("B", size)
				b.text(accentColor)
			}
			pdf.SetXY(marginX+1, y)
			pdf.CellFormat(indent, lh, marker, "", 0, "L", false, 0, "")
			b.text(inkColor)
			pdf.SetLeftMargin(marginX + 1 + indent)
			pdf.SetXY(marginX+1+indent, y)
			b.spans(bl.Spans, size, lh, false)
			pdf.SetLeftMargin(marginX)
			pdf.Ln(lh + 1.2)
		}
	}
}

func (b *booklet) spans(ss []span, size, lh float64, bold bool) {
	for _, sp := range ss {
		if sp.Bold || bold {
			b.font("B", size)
		} else {
			b.font("", size)
		}
		b.write(lh, pdfText(sp.Text))
	}
}

// write is fpdf's Write fed a few words at a time: Write converts its whole text
// to runes for every character, which grows with the square of a paragraph.
func (b *booklet) write(lh float64, s string) {
	const piece = 24
	for len(s) > piece {
		cut := strings.IndexByte(s[piece:], ' ')
		if cut < 0 {
			break
		}
		cut += piece + 1
		b.pdf.Write(lh, s[:cut])
		s = s[cut:]
	}
	b.pdf.Write(lh, s)
}

// linkedNames writes "Label: A, B, C" with each tool linking to its entry.
func (b *booklet) linkedNames(title string, ids []string) {
	if len(ids) == 0 {
		return
	}
	pdf := b.pdf
	pdf.Ln(1.5)
	b.ensure(6)
	pdf.SetX(marginX)
	b.font("B", 9.5)
	b.text(mutedColor)
	pdf.Write(5, pdfText(title+": "))
	b.font("", 9.5)
	for i, id := range ids {
		if i > 0 {
			b.text(inkColor)
			pdf.Write(5, ", ")
		}
		b.text(accentColor)
		if _, ok := b.tools[id]; ok {
			pdf.WriteLinkID(5, pdfText(b.toolName(id)), b.link("tool:"+id))
		} else {
			pdf.Write(5, pdfText(id))
		}
	}
	pdf.Ln(6)
}

func (b *booklet) factsBox(fs []fact) {
	pdf := b.pdf
	const lh, pad = 5.2, 1.6
	valueW := bodyW - factLabelWidth
	b.fill(fillColor)
	b.ensure(2*pad + float64(len(fs))*lh)
	pdf.Ln(1)
	pdf.Rect(marginX, pdf.GetY(), bodyW, pad, "F")
	pdf.Ln(pad)
	for _, f := range fs {
		b.font("", 9.5)
		value := pdfText(f.Value)
		h := lh * float64(max(1, len(pdf.SplitText(value, valueW))))
		b.ensure(h)
		y := pdf.GetY()
		pdf.Rect(marginX, y, bodyW, h, "F")
		pdf.SetXY(marginX, y)
		b.font("B", 9)
		b.text(mutedColor)
		pdf.CellFormat(factLabelWidth, lh, pdfText(f.Label), "", 0, "L", false, 0, "")
		b.font("", 9.5)
		b.text(inkColor)
		if f.Link != "" {
			b.text(accentColor)
			pdf.LinkString(marginX+factLabelWidth, y, min(valueW, pdf.GetStringWidth(value)+2), lh, f.Link)
		}
		pdf.SetXY(marginX+factLabelWidth, y)
		pdf.MultiCell(valueW, lh, value, "", "L", false)
	}
	pdf.Rect(marginX, pdf.GetY(), bodyW, pad, "F")
	pdf.Ln(pad)
}

func (b *booklet) competences(codes []string) {
	if len(codes) == 0 {
		return
	}
	pdf := b.pdf
	b.heading(b.label("competences"), false)
	for _, code := range codes {
		b.ensure(5)
		y := pdf.GetY()
		pdf.SetXY(marginX+1, y)
		b.font("B", 9.5)
		b.text(accentColor)
		pdf.CellFormat(9, 5, code, "", 0, "L", false, 0, "")
		b.font("", 9.5)
		b.text(inkColor)
		name := code
		if comp, ok := b.kit.DigComp.Competence(code); ok {
			name = b.in(comp.Name)
		}
		pdf.MultiCell(bodyW-10, 5, pdfText(name), "", "L", false)
	}
}

func (b *booklet) tool(t *data.Tool) {
	b.entryTitle("tool:"+t.ID, b.name(t))
	if s := b.in(t.Summary); s != "" {
		b.multi("I", 10.5, 5.3, inkColor, s)
		b.pdf.Ln(1.5)
	}
	b.factsBox(b.facts(t))
	b.competences(t.Competences)
	if s, en := b.inMarked(t.Description); s != "" {
		b.pdf.Ln(2)
		if en {
			b.heading(b.label("description"), true)
		}
		b.markdown(s)
	}
	if s, en := b.inMarked(t.UseCases); s != "" {
		b.heading(b.label("use_cases"), en)
		b.markdown(s)
	}
	if s, en := b.inMarked(t.DataProtection); s != "" {
		b.heading(b.label("data_protection"), en)
		b.markdown(s)
	}
	b.linkedNames(b.label("alternatives"), t.Alternatives)
}

func (b *booklet) guide(g *data.Guide) {
	b.entryTitle("guide:"+g.ID, b.in(g.Title))
	if s := b.in(g.Summary); s != "" {
		b.multi("I", 10.5, 5.3, inkColor, s)
		b.pdf.Ln(1.5)
	}
	if g.Level != "" {
		b.factsBox([]fact{{Label: b.label("level"), Value: b.level(g.Level)}})
	}
	b.linkedNames(b.label("tools_used"), g.Tools)
	b.competences(g.Competences)
	if s, en := b.inMarked(g.Steps); s != "" {
		b.heading(b.label("steps"), en)
		b.markdown(s)
	}
}

func (b *booklet) practice(p *data.Practice) {
	b.entryTitle("practice:"+p.ID, p.Title)
	b.multi("", 9, 4.6, mutedColor, b.practiceByline(p))
	for _, f := range b.practiceFields(p) {
		b.heading(f.Label, false)
		b.markdown(f.Text)
	}
	b.linkedNames(b.label("tools_used"), p.Tools)
	if len(p.Tags) > 0 {
		b.pdf.Ln(1)
		b.multi("", 9, 4.6, mutedColor, b.label("tags")+": "+strings.Join(p.Tags, ", "))
	}
}

// The embedded fonts draw Latin (with every diacritic of the six languages),
// Greek and Cyrillic. Other characters (emoji, scripts they lack) would show as
// empty boxes, so pdfText drops symbols and marks the rest with "?".
var (
	glyphsOnce sync.Once
	glyphs     []bool // for each rune of the Basic Multilingual Plane: all four fonts draw it
)

func loadGlyphs() {
	glyphs = make([]bool, 0x10000)
	var fonts []*sfnt.Font
	for _, ttf := range [][]byte{liberationsansregular.TTF, liberationsansbold.TTF, liberationsansitalic.TTF, liberationsansbolditalic.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			return // cannot happen with the fonts built into the program
		}
		fonts = append(fonts, f)
	}
	var buf sfnt.Buffer
	for r := range glyphs {
		ok := true
		for _, f := range fonts {
			if i, err := f.GlyphIndex(&buf, rune(r)); err != nil || i == 0 {
				ok = false
				break
			}
		}
		glyphs[r] = ok
	}
}

// pdfText keeps what the booklet's fonts can draw.
func pdfText(s string) string {
	glyphsOnce.Do(loadGlyphs)
	clean := true
	for _, r := range s {
		if r != '\n' && (r >= 0x10000 || !glyphs[r]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var bl strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || (r < 0x10000 && glyphs[r]):
			bl.WriteRune(r)
		case r == '\t':
			bl.WriteByte(' ')
		case unicode.IsControl(r), unicode.Is(unicode.So, r), unicode.Is(unicode.Sk, r), unicode.Is(unicode.Mn, r),
			unicode.Is(unicode.Cf, r), r >= 0xFE00 && r <= 0xFE0F:
			// emoji, their modifiers and joiners, invisible format characters
		default:
			bl.WriteByte('?')
		}
	}
	return bl.String()
}
