package privacy

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kinds of finding.
const (
	KindEmail = "email"
	KindPhone = "phone"
	KindIBAN  = "iban"
	KindITCF  = "it_cf"    // Italian codice fiscale
	KindESDNI = "es_dni"   // Spanish DNI
	KindESNIE = "es_nie"   // Spanish NIE (foreigners)
	KindPESEL = "pl_pesel" // Polish PESEL
	KindCZRC  = "cz_rc"    // Czech (and Slovak) rodné číslo
	KindBENN  = "be_nn"    // Belgian national register number
)

// Kinds returns every kind Scan can report.
func Kinds() []string {
	return []string{KindEmail, KindPhone, KindIBAN, KindITCF, KindESDNI, KindESNIE, KindPESEL, KindCZRC, KindBENN}
}

// IsID reports whether kind is a national identifier (its placeholder is "[id]").
func IsID(kind string) bool {
	switch kind {
	case KindITCF, KindESDNI, KindESNIE, KindPESEL, KindCZRC, KindBENN:
		return true
	}
	return false
}

// Finding is one piece of personal data in a text. Start and End are byte offsets into the input.
type Finding struct {
	Kind  string `json:"kind"` // email, phone, iban, it_cf, es_dni, es_nie, pl_pesel, cz_rc, be_nn
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Key is the form in which a finding is listed as cleared: "kind:text".
func (f Finding) Key() string { return f.Kind + ":" + f.Text }

// priority orders overlapping candidates: the most specific kind wins.
var priority = map[string]int{
	KindEmail: 100,
	KindIBAN:  90,
	KindITCF:  80,
	KindESNIE: 79,
	KindESDNI: 78,
	KindBENN:  77,
	KindCZRC:  76,
	KindPESEL: 75,
	KindPhone: 10,
}

// today is the reference date for "born in the future" checks; tests may replace it.
var today = func() time.Time { return time.Now() }

// Scan returns the findings in text, ordered by Start, non-overlapping (prefer the most
// specific kind: an id over a phone).
func Scan(text string) []Finding {
	var c []Finding
	c = append(c, scanEmails(text)...)
	c = append(c, scanIBANs(text)...)
	c = append(c, scanIDs(text)...)
	c = append(c, scanPhones(text)...)
	return resolve(c)
}

// resolve keeps, among overlapping candidates, the one of highest priority (then the
// longest, then the first), and returns the kept ones ordered by Start.
func resolve(c []Finding) []Finding {
	if len(c) == 0 {
		return nil
	}
	slices.SortStableFunc(c, func(a, b Finding) int {
		if d := priority[b.Kind] - priority[a.Kind]; d != 0 {
			return d
		}
		if d := (b.End - b.Start) - (a.End - a.Start); d != 0 {
			return d
		}
		return a.Start - b.Start
	})
	var kept []Finding
	for _, f := range c {
		if f.Start >= f.End {
			continue
		}
		overlaps := false
		for _, k := range kept {
			if f.Start < k.End && k.Start < f.End {
				overlaps = true
				break
			}
		}
		if !overlaps {
			kept = append(kept, f)
		}
	}
	slices.SortFunc(kept, func(a, b Finding) int { return a.Start - b.Start })
	return kept
}

// Placeholder returns the text used to pseudonymise a finding of kind, e.g. "[phone]",
// "[email]", "[id]", "[iban]".
func Placeholder(kind string) string {
	switch {
	case kind == KindEmail:
		return "[email]"
	case kind == KindPhone:
		return "[phone]"
	case kind == KindIBAN:
		return "[iban]"
	case IsID(kind):
		return "[id]"
	}
	return "[redacted]"
}

func clearedSet(cleared []string) map[string]bool {
	set := make(map[string]bool, len(cleared))
	for _, c := range cleared {
		set[c] = true
	}
	return set
}

func unhandled(text string, set map[string]bool) []Finding {
	var out []Finding
	for _, f := range Scan(text) {
		if !set[f.Key()] {
			out = append(out, f)
		}
	}
	return out
}

// Unhandled returns the findings of text not listed in cleared.
func Unhandled(text string, cleared []string) []Finding {
	return unhandled(text, clearedSet(cleared))
}

// maxRedactPasses bounds the re-scans of Redact. A replacement can, in rare texts, let
// a neighbouring number stand on its own and be found; Redact scans again until
// nothing uncleared is left.
const maxRedactPasses = 8

// Redact replaces every finding not listed in cleared (entries "kind:text") by its
// placeholder, returning the new text.
func Redact(text string, cleared []string) string {
	return RedactWith(text, cleared, Placeholder)
}

// RedactWith is Redact with other placeholders, e.g. in the reader's language.
func RedactWith(text string, cleared []string, placeholder func(kind string) string) string {
	set := clearedSet(cleared)
	for range maxRedactPasses {
		fs := unhandled(text, set)
		if len(fs) == 0 {
			break
		}
		var b strings.Builder
		last := 0
		for _, f := range fs {
			b.WriteString(text[last:f.Start])
			b.WriteString(placeholder(f.Kind))
			last = f.End
		}
		b.WriteString(text[last:])
		text = b.String()
	}
	return text
}

// ---- text helpers ----

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func isASCIILetter(b byte) bool { return (b|0x20) >= 'a' && (b|0x20) <= 'z' }

func isASCIIAlnum(b byte) bool { return isDigit(b) || isASCIILetter(b) }

// isNumSep is a character that joins the parts of a number: "1.250", "12-34", "12/3".
func isNumSep(b byte) bool { return b == '.' || b == ',' || b == '-' || b == '/' }

// boundaryBefore reports whether a token may start at i: the character before is not
// a letter or digit, not a '+', and not a number separator that follows a digit.
func boundaryBefore(text string, i int) bool {
	if i <= 0 {
		return true
	}
	r, size := utf8.DecodeLastRuneInString(text[:i])
	if isWordRune(r) || r == '+' {
		return false
	}
	if size == 1 && isNumSep(byte(r)) && i >= 2 && isDigit(text[i-2]) {
		return false
	}
	return true
}

// boundaryAfter reports whether a token may end at i: the character after is not a
// letter or digit, and not a number separator followed by a digit.
func boundaryAfter(text string, i int) bool {
	if i >= len(text) {
		return true
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	if isWordRune(r) {
		return false
	}
	if size == 1 && isNumSep(byte(r)) && i+1 < len(text) && isDigit(text[i+1]) {
		return false
	}
	return true
}

// ---- e-mail ----

var emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?)*\.\p{L}{2,}`)

func scanEmails(text string) []Finding {
	var out []Finding
	for _, m := range emailRE.FindAllStringIndex(text, -1) {
		s, e := m[0], m[1]
		for s < e && (text[s] == '.' || text[s] == '-') {
			s++
		}
		at := strings.IndexByte(text[s:e], '@')
		if at <= 0 || text[s+at-1] == '.' {
			continue
		}
		out = append(out, Finding{Kind: KindEmail, Start: s, End: e, Text: text[s:e]})
	}
	return out
}

// ---- dates ----

func daysIn(year, month int) int {
	switch month {
	case 1, 3, 5, 7, 8, 10, 12:
		return 31
	case 4, 6, 9, 11:
		return 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 0
}

// validBirth reports whether year-month-day is a real date not after today.
func validBirth(year, month, day int) bool {
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return false
	}
	t := today()
	y, m, d := t.Date()
	if year != y {
		return year < y
	}
	if month != int(m) {
		return month < int(m)
	}
	return day <= d
}
