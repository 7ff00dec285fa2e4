package sync_test

import (
	"context"
	"testing"
)

// TestSettledValueReachesEveryLaptop: two laptops of one organisation change
// the same field at once; the merge settles it against one of them, and every
// laptop of the organisation — not only the one that merged — lists the value
// not kept and whose it was. Resolving it on a third laptop writes the value
// back and closes the conflict everywhere. A partner sees neither.
func TestSettledValueReachesEveryLaptop(t *testing.T) {
	ctx := context.Background()
	hub := bareHub(t)
	a := newNode(t, "opengroup-it", "coordinator", hub)
	a.sync()
	b := secondLaptop(t, a, "outreach laptop", hub)
	c := secondLaptop(t, a, "office pc", hub)
	partner := newNode(t, "cepaim-es", "partner", hub)
	id := a.practice("Digital help desk")
	for _, n := range []*node{a, b, c, partner} {
		n.sync()
	}

	edit := func(n *node, summary string) {
		t.Helper()
		p, err := n.st.GetPractice(id)
		if err != nil {
			t.Fatal(err)
		}
		p.Summary = summary
		if err := n.st.SavePractice(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	edit(a, "Tuesdays at the library")
	edit(b, "Thursdays at the shelter")
	a.sync()
	b.sync()
	for _, n := range []*node{a, b, a, c, b, partner} {
		n.sync()
	}

	kept := c.summary(id)
	if kept != a.summary(id) || kept != b.summary(id) || kept != partner.summary(id) {
		t.Fatalf("not converged: %q %q %q %q", a.summary(id), b.summary(id), kept, partner.summary(id))
	}
	lost := "Thursdays at the shelter"
	if kept == lost {
		lost = "Tuesdays at the library"
	}
	var ids []string
	for name, n := range map[string]*node{"a": a, "b": b, "c": c} {
		cs, err := n.eng.Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 {
			t.Fatalf("laptop %s lists %d conflicts: %+v", name, len(cs), cs)
		}
		cf := cs[0]
		if cf.RecordID != id || cf.Field != "summary" || cf.By == "" {
			t.Errorf("laptop %s: %+v", name, cf)
		}
		if notKept := map[string]string{"mine": cf.Theirs, "theirs": cf.Mine}[cf.Kept]; notKept != lost {
			t.Errorf("laptop %s lists %q as not kept, want %q (%+v)", name, notKept, lost, cf)
		}
		ids = append(ids, cf.ID)
	}
	if ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("the laptops know the conflict by different ids: %v", ids)
	}
	if cs, _ := partner.eng.Conflicts(ctx); len(cs) != 0 {
		t.Errorf("a partner lists another organisation's conflicts: %+v", cs)
	}

	// The third laptop, which merged nothing, restores the value not kept.
	cf, _ := c.eng.Conflicts(ctx)
	keep := "theirs"
	if cf[0].Kept == "theirs" {
		keep = "mine"
	}
	if err := c.eng.Resolve(ctx, cf[0].ID, keep); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*node{c, a, b, partner} {
		n.sync()
	}
	for name, n := range map[string]*node{"a": a, "b": b, "c": c, "partner": partner} {
		if s := n.summary(id); s != lost {
			t.Errorf("%s: summary %q after the resolution, want %q", name, s, lost)
		}
		if cs, _ := n.eng.Conflicts(ctx); len(cs) != 0 {
			t.Errorf("%s still lists %+v", name, cs)
		}
		n.noQuarantine()
	}
}

func (n *node) summary(id string) string {
	n.t.Helper()
	p, err := n.st.GetPractice(id)
	if err != nil {
		return ""
	}
	return p.Summary
}
