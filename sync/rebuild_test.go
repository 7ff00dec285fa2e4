package sync_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vademecum/data"
	"vademecum/data/trust"
	vsync "vademecum/sync"
)

// snapshot is every record of an installation (toolkit apart), id -> body and
// whether it waits to be sent.
func snapshot(t *testing.T, st *data.Store) map[string]string {
	t.Helper()
	rows, err := st.DB().Query("SELECT id, body, dirty, visibility FROM records WHERE org != 'vademecum'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, body, vis string
		var dirty bool
		if err := rows.Scan(&id, &body, &dirty, &vis); err != nil {
			t.Fatal(err)
		}
		if vis != data.Shared {
			dirty = false // never sent, whatever the flag says
		}
		out[id] = body
		if dirty {
			out[id] += " (pending)"
		}
	}
	return out
}

// workedOn makes an installation with history: shared practices sent to the
// hub, comments from a partner, a draft, an organisation-only note, a conflict,
// and a practice saved after the last sync.
func workedOn(t *testing.T) (a, b *node, ids map[string]string) {
	hub := bareHub(t)
	a = newNode(t, "opengroup-it", "office", hub)
	b = newNode(t, "caritas-cz", "van", hub)
	ids = map[string]string{}
	ctx := context.Background()
	ids["shared"] = a.practice("Housing first")
	ids["shared2"] = a.practice("Night shelter intake")
	a.sync()
	b.sync()
	c := &data.Comment{Meta: data.Meta{Lang: "en"}, Practice: ids["shared"], Text: "We tried it in Prague"}
	if err := b.st.SaveComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	ids["comment"] = c.ID
	ids["theirs"] = b.practice("Streetwork van")
	b.sync()
	a.sync()
	for name, vis := range map[string]string{"draft": data.Draft, "orgonly": data.OrgVis} {
		p := &data.Practice{Meta: data.Meta{Lang: "en"}, Title: name + " note", Summary: "only here", Visibility: vis}
		if err := a.st.SavePractice(ctx, p); err != nil {
			t.Fatal(err)
		}
		ids[name] = p.ID
	}
	p, err := a.st.GetPractice(ids["shared2"])
	if err != nil {
		t.Fatal(err)
	}
	p.Summary = "edited after the last sync"
	if err := a.st.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	ids["unsent"] = a.practice("Written after the last sync")
	if err := a.st.SetSetting(data.SettingUILang, "it"); err != nil {
		t.Fatal(err)
	}
	return a, b, ids
}

func (n *node) close() {
	n.eng.Close()
	n.kr.Close()
	n.st.Close()
}

func (n *node) reopen() {
	n.t.Helper()
	st, err := data.Open(n.dir)
	if err != nil {
		n.t.Fatal(err)
	}
	n.t.Cleanup(func() { st.Close() })
	eng, closeEng, err := vsync.OpenTrusted(st, func(f string, a ...any) { n.t.Logf(n.org+": "+f, a...) })
	if err != nil {
		n.t.Fatal(err)
	}
	n.t.Cleanup(closeEng)
	kr, err := trust.New(st)
	if err != nil {
		n.t.Fatal(err)
	}
	n.t.Cleanup(func() { kr.Close() })
	n.st, n.eng, n.kr = st, eng, kr
}

func TestRebuildAfterTheDatabaseIsDeleted(t *testing.T) {
	a, b, ids := workedOn(t)
	before := snapshot(t, a.st)
	conflictsBefore, _ := a.eng.Conflicts(context.Background())
	a.close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(a.dir, data.DBFile+suffix))
	}
	if err := vsync.CheckDatabase(a.dir); !errors.Is(err, data.ErrDamaged) || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("CheckDatabase = %v", err)
	}
	rep, err := vsync.Rebuild(a.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rebuild: %+v", rep)
	if rep.MovedTo != "" || rep.FromLocalCopy < 3 || rep.FromRepo == 0 || rep.Quarantined != 0 {
		t.Errorf("report %+v", rep)
	}
	if err := vsync.CheckDatabase(a.dir); err != nil {
		t.Fatal(err)
	}
	a.reopen()
	after := snapshot(t, a.st)
	for id, body := range before {
		if after[id] != body {
			t.Errorf("record %s:\nbefore %s\nafter  %s", id, body, after[id])
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d records before, %d after", len(before), len(after))
	}
	if lang, _ := a.st.Setting(data.SettingUILang); lang != "it" {
		t.Errorf("interface language %q", lang)
	}
	if me, err := a.st.Identity(); err != nil || me.Org != "opengroup-it" || me.User == "" {
		t.Errorf("identity %+v %v", me, err)
	}
	rms, _ := a.eng.Remotes()
	if len(rms) != 1 || rms[0].Name != "hub" {
		t.Errorf("hubs %+v", rms)
	}
	if cs, _ := a.eng.Conflicts(context.Background()); len(cs) != len(conflictsBefore) {
		t.Errorf("conflicts: %d before, %d after", len(conflictsBefore), len(cs))
	}
	// The next sync sends what was not sent, and nothing breaks.
	a.sync()
	b.sync()
	if b.title(ids["unsent"]) != "Written after the last sync" {
		t.Fatal("the practice written before the database was lost did not reach the partner")
	}
	p, err := b.st.GetPractice(ids["shared2"])
	if err != nil || p.Summary != "edited after the last sync" {
		t.Fatalf("the edit made before the database was lost: %v %+v", err, p)
	}
	for _, id := range []string{ids["draft"], ids["orgonly"]} {
		if _, err := b.st.Get(id); err == nil {
			t.Fatal("a draft left the device after the rebuild")
		}
	}
	a.noQuarantine()
}

func TestTruncatedDatabaseIsDetectedAndRebuilt(t *testing.T) {
	a, _, ids := workedOn(t)
	before := snapshot(t, a.st)
	a.close()
	path := filepath.Join(a.dir, data.DBFile)
	// Fold the WAL in, then cut the file in half, as a full disk or a bad copy can.
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	err = vsync.CheckDatabase(a.dir)
	if !errors.Is(err, data.ErrDamaged) || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("CheckDatabase = %v", err)
	}
	rep, err := vsync.Rebuild(a.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(rep.MovedTo), data.DBFile+".broken-") {
		t.Fatalf("moved to %q", rep.MovedTo)
	}
	if fi, err := os.Stat(rep.MovedTo); err != nil || fi.Size() != fi.Size() {
		t.Fatalf("the damaged database was not kept: %v", err)
	}
	a.reopen()
	after := snapshot(t, a.st)
	for id, body := range before {
		if after[id] != body {
			t.Errorf("record %s:\nbefore %s\nafter  %s", id, body, after[id])
		}
	}
	if _, err := a.st.GetPractice(ids["draft"]); err != nil {
		t.Fatal("the draft is lost")
	}
}

// Damage inside the file (a bad sector) is not seen by the quick check at start
// but by VerifyDatabase, which reads every page.
func TestDamagedPagesAreFound(t *testing.T) {
	a, _, _ := workedOn(t)
	a.close()
	path := filepath.Join(a.dir, data.DBFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := vsync.VerifyDatabase(context.Background(), a.dir); err != nil {
		t.Fatalf("a healthy database: %v", err)
	}
	// Scribble over every page but the first.
	for i := 4096; i < len(b); i += 4096 {
		copy(b[i:], "garbage from a bad sector, garbage from a bad sector")
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	err = vsync.VerifyDatabase(context.Background(), a.dir)
	if !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("VerifyDatabase = %v", err)
	}
	if _, err := vsync.Rebuild(a.dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := vsync.VerifyDatabase(context.Background(), a.dir); err != nil {
		t.Fatalf("after the rebuild: %v", err)
	}
}
