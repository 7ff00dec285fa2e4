package data

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s fit to print on one line of a terminal or of a list on
// screen. Text from a hub (paths, record fields, messages that quote them) is
// data, not terminal control (DESIGN.md, threat model 8): control characters
// (newlines and escape sequences included), bidirectional overrides, line and
// paragraph separators and bytes that are not UTF-8 are written as escapes
// (\n, \x1b, \u202e, \xff). Front ends call it, or PrintableText, at every
// print of such text.
func Printable(s string) string { return escapeControls(s, false) }

// PrintableText is Printable for text shown as paragraphs (a practice's
// fields, a comment): newlines and tabs are kept, everything else Printable
// escapes is escaped.
func PrintableText(s string) string { return escapeControls(s, true) }

func escapeControls(s string, keepLines bool) string {
	if !needsEscape(s, keepLines) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !mustEscape(r, keepLines):
			b.WriteString(s[i : i+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string, keepLines bool) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || mustEscape(r, keepLines) {
			return true
		}
		i += size
	}
	return false
}

func mustEscape(r rune, keepLines bool) bool {
	if keepLines && (r == '\n' || r == '\t') {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.In(r, unicode.Zl, unicode.Zp)
}
