package privacy

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// phoneRegions are the regions whose national formats are tried, in order.
var phoneRegions = []string{"IT", "ES", "PL", "CZ", "BE", "FR"}

// phoneRE finds runs of digits joined by the characters phone numbers are written with.
var phoneRE = regexp.MustCompile(`[+(]{0,2}[0-9](?:[0-9\-./() \x{00A0}\x{202F}]*[0-9])?`)

const (
	minPhoneDigits   = 8
	maxNationalDigit = 11
	maxIntlDigits    = 15
	maxPhoneGroups   = 7
)

// span is a byte range.
type span struct{ s, e int }

func scanPhones(text string) []Finding {
	var out []Finding
	for _, m := range phoneRE.FindAllStringIndex(text, -1) {
		ms, me := m[0], m[1]
		if !boundaryBefore(text, ms) {
			continue // inside a word or a longer number (an IBAN, "A12 345...")
		}
		if phoneContextRejects(text, ms, me) {
			continue
		}
		groups := splitGroups(text, ms, me)
		endOK := boundaryAfter(text, me)
		for _, sp := range bestPhones(text, groups, me, endOK) {
			out = append(out, Finding{Kind: KindPhone, Start: sp.s, End: sp.e, Text: text[sp.s:sp.e]})
		}
	}
	return out
}

// bestPhones chooses, among the runs of consecutive groups that are valid phone
// numbers, the set that covers the most groups ("347 123 4567 06 1234 5678" is two
// numbers, not "347 123 4567 06" and a leftover).
func bestPhones(text string, groups []span, me int, endOK bool) []span {
	n := len(groups)
	type choice struct{ cover, next int } // next == 0: skip this group
	best := make([]choice, n+1)
	for i := n - 1; i >= 0; i-- {
		best[i] = choice{best[i+1].cover, 0}
		for j := i + 1; j <= min(n, i+maxPhoneGroups); j++ {
			if (j == n && groups[j-1].e == me && !endOK) || !contiguous(groups[i:j]) {
				continue
			}
			if c := j - i + best[j].cover; c > best[i].cover && isPhone(text[groups[i].s:groups[j-1].e]) {
				best[i] = choice{c, j}
			}
		}
	}
	var out []span
	for i := 0; i < n; {
		if j := best[i].next; j > 0 {
			out = append(out, span{groups[i].s, groups[j-1].e})
			i = j
		} else {
			i++
		}
	}
	return out
}

// splitGroups splits text[s:e] at its spaces; a group records where the following
// space run ends so that runs of more than one space can be told apart.
func splitGroups(text string, s, e int) []span {
	var g []span
	start := -1
	for i := s; i < e; {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			if start >= 0 {
				g = append(g, span{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += size
	}
	if start >= 0 {
		g = append(g, span{start, e})
	}
	return g
}

// contiguous reports whether the groups are separated by single spaces.
func contiguous(g []span) bool {
	for k := 1; k < len(g); k++ {
		gap := g[k].s - g[k-1].e
		if gap < 1 || gap > 3 { // one space, of 1 to 3 bytes
			return false
		}
	}
	return true
}

var (
	dateDMY = regexp.MustCompile(`^[0-9]{1,2}[./-][0-9]{1,2}[./-](?:[0-9]{2}|[0-9]{4})$`)
	dateYMD = regexp.MustCompile(`^[0-9]{4}[./-][0-9]{1,2}[./-][0-9]{1,2}$`)
	// intlPrefix is a country calling code written before a parenthesis.
	intlPrefix = regexp.MustCompile(`^(?:\+|00)[0-9]{1,3}$`)
)

// isPhone reports whether s, a run of groups, has the shape of a phone number and is a
// valid number of one of phoneRegions, or of any country when written with + or 00.
func isPhone(s string) bool {
	if dateDMY.MatchString(s) || dateYMD.MatchString(s) {
		return false
	}
	var digits strings.Builder
	var dot, dash, slash, open, close int
	prev := byte(' ')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digits.WriteByte(c)
		case c == '.' || c == '-' || c == '/':
			// A separator stands between two digits (or after a closing parenthesis).
			if !(isDigit(prev) || prev == ')') || i+1 >= len(s) || !isDigit(s[i+1]) {
				return false
			}
			switch c {
			case '.':
				dot++
			case '-':
				dash++
			case '/':
				slash++
				// Only after a prefix of 2 to 4 digits: "02/1234567", "0470/12.34.56".
				if n := len(digitsOf(s[:i])); n < 2 || n > 4 || strings.ContainsAny(s[:i], " .-") {
					return false
				}
			}
		case c == '(':
			open++
			if open > 1 || close > 0 {
				return false
			}
		case c == ')':
			close++
			if close > open {
				return false
			}
		case c == '+':
			if i > 1 || (i == 1 && s[0] != '(') {
				return false
			}
		default:
			if c&0x80 == 0 && c != ' ' {
				return false
			}
		}
		prev = c
	}
	if open != close || slash > 1 || (dot > 0 && dash > 0) || (slash > 0 && dash > 0) {
		return false
	}
	if !isDigit(s[len(s)-1]) {
		return false
	}
	if open == 1 {
		// "(06) 1234 5678", "(+34) 612...", "+32 (0)470...", "+48 (22) 123...".
		o := strings.IndexByte(s, '(')
		in := s[o+1 : strings.IndexByte(s, ')')]
		if in == "" || len(in) > 5 || strings.ContainsAny(in, " .-/") {
			return false
		}
		if pre := strings.TrimRight(s[:o], " \u00a0\u202f"); pre != "" && !intlPrefix.MatchString(pre) {
			return false
		}
	}
	d := digits.String()
	plain := strings.TrimLeft(s, "(")
	intl := strings.HasPrefix(plain, "+") || strings.HasPrefix(plain, "00")
	if intl {
		if strings.HasPrefix(plain, "00") {
			d = d[2:]
		}
		if len(d) < minPhoneDigits || len(d) > maxIntlDigits {
			return false
		}
		return validNumber("+"+d, "ZZ")
	}
	if len(d) < minPhoneDigits || len(d) > maxNationalDigit {
		return false
	}
	if len(d) == 8 && looksLikeDate8(d) {
		return false
	}
	if thousands(s) {
		return false
	}
	for _, r := range phoneRegions {
		// Belgian and French numbers are written with their trunk prefix 0; Italian
		// ones start with 0 (fixed) or 3 (mobile).
		switch {
		case (r == "BE" || r == "FR") && d[0] != '0':
			continue
		case r == "IT" && d[0] != '0' && d[0] != '3':
			continue
		}
		if validNumber(d, r) {
			return true
		}
	}
	return false
}

// thousands reports whether s is written like a large number: a first group of one to
// three digits (one or two with spaces), then groups of exactly three, all split by
// the same dot or space ("3.471.234.567", "765.861.545", "12 500 000").
func thousands(s string) bool {
	sep := byte(0)
	groups := []int{0}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			groups[len(groups)-1]++
		case c == '.' || c == ' ':
			if sep != 0 && sep != c {
				return false
			}
			sep = c
			groups = append(groups, 0)
		default:
			return false
		}
	}
	// Phones are written 3-3-3 with spaces ("777 123 456"), not with dots.
	if len(groups) < 3 || groups[0] > 3 || (groups[0] == 3 && sep == ' ') {
		return false
	}
	for _, g := range groups[1:] {
		if g != 3 {
			return false
		}
	}
	return true
}

// validNumber reports whether n is a valid number of region (or, written with +, of
// its country) and of a type that reaches a person: fixed line, mobile, VoIP or
// personal. Toll-free, premium, shared-cost, voicemail access and pager numbers are not
// personal data and, being long or oddly shaped, mostly match other numbers by chance.
func validNumber(n, region string) bool {
	num, err := phonenumbers.Parse(n, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return false
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE,
		phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER:
		return true
	}
	return false
}

// looksLikeDate8 reports whether eight digits read as DDMMYYYY or YYYYMMDD.
func looksLikeDate8(d string) bool {
	dmy := func(day, month, year int) bool {
		return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)
	}
	return dmy(atoi(d[0:2]), atoi(d[2:4]), atoi(d[4:8])) || dmy(atoi(d[6:8]), atoi(d[4:6]), atoi(d[0:4]))
}

// ---- context ----

// phonePositive are word prefixes that announce a phone number.
var phonePositive = []string{
	"tel", "tél", "cell", "phone", "mobil", "móvil", "movil", "portable", "whatsapp", "sms", "fax",
	"chiam", "richiam", "contatt", "recapit", "llam", "contact", "kontakt", "zadzw", "dzwo",
	"komór", "zavol", "volej", "volat", "appel", "rappel", "joindre", "hovor",
}

// phoneNegative are words after which a number is a reference, an amount or an id.
var phoneNegative = map[string]bool{
	// orders, invoices, files and references
	"order": true, "ordine": true, "pedido": true, "zamówienie": true, "zamówienia": true, "objednávka": true,
	"objednávky": true, "commande": true, "invoice": true, "fattura": true, "factura": true, "faktura": true,
	"faktury": true, "facture": true, "protocollo": true, "prot": true, "protocol": true, "expediente": true,
	"sygnatura": true, "spis": true, "jednací": true, "dossier": true, "pratica": true, "ref": true, "rif": true,
	"riferimento": true, "referencia": true, "référence": true, "reference": true, "codice": true, "código": true,
	"kod": true, "kód": true, "code": true, "ticket": true, "tessera": true, "karta": true, "carta": true,
	"card": true, "matricola": true, "lotto": true, "serial": true, "isbn": true, "sprawa": true, "sprawy": true,
	"case": true, "caso": true, "cas": true, "file": true, "fascicolo": true, "verbale": true, "id": true,
	"receipt": true, "ricevuta": true, "recibo": true, "paragon": true, "účtenka": true, "reçu": true,
	// identity documents
	"rodné": true, "rč": true, "pesel": true, "dni": true, "nie": true, "nif": true, "cf": true, "fiscale": true,
	"nn": true, "niss": true, "insz": true, "rijksregisternummer": true, "national": true, "nacional": true,
	"passport": true, "passaporto": true, "pasaporte": true, "paszport": true, "pas": true, "passeport": true,
	"dowód": true, "dowodu": true, "doklad": true, "identity": true, "identità": true, "identidad": true,
	"identité": true, "občanský": true, "osobisty": true,
	// accounts and money
	"iban": true, "conto": true, "cuenta": true, "konto": true, "účet": true, "účtu": true, "account": true,
	"compte": true, "eur": true, "euro": true, "euros": true, "pln": true, "czk": true, "kč": true, "zł": true,
	"usd": true, "chf": true, "gbp": true, "€": true, "$": true, "£": true,
}

// phoneTransparent are abbreviations of "number" skipped when looking for the word
// before a number.
var phoneTransparent = map[string]bool{
	"n": true, "nr": true, "no": true, "num": true, "nº": true, "n°": true, "č": true, "núm": true, "numero": true,
	"number": true, "número": true, "numer": true, "číslo": true, "numéro": true, "di": true, "de": true, "del": true,
	"of": true, "du": true, "º": true, "°": true,
}

// unitsAfter are words or signs after which a number is an amount or a quantity.
var unitsAfter = map[string]bool{
	"€": true, "eur": true, "euro": true, "euros": true, "zł": true, "zl": true, "złotych": true, "pln": true,
	"kč": true, "kc": true, "czk": true, "korun": true, "$": true, "usd": true, "chf": true, "£": true,
	"gbp": true, "%": true, "km": true, "kg": true, "m": true, "m2": true, "m²": true, "mq": true, "g": true,
	"l": true, "abitanti": true, "habitantes": true, "mieszkańców": true, "obyvatel": true, "habitants": true,
	"inhabitants": true, "people": true, "persone": true, "personas": true, "osób": true, "lidí": true,
	"personnes": true, "pezzi": true, "ks": true, "szt": true, "unità": true, "unidades": true, "units": true,
	"bytes": true, "kb": true, "mb": true, "gb": true, "ore": true, "horas": true, "hours": true,
	"godzin": true, "hodin": true, "heures": true, "minuti": true, "minutes": true, "minutos": true,
}

// phoneContextRejects reports whether the words around the candidate text[s:e] say it
// is not a phone number: a reference or an amount. A word announcing a phone (tel.,
// cell., zadzwoń, ...) nearby overrides that; international numbers are not judged.
func phoneContextRejects(text string, s, e int) bool {
	t := strings.TrimLeft(text[s:e], "(")
	if strings.HasPrefix(t, "+") || strings.HasPrefix(t, "00") {
		return false
	}
	before := wordsBefore(text, s, 4)
	for _, w := range before {
		for _, p := range phonePositive {
			if strings.HasPrefix(w, p) {
				return false
			}
		}
	}
	for _, w := range before {
		if phoneTransparent[w] {
			continue
		}
		if phoneNegative[w] {
			return true
		}
		break
	}
	if w := wordAfter(text, e); unitsAfter[w] {
		return true
	}
	return false
}

// wordsBefore returns up to n lower-case words before i, nearest first, within 40
// bytes. A word is a run of letters; currency signs count as words.
func wordsBefore(text string, i, n int) []string {
	lo := max(0, i-40)
	for lo > 0 && !utf8.RuneStart(text[lo]) {
		lo++
	}
	chunk := text[lo:i]
	var words []string
	end := len(chunk)
	for end > 0 && len(words) < n {
		r, size := utf8.DecodeLastRuneInString(chunk[:end])
		if !unicode.IsLetter(r) && !isCurrency(r) {
			if unicode.IsDigit(r) {
				break // another number: stop there
			}
			end -= size
			continue
		}
		start := end
		for start > 0 {
			r, size := utf8.DecodeLastRuneInString(chunk[:start])
			if !unicode.IsLetter(r) && !isCurrency(r) && r != '°' && r != 'º' {
				break
			}
			start -= size
		}
		words = append(words, strings.ToLower(chunk[start:end]))
		end = start
	}
	return words
}

// wordAfter returns the lower-case word or sign right after i, past spaces.
func wordAfter(text string, i int) string {
	for i < len(text) && (text[i] == ' ' || strings.HasPrefix(text[i:], "\u00a0") || strings.HasPrefix(text[i:], "\u202f")) {
		if text[i] == ' ' {
			i++
		} else if strings.HasPrefix(text[i:], "\u00a0") {
			i += 2
		} else {
			i += 3
		}
	}
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if isCurrency(r) || r == '%' {
			if j == i {
				j += size
			}
			break
		}
		if !unicode.IsLetter(r) && !(j > i && unicode.IsDigit(r)) && r != '²' {
			break
		}
		j += size
	}
	return strings.ToLower(text[i:j])
}

func isCurrency(r rune) bool { return unicode.Is(unicode.Sc, r) }
