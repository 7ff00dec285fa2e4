package assets

import (
	"encoding/json"
	"io/fs"
	"testing"
	"testing/fstest"

	"vademecum/data"
)

// versionOf builds a toolkit folder from the embedded one, changed by edit.
func versionOf(t *testing.T, version string, edit func(files fstest.MapFS)) fstest.MapFS {
	t.Helper()
	files := fstest.MapFS{}
	fs.WalkDir(toolkitFS, "toolkit", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(toolkitFS, p)
			files[p] = &fstest.MapFile{Data: b}
		}
		return nil
	})
	files["toolkit/version"] = &fstest.MapFile{Data: []byte(version + "\n")}
	if edit != nil {
		edit(files)
	}
	return files
}

func editJSON(t *testing.T, files fstest.MapFS, name string, edit func(m map[string]any)) {
	var m map[string]any
	if err := json.Unmarshal(files[name].Data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ := json.Marshal(m)
	files[name] = &fstest.MapFile{Data: b}
}

// TestUpdateKeepsLocalEdits: version A ships, a user edits a tool, version B
// changes another field of it and adds a tool; both the edit and B are there.
func TestUpdateKeepsLocalEdits(t *testing.T) {
	ctx := t.Context()
	s, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Init(&data.Organisation{Meta: data.Meta{ID: "fiopsd-it"}, Name: "fio.PSD", Country: "IT", Languages: []string{"it"}}, "Luca"); err != nil {
		t.Fatal(err)
	}
	a, err := Load(versionOf(t, "100", nil), "toolkit")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.SeedToolkit(ctx, a.Version, a.Records()); err != nil || n != len(a.Tools)+len(a.Guides) {
		t.Fatalf("seed A: %d, %v", n, err)
	}
	// The user's edit: the Italian summary of Signal.
	sig, _ := s.GetTool("signal")
	sig.Summary["it"] = "Nota locale: usiamo Signal per i turni di notte."
	if err := s.SaveTool(ctx, sig); err != nil {
		t.Fatal(err)
	}
	b, err := Load(versionOf(t, "101", func(files fstest.MapFS) {
		editJSON(t, files, "toolkit/tools/signal.json", func(m map[string]any) { m["cost"] = "free (donations welcome)" })
		files["toolkit/tools/briar-mailbox.json"] = &fstest.MapFile{Data: files["toolkit/tools/briar.json"].Data}
		editJSON(t, files, "toolkit/tools/briar-mailbox.json", func(m map[string]any) { m["id"] = "briar-mailbox" })
	}), "toolkit")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedToolkit(ctx, b.Version, b.Records()); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetTool("signal")
	if got.Summary["it"] != "Nota locale: usiamo Signal per i turni di notte." {
		t.Errorf("local edit lost: %q", got.Summary["it"])
	}
	if got.Cost != "free (donations welcome)" {
		t.Errorf("B's change not taken: cost %q", got.Cost)
	}
	if got.Summary["en"] != sig.Summary["en"] {
		t.Errorf("untouched language changed")
	}
	if _, err := s.GetTool("briar-mailbox"); err != nil {
		t.Errorf("B's new tool missing: %v", err)
	}
	// Seeding the same version again changes nothing.
	if n, _ := s.SeedToolkit(ctx, b.Version, b.Records()); n != 0 {
		t.Errorf("re-seed changed %d records", n)
	}
}
