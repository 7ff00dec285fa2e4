package data

import (
	"context"
	"encoding/json"
	"testing"
)

func shippedTool(id, summary, cost, licence string) *Tool {
	t := &Tool{Name: Text{"en": id, "cs": id}, Category: "maps", Summary: Text{"en": summary, "cs": summary + " (cs)"}, Offline: OfflineYes,
		Cost: cost, Licence: licence, Competences: []string{"1.1"}, Platforms: []string{"android"}}
	t.ID, t.Type, t.Org, t.Author, t.Lang = id, TypeTool, ToolkitOrg, "Vademecum toolkit", "en"
	t.Created = Now()
	t.Updated = t.Created
	return t
}

// accept proposes entry (JSON) from s and accepts it there (s is the editor).
func accept(t *testing.T, s *Store, entry string) {
	t.Helper()
	ctx := context.Background()
	p, err := s.Propose(ctx, KindTool, []byte(entry), "cs", func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReviewProposal(ctx, p.ID, true, ""); err != nil {
		t.Fatal(err)
	}
}

// TestToolkitPrecedence: the toolkit shipped with the app < accepted network
// edits < the user's own local edits; an app update that changes a field
// the network changed too keeps the network's value, and other fields follow
// the app.
func TestToolkitPrecedence(t *testing.T) {
	ctx := context.Background()
	s := newNetStore(t, "streetwork-cz", "cs")
	if _, err := s.SeedToolkit(ctx, 1, []Record{shippedTool("mapa", "Maps.", "free", "MIT"), shippedTool("wiki", "Offline wiki.", "free", "GPL")}); err != nil {
		t.Fatal(err)
	}
	if err := s.FoundEditors(ctx, ""); err != nil {
		t.Fatal(err)
	}
	// A local edit of mapa's English summary.
	local, _ := s.GetTool("mapa")
	local.Summary["en"] = "Maps, as we use them in Prague."
	if err := s.SaveTool(ctx, local); err != nil {
		t.Fatal(err)
	}
	// The network changes mapa's summary (en and cs) and cost, and wiki's cost.
	accept(t, s, `{"id": "mapa", "summary": {"en": "Maps for the street.", "cs": "Mapy na ulici."}, "cost": "free, with paid extras"}`)
	accept(t, s, `{"id": "wiki", "cost": "donations"}`)

	m, _ := s.GetTool("mapa")
	if m.Summary["en"] != "Maps, as we use them in Prague." {
		t.Errorf("local edit lost to the network: summary.en = %q", m.Summary["en"])
	}
	if m.Summary["cs"] != "Mapy na ulici." || m.Cost != "free, with paid extras" {
		t.Errorf("network edit not applied over the shipped toolkit: summary.cs %q, cost %q", m.Summary["cs"], m.Cost)
	}
	if m.Network == nil || m.Network.ProposedBy != "streetwork-cz" || m.Network.AcceptedBy != "streetwork-cz" || m.Network.Accepted.IsZero() {
		t.Errorf("provenance %+v", m.Network)
	}
	w, _ := s.GetTool("wiki")
	if w.Cost != "donations" || w.Licence != "GPL" {
		t.Errorf("wiki: cost %q licence %q", w.Cost, w.Licence)
	}

	// An app update changes mapa's cost (changed by the network too) and its
	// licence (not changed by the network): the network keeps the cost.
	if _, err := s.SeedToolkit(ctx, 2, []Record{shippedTool("mapa", "Maps.", "paid", "Apache-2.0"), shippedTool("wiki", "Offline wiki.", "free", "GPL-3.0")}); err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyNetwork(ctx); err != nil {
		t.Fatal(err)
	}
	m, _ = s.GetTool("mapa")
	if m.Cost != "free, with paid extras" || m.Licence != "Apache-2.0" || m.Summary["en"] != "Maps, as we use them in Prague." {
		t.Errorf("after an app update: cost %q (want the network's), licence %q (want the app's), summary.en %q (want the local edit)", m.Cost, m.Licence, m.Summary["en"])
	}
	w, _ = s.GetTool("wiki")
	if w.Cost != "donations" || w.Licence != "GPL-3.0" {
		t.Errorf("wiki after an app update: cost %q licence %q", w.Cost, w.Licence)
	}
	// Running again changes nothing.
	before, _ := json.Marshal(m)
	if err := s.ApplyNetwork(ctx); err != nil {
		t.Fatal(err)
	}
	m, _ = s.GetTool("mapa")
	if after, _ := json.Marshal(m); string(after) != string(before) {
		t.Errorf("ApplyNetwork is not idempotent:\n%s\n%s", before, after)
	}
}
