package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/app"
	"vademecum/data"
	"vademecum/internal/synccode"
)

// newStore is an installation of org in a new data directory.
func newStore(t *testing.T, dir, org, country string) *data.Store {
	t.Helper()
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o := &data.Organisation{Meta: data.Meta{ID: org, Lang: "en"}, Name: org, Country: country, Languages: []string{"en"}}
	if err := st.Init(o, "Giulia Rossi"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(data.SettingUILang, "en"); err != nil {
		t.Fatal(err)
	}
	return st
}

// open opens the engine over st with a hub folder.
func open(t *testing.T, st *data.Store, hubDir string) *Engine {
	t.Helper()
	e, err := Open(st, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	if _, err := e.AddRemote("usb", hubDir, ""); err != nil {
		t.Fatal(err)
	}
	return e
}

// find is the first object under o of type T for which ok holds, looking
// into every tab of the window, not only the one shown.
func find[T fyne.CanvasObject](o fyne.CanvasObject, ok func(T) bool) (T, bool) {
	if x, is := o.(T); is && ok(x) {
		return x, true
	}
	var children []fyne.CanvasObject
	switch c := o.(type) {
	case *fyne.Container:
		children = c.Objects
	case *container.AppTabs:
		for _, it := range c.Items {
			children = append(children, it.Content)
		}
	case fyne.Widget:
		children = test.WidgetRenderer(c).Objects()
	}
	for _, ch := range children {
		if x, found := find(ch, ok); found {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// TestEngineRoundTrip drives the sync screen over the real engine and a hub
// folder: a practice shared in one installation arrives in another.
func TestEngineRoundTrip(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub.git")
	st1 := newStore(t, t.TempDir(), "opengroup-it", "IT")
	e1 := open(t, st1, hubDir)
	p := &data.Practice{Meta: data.Meta{Lang: "it"}, Title: "Sportello digitale del martedì", Visibility: data.Shared}
	if err := st1.SavePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	u1 := app.New(test.NewTempApp(t), app.Options{Store: st1, Engine: e1})
	t.Cleanup(func() { u1.Close(); u1.Wait() })
	u1.Wait()
	content := u1.Window().Content()
	tabs, ok := find(content, func(*container.AppTabs) bool { return true })
	if !ok {
		t.Fatal("no tabs")
	}
	tabs.SelectIndex(2)
	u1.Wait()
	syncNow, ok := find(content, func(b *widget.Button) bool { return b.Text == "Sync now" })
	if !ok {
		t.Fatal("no Sync now button")
	}
	test.Tap(syncNow)
	u1.Wait()
	if _, ok := find(content, func(l *widget.Label) bool {
		return strings.HasPrefix(l.Text, "Sync finished") && strings.Contains(l.Text, "sent")
	}); !ok {
		t.Fatal("the sync screen does not say that the practice was sent")
	}
	if st := e1.Status(context.Background()); st.State != app.HubUpToDate {
		t.Errorf("status after sync: %+v", st)
	}

	// A partner organisation's installation receives it.
	st2 := newStore(t, t.TempDir(), "streetwork-cz", "CZ")
	e2 := open(t, st2, hubDir)
	if _, err := e2.SyncNow(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st2.GetPractice(p.ID); err != nil {
		q, _ := e2.Quarantined(context.Background())
		t.Fatalf("the practice did not arrive: %v (set aside: %+v; log %v)", err, q, e2.Log())
	}
	if len(e2.Log()) == 0 {
		t.Error("no log lines")
	}
}

// TestEngineRunReportsChanges: the engine's schedule tells the app of each
// change of state (the notify hook), here of a sync asked for meanwhile.
func TestEngineRunReportsChanges(t *testing.T) {
	st := newStore(t, t.TempDir(), "opengroup-it", "IT")
	e := open(t, st, filepath.Join(t.TempDir(), "hub.git"))
	ctx, cancel := context.WithCancel(context.Background())
	states := make(chan app.HubStatus, 100)
	done := make(chan struct{})
	go func() {
		e.Run(ctx, func(st app.HubStatus) {
			select {
			case states <- st:
			default:
			}
		})
		close(done)
	}()
	// Run starts listening at once, and syncs only within 30 s: sync now
	// until it has heard of a sync.
	var got []app.HubState
	for try := 0; try < 50 && len(got) == 0; try++ {
		if _, err := e.SyncNow(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		for drained := false; !drained; {
			select {
			case s := <-states:
				got = append(got, s.State)
			case <-time.After(100 * time.Millisecond):
				drained = true
			}
		}
	}
	cancel()
	<-done
	if len(got) < 2 || got[0] != app.HubSyncing || got[len(got)-1] != app.HubUpToDate {
		t.Fatalf("states heard: %v, want syncing … up to date", got)
	}
}

// TestEngineLogWorded: a failed sync in the engine's log reads in the
// interface language, from the kind of its error.
func TestEngineLogWorded(t *testing.T) {
	defer app.UseLanguage("en")
	app.UseLanguage("it")
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "assets", "i18n", "it.json"))
	if err != nil {
		t.Fatal(err)
	}
	var it map[string]any
	if err := json.Unmarshal(b, &it); err != nil {
		t.Fatal(err)
	}
	want, _ := it["sync.error.auth"].(string)
	if want == "" {
		t.Fatal("it.json has no sync.error.auth")
	}
	h := &Engine{}
	h.logf("sync with %s: %v", "hub", fmt.Errorf("no: %w", synccode.ErrAuth))
	if log := h.Log(); len(log) != 1 || !strings.Contains(log[0].Text(), want) {
		t.Errorf("Engine log: %v", log)
	}
}

// TestEngineHistory: the versions of a practice from the local repository,
// newest first (who, which fields changed, their text), and one restored as
// a new edit.
func TestEngineHistory(t *testing.T) {
	ctx := context.Background()
	st := newStore(t, t.TempDir(), "opengroup-it", "IT")
	h := open(t, st, filepath.Join(t.TempDir(), "hub.git"))
	p := &data.Practice{Meta: data.Meta{Lang: "it"}, Title: "Sportello digitale", Summary: "Summary of Sportello digitale", Country: "IT", Visibility: data.Shared}
	if err := st.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := h.SyncNow(ctx, nil); err != nil {
		t.Fatal(err)
	}
	p, _ = st.GetPractice(p.ID)
	p.Summary = "Ogni martedì in biblioteca"
	if err := st.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := h.SyncNow(ctx, nil); err != nil {
		t.Fatal(err)
	}
	p, _ = st.GetPractice(p.ID)
	p.Title = "Sportello digitale del martedì"
	if err := st.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	vs, err := h.History(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 {
		t.Fatalf("versions: %+v", vs)
	}
	if v := vs[0]; !v.Unsent || v.Version != 3 || v.Author != "Giulia Rossi" || v.Fields["title"] != "Sportello digitale del martedì" {
		t.Errorf("newest version: %+v", v)
	}
	if v := vs[1]; v.Unsent || v.Fields["summary"] != "Ogni martedì in biblioteca" || strings.Join(v.Changed, ",") != "summary" {
		t.Errorf("version 2: %+v", v)
	}
	if v := vs[2]; v.Version != 1 || v.Fields["title"] != "Sportello digitale" || v.Fields["summary"] != "Summary of Sportello digitale" {
		t.Errorf("version 1: %+v", v)
	}
	if err := h.Restore(ctx, p.ID, 1); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetPractice(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Sportello digitale" || got.Summary != "Summary of Sportello digitale" {
		t.Errorf("after restoring version 1: %q / %q", got.Title, got.Summary)
	}
}

// TestRebuildBringsDraftBack damages the database of an installation with a
// draft and rebuilds it as the app's start window does.
func TestRebuildBringsDraftBack(t *testing.T) {
	dir := t.TempDir()
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	org := &data.Organisation{Name: "Open Group", Country: "IT", Languages: []string{"it"}}
	org.ID, org.Lang = "opengroup-it", "it"
	if err := st.Init(org, "Giulia Rossi"); err != nil {
		t.Fatal(err)
	}
	p := &data.Practice{Title: "Draft kept in the local copy", Visibility: data.Draft}
	p.Lang = "en"
	if err := st.SavePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// Garbage over the database file: SQLite no longer recognises it.
	if err := os.WriteFile(filepath.Join(dir, data.DBFile), []byte(strings.Repeat("not a database ", 512)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := data.Open(dir); err == nil {
		t.Fatal("a damaged database opened")
	}
	var calls int
	rep, err := Rebuild(dir, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records == 0 || rep.MovedTo == "" || calls == 0 {
		t.Errorf("report %+v, %d progress calls", rep, calls)
	}
	st, err = data.Open(dir)
	if err != nil {
		t.Fatalf("the rebuilt database does not open: %v", err)
	}
	defer st.Close()
	got, err := st.GetPractice(p.ID)
	if err != nil || got.Title != p.Title {
		t.Errorf("the draft after the rebuild: %v, %v", got, err)
	}
}

// TestEngineErase: the app's Erase erases a shared practice here and, after
// the syncs, on a partner's installation, which lists the erasure.
func TestEngineErase(t *testing.T) {
	ctx := context.Background()
	hubDir := filepath.Join(t.TempDir(), "hub.git")
	st1 := newStore(t, t.TempDir(), "opengroup-it", "IT")
	e1 := open(t, st1, hubDir)
	st2 := newStore(t, t.TempDir(), "streetwork-cz", "CZ")
	e2 := open(t, st2, hubDir)
	p := &data.Practice{Meta: data.Meta{Lang: "en"}, Title: "Night outreach", Summary: "Mario R., 54, sleeps at the station", Visibility: data.Shared}
	if err := st1.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, e := range []*Engine{e1, e2} {
		if _, err := e.SyncNow(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st2.GetPractice(p.ID); err != nil {
		t.Fatalf("the practice did not reach the partner: %v", err)
	}
	var ee app.EraseEngine = e1
	if err := ee.Erase(ctx, p.ID, "a person's name"); err != nil {
		t.Fatal(err)
	}
	for _, e := range []*Engine{e1, e2} {
		res, err := e.SyncNow(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Quarantined != 0 {
			t.Errorf("a sync after the erasure set %d files aside", res.Quarantined)
		}
	}
	if _, err := st2.GetPractice(p.ID); err == nil {
		t.Error("the partner still holds the erased practice")
	}
	if es, err := st2.Erasures(ctx); err != nil || len(es) != 1 || es[0].Reason != "a person's name" {
		t.Errorf("the partner lists erasures %+v (%v)", es, err)
	}
}
