package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vademecum/data"
	"vademecum/export"
)

func countPractices(t *testing.T, s *data.Store) int {
	t.Helper()
	list, err := s.ListPractices(context.Background(), data.PracticeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func practiceByTitle(t *testing.T, s *data.Store, title string) *data.Practice {
	t.Helper()
	list, err := s.ListPractices(context.Background(), data.PracticeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sm := range list {
		if sm.Title == title {
			p, err := s.GetPractice(sm.ID)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	t.Fatalf("no practice %q", title)
	return nil
}

func importFile(t *testing.T, s *data.Store, path string) (int, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return export.ImportCSV(context.Background(), s, f)
}

// TestCSVRoundTrip: exporting and importing the same file changes nothing and
// duplicates nothing; an edited file updates its practices in place.
func TestCSVRoundTrip(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	before := countPractices(t, s)
	for _, o := range []export.Options{{}, {AllVisibilities: true}} {
		path := filepath.Join(dir, "practices.csv")
		if err := export.Save(ctx, s, export.CSV, path, o); err != nil {
			t.Fatal(err)
		}
		n, err := importFile(t, s, path)
		if err != nil || n != 0 {
			t.Fatalf("import of an unchanged export (all visibilities %v): %d imported, %v", o.AllVisibilities, n, err)
		}
		if got := countPractices(t, s); got != before {
			t.Fatalf("%d practices after import, %d before", got, before)
		}
	}

	// Read the export as a spreadsheet would, edit a practice, add one, import.
	path := filepath.Join(dir, "practices.csv")
	raw, _ := os.ReadFile(path)
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Error("rows do not end in CRLF (RFC 4180)")
	}
	for _, cell := range []string{"\"'=1+1 is text", "\"'- prima\n- seconda\"", ",''@ già scritto"} {
		if !bytes.Contains(raw, []byte(strings.ReplaceAll(cell, "\n", "\r\n"))) {
			t.Errorf("the CSV lacks %q: a cell a spreadsheet would run as a formula is not guarded", cell)
		}
	}
	if !bytes.HasPrefix(raw, []byte("\ufeff")) {
		t.Error("no byte-order mark: Excel would not read the file as UTF-8")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	wantHead := []string{"id", "title", "summary", "context", "target_group", "objectives", "activities", "tools",
		"resources", "results", "lessons", "transferability", "tags", "country", "lang", "visibility", "org", "author",
		"created", "updated"}
	if !slices.Equal(head, wantHead) {
		t.Fatalf("header %v", head)
	}
	col := func(name string) int { return slices.Index(head, name) }
	old := practiceByTitle(t, s, sharedTitle)
	for _, r := range rows[1:] {
		if r[col("id")] == old.ID {
			if r[col("tools")] != "odk-collect; signal" || r[col("tags")] != "noční služba; offline" {
				t.Errorf("lists: tools %q, tags %q", r[col("tools")], r[col("tags")])
			}
			r[col("summary")] = "Nové shrnutí, s čárkou a \"uvozovkami\"."
			r[col("tags")] = "offline; streetwork"
		}
	}
	added := make([]string, len(head))
	added[col("title")] = "Nový řádek ze sešitu"
	added[col("tools")] = "Signal; ODK Collect" // names work as well as ids
	rows = append(rows, added)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.WriteAll(rows)
	os.WriteFile(path, buf.Bytes(), 0o644)
	n, err := importFile(t, s, path)
	if err != nil || n != 2 {
		t.Fatalf("import of an edited file: %d imported, %v; want 2", n, err)
	}
	if got := countPractices(t, s); got != before+1 {
		t.Errorf("%d practices, want %d", got, before+1)
	}
	p := practiceByTitle(t, s, sharedTitle)
	if p.ID != old.ID || p.Summary != "Nové shrnutí, s čárkou a \"uvozovkami\"." || !slices.Equal(p.Tags, []string{"offline", "streetwork"}) ||
		!p.Updated.After(old.Updated) || !p.Created.Equal(old.Created) || p.Activities != old.Activities {
		t.Errorf("edited practice: %+v", p)
	}
	np := practiceByTitle(t, s, "Nový řádek ze sešitu")
	if np.Org != "streetwork-cz" || np.Author != "Jana Nováková" || np.Visibility != data.Draft || np.Lang != "en" ||
		np.Country != "CZ" || !slices.Equal(np.Tools, []string{"odk-collect", "signal"}) {
		t.Errorf("new practice: %+v", np)
	}
}

// TestCSVImportSpreadsheet: a sheet typed by people: a byte-order mark, column
// names with spaces, any order, a missing final column, CRLF.
func TestCSVImportSpreadsheet(t *testing.T) {
	s := newStore(t)
	s.SetSetting(data.SettingUILang, "cs")
	sheet := "\ufeffTitle,Target group,Tags,Visibility,Lessons,\r\n" +
		"Kontaktní místo,Lidé bez domova,\"streetwork, noc\",shared,\"Dvě\r\nřádky\",\r\n" +
		",,,,,\r\n"
	n, err := export.ImportCSV(context.Background(), s, strings.NewReader(sheet))
	if err != nil || n != 1 {
		t.Fatalf("%d imported, %v", n, err)
	}
	p := practiceByTitle(t, s, "Kontaktní místo")
	if p.TargetGroup != "Lidé bez domova" || !slices.Equal(p.Tags, []string{"noc", "streetwork"}) ||
		p.Visibility != data.Shared || p.Lessons != "Dvě\nřádky" || p.Lang != "cs" || p.Country != "CZ" {
		t.Errorf("imported %+v", p)
	}
}

// TestCSVImportErrors: every bad row is reported with its line, and nothing of
// the file is imported, not even its good rows.
func TestCSVImportErrors(t *testing.T) {
	s := newStore(t)
	partner := practiceByTitle(t, s, partnerTitle)
	own := practiceByTitle(t, s, sharedTitle)
	type bad struct {
		line int
		msg  string
	}
	cases := []struct {
		name string
		csv  string
		want []bad
	}{
		{"no title", "title,summary,visibility\nGood one,fine,draft\n,no title here,shared\n",
			[]bad{{3, "title: is required"}}},
		{"line after a multi-line cell", "title,summary,visibility\n\"Good\",\"one\ntwo\nthree\",draft\nBad,x,public\n",
			[]bad{{5, "visibility: must be draft, org or shared"}}},
		{"unknown tool", "title,tools\nGood,signal\nOk,signal; no-such-tool\n",
			[]bad{{3, `no tool has the id or name "no-such-tool"`}}},
		{"cell count", "title,summary\nGood,fine\nA,b,c\n",
			[]bad{{3, "has 3 cells but the header has 2 columns"}}},
		{"bare quote", "title,summary\nGood,fine\nA \"quoted\" title,b\n",
			[]bad{{3, `has a " inside a cell`}}},
		{"unknown id", "id,title\n,Good\n01900000-0000-7000-8000-000000000000,X\n",
			[]bad{{3, "no practice has the id 01900000-0000-7000-8000-000000000000 here"}}},
		{"partner's practice", "id,title\n,Good\n" + partner.ID + ",Changed by us\n",
			[]bad{{3, "belongs to casal-es"}}},
		{"same id twice", "id,title\n" + own.ID + ",One\n" + own.ID + ",Two\n",
			[]bad{{3, "is already on line 2"}}},
		{"several rows", "title,lang,country\nGood,cs,CZ\n,cs,CZ\nFine,cs,CZ\nBad lang,czech,Czechia\n",
			[]bad{{3, "title: is required"}, {5, "lang: must be a two-letter"}, {5, "country: must be a two-letter"}}},
		{"unknown column", "title,colour\nGood,red\n",
			[]bad{{1, `column "colour", which is not a practice field`}}},
		{"no title column", "summary\nfine\n",
			[]bad{{1, "no title column"}}},
	}
	before := countPractices(t, s)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := export.ImportCSV(context.Background(), s, strings.NewReader(c.csv))
			var ie *export.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("got %d, %v; want an import error", n, err)
			}
			lines := map[int]bool{}
			for _, w := range c.want {
				lines[w.line] = true
				found := false
				for _, r := range ie.Rows {
					found = found || (r.Line == w.line && strings.Contains(r.Msg, w.msg))
				}
				if !found {
					t.Errorf("no error %q on line %d in %v", w.msg, w.line, ie.Rows)
				}
			}
			if len(ie.Rows) != len(lines) {
				t.Errorf("rows reported: %v", ie.Rows)
			}
			if !strings.Contains(err.Error(), "nothing was imported") {
				t.Errorf("message: %v", err)
			}
			if got := countPractices(t, s); got != before {
				t.Errorf("%d practices after a failed import, %d before", got, before)
			}
		})
	}
	if p := practiceByTitle(t, s, sharedTitle); p.Title != own.Title || !p.Updated.Equal(own.Updated) {
		t.Error("a failed import changed a practice")
	}
}

func TestCSVImportNotUTF8(t *testing.T) {
	s := newStore(t)
	latin2 := []byte("title\nNo\xe8n\xed slu\xbeba\n") // "Noční služba" saved as Windows-1250
	_, err := export.ImportCSV(context.Background(), s, bytes.NewReader(latin2))
	if err == nil || !strings.Contains(err.Error(), "not UTF-8") {
		t.Fatalf("got %v", err)
	}
	if _, err := export.ImportCSV(context.Background(), s, strings.NewReader("")); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty file: %v", err)
	}
}

// TestCSVImportSeparators: Excel in Italian, Spanish, Polish, Czech or French
// saves "CSV" with semicolons (the comma is their decimal mark), with a
// byte-order mark and CRLF; some tools write tabs. Each is read as the file
// says, and a comma inside a cell stays in the cell.
func TestCSVImportSeparators(t *testing.T) {
	cases := map[string]string{
		"semicolon": "\ufefftitle;summary;tags;visibility\r\n" +
			"Sportello serale;Costo 1,50 € a persona, tè incluso;casa, notte;shared\r\n" +
			"\"Due; punti\";\"Riga\r\ndoppia\";;draft\r\n",
		"tab": "title\tsummary\ttags\tvisibility\r\n" +
			"Sportello serale\tCosto 1,50 € a persona, tè incluso\tcasa, notte\tshared\r\n" +
			"Due; punti\t\"Riga\r\ndoppia\"\t\tdraft\r\n",
		"comma": "\ufefftitle,summary,tags,visibility\n" +
			"Sportello serale,\"Costo 1,50 € a persona, tè incluso\",casa; notte,shared\n" +
			"Due; punti,\"Riga\ndoppia\",,draft\n",
	}
	for name, sheet := range cases {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			n, err := export.ImportCSV(context.Background(), s, strings.NewReader(sheet))
			if err != nil || n != 2 {
				t.Fatalf("%d imported, %v", n, err)
			}
			p := practiceByTitle(t, s, "Sportello serale")
			if p.Summary != "Costo 1,50 € a persona, tè incluso" || !slices.Equal(p.Tags, []string{"casa", "notte"}) || p.Visibility != data.Shared {
				t.Errorf("imported %+v", p)
			}
			if q := practiceByTitle(t, s, "Due; punti"); q.Summary != "Riga\ndoppia" {
				t.Errorf("second row: %+v", q)
			}
		})
	}
}

// TestCSVImportPrivacy: a shared row runs the privacy guard as 'practice add'
// does; a row with personal data is refused with its line and finding, and
// nothing of the file is imported. As a draft, it stays on this computer.
func TestCSVImportPrivacy(t *testing.T) {
	s := newStore(t)
	before := countPractices(t, s)
	sheet := "\ufefftitle;summary;tags;visibility\r\n" +
		"Sportello serale;Accoglienza;casa;shared\r\n" +
		"Chiamate;Chiamare Marco al 347 123 4567;casa;shared\r\n" +
		"Etichetta;Niente;RSSMRA85T10A562S;shared\r\n" +
		"Bozza;Chiamare Marco al 347 123 4567;;draft\r\n"
	_, err := export.ImportCSV(context.Background(), s, strings.NewReader(sheet))
	var ie *export.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 2 {
		t.Fatalf("got %v", err)
	}
	if r := ie.Rows[0]; r.Line != 3 || !strings.Contains(r.Msg, `summary: may contain personal data (phone "347 123 4567")`) {
		t.Errorf("first refusal: %v", r)
	}
	if r := ie.Rows[1]; r.Line != 4 || !strings.Contains(r.Msg, `tags: may contain personal data (it_cf "RSSMRA85T10A562S")`) {
		t.Errorf("second refusal: %v", r)
	}
	if got := countPractices(t, s); got != before {
		t.Errorf("%d practices after a refused import, %d before", got, before)
	}
}

// TestCSVExportForSpreadsheets: a byte-order mark always (Excel then reads
// UTF-8); semicolons for languages whose decimal mark is a comma, or when asked.
func TestCSVExportForSpreadsheets(t *testing.T) {
	s := newStore(t)
	dir := t.TempDir()
	cases := []struct {
		o    export.Options
		head string
	}{
		{export.Options{Lang: "en"}, "\ufeffid,title,summary,"},
		{export.Options{Lang: "it"}, "\ufeffid;title;summary;"},
		{export.Options{Lang: "cs"}, "\ufeffid;title;summary;"},
		{export.Options{Lang: "en", Separator: ';'}, "\ufeffid;title;summary;"},
		{export.Options{Lang: "fr", Separator: ','}, "\ufeffid,title,summary,"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, "practices.csv")
		if err := export.Save(context.Background(), s, export.CSV, path, c.o); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(path)
		if !strings.HasPrefix(string(raw), c.head) {
			t.Errorf("%+v: the file starts %q", c.o, raw[:min(40, len(raw))])
		}
		// What was written reads back unchanged.
		if n, err := importFile(t, s, path); err != nil || n != 0 {
			t.Errorf("%+v: import of the export: %d, %v", c.o, n, err)
		}
	}
}
