package privacy

import (
	"slices"
	"testing"
)

var fuzzSeeds = []string{
	"",
	"tel. +39 347 123 4567, mail mario.rossi@example.it",
	"IBAN IT60 X054 2811 1010 0000 0123 456; CF RSSMRA85T10A562S",
	"DNI 12.345.678-Z NIE X-1234567-L PESEL 44051401458 RČ 780123/0008 NN 85.07.30-033.28",
	"Prezzo 1.250,00 €, il 01.03.2024 dalle 09.00-13.00, ordine n. 245813902",
	"(+34) 612 34 56 78 0470/12.34.56 02/123.45.67 (22) 123-45-67 +32 (0)470 12 34 56",
	"347 123 4567 06 1234 5678\u00a0+420\u202f777\u00a0123\u00a0456",
}

func FuzzScan(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	kinds := Kinds()
	f.Fuzz(func(t *testing.T, text string) {
		fs := Scan(text)
		for i, fd := range fs {
			if fd.Start < 0 || fd.End > len(text) || fd.Start >= fd.End {
				t.Fatalf("finding %d out of range: %+v (len %d)", i, fd, len(text))
			}
			if fd.Text != text[fd.Start:fd.End] {
				t.Fatalf("finding %d text %q != text[%d:%d] %q", i, fd.Text, fd.Start, fd.End, text[fd.Start:fd.End])
			}
			if !slices.Contains(kinds, fd.Kind) {
				t.Fatalf("finding %d has unknown kind %q", i, fd.Kind)
			}
			if i > 0 && fs[i-1].End > fd.Start {
				t.Fatalf("findings %d and %d overlap or are out of order: %+v %+v", i-1, i, fs[i-1], fd)
			}
		}
		// Scanning is deterministic and a finding is found again on its own.
		if again := Scan(text); !slices.Equal(again, fs) {
			t.Fatalf("Scan is not deterministic: %+v then %+v", fs, again)
		}
		for _, fd := range fs {
			alone := Scan(fd.Text)
			if len(alone) != 1 || alone[0].Kind != fd.Kind || alone[0].Text != fd.Text {
				t.Fatalf("finding %+v is not found on its own: %+v", fd, alone)
			}
		}
		// Redacting leaves nothing to handle and is stable.
		red := Redact(text, nil)
		if un := Unhandled(red, nil); len(un) != 0 {
			t.Fatalf("Redact(%q) = %q still has %+v", text, red, un)
		}
		if len(fs) == 0 && red != text {
			t.Fatalf("Redact changed a text without findings: %q -> %q", text, red)
		}
		// Clearing every finding leaves the text as it is.
		var cleared []string
		for _, fd := range fs {
			cleared = append(cleared, fd.Key())
		}
		if un := Unhandled(text, cleared); len(un) != 0 {
			t.Fatalf("Unhandled with all cleared = %+v", un)
		}
		if got := Redact(text, cleared); got != text {
			t.Fatalf("Redact with all cleared changed %q to %q", text, got)
		}
	})
}
