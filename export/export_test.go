package export_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/export"
)

// Titles of the practices newStore writes, by visibility.
const (
	sharedTitle  = "Noční směna s offline formulářem"
	sharedTitle2 = "Wspólny telefon w noclegowni: zasady"
	orgTitle     = "Rota interna del turno di notte"
	draftTitle   = "Draft: not ready to leave the laptop"
	partnerTitle = "Partner practice from Barcelona"
)

// newStore opens a store in a temporary directory with the real embedded
// toolkit, an organisation, and practices of every visibility: two shared ones
// of this organisation, one organisation-only, one draft, and a shared one of a
// partner received from a hub, with a comment.
func newStore(t testing.TB) *data.Store {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := assets.Seed(ctx, s); err != nil {
		t.Fatal(err)
	}
	org := &data.Organisation{Meta: data.Meta{ID: "streetwork-cz", Lang: "cs"}, Name: "Czech Streetwork Association",
		Country: "CZ", Languages: []string{"cs", "en"}}
	if err := s.Init(org, "Jana Nováková"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*data.Practice{
		{Meta: data.Meta{Lang: "cs"}, Title: sharedTitle, Visibility: data.Shared, Country: "CZ",
			Summary:    "Tým terénní práce sbírá **anonymní** údaje offline, i bez signálu.",
			Activities: "1. Nainstalujte ODK Collect.\n2. Stáhněte formulář.\n\n- Žádná jména, \"přezdívky\" ano; čárky, středníky; a nové\nřádky 👍",
			Tools:      []string{"odk-collect", "signal"}, Tags: []string{"offline", "noční služba"}},
		{Meta: data.Meta{Lang: "pl"}, Title: sharedTitle2, Visibility: data.Shared, Country: "PL",
			Summary: "Jeden telefon dla całej zmiany, z blokadą ekranu i Signalem.", Tools: []string{"signal"},
			Lessons: "Zasady muszą być krótkie."},
		{Meta: data.Meta{Lang: "it"}, Title: orgTitle, Visibility: data.OrgVis, Summary: "=1+1 is text, not a formula",
			Lessons: "- prima\n- seconda", Results: "'@ già scritto con l'apostrofo"},
		{Meta: data.Meta{Lang: "en"}, Title: draftTitle, Visibility: data.Draft, Summary: "Still has names in it."},
	} {
		if err := s.SavePractice(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	now := data.Now()
	partner := &data.Organisation{Meta: data.Meta{ID: "casal-es", Type: data.TypeOrg, Org: "casal-es", Lang: "es",
		Created: now, Updated: now}, Name: "Casal dels Infants", Country: "ES", Languages: []string{"es", "ca"}}
	pp := &data.Practice{Meta: data.Meta{ID: data.NewID(), Type: data.TypePractice, Org: "casal-es", Author: "Marta",
		Lang: "en", Created: now, Updated: now}, Title: partnerTitle, Summary: "Drop-in with tablets at the Raval centre.",
		Visibility: data.Shared, Country: "ES", Tools: []string{}, Tags: []string{}}
	cm := &data.Comment{Meta: data.Meta{ID: data.NewID(), Type: data.TypeComment, Org: "streetwork-cz", Author: "Jana",
		Lang: "en", Created: now, Updated: now}, Practice: pp.ID, Text: "We tried this in Prague.", Visibility: data.Shared}
	if err := s.Tx(ctx, func(tx *data.Tx) error {
		for _, r := range []data.Record{partner, pp, cm} {
			if err := tx.Put(r, data.PutHub); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

func toolkit(t testing.TB) *assets.Kit {
	t.Helper()
	k, err := assets.Toolkit()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSaveRefusesBadPlaces(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	foreign := filepath.Join(dir, "photos")
	os.Mkdir(foreign, 0o755)
	os.WriteFile(filepath.Join(foreign, "holiday.jpg"), []byte("jpeg"), 0o644)
	file := filepath.Join(dir, "notes.txt")
	os.WriteFile(file, []byte("notes"), 0o644)
	cases := []struct {
		name   string
		format export.Format
		path   string
		opt    export.Options
		want   string
	}{
		{"missing folder", export.PDF, filepath.Join(dir, "no", "such", "v.pdf"), export.Options{}, "does not exist"},
		{"folder for a file", export.CSV, dir, export.Options{}, "is a folder"},
		{"site over a file", export.HTML, file, export.Options{}, "is a file"},
		{"site over someone's folder", export.HTML, foreign, export.Options{}, "not empty"},
		{"language", export.Markdown, filepath.Join(dir, "v.md"), export.Options{Lang: "de"}, "en, it, es, pl, cs, fr"},
		{"format", export.Format("docx"), filepath.Join(dir, "v.docx"), export.Options{}, "not an export format"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := export.Save(ctx, s, c.format, c.path, c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error about %q", err, c.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(foreign, "holiday.jpg")); err != nil {
		t.Errorf("someone's file was touched: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a temporary file was left behind: %s", e.Name())
		}
	}
}

// TestOnlySharedLeaves: drafts and organisation-only practices stay out of every
// export meant for sharing, and out of the CSV unless asked for.
func TestOnlySharedLeaves(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	for _, f := range export.Formats {
		t.Run(string(f), func(t *testing.T) {
			out := filepath.Join(dir, "v."+string(f))
			if err := export.Save(ctx, s, f, out, export.Options{Practices: true}); err != nil {
				t.Fatal(err)
			}
			text := readAll(t, out)
			for _, title := range []string{draftTitle, orgTitle} {
				if strings.Contains(text, title) {
					t.Errorf("%s export holds %q", f, title)
				}
			}
			if !strings.Contains(text, partnerTitle) {
				t.Errorf("%s export lacks the partner's shared practice", f)
			}
		})
	}
	out := filepath.Join(dir, "all.csv")
	if err := export.Save(ctx, s, export.CSV, out, export.Options{AllVisibilities: true}); err != nil {
		t.Fatal(err)
	}
	text := readAll(t, out)
	for _, title := range []string{sharedTitle, orgTitle, draftTitle, partnerTitle} {
		if !strings.Contains(text, title) {
			t.Errorf("CSV with all visibilities lacks %q", title)
		}
	}
}

// readAll returns a file's text, or every file's under a folder, and the PDF's
// extracted text for a PDF.
func readAll(t *testing.T, path string) string {
	t.Helper()
	if strings.HasSuffix(path, ".pdf") {
		return pdfText(t, path)
	}
	var b strings.Builder
	err := filepath.Walk(path, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		raw, err := os.ReadFile(p)
		b.Write(raw)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestProgress(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for _, f := range export.Formats {
		t.Run(string(f), func(t *testing.T) {
			var calls, last, total int
			o := export.Options{Practices: true, Progress: func(done, tot int) {
				if done < last || done > tot || (total != 0 && tot != total) {
					t.Errorf("progress went %d/%d after %d/%d", done, tot, last, total)
				}
				calls, last, total = calls+1, done, tot
			}}
			if err := export.Save(ctx, s, f, filepath.Join(t.TempDir(), "v."+string(f)), o); err != nil {
				t.Fatal(err)
			}
			if calls < 3 || last != total {
				t.Errorf("progress called %d times, ended at %d/%d", calls, last, total)
			}
		})
	}
}

func TestMarkdown(t *testing.T) {
	s := newStore(t)
	k := toolkit(t)
	for _, lang := range export.Languages {
		t.Run(lang, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "v.md")
			if err := export.Save(context.Background(), s, export.Markdown, out, export.Options{Lang: lang, Practices: true}); err != nil {
				t.Fatal(err)
			}
			text := readAll(t, out)
			for _, tool := range k.Tools {
				name, _ := tool.Name.In(lang)
				if has := strings.Contains(text, "\n### "+name+"\n"); has != (tool.Retired == "") {
					t.Errorf("heading for %s: %v (retired %q)", name, has, tool.Retired)
				}
			}
			if !strings.Contains(text, "\n### "+sharedTitle+"\n") || !strings.Contains(text, "1. Nainstalujte ODK Collect.") {
				t.Error("the shared practice or its steps are missing")
			}
			if strings.Contains(text, "\n# Ž") {
				t.Error("a note's text became a heading")
			}
		})
	}
}

func TestJSON(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	for _, p := range []string{a, b} {
		if err := export.Save(ctx, s, export.JSON, p, export.Options{Practices: true}); err != nil {
			t.Fatal(err)
		}
	}
	ta, tb := readAll(t, a), readAll(t, b)
	if ta != tb {
		t.Error("two exports of the same content differ")
	}
	recs := decodeArray(t, ta)
	counts := map[string]int{}
	for _, r := range recs {
		counts[r.Base().Type]++
		if p, ok := r.(*data.Practice); ok && p.Visibility != data.Shared {
			t.Errorf("%s practice %q in the JSON", p.Visibility, p.Title)
		}
	}
	k := toolkit(t)
	if counts["tool"] != len(k.Tools) || counts["guide"] != len(k.Guides) || counts["practice"] != 3 || counts["comment"] != 1 {
		t.Errorf("records by type: %v", counts)
	}
}

func decodeArray(t *testing.T, text string) []data.Record {
	t.Helper()
	var raws []json.RawMessage
	if err := json.Unmarshal([]byte(text), &raws); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	out := make([]data.Record, len(raws))
	for i, raw := range raws {
		r, err := data.Decode(raw)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		out[i] = r
	}
	return out
}
