package data

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every save lands in the local copy; drafts stay recoverable when the copy is
// rewritten, and records sync has committed are dropped from it then.
func TestLocalCopyKeepsWhatOnlyTheDatabaseHolds(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	draft := &Practice{Meta: Meta{Lang: "en"}, Title: "Draft about a person", Visibility: Draft}
	shared := &Practice{Meta: Meta{Lang: "en"}, Title: "Shared note", Visibility: Shared}
	for _, p := range []*Practice{draft, shared} {
		if err := s.SavePractice(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	draft.Title = "Draft, second version"
	if err := s.SavePractice(ctx, draft); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(SettingUILang, "it"); err != nil {
		t.Fatal(err)
	}
	lc, err := ReadLocalCopy(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range lc.Records {
		if p, ok := r.(*Practice); ok {
			got[p.ID] = p.Title
		}
	}
	if got[draft.ID] != "Draft, second version" || got[shared.ID] != "Shared note" {
		t.Fatalf("local copy holds %v", got)
	}
	if lc.Settings[SettingOrg] != "streetwork-cz" || lc.Settings[SettingUILang] != "it" || lc.Settings[SettingUser] == "" {
		t.Fatalf("settings %v", lc.Settings)
	}
	// A write cut short leaves a torn last line: it is skipped.
	f, err := os.OpenFile(filepath.Join(s.Dir(), LocalCopyFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"record":{"id":"torn","ty`)
	f.Close()
	if lc, err = ReadLocalCopy(s.Dir()); err != nil || lc.Skipped != 1 || len(lc.Records) < 2 {
		t.Fatalf("after a torn line: %v %+v", err, lc)
	}
	fi, _ := os.Stat(filepath.Join(s.Dir(), LocalCopyFile))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	// Sync committed the shared note; the copy is then rewritten (small limit
	// here) with only what the repository does not hold.
	pend, _ := s.Pending(ctx)
	if err := s.ClearPending(ctx, pend); err != nil {
		t.Fatal(err)
	}
	old := localCopyMin
	localCopyMin = 1
	defer func() { localCopyMin = old }()
	other := &Practice{Meta: Meta{Lang: "en"}, Title: "Org only", Visibility: OrgVis}
	if err := s.SavePractice(ctx, other); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(s.Dir(), LocalCopyFile))
	if strings.Contains(string(b), "Shared note") || strings.Contains(string(b), "torn") {
		t.Fatalf("the rewritten copy still holds what sync committed:\n%s", b)
	}
	lc, _ = ReadLocalCopy(s.Dir())
	ids := map[string]bool{}
	for _, r := range lc.Records {
		ids[r.Base().ID] = true
	}
	if !ids[draft.ID] || !ids[other.ID] || lc.Settings[SettingUILang] != "it" {
		t.Fatalf("the rewritten copy lost something: %v %v", ids, lc.Settings)
	}
}

// A data directory whose name holds characters that mean something in a URI
// ("Anna #2", "?", "%") opens the database inside it, not another file.
func TestDataDirectoryWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Anna #2 ?x=1 %41")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetSetting(SettingUser, "Anna"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, DBFile)); err != nil {
		t.Fatalf("the database is not in the data directory: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Fatalf("files were created next to the data directory: %v", entries)
	}
}

// Every organisation file the database takes, a partner's received from a hub
// included, is in the local copy and stays there when it is rewritten: the
// keys a rebuild must trust again. An installation made before gets them once.
func TestLocalCopyKeepsOrganisationFiles(t *testing.T) {
	s := newStore(t)
	partner := &Organisation{Meta: Meta{ID: "caritas-cz", Type: TypeOrg, Org: "caritas-cz", Lang: "cs", Created: Now(), Updated: Now()},
		Name: "Caritas", Country: "CZ", Languages: []string{"cs"}, Keys: []Key{{ID: "0123456789abcdef", Public: "cGFydG5lcg==", Added: Now()}}}
	if err := s.Tx(context.Background(), func(tx *Tx) error { return tx.Put(partner, PutHub) }); err != nil {
		t.Fatal(err)
	}
	ids := func() []string {
		lc, err := ReadLocalCopy(s.Dir())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range lc.OrgFiles() {
			out = append(out, o.ID)
		}
		return out
	}
	if got := strings.Join(ids(), ","); got != "caritas-cz,streetwork-cz" {
		t.Fatalf("organisation files kept: %s", got)
	}
	old := localCopyMin
	localCopyMin = 1
	defer func() { localCopyMin = old }()
	for i := 0; i < 3; i++ {
		s.SetSetting(SettingUILang, []string{"cs", "en", "pl"}[i])
	}
	if got := strings.Join(ids(), ","); got != "caritas-cz,streetwork-cz" {
		t.Fatalf("organisation files kept after rewrites: %s", got)
	}
	// An installation whose local copy predates this.
	dir := s.Dir()
	s.Close()
	os.WriteFile(filepath.Join(dir, LocalCopyFile), nil, 0o600)
	db, _ := Open(dir)
	db.db.Exec("DELETE FROM settings WHERE key = ?", settingOrgFilesKept)
	db.Close()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := strings.Join(ids(), ","); got != "caritas-cz,streetwork-cz" {
		t.Fatalf("organisation files kept after an upgrade: %s", got)
	}
}
