package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"vademecum/data"
)

// TestEngineHubRoundTrip drives the sync screen over the real engine and a hub
// folder: a practice shared in one installation arrives in another.
func TestEngineHubRoundTrip(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub.git")
	open := func(org, country string) (*data.Store, *EngineHub) {
		st := newTestStore(t)
		if org != "opengroup-it" {
			var err error
			if st, err = data.Open(t.TempDir()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			o := &data.Organisation{Meta: data.Meta{ID: org, Lang: "en"}, Name: org, Country: country, Languages: []string{"en"}}
			if err := st.Init(o, "Partner"); err != nil {
				t.Fatal(err)
			}
		}
		h, err := OpenEngineHub(st)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(h.Close)
		if err := h.AddRemote("usb", hubDir, ""); err != nil {
			t.Fatal(err)
		}
		return st, h
	}
	st1, h1 := open("opengroup-it", "IT")
	p := &data.Practice{Meta: data.Meta{Lang: "it"}, Title: "Sportello digitale del martedì", Visibility: data.Shared}
	if err := st1.SavePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	u1 := newTestUI(t, st1, h1)
	u1.selectTab(2)
	u1.Wait()
	test.Tap(u1.syncs.syncBtn)
	u1.Wait()
	if r := u1.syncs.result.Text; !strings.Contains(r, "sent") {
		t.Fatalf("first installation: %q", r)
	}
	if st := h1.Status(context.Background()); st.State != HubUpToDate {
		t.Errorf("status after sync: %+v", st)
	}

	// A partner organisation's installation receives it.
	st2, h2 := open("streetwork-cz", "CZ")
	if _, err := h2.SyncNow(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st2.GetPractice(p.ID); err != nil {
		q, _ := h2.Quarantined(context.Background())
		t.Fatalf("the practice did not arrive: %v (set aside: %+v; log %q)", err, q, h2.Log())
	}
	if len(h2.Log()) == 0 {
		t.Error("no log lines")
	}
}
