package data

import "testing"

// Text from a hub is data, not terminal control (DESIGN.md, threat model 8):
// a file name with a newline must not forge a line of output, an escape
// sequence must not recolour or clear the terminal, a bidirectional override
// must not reverse what follows.
func TestPrintable(t *testing.T) {
	cases := []struct{ in, line, text string }{
		{"practices/2026/11/x.json", "practices/2026/11/x.json", "practices/2026/11/x.json"},
		{"Noční služba – città, Łódź", "Noční služba – città, Łódź", "Noční služba – città, Łódź"},
		{"a.json\nquarantined nothing: all fine", `a.json\nquarantined nothing: all fine`, "a.json\nquarantined nothing: all fine"},
		{"x\r\x1b[2Kok", `x\r\x1b[2Kok`, `x\r\x1b[2Kok`},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`, `\x1b]0;title\x07`},
		{"tab\there", `tab\there`, "tab\there"},
		{"csi\u009b31m", `csi\u009b31m`, `csi\u009b31m`},
		{"evil\u202egnp.exe", `evil\u202egnp.exe`, `evil\u202egnp.exe`},
		{"line\u2028sep", `line\u2028sep`, `line\u2028sep`},
		{"del\x7f", `del\x7f`, `del\x7f`},
		{"bad\xffutf8", `bad\xffutf8`, `bad\xffutf8`},
		{"", "", ""},
	}
	for _, c := range cases {
		if got := Printable(c.in); got != c.line {
			t.Errorf("Printable(%q) = %q, want %q", c.in, got, c.line)
		}
		if got := PrintableText(c.in); got != c.text {
			t.Errorf("PrintableText(%q) = %q, want %q", c.in, got, c.text)
		}
	}
}
