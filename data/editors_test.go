package data

import (
	"context"
	"errors"
	"testing"
	"time"
)

func editorChange(org, action, editor string, at time.Time) *EditorChange {
	c := &EditorChange{Action: action, Editor: editor}
	c.ID, c.Claim = NewRecordID(org)
	c.Type, c.Org, c.Created, c.Updated = TypeEditors, org, at, at
	return c
}

func review(org string, at time.Time) *Review {
	t := &Tool{Name: Text{"en": "Mapy.com"}, Category: "maps", Summary: Text{"en": "Maps."}, Offline: OfflineYes}
	rv := &Review{Proposal: "p", Proposer: "x", Verdict: Accepted, Kind: KindTool, Target: "mapy-com", Tool: t}
	rv.ID, rv.Claim = NewRecordID(org)
	rv.Type, rv.Org, rv.Created, rv.Updated = TypeReview, org, at, at
	return rv
}

// TestCheckNetwork: the editor list as a log replayed in time order. A
// review or change counts only when its organisation was an editor when it
// signed it; the list is founded once; without a founding, everything waits.
func TestCheckNetwork(t *testing.T) {
	ctx := context.Background()
	s := newNetStore(t, "opengroup-it", "it")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	put := func(r Record) {
		t.Helper()
		if err := s.Tx(ctx, func(tx *Tx) error { return tx.Put(r, PutHub) }); err != nil {
			t.Fatal(err)
		}
	}
	check := func(r Record) error { return CheckNetwork(s.db, r) }

	var nr *NetworkRefusal
	if err := check(review("opengroup-it", at(1))); !errors.As(err, &nr) || !nr.Temporary() {
		t.Fatalf("a review before any founding: %v (want a refusal that waits)", err)
	}
	put(editorChange("opengroup-it", EditorFound, "opengroup-it", at(0)))
	if err := check(editorChange("street-cz", EditorFound, "street-cz", at(-100))); !errors.As(err, &nr) || nr.Founding != "opengroup-it" || nr.Temporary() {
		t.Errorf("a second founding, backdated: %v", err)
	}
	if err := check(review("opengroup-it", at(1))); err != nil {
		t.Errorf("the founder's review: %v", err)
	}
	if err := check(review("pmff-pl", at(1))); !errors.As(err, &nr) || nr.Temporary() {
		t.Errorf("a non-editor's review: %v", err)
	}
	if err := check(editorChange("pmff-pl", EditorAdd, "pmff-pl", at(1))); !errors.As(err, &nr) {
		t.Errorf("a non-editor adds itself: %v", err)
	}
	put(editorChange("opengroup-it", EditorAdd, "pmff-pl", at(2)))
	put(editorChange("opengroup-it", EditorRemove, "pmff-pl", at(4)))
	if err := check(review("pmff-pl", at(3))); err != nil {
		t.Errorf("a review while an editor: %v", err)
	}
	if err := check(review("pmff-pl", at(1))); err == nil {
		t.Error("a review signed before becoming an editor passes")
	}
	if err := check(review("pmff-pl", at(5))); err == nil {
		t.Error("a review signed after being removed passes")
	}
	bad := review("opengroup-it", at(1))
	bad.Tool.Competences = []string{"9.9"}
	var br *BadReviewError
	if err := check(bad); !errors.As(err, &br) {
		t.Errorf("an acceptance of an invalid tool: %v", err)
	}
	eds, _ := s.Editors(ctx)
	if len(eds) != 1 || eds[0].Org != "opengroup-it" {
		t.Errorf("editors %+v", eds)
	}
	// The last editor stays.
	if err := s.ChangeEditors(ctx, "opengroup-it", false); !errors.Is(err, ErrLastEditor) {
		t.Errorf("removing the last editor: %v", err)
	}
}
