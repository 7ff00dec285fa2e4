package sync_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"vademecum/data/trust"
)

// A sync needs one database connection: nothing inside the import transaction
// waits for another (the keyring reads the organisation files and keeps a key
// change for approval through the transaction). With a pool of one connection
// any such wait would block for good; the deadline turns it into a failure.
func TestSyncWithOneConnection(t *testing.T) {
	hub := bareHub(t)
	partner := newNode(t, "caritas-cz", "van", hub)
	night := partner.practice("Night shelter")
	partner.sync()
	office := newNode(t, "opengroup-it", "office", hub)
	laptop := newNode(t, "opengroup-it", "laptop 2", hub)
	if _, err := trust.AddKey(office.st, laptop.kr.Installation().Public(), "laptop 2"); err != nil {
		t.Fatal(err)
	}
	pid := office.practice("Street outreach")
	office.sync()

	// The new laptop meets its organisation's file signed by the office
	// laptop, a key not pinned here: the keyring holds the change for
	// approval while the import transaction runs.
	laptop.st.DB().SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := laptop.eng.Sync(ctx, "", nil)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sync with one connection: %v", err)
		}
	case <-time.After(90 * time.Second):
		buf := make([]byte, 1<<20)
		t.Fatalf("the sync waits for a second database connection:\n%s", buf[:runtime.Stack(buf, true)])
	}
	if r := laptop.quarantined("orgs/opengroup-it.json"); !strings.Contains(r, "needs approval") {
		t.Fatalf("the organisation file was not held for approval: %q", r)
	}
	pend, err := trust.Pending(laptop.st)
	if err != nil || len(pend) != 1 || pend[0].Org != "opengroup-it" {
		t.Fatalf("the key change waiting for approval was not kept: %+v, %v", pend, err)
	}
	// Approved, the next sync (still one connection) brings the office's practice.
	if _, err := trust.Approve(laptop.st, "opengroup-it"); err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel2()
	if _, err := laptop.eng.Sync(ctx2, "", nil); err != nil {
		t.Fatalf("second sync with one connection: %v", err)
	}
	if laptop.title(night) != "Night shelter" {
		t.Fatalf("the partner's practice did not arrive (quarantine: %q)", laptop.quarantined(night))
	}
	if laptop.title(pid) != "Street outreach" {
		t.Fatalf("the office's practice did not arrive (quarantine: %q)", laptop.quarantined(pid))
	}
}
