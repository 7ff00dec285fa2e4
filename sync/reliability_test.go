package sync_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vademecum/data"
	"vademecum/data/trust"
	vsync "vademecum/sync"
)

func bareHub(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	hub := filepath.Join(t.TempDir(), "hub.git")
	gitCLI(t, "", "init", "-q", "--bare", "-b", "main", hub)
	return hub
}

// secondLaptop joins org on a new installation: first lists its key, and the
// new laptop's coordinator approves the organisation file signed by first.
func secondLaptop(t *testing.T, first *node, device, hub string) *node {
	t.Helper()
	n := newNode(t, first.org, device, hub)
	if _, err := trust.AddKey(first.st, n.kr.Installation().Public(), device); err != nil {
		t.Fatal(err)
	}
	first.sync()
	n.sync()
	if _, err := trust.Approve(n.st, n.org); err != nil {
		t.Fatal(err)
	}
	n.sync()
	return n
}

func (n *node) noQuarantine() {
	n.t.Helper()
	q, err := n.eng.Quarantined(context.Background())
	if err != nil {
		n.t.Fatal(err)
	}
	for _, it := range q {
		n.t.Errorf("%s holds %s in quarantine: %s", n.org, it.Path, it.Reason)
	}
}

func (n *node) orgFile() *data.Organisation {
	n.t.Helper()
	r, err := n.st.Get(n.org)
	if err != nil {
		n.t.Fatal(err)
	}
	return r.(*data.Organisation)
}

// A partner's organisation file and its first comment arrive in the same sync:
// the file is imported first, so the comment verifies.
func TestNewPartnersFirstCommentArrives(t *testing.T) {
	hub := bareHub(t)
	a := newNode(t, "opengroup-it", "office", hub)
	pid := a.practice("Housing first")
	a.sync()
	b := newNode(t, "caritas-cz", "van", hub)
	b.sync()
	c := &data.Comment{Meta: data.Meta{Lang: "en"}, Practice: pid, Text: "We tried it in Prague"}
	if err := b.st.SaveComment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	b.sync()
	// a has never seen caritas-cz: its file and comment come together.
	res := a.sync()
	if res.Quarantined != 0 {
		t.Fatalf("quarantined %d", res.Quarantined)
	}
	if _, err := a.st.Get(c.ID); err != nil {
		t.Fatalf("the comment did not arrive: %v (quarantine: %q)", err, a.quarantined(c.ID))
	}
	a.noQuarantine()
}

// A record held because what verifies it had not arrived is checked again at
// the next syncs: here a new laptop's organisation file waits for approval, and
// once approved it is imported without anything changing in the hub.
func TestQuarantineIsRetried(t *testing.T) {
	hub := bareHub(t)
	a := newNode(t, "opengroup-it", "office", hub)
	a.sync()
	a2 := newNode(t, "opengroup-it", "laptop 2", hub)
	if _, err := trust.AddKey(a.st, a2.kr.Installation().Public(), "laptop 2"); err != nil {
		t.Fatal(err)
	}
	pid := a.practice("Written before laptop 2 was approved")
	a.sync()
	a2.sync()
	if r := a2.quarantined("orgs/opengroup-it.json"); !strings.Contains(r, "needs approval") {
		t.Fatalf("reason %q", r)
	}
	if a2.title(pid) != "" {
		t.Fatal("a practice signed by a key not trusted yet was imported")
	}
	if _, err := trust.Approve(a2.st, "opengroup-it"); err != nil {
		t.Fatal(err)
	}
	a2.sync()
	a2.noQuarantine()
	if a2.title(pid) != "Written before laptop 2 was approved" {
		t.Fatalf("the practice held until approval was not imported (quarantine %q)", a2.quarantined(pid))
	}
	// A permanent reason (a hand edit) is not retried into the database.
	editInHub(t, hub, pid, func(b []byte) []byte { return tamperSealed(t, b) })
	a2.sync()
	a2.sync()
	if a2.title(pid) != "Written before laptop 2 was approved" {
		t.Fatal("a tampered file was imported on retry")
	}
	if r := a2.quarantined(pid); !strings.Contains(r, "changed after it was signed") {
		t.Fatalf("reason %q", r)
	}
}

// Two laptops of one organisation edit different fields of one practice: the
// merged record is signed again by the laptop that merged it, so partners
// accept it and every replica shows both edits.
func TestMergedRecordIsSignedAgain(t *testing.T) {
	hub := bareHub(t)
	a := newNode(t, "opengroup-it", "office", hub)
	b := newNode(t, "caritas-cz", "van", hub)
	pid := a.practice("Peer support")
	a.sync()
	b.sync()
	a2 := secondLaptop(t, a, "laptop 2", hub)
	edit := func(n *node, f func(p *data.Practice)) {
		t.Helper()
		p, err := n.st.GetPractice(pid)
		if err != nil {
			t.Fatal(err)
		}
		f(p)
		if err := n.st.SavePractice(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	edit(a, func(p *data.Practice) { p.Summary = "summary from the office" })
	edit(a2, func(p *data.Practice) { p.Lessons = "lessons from laptop 2" })
	a.sync()
	a2.sync() // merges field by field, signs the result again
	a.sync()
	b.sync()
	for _, n := range []*node{a, a2, b} {
		p, err := n.st.GetPractice(pid)
		if err != nil {
			t.Fatalf("%s: %v (quarantine %q)", n.org, err, n.quarantined(pid))
		}
		if p.Summary != "summary from the office" || p.Lessons != "lessons from laptop 2" {
			t.Fatalf("%s: summary %q lessons %q", n.org, p.Summary, p.Lessons)
		}
		n.noQuarantine()
		// The signature matches the record, as anyone can check.
		if err := b.kr.Verify(nil, p, nil, nil); err != nil {
			t.Errorf("%s: the merged record does not verify: %v", n.org, err)
		}
	}
}

// Keys added on two laptops at once are both kept; a revocation is never
// undone by a merge.
func TestOrganisationKeysMergeAsUnion(t *testing.T) {
	hub := bareHub(t)
	a := newNode(t, "opengroup-it", "office", hub)
	b := newNode(t, "caritas-cz", "van", hub)
	a.sync()
	b.sync()
	a2 := secondLaptop(t, a, "laptop 2", hub)
	a.sync()
	b.sync() // pins laptop 2's key, listed by the office laptop
	newKey := func() string {
		in, err := trust.LoadInstallation(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return in.Public()
	}
	k3, err := trust.AddKey(a.st, newKey(), "laptop 3")
	if err != nil {
		t.Fatal(err)
	}
	k4, err := trust.AddKey(a2.st, newKey(), "laptop 4")
	if err != nil {
		t.Fatal(err)
	}
	a.sync()
	a2.sync()
	a.sync()
	b.sync()
	for _, n := range []*node{a, a2} {
		o := n.orgFile()
		for _, id := range []string{k3.ID, k4.ID, a.kr.Installation().ID(), a2.kr.Installation().ID()} {
			found := false
			for _, k := range o.Keys {
				found = found || k.ID == id
			}
			if !found {
				t.Fatalf("%s's organisation file lost the key %s: %+v", n.kr.Installation().ID(), id, o.Keys)
			}
		}
	}
	if st := b.keyStatus("opengroup-it", k4.ID); st != trust.StatusPinned {
		t.Fatalf("the partner sees laptop 4's key as %q", st)
	}
	// The office revokes laptop 3 while laptop 2 adds laptop 5.
	if _, err := trust.Revoke(a.st, k3.ID); err != nil {
		t.Fatal(err)
	}
	k5, err := trust.AddKey(a2.st, newKey(), "laptop 5")
	if err != nil {
		t.Fatal(err)
	}
	a.sync()
	a2.sync()
	a.sync()
	b.sync()
	for _, n := range []*node{a, a2, b} {
		if st := n.keyStatus("opengroup-it", k3.ID); st != trust.StatusRevoked {
			t.Errorf("laptop 3's key is %q after the merge, want revoked", st)
		}
		if st := n.keyStatus("opengroup-it", k5.ID); st != trust.StatusPinned {
			t.Errorf("laptop 5's key is %q after the merge, want pinned", st)
		}
		n.noQuarantine()
	}
}

// A partner that syncs with two hubs meets two laptops' edits of another
// organisation's practice. It does not merge them (only the owner merges and
// signs its records: hub format 2); it carries the greater version between the
// hubs, and the owner's laptop that sees both merges them and signs the result
// as the next version, which reaches everyone. (Before format 2 the partner
// merged and others accepted the merge by redoing it from hub history, which
// a forged history could abuse.)
func TestPartnerCarriesOwnersVersionsBetweenHubs(t *testing.T) {
	hub1, hub2 := bareHub(t), bareHub(t)
	a := newNode(t, "opengroup-it", "office", hub1)
	b := newNode(t, "caritas-cz", "van", hub1)
	if err := b.eng.AddRemote("second", hub2, vsync.Auth{}); err != nil {
		t.Fatal(err)
	}
	pid := a.practice("Peer support")
	a.sync()
	b.sync() // fills hub2 too
	a2 := newNode(t, "opengroup-it", "laptop 2", hub2)
	if _, err := trust.AddKey(a.st, a2.kr.Installation().Public(), "laptop 2"); err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	a2.sync()
	if _, err := trust.Approve(a2.st, "opengroup-it"); err != nil {
		t.Fatal(err)
	}
	a2.sync()
	b.sync()
	c := newNode(t, "migrant-es", "desk", hub2)
	c.sync()
	edit := func(n *node, f func(p *data.Practice)) {
		t.Helper()
		p, err := n.st.GetPractice(pid)
		if err != nil {
			t.Fatal(err)
		}
		f(p)
		if err := n.st.SavePractice(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	edit(a, func(p *data.Practice) { p.Summary = "summary from the office" })
	edit(a2, func(p *data.Practice) { p.Lessons = "lessons from laptop 2" })
	a.sync()  // hub1
	a2.sync() // hub2
	b.sync()  // meets hub1's and hub2's versions: keeps the greater
	b.noQuarantine()
	c.sync() // hub2 only
	c.noQuarantine()
	for range 3 {
		for _, n := range []*node{a, a2, b, c} {
			n.sync()
		}
	}
	for _, n := range []*node{a, a2, b, c} {
		n.noQuarantine()
		p, err := n.st.GetPractice(pid)
		if err != nil {
			t.Fatal(err)
		}
		if p.Summary != "summary from the office" || p.Lessons != "lessons from laptop 2" {
			t.Fatalf("%s (%s, %s): summary %q lessons %q", n.org, n.kr.Installation().ID(), n.dir, p.Summary, p.Lessons)
		}
		// In the end the owner's laptops signed the merged record again.
		if err := c.kr.Verify(nil, p, nil, nil); err != nil {
			t.Errorf("%s holds a practice whose signature does not match: %v", n.org, err)
		}
	}
}
