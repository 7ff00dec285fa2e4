package export_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vademecum/export"
)

// pdfText extracts a PDF's text with poppler's pdftotext, which also proves the
// file opens in a real reader.
func pdfText(t *testing.T, path string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (Debian package poppler-utils) is not installed")
	}
	cmd := exec.Command("pdftotext", append(append([]string{"-enc", "UTF-8"}, args...), path, "-")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("pdftotext %s: %v %s", path, err, stderr.String())
	}
	return string(out)
}

// squash joins a text's lines and spaces, so that wrapped titles are found.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// firstSentence is the start of a text up to its first full stop (at most 80 bytes).
func firstSentence(s string) string {
	s = strings.TrimLeft(s, "- ")
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	if len(s) > 80 {
		s = s[:80]
		for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
			s = s[:len(s)-1]
		}
	}
	return s
}

func TestPDF(t *testing.T) {
	s := newStore(t)
	k := toolkit(t)
	cases := []struct {
		lang      string
		practices bool
		want      []string // besides every tool's name, category and guide title
	}{
		{"en", true, []string{"Contents", "Works offline", sharedTitle, sharedTitle2, "Czech Streetwork Association",
			"Nainstalujte ODK Collect.", "Žádná jména"}},
		{"it", false, []string{"Indice", "Funziona offline", "Protezione dei dati"}},
		{"es", false, []string{"Índice", "Funciona sin conexión"}},
		{"pl", true, []string{"Spis treści", "Bezpieczeństwo", "Udostępnianie plików", "Działa offline",
			"Ochrona danych osobowych i prywatności", sharedTitle2, "Wnioski", "Zasady muszą być krótkie."}},
		{"cs", false, []string{"Obsah", "Bezpečnost", "Sdílení souborů", "Přístupnost", "Středně pokročilá",
			"Interakce prostřednictvím digitálních technologií"}},
		{"fr", false, []string{"Sommaire", "Fonctionne hors ligne", "Sécurité"}},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "vademecum-"+c.lang+".pdf")
			err := export.Save(context.Background(), s, export.PDF, path, export.Options{Lang: c.lang, Practices: c.practices})
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := os.ReadFile(path)
			if !bytes.HasPrefix(raw, []byte("%PDF-")) || !bytes.Contains(raw[len(raw)-32:], []byte("%%EOF")) {
				t.Fatal("not a complete PDF file")
			}
			text := squash(pdfText(t, path))
			want := append([]string{}, c.want...)
			for _, tool := range k.Tools {
				if tool.Retired != "" {
					// Out of the booklet; "Skype" may still be named by a practice.
					if desc, _ := tool.Description.In(c.lang); strings.Contains(text, squash(firstSentence(desc))) {
						t.Errorf("retired tool %s is in the booklet", tool.ID)
					}
					continue
				}
				if c.lang != "en" {
					// Every body text is in the booklet's language: no English standing in.
					for _, en := range []string{tool.Description["en"], tool.UseCases["en"], tool.DataProtection["en"]} {
						if line := squash(firstSentence(en)); strings.Contains(text, line) {
							t.Errorf("%s: English text in the %s booklet: %q", tool.ID, c.lang, line)
						}
					}
				}
				name, _ := tool.Name.In(c.lang)
				want = append(want, name)
				cat, _ := k.Category(tool.Category)
				catName, _ := cat.Name.In(c.lang)
				want = append(want, catName)
			}
			for _, g := range k.Guides {
				title, _ := g.Title.In(c.lang)
				want = append(want, title)
			}
			for _, w := range want {
				if !strings.Contains(text, squash(w)) {
					t.Errorf("the PDF text lacks %q", w)
				}
			}
			if strings.Contains(text, draftTitle) || strings.Contains(text, orgTitle) {
				t.Error("a draft or organisation-only practice is in the booklet")
			}
			if !c.practices && strings.Contains(text, sharedTitle) {
				t.Error("practices are in a booklet made without them")
			}
			if c.practices {
				checkContentsPages(t, path, map[string]string{"Signal": "signal.org", "KeePassXC": "keepassxc.org"})
			}
		})
	}
}

// checkContentsPages checks that the contents give the page where each tool is
// (names maps a tool's name to its website, shown on its page).
func checkContentsPages(t *testing.T, path string, names map[string]string) {
	t.Helper()
	toc := pdfText(t, path, "-layout", "-f", "2", "-l", "5")
	for name, website := range names {
		m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(name) + `\s+(\d+)\s*$`).FindStringSubmatch(toc)
		if m == nil {
			t.Errorf("the contents have no page number for %s", name)
			continue
		}
		page, _ := strconv.Atoi(m[1])
		text := pdfText(t, path, "-f", m[1], "-l", m[1])
		if !strings.Contains(text, name) || !strings.Contains(text, website) {
			t.Errorf("the contents send %s to page %d, which does not show it:\n%s", name, page, text)
		}
	}
}

func BenchmarkPDF(b *testing.B) {
	s := newStore(b)
	for b.Loop() {
		if err := export.WritePDF(context.Background(), s, io.Discard, export.Options{Lang: "pl", Practices: true}); err != nil {
			b.Fatal(err)
		}
	}
}
