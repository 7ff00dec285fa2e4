package export

import (
	"regexp"
	"strings"
)

// The toolkit's and the journal's texts are simple Markdown: paragraphs, "- "
// bullets, "1. " numbered steps and **bold**. Exports render just that; anything
// else shows as the plain text it is.

type blockKind int

const (
	paragraph blockKind = iota
	bullet
	numbered
	heading
)

// block is a paragraph, a list item or a heading line.
type block struct {
	Kind  blockKind
	Num   string // "3." for a numbered item
	Spans []span
}

// span is a run of text, bold or not.
type span struct {
	Text string
	Bold bool
}

var (
	bulletRe   = regexp.MustCompile(`^\s*[-*•]\s+`)
	numberRe   = regexp.MustCompile(`^\s*(\d{1,3})[.)]\s+`)
	headingRe  = regexp.MustCompile(`^\s{0,3}#{1,6}\s+`)
	controlsRe = regexp.MustCompile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
)

// parseMarkdown splits text into blocks.
func parseMarkdown(text string) []block {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\t", " ")
	text = controlsRe.ReplaceAllString(text, "")
	var out []block
	var cur *block
	var buf []string
	flush := func() {
		if cur != nil {
			cur.Spans = spans(strings.Join(buf, " "))
			if len(cur.Spans) > 0 {
				out = append(out, *cur)
			}
		}
		cur, buf = nil, nil
	}
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case headingRe.MatchString(line):
			flush()
			cur = &block{Kind: heading}
			buf = []string{strings.TrimSpace(strings.TrimRight(headingRe.ReplaceAllString(line, ""), "# "))}
			flush()
		case bulletRe.MatchString(line):
			flush()
			cur = &block{Kind: bullet}
			buf = []string{strings.TrimSpace(bulletRe.ReplaceAllString(line, ""))}
		case numberRe.MatchString(line):
			flush()
			m := numberRe.FindStringSubmatch(line)
			cur = &block{Kind: numbered, Num: m[1] + "."}
			buf = []string{strings.TrimSpace(line[len(m[0]):])}
		default:
			if cur == nil {
				cur = &block{Kind: paragraph}
			}
			buf = append(buf, strings.TrimSpace(line))
		}
	}
	flush()
	return out
}

// spans splits a line at its **bold** markers; unbalanced markers are dropped.
func spans(s string) []span {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	parts := strings.Split(s, "**")
	if len(parts)%2 == 0 {
		return []span{{Text: strings.Join(parts, "")}}
	}
	var out []span
	for i, p := range parts {
		if p != "" {
			out = append(out, span{Text: p, Bold: i%2 == 1})
		}
	}
	return out
}

// plain is text without Markdown marks, on one line: for summaries and the search index.
func plain(text string) string {
	var b strings.Builder
	for _, bl := range parseMarkdown(text) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		for _, sp := range bl.Spans {
			b.WriteString(sp.Text)
		}
	}
	return b.String()
}

// clip shortens s to at most n runes, at a word boundary when one is near.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := n - 1
	for i := cut; i > n*3/4; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ,;:.") + "…"
}
