package app

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestPracticeHistoryView: the practice view lists the versions of a practice
// (who, when, the old and new text of each changed field) and restores one as
// a new edit.
func TestPracticeHistoryView(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	h := &historyEngine{fakeEngine: fakeEngine{store: st}, versions: map[string][]RecordVersion{}}
	p := addPractice(t, st, "Sportello digitale", "IT", "it")
	h.keep(t, p.ID, false)
	p, _ = st.GetPractice(p.ID)
	p.Summary = "Ogni martedì in biblioteca"
	if err := st.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	h.keep(t, p.ID, false)
	p, _ = st.GetPractice(p.ID)
	p.Title = "Sportello digitale del martedì"
	if err := st.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	h.keep(t, p.ID, true)

	u := newTestUI(t, st, h)
	u.showPractice(p.ID)
	u.Wait()
	hb, ok := button(u.journal.detail, "History")
	if !ok {
		t.Fatal("no History button on the practice")
	}
	test.Tap(hb)
	u.Wait()
	hv := u.journal.history
	if hv == nil || len(hv.versions) != 3 {
		t.Fatalf("versions shown: %+v", hv)
	}
	if v := hv.versions[0]; !v.Unsent || v.Version != 3 || v.Author != "Giulia Rossi" {
		t.Errorf("newest version: %+v", v)
	}
	for _, want := range []string{"Version 3 · not sent yet", "Version 2", "Before", "After",
		"Summary of Sportello digitale", "Ogni martedì in biblioteca", "Sportello digitale del martedì"} {
		if _, ok := find(hv.content, func(l *widget.Label) bool { return l.Text == want }); !ok {
			t.Errorf("the history does not show %q", want)
		}
	}
	if _, ok := hv.restore[3]; ok {
		t.Error("the current version offers to be restored")
	}
	if _, ok := hv.restore[1]; !ok {
		t.Fatal("version 1 cannot be restored")
	}
	hv.restoreVersion(1)
	u.Wait()
	got, err := st.GetPractice(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Sportello digitale" || got.Summary != "Summary of Sportello digitale" {
		t.Errorf("after restoring version 1: %q / %q", got.Title, got.Summary)
	}
	if l, ok := find(u.journal.detail, func(l *widget.Label) bool { return l.Text == "Sportello digitale" }); !ok || l == nil {
		t.Error("the practice view does not show the restored title")
	}
}

// TestPracticeShowsValueNotKept: a practice whose value a merge on another
// laptop did not keep says so on the practice, with whose value it was.
func TestPracticeShowsValueNotKept(t *testing.T) {
	st := newTestStore(t)
	p := addPractice(t, st, "Sportello digitale", "IT", "it")
	other := addPractice(t, st, "Colazione solidale", "IT", "it")
	hub := &fakeEngine{store: st, conflicts: []Conflict{{ID: "c1", RecordID: p.ID, Title: p.Title, Field: "summary",
		Mine: "Il martedì", Theirs: "Il giovedì in rifugio", Kept: "mine", Kind: ConflictField, By: "portatile di Anna"}}}
	u := newTestUI(t, st, hub)
	u.showPractice(p.ID)
	u.Wait()
	want := `Two edits met: the value of Summary written by portatile di Anna was not kept: "Il giovedì in rifugio".`
	if _, ok := find(u.journal.detail, func(l *widget.Label) bool { return l.Text == want }); !ok {
		t.Fatalf("the practice does not show %q", want)
	}
	if _, ok := button(u.journal.detail, "Choose the value to keep"); !ok {
		t.Error("no way to choose the value")
	}
	u.showPractice(other.ID)
	u.Wait()
	if _, ok := find(u.journal.detail, func(l *widget.Label) bool { return l.Text == want }); ok {
		t.Error("another practice shows the notice")
	}
}

// historyEngine is an engine that keeps the versions of practices as the real
// one does in the local repository (cmd/vademecum/engine tests the real one).
type historyEngine struct {
	fakeEngine
	versions map[string][]RecordVersion // by record, oldest first
}

// keep adds the practice as it is in the store as its next version, sent or
// not yet.
func (h *historyEngine) keep(t *testing.T, id string, unsent bool) {
	t.Helper()
	p, err := h.store.GetPractice(id)
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	fields := map[string]string{"title": p.Title, "summary": p.Summary}
	vs := h.versions[id]
	var changed []string
	if n := len(vs); n > 0 {
		for _, f := range []string{"title", "summary"} {
			if vs[n-1].Fields[f] != fields[f] {
				changed = append(changed, f)
			}
		}
	}
	h.versions[id] = append(vs, RecordVersion{Version: int64(len(vs) + 1), Updated: p.Updated, Author: p.Author,
		Org: p.Org, Changed: changed, Unsent: unsent, Fields: fields})
}

func (h *historyEngine) History(ctx context.Context, id string) ([]RecordVersion, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	vs := h.versions[id]
	out := make([]RecordVersion, len(vs))
	for i, v := range vs {
		out[len(vs)-1-i] = v
	}
	return out, nil
}

func (h *historyEngine) Restore(ctx context.Context, id string, n int64) error {
	h.mu.Lock()
	vs := h.versions[id]
	h.mu.Unlock()
	if n < 1 || int(n) > len(vs) {
		return fmt.Errorf("no version %d of %s", n, id)
	}
	p, err := h.store.GetPractice(id)
	if err != nil {
		return err
	}
	p.Title, p.Summary = vs[n-1].Fields["title"], vs[n-1].Fields["summary"]
	return h.store.SavePractice(ctx, p)
}

var _ HistoryEngine = (*historyEngine)(nil)
