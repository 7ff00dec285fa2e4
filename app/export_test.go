package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/export"
)

// overlayText is every label shown in the window's dialogs, one per line.
func overlayText(u *UI) string {
	var b strings.Builder
	for _, o := range u.Window().Canvas().Overlays().List() {
		find(o, func(l *widget.Label) bool {
			b.WriteString(l.Text + "\n")
			return false
		})
	}
	return b.String()
}

func TestExportFromFileMenu(t *testing.T) {
	st := newTestStore(t)
	addPractice(t, st, "Offline library in the common room", "IT", "en", "kiwix")
	u := newTestUI(t, st, nil)
	dir := t.TempDir()
	var asked string
	u.chooseFolder = func(start string, done func(string)) { asked = start; done(dir) }

	// The menu has the export and the import.
	var file *fyne.Menu
	for _, m := range u.Window().MainMenu().Items {
		if m.Label == "File" {
			file = m
		}
	}
	if file == nil || len(file.Items) < 2 || file.Items[0].Label != "Export…" || file.Items[1].Label != "Import practices from CSV…" {
		t.Fatalf("File menu: %+v", file)
	}

	x := u.showExport()
	if x.format.value() != string(export.PDF) || x.language.value() != "en" || !x.practices.Checked {
		t.Fatalf("defaults: %s %s %v", x.format.value(), x.language.value(), x.practices.Checked)
	}
	x.format.SetSelectedIndex(2) // Markdown
	if x.name.Text != "vademecum-en.md" {
		t.Errorf("file name %q", x.name.Text)
	}
	choose, ok := button(u.Window().Canvas().Overlays().Top(), "Choose…")
	if !ok {
		t.Fatal("no Choose… button")
	}
	test.Tap(choose)
	if x.folder.Text != dir {
		t.Fatalf("folder %q, chooser started at %q", x.folder.Text, asked)
	}
	start, ok := button(u.Window().Canvas().Overlays().Top(), "Export")
	if !ok {
		t.Fatal("no Export button")
	}
	test.Tap(start)
	u.Wait()
	out, err := os.ReadFile(filepath.Join(dir, "vademecum-en.md"))
	if err != nil {
		t.Fatalf("no export written: %v", err)
	}
	for _, want := range []string{"Kiwix", "Offline library in the common room"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the Markdown export lacks %q", want)
		}
	}
	if msg := overlayText(u); !strings.Contains(msg, filepath.Join(dir, "vademecum-en.md")) || !strings.Contains(msg, "saved") {
		t.Errorf("result message: %q", msg)
	}
	// The next export starts in the same folder.
	if got := u.defaultExportDir(); got != dir {
		t.Errorf("next export offered in %q", got)
	}
}

func TestExportFormats(t *testing.T) {
	st := newTestStore(t)
	addPractice(t, st, "Tłumaczenie w punkcie informacyjnym", "PL", "pl", "argos-translate")
	u := newTestUI(t, st, nil)
	dir := t.TempDir()
	for _, c := range []struct {
		r     exportRequest
		file  string
		check func([]byte) bool
	}{
		{exportRequest{format: export.PDF, lang: "pl", practices: true}, "booklet.pdf", func(b []byte) bool { return bytes.HasPrefix(b, []byte("%PDF")) }},
		{exportRequest{format: export.HTML, lang: "cs", practices: true}, "site", nil},
		{exportRequest{format: export.JSON}, "all.json", func(b []byte) bool {
			return bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) || bytes.HasPrefix(bytes.TrimSpace(b), []byte("{"))
		}},
		{exportRequest{format: export.CSV}, "practices.csv", func(b []byte) bool { return bytes.Contains(b, []byte("Tłumaczenie")) }},
	} {
		c.r.path = filepath.Join(dir, c.file)
		u.runExport(c.r)
		u.Wait()
		if c.r.format == export.HTML {
			if _, err := os.Stat(filepath.Join(c.r.path, "index.html")); err != nil {
				t.Errorf("html: %v", err)
			}
			if msg := overlayText(u); !strings.Contains(msg, "index.html") {
				t.Errorf("html result message: %q", msg)
			}
			continue
		}
		b, err := os.ReadFile(c.r.path)
		if err != nil || !c.check(b) {
			t.Errorf("%s: %d bytes, %v", c.r.format, len(b), err)
		}
	}
	// A place that cannot be written gives a message in words, and no file.
	u.runExport(exportRequest{format: export.PDF, lang: "en", path: filepath.Join(dir, "missing", "x.pdf")})
	u.Wait()
	if msg := overlayText(u); !strings.Contains(msg, "could not be written") || !strings.Contains(msg, "does not exist") {
		t.Errorf("failure message: %q", msg)
	}
}

func TestExportDialogChecks(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	x := u.showExport()
	x.dir = ""
	x.submit()
	if !x.problem.Visible() || !strings.Contains(x.problem.Text, "folder") {
		t.Errorf("no folder: %q", x.problem.Text)
	}
	x.dir = t.TempDir()
	x.name.SetText("a/b.pdf")
	x.submit()
	if !x.problem.Visible() {
		t.Error("a name with a slash is accepted")
	}
	// CSV holds practices only: the choice of language and of practices goes.
	x.format.SetSelectedIndex(4)
	if !x.language.Disabled() || x.practices.Visible() || !x.internal.Visible() {
		t.Errorf("CSV: language disabled %v, practices shown %v, internal shown %v", x.language.Disabled(), x.practices.Visible(), x.internal.Visible())
	}
	if x.name.Text != "a/b.pdf" {
		t.Errorf("a typed name was replaced: %q", x.name.Text)
	}
}

func TestImportCSVFromFileMenu(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("title,summary,visibility,lang\nFood bank rota,Who collects on which day,draft,en\nNight bus,Stops and times,everyone,en\n,Free washing on Mondays,draft,en\n"), 0o644)
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("title,summary,visibility,lang\nFood bank rota,Who collects on which day,draft,en\nNight bus,Stops and times,org,en\n"), 0o644)

	u.chooseCSV = func(done func(string)) { done(bad) }
	u.showImport()
	u.Wait()
	if n := practiceCount(t, st); n != 0 {
		t.Fatalf("a file with wrong rows imported %d practices", n)
	}
	msg := overlayText(u)
	for _, want := range []string{"Line 3:", "Line 4:", "2 rows of bad.csv cannot be imported"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the import errors do not say %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "Line 2:") {
		t.Errorf("a good row is listed as wrong:\n%s", msg)
	}

	u.chooseCSV = func(done func(string)) { done(good) }
	u.showImport()
	u.Wait()
	if n := practiceCount(t, st); n != 2 {
		t.Fatalf("imported %d practices, want 2", n)
	}
	if msg := overlayText(u); !strings.Contains(msg, "2 practices were added") {
		t.Errorf("result message:\n%s", msg)
	}
	if u.journal.model.len() != 2 {
		t.Errorf("the journal shows %d practices after the import", u.journal.model.len())
	}
}
