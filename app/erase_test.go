package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// eraseEngine is a fake engine that erases as the real one does, through the
// store (the hub path is the sync's business, not the app's).
type eraseEngine struct{ fakeEngine }

func (e *eraseEngine) Erase(ctx context.Context, id, reason string) error {
	_, err := e.store.Erase(ctx, id, reason, func(r data.Record) string { return "practices/" + r.Base().ID + ".json" })
	return err
}

var _ EraseEngine = (*eraseEngine)(nil)

// TestEraseEverywhereFromThePractice: the organisation's shared practice has
// "Erase everywhere…"; the dialog does not erase without a reason; with one,
// the practice is gone here and the erasure is listed with its reason.
// Neither a draft nor a partner's practice (for a non-editor) offers it.
func TestEraseEverywhereFromThePractice(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	p := addPractice(t, st, "Night outreach at the station", "IT", "en")
	draft := &data.Practice{Title: "Not finished", Visibility: data.Draft}
	draft.Lang = "en"
	if err := st.SavePractice(ctx, draft); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, st, &eraseEngine{fakeEngine{store: st}})

	u.showPractice(draft.ID)
	u.Wait()
	if _, ok := button(u.journal.detail, "Erase everywhere…"); ok {
		t.Error("a draft, which never left this computer, offers to be erased everywhere")
	}
	u.showPractice(p.ID)
	u.Wait()
	eb, ok := button(u.journal.detail, "Erase everywhere…")
	if !ok {
		t.Fatal("no Erase everywhere… button on the organisation's shared practice")
	}
	test.Tap(eb)
	u.Wait()
	var reason *entry
	var yes *widget.Button
	for _, o := range u.Window().Canvas().Overlays().List() {
		if e, ok := find(o, func(e *entry) bool { return e.MultiLine }); ok {
			reason = e
		}
		if b, ok := button(o, "Erase everywhere"); ok {
			yes = b
		}
	}
	if reason == nil || yes == nil {
		t.Fatalf("no erase dialog with a reason; the window shows:\n%s", overlayText(u))
	}
	if !strings.Contains(overlayText(u), "cannot be undone") {
		t.Errorf("the dialog does not say what erasing does:\n%s", overlayText(u))
	}
	test.Tap(yes) // no reason yet: the form does not submit
	u.Wait()
	if es, _ := st.Erasures(ctx); len(es) != 0 {
		t.Fatalf("erased without a reason: %+v", es)
	}
	test.Type(reason, "A person's name, by mistake")
	test.Tap(yes)
	u.Wait()
	if _, err := st.GetPractice(p.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("the practice is still here: %v", err)
	}
	es, err := st.Erasures(ctx)
	if err != nil || len(es) != 1 || es[0].ID != p.ID || es[0].Reason != "A person's name, by mistake" {
		t.Errorf("erasures: %+v (%v)", es, err)
	}
	if !strings.Contains(overlayText(u), "is erased here") {
		t.Errorf("no word that it is erased:\n%s", overlayText(u))
	}

	// A partner's practice, for an organisation that is not an editor.
	now := data.Now()
	theirs := &data.Practice{Meta: data.Meta{ID: "01930000-0000-7000-8000-00000000cafe", Type: data.TypePractice, Org: "cepaim-es",
		Author: "Lucía", Created: now, Updated: now, Lang: "es"}, Title: "Mapa de recursos", Country: "ES", Visibility: data.Shared}
	if err := st.Tx(ctx, func(tx *data.Tx) error { return tx.Put(theirs, data.PutHub) }); err != nil {
		t.Fatal(err)
	}
	u.showPractice(theirs.ID)
	u.Wait()
	if _, ok := button(u.journal.detail, "Erase everywhere…"); ok {
		t.Error("a partner's practice offers to be erased by a non-editor")
	}
}
