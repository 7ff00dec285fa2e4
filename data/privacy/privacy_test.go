package privacy

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// fixToday pins the reference date of the "born in the future" checks.
func fixToday(t *testing.T, y int, m time.Month, d int) {
	t.Helper()
	old := today
	today = func() time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { today = old })
}

type idCase struct {
	name string
	in   string
	want bool
}

func runIDCases(t *testing.T, kind string, cases []idCase) {
	t.Helper()
	fixToday(t, 2026, time.June, 15)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := "Dato: " + c.in + " fine."
			fs := Scan(text)
			got := len(fs) == 1 && fs[0].Kind == kind && fs[0].Text == c.in
			if got != c.want {
				t.Errorf("Scan(%q) = %+v, want %s found: %v", text, fs, kind, c.want)
			}
			if !c.want {
				for _, f := range fs {
					if IsID(f.Kind) || f.Kind == KindIBAN {
						t.Errorf("Scan(%q) reports %+v", text, f)
					}
				}
			}
		})
	}
}

func TestCodiceFiscale(t *testing.T) {
	runIDCases(t, KindITCF, []idCase{
		{"valid man", "RSSMRA85T10A562S", true},
		{"valid woman day+40", "BNCGLI92E52F205X", true},
		{"lower case", "rssmra85t10a562s", true},
		{"omocodia last digit", "RSSMRA85T10A56NH", true},
		{"omocodia two digits", "RSSMRA85T10A5SNT", true},
		{"wrong check letter", "RSSMRA85T10A562T", false},
		{"bad month letter", "RSSMRA85F10A562R", false},
		{"day 32", "RSSMRA85T32A562Y", false},
		{"day 00", "RSSMRA85T00A562R", false},
		{"day 72", "RSSMRA85T72A562C", false},
		{"31 april", "RSSMRA85D31H501I", false},
		{"29 february", "RSSMRA80B29H501Q", true},
		{"30 february", "RSSMRA80B30H501X", false},
		{"mixed case word", "RssMRA85T10A562S", false},
		{"inside a longer token", "XRSSMRA85T10A562S", false},
	})
}

func TestDNI(t *testing.T) {
	runIDCases(t, KindESDNI, []idCase{
		{"valid", "12345678Z", true},
		{"valid dash", "12345678-Z", true},
		{"valid dotted", "12.345.678-Z", true},
		{"valid space", "12345678 Z", true},
		{"valid lower", "12345678z", true},
		{"leading zeros", "00000000T", true},
		{"wrong letter", "12345678A", false},
		{"lower letter after space", "12345678 z", false},
		{"nine digits", "123456789Z", false},
		{"seven digits", "1234567L", false},
	})
}

func TestNIE(t *testing.T) {
	runIDCases(t, KindESNIE, []idCase{
		{"valid X", "X1234567L", true},
		{"valid Y", "Y1234567X", true},
		{"valid Z", "Z1234567R", true},
		{"valid dashes", "X-1234567-L", true},
		{"wrong letter", "X1234567T", false},
		{"wrong prefix", "W1234567L", false},
	})
}

func TestPESEL(t *testing.T) {
	runIDCases(t, KindPESEL, []idCase{
		{"valid 1944", "44051401458", true},
		{"valid 2002 (month+20)", "02271409867", true},
		{"valid 1800s (month+80)", "99923112347", true},
		{"wrong check digit", "44051401459", false},
		{"month 13", "44131401459", false},
		{"31 april", "44043101454", false},
		{"29 february 2000 (month+20)", "00222912349", true},
		{"29 february 1900 not a leap year", "00022912343", false},
		{"future 2100s", "05410154325", false},
		{"in a longer number", "144051401458", false},
	})
}

func TestRodneCislo(t *testing.T) {
	runIDCases(t, KindCZRC, []idCase{
		{"valid man slash", "780123/0008", true},
		{"valid man compact", "7801230008", true},
		{"valid woman +50", "785123/0002", true},
		{"2004+ month +20", "042101/0007", true},
		{"2004+ woman +70", "047101/0001", true},
		{"+20 before 2004 invalid", "032101/0008", false},
		{"wrong check digit", "780123/0009", false},
		{"remainder 10 rule before 1986", "850101/0090", true},
		{"remainder 10 rule not after 1985", "860101/0100", false},
		{"month 13", "781323/3549", false},
		{"31 april", "780431/0008", false},
		{"future birth", "270101/0004", false},
		{"nine digits pre-1954", "450101/123", true},
		{"nine digits woman", "455101/123", true},
		{"nine digits from 1954", "540101/123", false},
		{"nine digits without slash", "450101123", false},
		{"nine digits bad date", "451301/123", false},
	})
}

func TestBelgianNN(t *testing.T) {
	runIDCases(t, KindBENN, []idCase{
		{"valid 1900s dotted", "85.07.30-033.28", true},
		{"valid compact", "85073003328", true},
		{"valid 2000s", "01.02.03-004.67", true},
		{"unknown month and day", "40.00.00-001.63", true},
		{"bis number", "85.27.30-033.71", true},
		{"wrong check", "85.07.30-033.29", false},
		{"2000s check used for 1900s", "85.07.30-033.57", false},
		{"month 13", "85.13.30-033.70", false},
		{"31 april", "85.04.31-001.09", false},
		{"sequence 000", "85.07.30-000.61", false},
		{"future 2000s birth", "30.01.01-001.53", false},
	})
}

func TestIBAN(t *testing.T) {
	runIDCases(t, KindIBAN, []idCase{
		{"IT compact", "IT60X0542811101000000123456", true},
		{"IT grouped", "IT60 X054 2811 1010 0000 0123 456", true},
		{"ES", "ES91 2100 0418 4502 0005 1332", true},
		{"PL", "PL61 1090 1014 0000 0712 1981 2874", true},
		{"CZ", "CZ65 0800 0000 1920 0014 5399", true},
		{"BE", "BE68 5390 0754 7034", true},
		{"FR with letter", "FR14 2004 1010 0505 0001 3M02 606", true},
		{"DE", "DE89370400440532013000", true},
		{"GB", "GB82 WEST 1234 5698 7654 32", true},
		{"lower case", "it60x0542811101000000123456", true},
		{"wrong check", "IT61X0542811101000000123456", false},
		{"wrong length", "IT60X05428111010000001234567", false},
		{"unknown country", "QQ60X0542811101000000123456", false},
		{"bad grouping", "IT60 X054 28111 010 0000 0123 456", false},
		{"BE too short", "BE68 5390 0754 703", false},
	})
}

func TestEmail(t *testing.T) {
	cases := []struct{ in, want string }{
		{"scrivere a mario.rossi@example.it.", "mario.rossi@example.it"},
		{"<anna+casi@servizi-sociali.example.org>", "anna+casi@servizi-sociali.example.org"},
		{"e-mail: jan.novák@seznam.cz", "jan.novák@seznam.cz"},
		{"user_1985@mail.co.uk, thanks", "user_1985@mail.co.uk"},
		{"no e-mail here @ all", ""},
		{"version 2.0@home", ""},
	}
	for _, c := range cases {
		fs := Scan(c.in)
		got := ""
		if len(fs) > 0 && fs[0].Kind == KindEmail {
			got = fs[0].Text
		}
		if got != c.want {
			t.Errorf("Scan(%q) = %+v, want email %q", c.in, fs, c.want)
		}
	}
}

func TestPhone(t *testing.T) {
	cases := []struct {
		in   string
		want string // "" for none
	}{
		{"tel. 347 123 4567", "347 123 4567"},
		{"chiamare il 06 1234 5678 dopo le 18", "06 1234 5678"},
		{"cell. 347-1234567", "347-1234567"},
		{"(06) 12345678", "(06) 12345678"},
		{"numero 02/12345678", "02/12345678"},
		{"móvil 612 34 56 78", "612 34 56 78"},
		{"llamar al 91 123 45 67", "91 123 45 67"},
		{"tel. 501 234 567", "501 234 567"},
		{"(22) 123-45-67", "(22) 123-45-67"},
		{"volejte 777 123 456", "777 123 456"},
		{"GSM 0470 12 34 56", "0470 12 34 56"},
		{"bureau 02/123.45.67", "02/123.45.67"},
		{"0470/12.34.56", "0470/12.34.56"},
		{"portable 06 12 34 56 78", "06 12 34 56 78"},
		{"tél. 01.23.45.67.89", "01.23.45.67.89"},
		{"+39 347 123 4567", "+39 347 123 4567"},
		{"0039 06 1234 5678", "0039 06 1234 5678"},
		{"(+34) 612 34 56 78", "(+34) 612 34 56 78"},
		{"+48 501-234-567", "+48 501-234-567"},
		{"+420777123456", "+420777123456"},
		{"+32 (0)470 12 34 56", "+32 (0)470 12 34 56"},
		{"+33 6 12 34 56 78", "+33 6 12 34 56 78"},
		{"+44 20 7946 0958", "+44 20 7946 0958"},
		{"two: 347 123 4567 06 1234 5678", "347 123 4567|06 1234 5678"},
		// Not phones.
		{"il 01.03.2024 alle 10", ""},
		{"dal 2024-03-01", ""},
		{"orario 09.00-13.00", ""},
		{"prezzo 1.250,00 €", ""},
		{"ordine n. 245813902", ""},
		{"zamówienie nr 501234567", ""},
		{"125 000 000 Kč", ""},
		{"12.500.000 abitanti", ""},
		{"01032024", ""},
		{"short 1234567", ""},
		{"fourteen 12345678901234", ""},
		{"a range 2019-2024", ""},
		{"12/03-15/03", ""},
		{"tel. 1234 5678", ""},
		{"ABC12345678", ""},
		{"IT61 X054 2811 1010 0000 0123 456", ""},
		{"version 3.471.234.567", ""},
	}
	for _, c := range cases {
		var got []string
		for _, f := range Scan(c.in) {
			if f.Kind != KindPhone {
				t.Errorf("Scan(%q): unexpected %+v", c.in, f)
				continue
			}
			got = append(got, f.Text)
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("Scan(%q) phones = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPriorityAndOrder(t *testing.T) {
	text := "CF RSSMRA85T10A562S; mail rssmra85t10a562s@pec.it; tel. +39 347 123 4567; DNI 12345678Z; NN 85073003328"
	fs := Scan(text)
	var kinds []string
	for i, f := range fs {
		kinds = append(kinds, f.Kind)
		if text[f.Start:f.End] != f.Text {
			t.Errorf("offsets of %+v", f)
		}
		if i > 0 && fs[i-1].End > f.Start {
			t.Errorf("overlap or disorder: %+v then %+v", fs[i-1], f)
		}
	}
	want := []string{KindITCF, KindEmail, KindPhone, KindESDNI, KindBENN}
	if !slices.Equal(kinds, want) {
		t.Errorf("kinds = %v, want %v", kinds, want)
	}
	if got := Scan("Nothing personal: 3 rooms, 2 adults, €450."); got != nil {
		t.Errorf("Scan = %+v, want none", got)
	}
}

func TestPlaceholder(t *testing.T) {
	for kind, want := range map[string]string{
		KindEmail: "[email]", KindPhone: "[phone]", KindIBAN: "[iban]", KindITCF: "[id]", KindESDNI: "[id]",
		KindESNIE: "[id]", KindPESEL: "[id]", KindCZRC: "[id]", KindBENN: "[id]", "other": "[redacted]",
	} {
		if got := Placeholder(kind); got != want {
			t.Errorf("Placeholder(%q) = %q, want %q", kind, got, want)
		}
	}
}

func TestRedactAndUnhandled(t *testing.T) {
	text := "Maria (CF RSSMRA85T10A562S) ha scritto da maria@example.it e chiede di chiamare il 347 123 4567; IBAN IT60 X054 2811 1010 0000 0123 456."
	want := "Maria (CF [id]) ha scritto da [email] e chiede di chiamare il [phone]; IBAN [iban]."
	if got := Redact(text, nil); got != want {
		t.Errorf("Redact = %q\nwant    %q", got, want)
	}
	cleared := []string{"phone:347 123 4567", "email:someone@else.it"}
	if got, want := Redact(text, cleared), "Maria (CF [id]) ha scritto da [email] e chiede di chiamare il 347 123 4567; IBAN [iban]."; got != want {
		t.Errorf("Redact(cleared) = %q\nwant              %q", got, want)
	}
	un := Unhandled(text, cleared)
	if len(un) != 3 {
		t.Fatalf("Unhandled = %+v, want 3 findings", un)
	}
	for _, f := range un {
		if f.Kind == KindPhone {
			t.Errorf("cleared phone still unhandled: %+v", f)
		}
	}
	all := make([]string, 0, 4)
	for _, f := range Scan(text) {
		all = append(all, f.Key())
	}
	if un := Unhandled(text, all); len(un) != 0 {
		t.Errorf("Unhandled with all cleared = %+v", un)
	}
	if got := Redact(text, all); got != text {
		t.Errorf("Redact with all cleared changed the text: %q", got)
	}
	if got := Redact("", nil); got != "" {
		t.Errorf("Redact(\"\") = %q", got)
	}
}

func TestFindingJSON(t *testing.T) {
	b, err := json.Marshal(Finding{Kind: KindPhone, Start: 1, End: 3, Text: "12"})
	if err != nil || string(b) != `{"kind":"phone","start":1,"end":3,"text":"12"}` {
		t.Errorf("json = %s, %v", b, err)
	}
}

// TestCorpus measures recall per kind group and the false-positive rate on the
// labelled sentences of testdata/corpus.tsv.
func TestCorpus(t *testing.T) {
	f, err := os.Open("testdata/corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	group := func(kind string) string {
		if IsID(kind) {
			return "ids"
		}
		return kind
	}
	targets := map[string]float64{"ids": 0.99, KindEmail: 0.99, KindIBAN: 0.99, KindPhone: 0.95}
	expected, hit := map[string]int{}, map[string]int{}
	langs := map[string]int{}
	var negatives, falsePos, positives, extra, lines int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") || sc.Text() == "" {
			continue
		}
		cols := strings.SplitN(sc.Text(), "\t", 3)
		if len(cols) != 3 {
			t.Fatalf("bad line %q", sc.Text())
		}
		lines++
		langs[cols[0]]++
		found := map[string]bool{}
		fs := Scan(cols[2])
		for _, fd := range fs {
			found[fd.Kind] = true
		}
		if cols[1] == "-" {
			negatives++
			if len(fs) > 0 {
				falsePos++
				t.Logf("false positive [%s] %q: %+v", cols[0], cols[2], fs)
			}
			continue
		}
		positives++
		want := strings.Split(cols[1], ",")
		for _, k := range want {
			expected[group(k)]++
			if found[k] {
				hit[group(k)]++
			} else {
				t.Logf("missed %s [%s] %q: %+v", k, cols[0], cols[2], fs)
			}
		}
		for k := range found {
			if !slices.Contains(want, k) {
				extra++
				t.Logf("unexpected %s [%s] %q", k, cols[0], cols[2])
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if lines < 420 {
		t.Errorf("corpus has %d sentences, want at least 420", lines)
	}
	t.Logf("corpus: %d sentences %v, %d with personal data, %d without", lines, langs, positives, negatives)
	for _, g := range []string{"ids", KindEmail, KindIBAN, KindPhone} {
		r := float64(hit[g]) / float64(max(1, expected[g]))
		t.Logf("recall %-6s %3d/%3d = %.3f (target >= %.2f)", g, hit[g], expected[g], r, targets[g])
		if expected[g] == 0 || r < targets[g] {
			t.Errorf("recall of %s is %.3f, below %.2f", g, r, targets[g])
		}
	}
	fp := float64(falsePos) / float64(max(1, negatives))
	t.Logf("false positives: %d/%d sentences without personal data = %.4f (target <= 0.01); unexpected extra kinds in positive sentences: %d", falsePos, negatives, fp, extra)
	if fp > 0.01 {
		t.Errorf("false-positive rate %.4f above 0.01", fp)
	}
}
