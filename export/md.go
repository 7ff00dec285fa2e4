package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"vademecum/data"
)

// WriteMarkdown writes the toolkit and the guides (and, with o.Practices, the
// shared practices) in o.Lang as one Markdown file, for a wiki or a document.
func WriteMarkdown(ctx context.Context, s *data.Store, w io.Writer, o Options) error {
	c, err := loadContent(ctx, s, o)
	if err != nil {
		return err
	}
	pr := &progress{fn: o.Progress, total: c.items() + 1}
	bw := bufio.NewWriter(w)
	m := &mdWriter{content: c, w: bw}
	m.printf("# Vademecum\n\n**%s**\n\n", c.label("subtitle"))
	m.printf("%s · %s %s\n\n", c.label("language"), c.label("exported"), c.created.Format("2006-01-02"))
	m.printf("%s", c.label("digcomp_note"))
	if c.fallback {
		m.printf(" %s", c.label("fallback_note"))
	}
	m.printf("\n\n")
	for _, sec := range c.sections {
		m.printf("## %s\n\n", oneLine(sec.Name))
		for _, t := range sec.Tools {
			if err := ctx.Err(); err != nil {
				return err
			}
			m.tool(t)
			pr.step()
		}
	}
	if len(c.guides) > 0 {
		m.printf("## %s\n\n", c.label("guides"))
		for _, g := range c.guides {
			if err := ctx.Err(); err != nil {
				return err
			}
			m.guide(g)
			pr.step()
		}
	}
	if len(c.practices) > 0 {
		m.printf("## %s\n\n", c.label("practices"))
		for _, p := range c.practices {
			if err := ctx.Err(); err != nil {
				return err
			}
			m.practice(p)
			pr.step()
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	pr.finish()
	return nil
}

type mdWriter struct {
	*content
	w *bufio.Writer
}

func (m *mdWriter) printf(format string, a ...any) { fmt.Fprintf(m.w, format, a...) }

// oneLine keeps a title on one line, so that it stays a heading.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// markdown writes text back as the simple Markdown the exports understand, so
// that a heading or stray markup in a note cannot break the file's structure.
func (m *mdWriter) markdown(text string) {
	var prev blockKind = -1
	for _, bl := range parseMarkdown(text) {
		var b strings.Builder
		for _, sp := range bl.Spans {
			if sp.Bold || bl.Kind == heading {
				b.WriteString("**" + strings.TrimSpace(sp.Text) + "**")
				if strings.HasSuffix(sp.Text, " ") {
					b.WriteByte(' ')
				}
			} else {
				b.WriteString(sp.Text)
			}
		}
		if prev != -1 && !(bl.Kind == prev && (bl.Kind == bullet || bl.Kind == numbered)) {
			m.printf("\n") // a blank line, except between items of one list
		}
		prev = bl.Kind
		switch bl.Kind {
		case bullet:
			m.printf("- %s\n", b.String())
		case numbered:
			m.printf("%s %s\n", bl.Num, b.String())
		default:
			m.printf("%s\n", b.String())
		}
	}
	m.printf("\n")
}

func (m *mdWriter) heading(title string, english bool) {
	if english {
		title += " (" + m.label("in_english") + ")"
	}
	m.printf("#### %s\n\n", oneLine(title))
}

func (m *mdWriter) tool(t *data.Tool) {
	m.printf("### %s\n\n", oneLine(m.name(t)))
	if s := m.in(t.Summary); s != "" {
		m.printf("> %s\n\n", oneLine(plain(s)))
	}
	for _, f := range m.facts(t) {
		v := f.Value
		if f.Link != "" {
			v = "<" + f.Link + ">"
		}
		m.printf("- **%s:** %s\n", f.Label, v)
	}
	if len(t.Competences) > 0 {
		names := make([]string, len(t.Competences))
		for i, code := range t.Competences {
			names[i] = m.competence(code)
		}
		m.printf("- **%s:** %s\n", m.label("competences"), strings.Join(names, "; "))
	}
	if len(t.Alternatives) > 0 {
		m.printf("- **%s:** %s\n", m.label("alternatives"), strings.Join(m.toolNames(t.Alternatives), ", "))
	}
	m.printf("\n")
	if s, en := m.inMarked(t.Description); s != "" {
		if en {
			m.heading(m.label("description"), true)
		}
		m.markdown(s)
	}
	if s, en := m.inMarked(t.UseCases); s != "" {
		m.heading(m.label("use_cases"), en)
		m.markdown(s)
	}
	if s, en := m.inMarked(t.DataProtection); s != "" {
		m.heading(m.label("data_protection"), en)
		m.markdown(s)
	}
}

func (m *mdWriter) guide(g *data.Guide) {
	m.printf("### %s\n\n", oneLine(m.in(g.Title)))
	if s := m.in(g.Summary); s != "" {
		m.printf("> %s\n\n", oneLine(plain(s)))
	}
	if g.Level != "" {
		m.printf("- **%s:** %s\n", m.label("level"), m.level(g.Level))
	}
	if len(g.Tools) > 0 {
		m.printf("- **%s:** %s\n", m.label("tools_used"), strings.Join(m.toolNames(g.Tools), ", "))
	}
	if len(g.Competences) > 0 {
		names := make([]string, len(g.Competences))
		for i, code := range g.Competences {
			names[i] = m.competence(code)
		}
		m.printf("- **%s:** %s\n", m.label("competences"), strings.Join(names, "; "))
	}
	m.printf("\n")
	if s, en := m.inMarked(g.Steps); s != "" {
		m.heading(m.label("steps"), en)
		m.markdown(s)
	}
}

func (m *mdWriter) practice(p *data.Practice) {
	m.printf("### %s\n\n*%s*\n\n", oneLine(p.Title), m.practiceByline(p))
	for _, f := range m.practiceFields(p) {
		m.heading(f.Label, false)
		m.markdown(f.Text)
	}
	if len(p.Tools) > 0 {
		m.printf("- **%s:** %s\n", m.label("tools_used"), strings.Join(m.toolNames(p.Tools), ", "))
	}
	if len(p.Tags) > 0 {
		m.printf("- **%s:** %s\n", m.label("tags"), strings.Join(p.Tags, ", "))
	}
	m.printf("\n")
}
