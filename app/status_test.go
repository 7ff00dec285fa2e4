package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/internal/synccode"
)

func TestStatusTruthfulBeforeSyncAndWithConflicts(t *testing.T) {
	st := newTestStore(t)
	hub, _ := conflictHub(t, st)
	conflicts := hub.conflicts
	hub.conflicts = nil
	hub.status.LastSync = time.Time{} // connected, never synced
	u := newTestUI(t, st, hub)
	u.Wait()
	if got := u.statusBar.text.Text; strings.Contains(got, "up to date") || !strings.Contains(got, "not synced with it yet") {
		t.Errorf("before any sync the status bar says %q", got)
	}
	hub.mu.Lock()
	hub.status.LastSync = time.Now()
	hub.conflicts = conflicts
	hub.mu.Unlock()
	u.selectTab(2) // reads the conflicts
	u.Wait()
	for _, got := range []string{u.statusBar.text.Text, u.syncs.state.Text} {
		if strings.Contains(got, "up to date") || !strings.Contains(got, "1 conflict waits") {
			t.Errorf("with a conflict waiting the status says %q", got)
		}
	}
	resolve, _ := button(u.syncs.conflictBox, "Keep mine")
	test.Tap(resolve)
	u.Wait()
	if got := u.statusBar.text.Text; !strings.Contains(got, "up to date") {
		t.Errorf("after the conflict was settled: %q", got)
	}
}

// TestEngineScheduleReportsToStatusBar: the app starts the engine's one
// schedule of background syncs, and each change of state it reports shows on
// the status bar and the sync screen.
func TestEngineScheduleReportsToStatusBar(t *testing.T) {
	st := newTestStore(t)
	hub, _ := conflictHub(t, st)
	hub.changed = make(chan func(HubStatus), 1)
	u := newTestUI(t, st, hub)
	u.Wait()
	var changed func(HubStatus)
	select {
	case changed = <-hub.changed:
	case <-time.After(10 * time.Second):
		t.Fatal("the app did not start the engine's schedule")
	}
	if got := u.statusBar.text.Text; strings.Contains(got, "cannot be reached") {
		t.Fatalf("offline before the engine said so: %q", got)
	}
	changed(HubStatus{State: HubOffline, Remote: "hub"})
	u.Wait()
	for _, got := range []string{u.statusBar.text.Text, u.syncs.state.Text} {
		if !strings.Contains(got, "cannot be reached") {
			t.Errorf("after the engine went offline the status says %q", got)
		}
	}
}

func TestStatusBarSyncButtonSyncs(t *testing.T) {
	st := newTestStore(t)
	hub, _ := conflictHub(t, st)
	u := newTestUI(t, st, hub)
	u.Wait()
	b, ok := button(u.statusBar.content, "Sync")
	if !ok {
		t.Fatal("no Sync button in the status bar")
	}
	before := len(hub.Log())
	test.Tap(b)
	u.Wait()
	if len(hub.Log()) != before+1 {
		t.Fatal("the status bar's Sync button did not sync")
	}
	if r := u.syncs.result.Text; !strings.Contains(r, "2 changes received") {
		t.Errorf("result %q", r)
	}
}

func TestSettingsHubListRefreshes(t *testing.T) {
	st := newTestStore(t)
	hub := &fakeEngine{store: st, status: HubStatus{State: HubNotSetUp}}
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	address, _ := find(u.syncs.hubsTab.Content, func(e *entry) bool { return strings.Contains(e.PlaceHolder, "https://") })
	test.Type(address, "/media/usb/hub.git")
	u.Wait()
	connect, _ := button(u.syncs.hubsTab.Content, "Connect")
	test.Tap(connect)
	u.Wait()
	u.selectTab(3)
	u.Wait()
	if _, ok := find(u.settings.remotes, func(l *widget.Label) bool { return l.Text == "/media/usb/hub.git" }); !ok {
		t.Error("Settings → Hub does not list the hub added on the Sync screen")
	}
}

func TestConflictNamesColleague(t *testing.T) {
	st := newTestStore(t)
	hub, _ := conflictHub(t, st)
	hub.conflicts[0].Found = time.Date(2026, 11, 27, 9, 30, 0, 0, time.Local)
	hub.conflicts[0].By = "Marco Bianchi"
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	var texts []string
	find(u.syncs.conflictBox, func(l *widget.Label) bool { texts = append(texts, l.Text); return false })
	find(u.syncs.conflictBox, func(c *widget.Card) bool { texts = append(texts, c.Title, c.Subtitle); return false })
	all := strings.Join(texts, "\n")
	for _, want := range []string{"Version from another computer of Open Group", "a colleague", "Written by Giulia Rossi", "27 Nov 2026 09:30", "Written by Marco Bianchi, not in use now"} {
		if !strings.Contains(all, want) {
			t.Errorf("the conflict does not say %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "Partner's version") || strings.Contains(all, "a partner") {
		t.Errorf("a colleague's version is called a partner's:\n%s", all)
	}
}

func TestMassDeletionAskedInApp(t *testing.T) {
	st := newTestStore(t)
	hub, _ := conflictHub(t, st)
	hub.syncErr = fmt.Errorf("the sync would delete 30 of 40 shared records: %w", synccode.ErrMassDeletion)
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	test.Tap(u.syncs.syncBtn)
	u.Wait()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("a mass deletion held back was not asked about")
	}
	keep, ok1 := keyButtonNamed(top, "Keep them for now")
	allow, ok2 := keyButtonNamed(top, "Delete them and sync")
	if !ok1 || !ok2 || keep.Importance != widget.HighImportance || u.win.Canvas().Focused() != keep {
		t.Fatalf("question: %q (safe answer highlighted and focused: %v)", overlayText(u), ok1 && keep.Importance == widget.HighImportance)
	}
	hub.mu.Lock()
	hub.syncErr = nil
	hub.mu.Unlock()
	before := len(hub.Log())
	test.Tap(allow)
	u.Wait()
	if !hub.allowed || len(hub.Log()) != before+1 {
		t.Fatalf("allowed %v, synced again %v", hub.allowed, len(hub.Log()) == before+1)
	}
}
