package data

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// A record id made for one organisation proves it, and proves nothing for any
// other organisation or claim; ids still sort by creation time.
func TestRecordIDsAreBoundToTheirOrganisation(t *testing.T) {
	id, claim := NewRecordID("opengroup-it")
	if !IDBelongsTo(id, "opengroup-it", claim) {
		t.Fatalf("%s does not belong to its own organisation", id)
	}
	if !BoundID(id) || uuid.MustParse(id).Version() != 8 {
		t.Fatalf("%s is not a bound id", id)
	}
	for _, c := range []struct{ org, claim string }{
		{"cepaim-es", claim}, {"opengroup-it", claim + "x"}, {"opengroup-it", ""}, {"", claim},
	} {
		if IDBelongsTo(id, c.org, c.claim) {
			t.Errorf("%s belongs to %q with claim %q", id, c.org, c.claim)
		}
	}
	if old := NewID(); IDBelongsTo(old, "opengroup-it", claim) || BoundID(old) {
		t.Errorf("a UUIDv7 id %s counts as bound", old)
	}
	if IDBelongsTo(strings.ToUpper(id), "opengroup-it", claim) {
		t.Error("an id spelt differently counts as the same")
	}
	before := id
	time.Sleep(2 * time.Millisecond)
	after, _ := NewRecordID("cepaim-es")
	if after <= before {
		t.Errorf("ids do not sort by time: %s then %s", before, after)
	}
	// Within one millisecond too, and a burst stays unique and verifiable.
	seen := map[string]bool{}
	last := ""
	for range 10000 {
		id, claim := NewRecordID("opengroup-it")
		if seen[id] || id <= last {
			t.Fatalf("id %s after %s", id, last)
		}
		if !IDBelongsTo(id, "opengroup-it", claim) {
			t.Fatalf("%s does not verify", id)
		}
		seen[id], last = true, id
	}
}
