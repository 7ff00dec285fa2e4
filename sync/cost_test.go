package sync

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"vademecum/data"
)

// One new practice on a hub of 1,000 sends a few kilobytes, not the month
// folder: the push carries only this round's objects, trees as deltas against
// what the hub has (DESIGN.md budget: < 16 KB sent).
func TestOneNewPracticeCostsLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a hub of 1,000 practices")
	}
	h := httpHub(t)
	var sentBytes int
	a := newReplica(t, "shelter-it", Options{Logf: func(format string, args ...any) {
		if strings.HasPrefix(format, "sent %d records (%d bytes)") {
			sentBytes = args[1].(int)
		}
	}})
	a.addRemote("hub", h.url, h.auth)
	ctx := context.Background()
	for i := range 1000 {
		p := &data.Practice{Meta: data.Meta{Lang: "en"}, Title: fmt.Sprintf("Practice %d", i), Visibility: data.Shared,
			Summary: strings.Repeat("A paragraph on how this works in a shelter. ", 10)}
		if err := a.store.SavePractice(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	a.sync()
	a.practice("One more", data.Shared)
	start := time.Now()
	res := a.sync()
	took := time.Since(start)
	if res.Sent != 1 {
		t.Fatalf("sent %d records", res.Sent)
	}
	t.Logf("one new practice on a 1k hub over HTTP: commit+fetch+push %v, %d bytes sent", took, sentBytes)
	if sentBytes == 0 || sentBytes > 16<<10 {
		t.Fatalf("sent %d bytes, budget 16 KB", sentBytes)
	}
	// The pack was complete enough for a real git to accept and check it.
	git(t, h.dir, "fsck", "--no-dangling")
}
