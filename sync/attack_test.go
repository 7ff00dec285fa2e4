package sync_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vademecum/data"
	"vademecum/data/trust"
	vsync "vademecum/sync"
)

// The adversarial suite: a partner with write access to the hub plays the
// attacks of issue 13 (observations 1-5) with plain git — clone, craft blobs,
// trees, commits and merges with invented parents, push — against a hub on disk
// and one served by the real git http-backend. Each attack is refused, and the
// owner, an old partner and a newcomer all end with the owner's latest signed
// version (DESIGN.md, "Threat model and guarantees").

// attackHub is a hub the attacker pushes to with plain git.
type attackHub struct {
	url   string // what installations sync with
	auth  vsync.Auth
	clone string // what plain git clones and pushes to
	bare  string // the repository on disk, read by the checks
}

func diskAttackHub(t *testing.T) attackHub {
	hub := bareHub(t)
	return attackHub{url: hub, clone: hub, bare: hub}
}

func httpAttackHub(t *testing.T) attackHub {
	bare := bareHub(t)
	const token = "partner-token"
	srv := httptest.NewServer(vsync.GitHTTPHandler(t, filepath.Dir(bare), token))
	t.Cleanup(srv.Close)
	u := srv.URL + "/" + filepath.Base(bare)
	return attackHub{url: u, auth: vsync.Auth{Token: token}, clone: strings.Replace(u, "http://", "http://mallory:"+token+"@", 1), bare: bare}
}

// world is the owner (a, opengroup-it), the attacker (b, cepaim-es) and an old
// partner (c, caritas-cz), with one practice of a's at its second version.
type world struct {
	t       *testing.T
	hub     attackHub
	a, b, c *node
	pid     string
	path    string // the practice's file in the hub
	v1      string // its first version, as the hub held it
}

func newWorld(t *testing.T, hub attackHub) *world {
	w := &world{t: t, hub: hub}
	w.a = newNodeAuth(t, "opengroup-it", "office", hub.url, hub.auth)
	w.b = newNodeAuth(t, "cepaim-es", "front desk", hub.url, hub.auth)
	w.c = newNodeAuth(t, "caritas-cz", "van", hub.url, hub.auth)
	w.pid = w.a.practice("Housing first")
	w.a.sync()
	w.path = w.hubPath(w.pid)
	w.v1 = w.show(w.path)
	p, err := w.a.st.GetPractice(w.pid)
	if err != nil {
		t.Fatal(err)
	}
	p.Summary = "Second version: what we learnt in the winter"
	if err := w.a.st.SavePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*node{w.a, w.b, w.c, w.a} {
		n.sync()
	}
	if w.show(w.path) == w.v1 {
		t.Fatal("the second version did not reach the hub")
	}
	return w
}

func (w *world) hubPath(id string) string {
	w.t.Helper()
	for _, f := range strings.Split(gitCLI(w.t, w.hub.bare, "ls-tree", "-r", "--name-only", "main"), "\n") {
		if strings.HasSuffix(f, "/"+id+".json") {
			return f
		}
	}
	w.t.Fatalf("%s is not on the hub", id)
	return ""
}

// show is a file of the hub's main, "" when absent.
func (w *world) show(path string) string {
	w.t.Helper()
	if !strings.Contains(gitCLI(w.t, w.hub.bare, "ls-tree", "-r", "--name-only", "main"), path) {
		return ""
	}
	return gitCLI(w.t, w.hub.bare, "show", "main:"+path)
}

// work clones the hub for the attacker.
func (w *world) work() string {
	w.t.Helper()
	dir := filepath.Join(w.t.TempDir(), "mallory")
	gitCLI(w.t, "", "clone", "-q", "-b", "main", w.hub.clone, dir)
	return dir
}

func (w *world) write(work, path, body string) {
	w.t.Helper()
	f := filepath.Join(work, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// commitTree makes a commit of the work tree's index with the given parents,
// as `git commit-tree` lets anyone invent them.
func commitTree(t *testing.T, work string, parents ...string) string {
	t.Helper()
	gitCLI(t, work, "add", "-A")
	tree := strings.TrimSpace(gitCLI(t, work, "write-tree"))
	args := []string{"commit-tree", tree, "-m", "merge"}
	for _, p := range parents {
		args = append(args, "-p", p)
	}
	return strings.TrimSpace(gitCLI(t, work, args...))
}

func (w *world) push(work, commit string) {
	w.t.Helper()
	gitCLI(w.t, work, "push", "-q", "-f", "origin", commit+":refs/heads/main")
}

// owners is the owner's version of the practice (its database body).
func (w *world) owners() string {
	w.t.Helper()
	return recordBody(w.t, w.a, w.pid)
}

func recordBody(t *testing.T, n *node, id string) string {
	t.Helper()
	var b string
	if err := n.st.DB().QueryRow("SELECT body FROM records WHERE id = ?", id).Scan(&b); err != nil {
		t.Fatalf("%s: %s: %v", n.org, id, err)
	}
	return b
}

// converged checks that every installation holds the owner's latest signed
// version and that the hub serves it again, after a round of syncs in which a
// newcomer joins.
func (w *world) converged(name string, extra ...*node) {
	w.t.Helper()
	want := w.owners()
	newcomer := newNodeAuth(w.t, "migrant-es", "newcomer", w.hub.url, w.hub.auth)
	all := append([]*node{w.a, w.b, w.c, newcomer}, extra...)
	for range 2 {
		for _, n := range all {
			n.sync()
		}
	}
	if got := w.owners(); got != want {
		w.t.Fatalf("%s: the owner's own version changed:\n%s", name, got)
	}
	for _, n := range all {
		if got := recordBody(w.t, n, w.pid); got != want {
			w.t.Errorf("%s: %s (%s) holds\n%s\nwant the owner's\n%s", name, n.org, n.kr.Installation().ID(), got, want)
		}
		if err := newcomer.kr.Verify(nil, mustDecode(w.t, want), []byte(want), nil); err != nil {
			w.t.Errorf("%s: the owner's version does not verify: %v", name, err)
		}
	}
	got := w.show(w.path)
	if id, _ := data.SealedRecordID([]byte(got + "\n")); id != "" {
		keys, err := w.a.st.AllRecordKeys(context.Background())
		if err != nil {
			w.t.Fatal(err)
		}
		plain, _, err := data.OpenSealed([]byte(got+"\n"), keys[id])
		if err != nil {
			w.t.Fatalf("%s: the hub's file does not open: %v", name, err)
		}
		got = string(plain)
	}
	if got+"\n" != want && got != want {
		w.t.Errorf("%s: the hub serves\n%s", name, got)
	}
}

func mustDecode(t *testing.T, body string) data.Record {
	t.Helper()
	r, err := data.Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// refusedBy checks that n's sync reports path as refused, with reason.
func refusedBy(t *testing.T, n *node, path, reason string) {
	t.Helper()
	res := n.sync()
	for _, r := range res.Refused {
		if r.Path == path && strings.Contains(r.Reason, reason) {
			return
		}
	}
	t.Errorf("%s did not report %s as refused (%q): %+v", n.org, path, reason, res.Refused)
}

func TestAttacksDisk(t *testing.T) { attacks(t, diskAttackHub) }
func TestAttacksHTTP(t *testing.T) { attacks(t, httpAttackHub) }

func attacks(t *testing.T, newHub func(*testing.T) attackHub) {
	// Observation 1: a merge commit whose invented parents hold the owner's
	// practice and the attacker's own signed text at the same path, and its
	// tree the "merge" of both under the owner's name.
	t.Run("forged merge proof", func(t *testing.T) {
		w := newWorld(t, newHub(t))
		work := w.work()
		head := strings.TrimSpace(gitCLI(t, work, "rev-parse", "HEAD"))
		forged := string(forgeWithKeyOf(t, w.b.dir, []byte(w.owners()), func(p *data.Practice) { p.Lessons = "Call Mallory" }))
		gitCLI(t, work, "checkout", "-q", "--orphan", "p1")
		gitCLI(t, work, "rm", "-q", "-rf", "--cached", ".")
		w.write(work, w.path, w.v1)
		p1 := commitTree(t, work)
		w.write(work, w.path, forged)
		p2 := commitTree(t, work)
		merged := strings.Replace(w.owners(), `"lessons": ""`, `"lessons": "Call Mallory"`, 1)
		w.write(work, w.path, merged)
		m := commitTree(t, work, head, p1, p2)
		w.push(work, m)
		refusedBy(t, w.c, w.path, "")
		if strings.Contains(recordBody(t, w.c, w.pid), "Mallory") {
			t.Fatal("the old partner imported the forged merge")
		}
		w.converged("forged merge")
	})

	// Observation 1, second half: the same trick on an organisation file pins
	// the attacker's key under the owner's organisation.
	t.Run("forged merge of an organisation file", func(t *testing.T) {
		w := newWorld(t, newHub(t))
		work := w.work()
		head := strings.TrimSpace(gitCLI(t, work, "rev-parse", "HEAD"))
		orgPath := "orgs/opengroup-it.json"
		genuine := w.show(orgPath)
		var o data.Organisation
		r := mustDecode(t, genuine)
		o = *r.(*data.Organisation)
		o.Keys = append(o.Keys, data.Key{ID: w.b.kr.Installation().ID(), Public: w.b.kr.Installation().Public(), Device: "mallory"})
		withB, _ := data.Encode(&o)
		gitCLI(t, work, "checkout", "-q", "--orphan", "p1")
		gitCLI(t, work, "rm", "-q", "-rf", "--cached", ".")
		w.write(work, orgPath, genuine)
		p1 := commitTree(t, work)
		w.write(work, orgPath, string(withB))
		m := commitTree(t, work, head, p1)
		w.push(work, m)
		// Then the attacker edits the owner's practice with its own key.
		work2 := w.work()
		w.write(work2, w.path, string(forgeWithKeyOf(t, w.b.dir, []byte(w.owners()), func(p *data.Practice) { p.Title = "Taken over" })))
		gitCLI(t, work2, "commit", "-q", "-am", "edit")
		gitCLI(t, work2, "push", "-q", "origin", "main")
		for _, n := range []*node{w.c, w.a} {
			n.sync()
			if st := n.keyStatus("opengroup-it", w.b.kr.Installation().ID()); st != "" {
				t.Fatalf("%s lists the attacker's key under opengroup-it: %s", n.org, st)
			}
		}
		w.converged("forged organisation merge")
		if got := w.show(orgPath); strings.Contains(got, w.b.kr.Installation().ID()) {
			t.Errorf("the hub still lists the attacker's key under opengroup-it")
		}
	})

	// Observation 2: `git rm` of the owner's practice.
	t.Run("unsigned deletion", func(t *testing.T) {
		w := newWorld(t, newHub(t))
		work := w.work()
		gitCLI(t, work, "rm", "-q", w.path)
		gitCLI(t, work, "commit", "-q", "-m", "remove")
		gitCLI(t, work, "push", "-q", "origin", "main")
		refusedBy(t, w.c, w.path, "without a signed deletion")
		if p, err := w.c.st.GetPractice(w.pid); err != nil || p.Deleted {
			t.Fatalf("the old partner lost the practice: %v", err)
		}
		w.converged("unsigned deletion")
		if p, _ := w.a.st.GetPractice(w.pid); p == nil || p.Deleted {
			t.Fatal("the owner lost its practice")
		}
	})

	// Observation 3: the owner's older signed blob pushed again.
	t.Run("rollback", func(t *testing.T) {
		w := newWorld(t, newHub(t))
		work := w.work()
		w.write(work, w.path, w.v1)
		gitCLI(t, work, "commit", "-q", "-am", "restore")
		gitCLI(t, work, "push", "-q", "origin", "main")
		refusedBy(t, w.a, w.path, "older version")
		w.converged("rollback")
		if !strings.Contains(w.owners(), "Second version") {
			t.Fatal("the owner's acknowledged save was lost")
		}
	})

	// Observation 4: the attacker's own signed record with the owner's id,
	// and the owner's practice re-signed with the organisation switched; a
	// newcomer that joins while the hub holds only the squatter's version.
	t.Run("id squatting", func(t *testing.T) {
		w := newWorld(t, newHub(t))
		work := w.work()
		squat := string(forgeWithKeyOf(t, w.b.dir, []byte(w.owners()), func(p *data.Practice) {
			p.Org, p.Title, p.Claim = "cepaim-es", "Squatted", ""
		}))
		w.write(work, w.path, squat)
		gitCLI(t, work, "commit", "-q", "-am", "mine now")
		gitCLI(t, work, "push", "-q", "origin", "main")
		early := newNodeAuth(t, "migrant-es", "early newcomer", w.hub.url, w.hub.auth)
		res := early.sync()
		if early.title(w.pid) != "" {
			t.Fatalf("a newcomer imported the squatted id: %q", early.title(w.pid))
		}
		found := false
		for _, r := range res.Refused {
			found = found || r.Path == w.path && strings.Contains(r.Reason, "does not belong to cepaim-es")
		}
		if !found {
			t.Errorf("the newcomer did not report the squatted id: %+v", res.Refused)
		}
		w.converged("id squatting", early)
	})

	// Observation 5: a second laptop of the owner's organisation runs init,
	// remote add and sync before it is listed; newcomers still accept the
	// organisation, and after keys add + keys approve nothing conflicts.
	t.Run("second laptop before it is listed", func(t *testing.T) {
		w := newWorld(t, newHub(t))
		orgBefore := w.show("orgs/opengroup-it.json")
		a2 := newNodeAuth(t, "opengroup-it", "laptop 2", w.hub.url, w.hub.auth)
		early := a2.practice("Written on laptop 2 before it was listed")
		res := a2.sync()
		if !res.Unlisted || res.Sent != 0 {
			t.Fatalf("the unlisted laptop was not held back: %+v", res)
		}
		if got := w.show("orgs/opengroup-it.json"); got != orgBefore {
			t.Fatalf("the unlisted laptop published its organisation file:\n%s", got)
		}
		joiner := newNodeAuth(t, "caritas-pl", "newcomer", w.hub.url, w.hub.auth)
		joiner.sync()
		if joiner.title(w.pid) != "Housing first" {
			t.Fatalf("a newcomer set the organisation aside: %q", joiner.quarantined("orgs/opengroup-it.json"))
		}
		if _, err := trust.AddKey(w.a.st, a2.kr.Installation().Public(), "laptop 2"); err != nil {
			t.Fatal(err)
		}
		w.a.sync()
		a2.sync()
		if _, err := trust.Approve(a2.st, "opengroup-it"); err != nil {
			t.Fatal(err)
		}
		a2.sync()
		for range 2 {
			for _, n := range []*node{w.a, w.b, w.c, joiner, a2} {
				n.sync()
			}
		}
		for _, n := range []*node{w.a, w.b, w.c, joiner, a2} {
			if n.title(early) != "Written on laptop 2 before it was listed" {
				t.Errorf("%s (%s) lacks laptop 2's practice: %q", n.org, n.kr.Installation().ID(), n.quarantined(early))
			}
			n.noQuarantine()
		}
		for _, n := range []*node{w.a, a2} {
			if cs, _ := n.eng.Conflicts(context.Background()); len(cs) != 0 {
				t.Errorf("%s has conflicts after keys add + approve: %+v", n.kr.Installation().ID(), cs)
			}
		}
		w.converged("second laptop", joiner, a2)
	})
}

// Two laptops of a new organisation set up apart (the first even listed the
// second with keys add before syncing) reach the hub in the "wrong" order: the
// one that arrives first publishes the organisation file, the other waits
// until it is listed and approves; partners accept every version without being
// asked, and nothing conflicts.
func TestLaptopsJoinInAnyOrder(t *testing.T) {
	hub := bareHub(t)
	partner := newNode(t, "caritas-cz", "van", hub)
	partner.sync()
	first := newNode(t, "streetwork-pl", "coordinator", hub)
	second := newNode(t, "streetwork-pl", "outreach laptop", hub)
	if _, err := trust.AddKey(first.st, second.kr.Installation().Public(), "outreach laptop"); err != nil {
		t.Fatal(err)
	}
	fromFirst := first.practice("Written by the coordinator")
	fromSecond := second.practice("Written on the outreach laptop")
	second.sync() // arrives first: publishes
	partner.sync()
	if res := first.sync(); !res.Unlisted {
		t.Fatalf("the coordinator's laptop was not held back: %+v", res)
	}
	if _, err := trust.AddKey(second.st, first.kr.Installation().Public(), "coordinator"); err != nil {
		t.Fatal(err)
	}
	second.sync()
	first.sync()
	// The coordinator had listed the outreach laptop itself, so the file it
	// signed is trusted at once; otherwise the coordinator approves it.
	if pend, _ := trust.Pending(first.st); len(pend) > 0 {
		if _, err := trust.Approve(first.st, "streetwork-pl"); err != nil {
			t.Fatal(err)
		}
	}
	joined(t, "streetwork-pl", []string{fromFirst, fromSecond}, first, second, partner)
	for _, n := range []*node{first, second} {
		if cs, _ := n.eng.Conflicts(context.Background()); len(cs) != 0 {
			t.Errorf("conflicts on %s: %+v", n.kr.Installation().ID(), cs)
		}
	}
}

// joined syncs every node twice over, then checks that each holds the
// practices ids, nothing set aside or waiting for approval, and the same file
// of org as the first node.
func joined(t *testing.T, org string, ids []string, nodes ...*node) {
	t.Helper()
	for range 2 {
		for _, n := range nodes {
			n.sync()
		}
	}
	for _, n := range nodes {
		n.noQuarantine()
		for _, id := range ids {
			if n.title(id) == "" {
				t.Errorf("%s (%s) lacks %s", n.org, n.kr.Installation().ID(), id)
			}
		}
		if pend, _ := trust.Pending(n.st); len(pend) != 0 {
			t.Errorf("%s (%s) is asked to approve %+v", n.org, n.kr.Installation().ID(), pend)
		}
		if a, b := recordBody(t, nodes[0], org), recordBody(t, n, org); a != b {
			t.Errorf("the organisation file differs:\n%s\n%s", a, b)
		}
	}
}

// A partner that was away while an organisation listed a new laptop, which
// then changed the organisation file itself, accepts the file it finds: the
// new laptop's key is certified by the key the partner pinned. A key the
// attacker appends with a certificate of its own is not.
func TestKeyChainLetsAPartnerSkipVersions(t *testing.T) {
	hub := bareHub(t)
	a := newNode(t, "opengroup-it", "office", hub)
	b := newNode(t, "caritas-cz", "van", hub)
	a.sync()
	b.sync()
	a2 := newNode(t, "opengroup-it", "laptop 2", hub)
	if _, err := trust.AddKey(a.st, a2.kr.Installation().Public(), "laptop 2"); err != nil {
		t.Fatal(err)
	}
	a.sync()
	a2.sync()
	if _, err := trust.Approve(a2.st, "opengroup-it"); err != nil {
		t.Fatal(err)
	}
	in3, err := trust.LoadInstallation(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k3, err := trust.AddKey(a2.st, in3.Public(), "laptop 3")
	if err != nil {
		t.Fatal(err)
	}
	pid := a2.practice("Written on laptop 2")
	a2.sync()
	b.sync() // never saw the version that listed laptop 2
	if pend, _ := trust.Pending(b.st); len(pend) != 0 {
		t.Fatalf("the partner is asked to approve: %+v", pend)
	}
	if st := b.keyStatus("opengroup-it", k3.ID); st != trust.StatusPinned {
		t.Fatalf("laptop 3's key is %q at the partner", st)
	}
	if b.title(pid) != "Written on laptop 2" {
		t.Fatalf("the partner lacks laptop 2's practice: %q", b.quarantined(pid))
	}
	b.noQuarantine()

	// The partner now plays the attacker: it appends its own key to the
	// organisation file, certified and signed by that key.
	c := newNode(t, "migrant-es", "desk", hub)
	c.sync()
	work := filepath.Join(t.TempDir(), "work")
	gitCLI(t, "", "clone", "-q", "-b", "main", hub, work)
	body, err := os.ReadFile(filepath.Join(work, "orgs", "opengroup-it.json"))
	if err != nil {
		t.Fatal(err)
	}
	o := mustDecode(t, string(body)).(*data.Organisation)
	evil := c.kr.Installation()
	o.Keys = append(o.Keys, data.Key{ID: evil.ID(), Public: evil.Public(), Device: "evil", Added: o.Updated,
		Cert: signWithKeyOf(t, c.dir, []byte("vademecum key\x00opengroup-it\x00"+evil.ID()+"\x00"+evil.Public()))})
	o.Version++
	o.Sig = ""
	unsigned, _ := data.Encode(o)
	o.Sig = signWithKeyOf(t, c.dir, unsigned)
	forged, _ := data.Encode(o)
	if err := os.WriteFile(filepath.Join(work, "orgs", "opengroup-it.json"), forged, 0o644); err != nil {
		t.Fatal(err)
	}
	gitCLI(t, work, "commit", "-q", "-am", "one more laptop")
	gitCLI(t, work, "push", "-q", "origin", "main")
	b.sync()
	if st := b.keyStatus("opengroup-it", evil.ID()); st == trust.StatusPinned {
		t.Fatal("the attacker's self-certified key was pinned under opengroup-it")
	}
}

// signWithKeyOf is "<key id>:<signature>" of msg by the installation key of the
// data directory dir.
func signWithKeyOf(t *testing.T, dir string, msg []byte) string {
	t.Helper()
	priv := keyOf(t, dir)
	return trust.KeyID(priv.Public().(ed25519.PublicKey)) + ":" + base64.StdEncoding.EncodeToString(ed25519.Sign(priv, msg))
}

// Two laptops of one organisation publish its first file at the same moment:
// the push of one (the loser) is refused because the other's went through
// between its fetch and its push. The loser keeps the file on the hub rather
// than replacing it with its own (the partner pinned it already) and sends
// nothing until that file lists it: then everything. At the end there is one
// organisation file, accepted by the partner, and nothing is held anywhere.
func TestLaptopsPublishFirstFileAtOnce(t *testing.T) {
	for _, coordinatorWins := range []bool{true, false} {
		t.Run(fmt.Sprintf("coordinator-wins=%v", coordinatorWins), func(t *testing.T) {
			hub := bareHub(t)
			partner := newNode(t, "caritas-cz", "van", hub)
			partner.sync()
			var winner, loser *node
			fired := false
			race := func(o *vsync.Options) {
				o.Fault = func(point string) error {
					if point == "before-push" && !fired && loser != nil && winner != nil {
						fired = true
						winner.sync()
						partner.sync()
					}
					return nil
				}
			}
			first := newNodeWith(t, "streetwork-pl", "coordinator", hub, vsync.Auth{}, race)
			second := newNodeWith(t, "streetwork-pl", "outreach laptop", hub, vsync.Auth{}, race)
			if _, err := trust.AddKey(first.st, second.kr.Installation().Public(), "outreach laptop"); err != nil {
				t.Fatal(err)
			}
			fromFirst := first.practice("Written by the coordinator")
			fromSecond := second.practice("Written on the outreach laptop")
			winner, loser = first, second
			if !coordinatorWins {
				winner, loser = second, first
			}
			res := loser.sync()
			winner, loser = nil, nil
			if !res.Unlisted {
				t.Fatalf("the laptop that lost the race published over the other's file: %+v", res)
			}
			if pend, _ := trust.Pending(partner.st); len(pend) != 0 {
				t.Fatalf("the partner is asked to approve %+v", pend)
			}
			if coordinatorWins {
				// The outreach laptop approves the file the coordinator signed.
				if _, err := trust.Approve(second.st, "streetwork-pl"); err != nil {
					t.Fatal(err)
				}
			} else {
				// The outreach laptop's file does not list the coordinator: it
				// adds it, as the coordinator's sync asks.
				if _, err := trust.AddKey(second.st, first.kr.Installation().Public(), "coordinator"); err != nil {
					t.Fatal(err)
				}
			}
			joined(t, "streetwork-pl", []string{fromFirst, fromSecond}, second, first, partner)
		})
	}
}
