package data

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Letters that Unicode does not decompose into a base letter and a mark, but that
// people type without their stroke when searching: "lodz" must find "Łódź".
var foldSpecial = map[rune]string{
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ø': "o", 'Ø': "o", 'ß': "ss", 'æ': "ae", 'Æ': "ae",
	'œ': "oe", 'Œ': "oe", 'ı': "i", 'þ': "th", 'Þ': "th", 'ħ': "h", 'Ħ': "h", 'ŀ': "l", 'Ŀ': "l",
}

// Fold returns s in lower case without diacritics, as the search index holds it.
func Fold(s string) string {
	// Text already in NFC (as records are) folds rune by rune through foldLatin;
	// other text (decomposed accents, other scripts) takes the general path.
	if norm.NFC.IsNormalString(s) {
		var b strings.Builder
		b.Grow(len(s))
		for _, r := range s {
			if r < utf8.RuneSelf {
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
				b.WriteByte(byte(r))
			} else if r < 0x250 {
				b.WriteString(foldLatin[r])
			} else {
				b.WriteString(foldSlow(string(r)))
			}
		}
		return b.String()
	}
	return foldSlow(s)
}

func foldSlow(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if f, ok := foldSpecial[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// foldMap folds s like Fold, and for each byte of the result gives the byte offset
// in s of the rune it came from, plus a final entry len(s), so that a match found
// in folded text can be highlighted in the original.
func foldMap(s string) (string, []int) {
	var b strings.Builder
	b.Grow(len(s))
	offs := make([]int, 0, len(s)+1)
	for i, r := range s {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			offs = append(offs, i)
			continue
		}
		size := utf8.RuneLen(r)
		if size < 0 {
			size = 1
		}
		f := foldRune(r)
		b.WriteString(f)
		for range len(f) {
			offs = append(offs, i)
		}
	}
	offs = append(offs, len(s))
	return b.String(), offs
}

// foldLatin holds Fold of every rune up to the end of Latin Extended-B, where the
// six languages' letters are, so that folding their text needs no normalisation.
var foldLatin = func() (t [0x250]string) {
	for r := range t {
		t[r] = foldSlow(string(rune(r)))
	}
	return
}()

func foldRune(r rune) string {
	if r >= 0 && int(r) < len(foldLatin) {
		return foldLatin[r]
	}
	return foldSlow(string(r))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Tokens splits a query into the words the index knows: folded runs of letters and
// digits. Everything else (quotes, operators, emoji, punctuation) separates words.
func Tokens(q string) []string {
	return strings.FieldsFunc(Fold(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}
