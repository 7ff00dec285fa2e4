package privacy

import (
	"regexp"
	"strconv"
	"strings"
)

// KindPerson is a soft finding: text that looks like a person's name with
// an initial ("Anna K."), or a name followed by an age ("Mario Rossi, 54") or
// by where the person sleeps or lives ("Mario Rossi sleeps at the station").
// Soft findings never block sharing (false positives are worse there): they
// are a hint in the editor, apart from Scan's kinds (issue 22).
const KindPerson = "person"

var (
	// A capitalised given name and an initial with its dot: "Anna K.".
	nameInitial = regexp.MustCompile(`(?:^|[^\p{L}\p{N}])(\p{Lu}\p{Ll}+ \p{Lu}\.)`)
	// A capitalised given name and surname (or initial), then an age or a
	// verb of dwelling.
	// (Go's \b knows only ASCII letters: the edges are written out.)
	nameThen = regexp.MustCompile(`(?:^|[^\p{L}\p{N}])(\p{Lu}\p{Ll}+ \p{Lu}(?:\p{Ll}+|\.)(?:, (\d{1,3})|,? (` + dwellWords + `)))(?:[^\p{L}\p{N}]|$)`)
	// Age words that may follow the age ("54 years"), in the six languages.
	ageWord = regexp.MustCompile(`^(?:\s*(?:years?|yrs|anni|años|ans|lat|let|roků|ani)\b|\s*[,.;:)!?]|\s*$)`)
)

// dwellWords say where a person is: sleeps, lives, stays (six languages).
const dwellWords = `sleeps|lives|stays|dorme|vive|abita|duerme|reside|mieszka|śpi|nocuje|bydlí|spí|přespává|dort|habite|vit|loge`

// ScanSoft returns the soft findings in text, ordered by Start: what looks
// like a person (KindPerson). Not part of Scan: nothing waits on them.
func ScanSoft(text string) []Finding {
	var out []Finding
	add := func(start, end int) {
		for _, f := range out {
			if start < f.End && f.Start < end {
				return
			}
		}
		out = append(out, Finding{Kind: KindPerson, Start: start, End: end, Text: text[start:end]})
	}
	for _, m := range nameThen.FindAllStringSubmatchIndex(text, -1) {
		if m[4] >= 0 { // an age: a plausible one, followed by an age word or punctuation
			age, _ := strconv.Atoi(text[m[4]:m[5]])
			if age < 1 || age > 110 || !ageWord.MatchString(text[m[5]:]) {
				continue
			}
		}
		add(m[2], m[3])
	}
	for _, m := range nameInitial.FindAllStringSubmatchIndex(text, -1) {
		add(m[2], m[3])
	}
	sortFindings(out)
	return out
}

func sortFindings(fs []Finding) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Start < fs[j-1].Start; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// isSoft reports whether kind is a soft finding's.
func isSoft(kind string) bool { return strings.EqualFold(kind, KindPerson) }
