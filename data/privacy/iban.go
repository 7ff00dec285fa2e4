package privacy

import "strings"

// ibanLength is the IBAN length of each country of the ISO 13616 registry.
var ibanLength = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
	"BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
	"DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
	"FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
	"GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
	"IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
	"LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
	"MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
	"PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
	"SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
	"SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
	"YE": 30,
}

// validIBAN checks a compact IBAN (letters and digits only): known country, its
// length, check digits 02-98 and ISO 7064 mod 97-10.
func validIBAN(s string) bool {
	s = strings.ToUpper(s)
	if len(s) < 5 {
		return false
	}
	n, ok := ibanLength[s[:2]]
	if !ok || len(s) != n || !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	if cd := int(s[2]-'0')*10 + int(s[3]-'0'); cd < 2 || cd > 98 {
		return false
	}
	r := 0
	for _, c := range []byte(s[4:] + s[:4]) {
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return r == 1
}

// ibanSpaceAt returns the byte length of the separator at i between groups of four
// (a space, a no-break space or a narrow no-break space), or 0.
func ibanSpaceAt(text string, i int) int {
	switch {
	case strings.HasPrefix(text[i:], " "):
		return 1
	case strings.HasPrefix(text[i:], "\u00a0"):
		return 2
	case strings.HasPrefix(text[i:], "\u202f"):
		return 3
	}
	return 0
}

// ibanAt reads the IBAN that may start at s, written compact or in groups of four
// separated by single spaces, and returns its end.
func ibanAt(text string, s int) (int, bool) {
	n, ok := ibanLength[strings.ToUpper(text[s:s+2])]
	if !ok {
		return 0, false
	}
	// Compact.
	if s+n <= len(text) {
		compact := true
		for i := s; i < s+n; i++ {
			if !isASCIIAlnum(text[i]) {
				compact = false
				break
			}
		}
		if compact && boundaryAfter(text, s+n) && validIBAN(text[s:s+n]) {
			return s + n, true
		}
	}
	// Groups of four.
	var b strings.Builder
	i, got := s, 0
	for {
		need := min(4, n-got)
		if i+need > len(text) {
			return 0, false
		}
		for k := i; k < i+need; k++ {
			if !isASCIIAlnum(text[k]) {
				return 0, false
			}
		}
		b.WriteString(text[i : i+need])
		i += need
		got += need
		if got == n {
			break
		}
		sp := ibanSpaceAt(text, i)
		if sp == 0 {
			return 0, false
		}
		i += sp
	}
	if !boundaryAfter(text, i) || !validIBAN(b.String()) {
		return 0, false
	}
	return i, true
}

func scanIBANs(text string) []Finding {
	var out []Finding
	for s := 0; s+4 <= len(text); s++ {
		if !isASCIILetter(text[s]) || !isASCIILetter(text[s+1]) || !isDigit(text[s+2]) || !isDigit(text[s+3]) {
			continue
		}
		if !boundaryBefore(text, s) {
			continue
		}
		if e, ok := ibanAt(text, s); ok {
			out = append(out, Finding{Kind: KindIBAN, Start: s, End: e, Text: text[s:e]})
			s = e - 1
		}
	}
	return out
}
