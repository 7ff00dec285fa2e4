package privacy

import (
	"regexp"
	"strings"
)

// idFormat is one written form of a national identifier; valid gets the matched text.
type idFormat struct {
	kind  string
	re    *regexp.Regexp // anchored at the start
	valid func(string) bool
}

var idFormats = []idFormat{
	{KindITCF, regexp.MustCompile(`^[A-Za-z]{6}[0-9A-Za-z]{2}[A-Za-z][0-9A-Za-z]{2}[A-Za-z][0-9A-Za-z]{3}[A-Za-z]`), validCF},
	{KindESNIE, regexp.MustCompile(`^[XYZxyz][- ]?[0-9]{7}[- ]?[A-Za-z]`), validNIE},
	{KindESDNI, regexp.MustCompile(`^[0-9]{8}[- ]?[A-Za-z]`), validDNI},
	{KindESDNI, regexp.MustCompile(`^[0-9]{2}\.[0-9]{3}\.[0-9]{3}[- ]?[A-Za-z]`), validDNI},
	{KindBENN, regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}\.[0-9]{2}[-. ]?[0-9]{3}[-. ]?[0-9]{2}`), validBENN},
	{KindBENN, regexp.MustCompile(`^[0-9]{6}[-. ][0-9]{3}[-. ]?[0-9]{2}`), validBENN},
	{KindBENN, regexp.MustCompile(`^[0-9]{11}`), validBENN},
	{KindPESEL, regexp.MustCompile(`^[0-9]{11}`), validPESEL},
	{KindCZRC, regexp.MustCompile(`^[0-9]{6}/?[0-9]{4}`), validRC},
	{KindCZRC, regexp.MustCompile(`^[0-9]{6}/[0-9]{3}`), validRC},
}

// maxIDLen bounds the text an id format can match.
const maxIDLen = 20

func scanIDs(text string) []Finding {
	var out []Finding
	for i := 0; i < len(text); i++ {
		if !isASCIIAlnum(text[i]) || !boundaryBefore(text, i) {
			continue
		}
		window := text[i:min(len(text), i+maxIDLen)]
		for _, f := range idFormats {
			m := f.re.FindString(window)
			if m == "" || !boundaryAfter(text, i+len(m)) || !f.valid(m) {
				continue
			}
			out = append(out, Finding{Kind: f.kind, Start: i, End: i + len(m), Text: m})
		}
	}
	return out
}

// digitsOf returns the ASCII digits of s.
func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// ---- Italian codice fiscale ----

// cfOdd is the value of a character in an odd (1st, 3rd, ...) position, indexed by
// letter A-Z; digits 0-9 take the values of A-J.
var cfOdd = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// cfMonths are the month letters, January to December.
const cfMonths = "ABCDEHLMPRST"

// cfOmocodia are the letters that replace the digits 0-9 when two codes collide.
const cfOmocodia = "LMNPQRSTUV"

// cfDigit decodes a character of a digit position (digit or omocodia letter).
func cfDigit(c byte) (int, bool) {
	if isDigit(c) {
		return int(c - '0'), true
	}
	if k := strings.IndexByte(cfOmocodia, c); k >= 0 {
		return k, true
	}
	return 0, false
}

// cfCheck returns the check character of the first 15 characters of a codice fiscale.
func cfCheck(s string) byte {
	sum := 0
	for i := 0; i < 15; i++ {
		c := s[i]
		var v int
		if isDigit(c) {
			v = int(c - '0')
			if i%2 == 0 {
				v = cfOdd[v]
			}
		} else {
			v = int(c - 'A')
			if i%2 == 0 {
				v = cfOdd[v]
			}
		}
		sum += v
	}
	return byte('A' + sum%26)
}

func validCF(s string) bool {
	if len(s) != 16 {
		return false
	}
	hasDigit := false
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			hasDigit = true
		}
	}
	switch {
	case s == strings.ToUpper(s):
	case s == strings.ToLower(s) && hasDigit:
		s = strings.ToUpper(s)
	default:
		return false // mixed case: a word, not a code
	}
	for _, i := range []int{0, 1, 2, 3, 4, 5, 8, 11, 15} {
		if !isASCIILetter(s[i]) {
			return false
		}
	}
	var d [16]int
	for _, i := range []int{6, 7, 9, 10, 12, 13, 14} {
		v, ok := cfDigit(s[i])
		if !ok {
			return false
		}
		d[i] = v
	}
	month := strings.IndexByte(cfMonths, s[8]) + 1
	if month == 0 {
		return false
	}
	day := d[9]*10 + d[10]
	if day > 40 {
		day -= 40 // women
	}
	// The century is not written: allow 29 February.
	if day < 1 || day > daysIn(2000, month) {
		return false
	}
	return cfCheck(s) == s[15]
}

// ---- Spanish DNI and NIE ----

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// dniLetterOK checks the final letter of m against number n; a letter set apart by a
// space must be a capital (so that "12345678 y" is not read as an id).
func dniLetterOK(m string, n int) bool {
	l := m[len(m)-1]
	if m[len(m)-2] == ' ' && !(l >= 'A' && l <= 'Z') {
		return false
	}
	return dniLetters[n%23] == l&^0x20
}

func validDNI(m string) bool {
	d := digitsOf(m)
	return len(d) == 8 && dniLetterOK(m, atoi(d))
}

func validNIE(m string) bool {
	d := digitsOf(m)
	if len(d) != 7 {
		return false
	}
	p := strings.IndexByte("XYZ", m[0]&^0x20)
	if p < 0 || (m[1] == ' ' && m[0] > 'Z') {
		return false
	}
	return dniLetterOK(m, p*10000000+atoi(d))
}

// ---- Polish PESEL ----

var peselWeights = [10]int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}

func validPESEL(m string) bool {
	if len(m) != 11 {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		sum += peselWeights[i] * int(m[i]-'0')
	}
	if (10-sum%10)%10 != int(m[10]-'0') {
		return false
	}
	yy, mm, dd := atoi(m[0:2]), atoi(m[2:4]), atoi(m[4:6])
	var year int
	switch {
	case mm >= 81 && mm <= 92:
		year, mm = 1800+yy, mm-80
	case mm >= 1 && mm <= 12:
		year = 1900 + yy
	case mm >= 21 && mm <= 32:
		year, mm = 2000+yy, mm-20
	case mm >= 41 && mm <= 52:
		year, mm = 2100+yy, mm-40
	case mm >= 61 && mm <= 72:
		year, mm = 2200+yy, mm-60
	default:
		return false
	}
	return validBirth(year, mm, dd)
}

// ---- Czech rodné číslo ----

func validRC(m string) bool {
	d := digitsOf(m)
	yy, mm, dd := atoi(d[0:2]), atoi(d[2:4]), atoi(d[4:6])
	if len(d) == 9 {
		// Before 1954: no check digit, YYMMDD/XXX, women +50 on the month.
		if yy >= 54 || !strings.Contains(m, "/") {
			return false
		}
		if mm > 50 {
			mm -= 50
		}
		return validBirth(1900+yy, mm, dd)
	}
	if len(d) != 10 {
		return false
	}
	year := 1900 + yy
	if yy < 54 {
		year = 2000 + yy
	}
	switch {
	case mm > 70:
		if year < 2004 {
			return false
		}
		mm -= 70
	case mm > 50:
		mm -= 50
	case mm > 20:
		if year < 2004 {
			return false
		}
		mm -= 20
	}
	if !validBirth(year, mm, dd) {
		return false
	}
	n := int64(0)
	for i := 0; i < 10; i++ {
		n = n*10 + int64(d[i]-'0')
	}
	if n%11 == 0 {
		return true
	}
	// Until 1985 a remainder of 10 was written as check digit 0.
	return year < 1986 && (n/10)%11 == 10 && d[9] == '0'
}

// ---- Belgian national register number ----

func validBENN(m string) bool {
	d := digitsOf(m)
	if len(d) != 11 {
		return false
	}
	base := int64(atoi(d[:9]))
	check := atoi(d[9:])
	seq := atoi(d[6:9])
	if seq == 0 || seq == 999 {
		return false
	}
	yy, mm, dd := atoi(d[0:2]), atoi(d[2:4]), atoi(d[4:6])
	// BIS numbers add 20 or 40 to the month.
	switch {
	case mm >= 40:
		mm -= 40
	case mm >= 20:
		mm -= 20
	}
	ok := func(year int) bool {
		if mm > 12 || dd > 31 {
			return false
		}
		if mm == 0 || dd == 0 { // unknown date of birth
			return year <= today().Year()
		}
		return validBirth(year, mm, dd)
	}
	if int64(97-check) == base%97 && ok(1900+yy) {
		return true
	}
	return int64(97-check) == (2000000000+base)%97 && ok(2000+yy)
}
