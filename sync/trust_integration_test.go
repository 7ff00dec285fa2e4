package sync_test

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vademecum/data"
	"vademecum/data/trust"
	vsync "vademecum/sync"
)

// node is one installation wired as the app wires it: store, keyring, engine
// with the keyring's Sign and Verify.
type node struct {
	t   *testing.T
	org string
	dir string
	st  *data.Store
	kr  *trust.Keyring
	eng *vsync.Engine
}

func newNode(t *testing.T, org, device, hub string) *node {
	t.Helper()
	return newNodeAuth(t, org, device, hub, vsync.Auth{})
}

// newNodeAuth is newNode with a hub that needs credentials (an HTTP hub).
func newNodeAuth(t *testing.T, org, device, hub string, auth vsync.Auth) *node {
	t.Helper()
	return newNodeWith(t, org, device, hub, auth, nil)
}

// newNodeWith is newNodeAuth with a hook that may change the engine's options
// (fault points).
func newNodeWith(t *testing.T, org, device, hub string, auth vsync.Auth, opts func(*vsync.Options)) *node {
	t.Helper()
	dir := t.TempDir()
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	org0 := &data.Organisation{Meta: data.Meta{ID: org, Lang: "en"}, Name: "Org " + org, Country: "IT", Languages: []string{"en"}}
	if err := st.Init(org0, "Staff of "+org); err != nil {
		t.Fatal(err)
	}
	if err := trust.EnsureListed(st, device); err != nil {
		t.Fatal(err)
	}
	kr, err := trust.New(st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kr.Close() })
	o := vsync.Options{Credentials: &vsync.MemoryCredentials{}, Sign: kr.Sign, Verify: kr.Verify, Lists: kr.Lists,
		Logf: func(f string, a ...any) { t.Logf(org+" ("+device+"): "+f, a...) }}
	if opts != nil {
		opts(&o)
	}
	eng, err := vsync.Open(st, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	if err := eng.AddRemote("hub", hub, auth); err != nil {
		t.Fatal(err)
	}
	return &node{t: t, org: org, dir: dir, st: st, kr: kr, eng: eng}
}

func (n *node) sync() vsync.Result {
	n.t.Helper()
	res, err := n.eng.Sync(context.Background(), "", nil)
	if err != nil {
		n.t.Fatalf("%s: sync: %v", n.org, err)
	}
	return res
}

func (n *node) practice(title string) string {
	n.t.Helper()
	p := &data.Practice{Meta: data.Meta{Lang: "en"}, Title: title, Summary: "How " + title + " works", Visibility: data.Shared}
	if err := n.st.SavePractice(context.Background(), p); err != nil {
		n.t.Fatal(err)
	}
	return p.ID
}

func (n *node) title(id string) string {
	n.t.Helper()
	p, err := n.st.GetPractice(id)
	if err != nil {
		return ""
	}
	return p.Title
}

// quarantined returns the reason a file whose path contains frag is held, or "".
func (n *node) quarantined(frag string) string {
	n.t.Helper()
	q, err := n.eng.Quarantined(context.Background())
	if err != nil {
		n.t.Fatal(err)
	}
	for _, it := range q {
		if strings.Contains(it.Path, frag) {
			return it.Reason
		}
	}
	return ""
}

func (n *node) keyStatus(org, keyID string) string {
	n.t.Helper()
	orgs, err := trust.Orgs(n.st)
	if err != nil {
		n.t.Fatal(err)
	}
	for _, o := range orgs {
		if o.ID == org {
			for _, k := range o.Keys {
				if k.ID == keyID {
					return k.Status
				}
			}
		}
	}
	return ""
}

func gitCLI(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Mallory", "GIT_AUTHOR_EMAIL=m@example.org",
		"GIT_COMMITTER_NAME=Mallory", "GIT_COMMITTER_EMAIL=m@example.org", "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// editInHub changes a record's file with plain git, as anyone with write access
// to the hub could: clone, edit, commit, push.
func editInHub(t *testing.T, hub, id string, edit func(body []byte) []byte) {
	t.Helper()
	work := filepath.Join(t.TempDir(), "work")
	gitCLI(t, "", "clone", "-q", "-b", "main", hub, work)
	files, _ := filepath.Glob(filepath.Join(work, "practices", "*", "*", id+".json"))
	if len(files) != 1 {
		t.Fatalf("practice %s not found in the hub: %v", id, files)
	}
	body, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files[0], edit(body), 0o644); err != nil {
		t.Fatal(err)
	}
	gitCLI(t, work, "commit", "-q", "-am", "a small fix")
	gitCLI(t, work, "push", "-q", "origin", "main")
}

// keyOf reads the installation key of the data directory dir.
func keyOf(t *testing.T, dir string) ed25519.PrivateKey {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, trust.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(ed25519.PrivateKey)
}

// forgeWithKeyOf re-signs a record file with the installation key of another
// data directory, as a modified client of that installation would.
func forgeWithKeyOf(t *testing.T, dir string, body []byte, change func(p *data.Practice)) []byte {
	t.Helper()
	priv := keyOf(t, dir)
	// A sealed file is opened with the key that installation holds (every
	// partner holds the keys of shared records), and sealed again.
	var key []byte
	if id, _ := data.SealedRecordID(body); id != "" {
		body, key = openWithKeysOf(t, dir, body)
	}
	r, err := data.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	p := r.(*data.Practice)
	change(p)
	p.Sig = ""
	unsigned, _ := data.Encode(p)
	p.Sig = trust.KeyID(priv.Public().(ed25519.PublicKey)) + ":" + base64.StdEncoding.EncodeToString(ed25519.Sign(priv, unsigned))
	out, _ := data.Encode(p)
	if key != nil {
		if out, err = data.Seal(out, key); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// openWithKeysOf opens a sealed file with the keys held in the data directory dir.
func openWithKeysOf(t *testing.T, dir string, body []byte) ([]byte, []byte) {
	t.Helper()
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys, err := st.AllRecordKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	id, _ := data.SealedRecordID(body)
	plain, key, err := data.OpenSealed(body, keys[id])
	if err != nil {
		t.Fatal(err)
	}
	return plain, key
}

// tamperSealed changes one character of a sealed file's ciphertext, as a hand
// edit of the hub would change its text.
func tamperSealed(t *testing.T, body []byte) []byte {
	t.Helper()
	i := strings.Index(string(body), `"sealed": "`)
	if i < 0 {
		t.Fatalf("not a sealed file:\n%s", body)
	}
	out := append([]byte{}, body...)
	j := i + len(`"sealed": "`) + 20
	if out[j] == 'A' {
		out[j] = 'B'
	} else {
		out[j] = 'A'
	}
	return out
}

// Three organisations share a hub. A practice changed with plain git in the hub,
// or re-signed by a partner, is quarantined by every installation's next sync;
// a stolen laptop's key is revoked and what it signs afterwards is refused.
func TestSignedRecordsThroughHub(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	hub := filepath.Join(t.TempDir(), "hub.git")
	gitCLI(t, "", "init", "-q", "--bare", "-b", "main", hub)

	a := newNode(t, "opengroup-it", "office laptop", hub)
	b := newNode(t, "cepaim-es", "front desk", hub)
	c := newNode(t, "caritas-cz", "streetwork van", hub)
	all := []*node{a, b, c}
	for range 2 {
		for _, n := range all {
			n.sync()
		}
	}
	for _, n := range all {
		for _, m := range all {
			if st := n.keyStatus(m.org, m.kr.Installation().ID()); st != trust.StatusPinned {
				t.Fatalf("%s: the key of %s is %q, want pinned", n.org, m.org, st)
			}
		}
	}

	// A shares a practice; everyone gets it.
	pid := a.practice("Housing first")
	a.sync()
	b.sync()
	c.sync()
	for _, n := range all {
		if n.title(pid) != "Housing first" {
			t.Fatalf("%s does not have the practice", n.org)
		}
	}

	// Someone edits it with plain git in the hub: the first installation that
	// syncs refuses it and sends its valid version back; nobody imports it.
	// (Before hub format 2 the tampered file stayed on the hub and every
	// installation held it in quarantine.)
	genuine := hubPracticeBody(t, hub, pid)
	editInHub(t, hub, pid, func(body []byte) []byte { return tamperSealed(t, body) })
	for i, n := range []*node{c, b, a} {
		res := n.sync()
		if i == 0 {
			if res.Quarantined == 0 || len(res.Refused) == 0 {
				t.Errorf("%s: nothing refused after a hand edit: %+v", n.org, res)
			}
			if r := n.quarantined(pid); !strings.Contains(r, "changed after it was signed") {
				t.Errorf("%s: quarantine reason %q", n.org, r)
			}
		}
		if got := n.title(pid); got != "Housing first" {
			t.Errorf("%s imported the tampered practice: %q", n.org, got)
		}
	}
	if got := hubPracticeBody(t, hub, pid); got != genuine {
		t.Errorf("the hub was not restored:\n%s", got)
	}

	// A partner re-signs it with its own key: a non-owner's change, refused.
	editInHub(t, hub, pid, func(body []byte) []byte {
		return forgeWithKeyOf(t, b.dir, body, func(p *data.Practice) { p.Title = "Housing first (by cepaim)" })
	})
	for i, n := range []*node{c, a} {
		n.sync()
		if r := n.quarantined(pid); i == 0 && !strings.Contains(r, "non-owner") {
			t.Errorf("%s: quarantine reason %q, want a non-owner's change", n.org, r)
		}
		if got := n.title(pid); got != "Housing first" {
			t.Errorf("%s imported the partner's change: %q", n.org, got)
		}
	}
	if got := hubPracticeBody(t, hub, pid); got != genuine {
		t.Errorf("the hub was not restored:\n%s", got)
	}

	// A second laptop joins opengroup-it: the office laptop lists its key.
	a2 := newNode(t, "opengroup-it", "laptop 2", hub)
	a2ID := a2.kr.Installation().ID()
	if _, err := trust.AddKey(a.st, a2.kr.Installation().Public(), "laptop 2"); err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	c.sync()
	for _, n := range []*node{b, c} {
		if st := n.keyStatus("opengroup-it", a2ID); st != trust.StatusPinned {
			t.Fatalf("%s: the new laptop's key is %q, want pinned (added by a pinned key)", n.org, st)
		}
	}
	// The new laptop has never seen its organisation's file: it approves it
	// after comparing the office laptop's fingerprint by phone.
	a2.sync()
	if r := a2.quarantined("orgs/opengroup-it.json"); !strings.Contains(r, "needs approval") {
		t.Fatalf("the new laptop did not hold its organisation's file for approval: %q", r)
	}
	if _, err := trust.Approve(a2.st, "opengroup-it"); err != nil {
		t.Fatal(err)
	}
	q1 := a2.practice("Written on laptop 2")
	a2.sync()
	b.sync()
	c.sync()
	for _, n := range []*node{a, b, c} {
		n.sync()
		if n.title(q1) != "Written on laptop 2" {
			t.Fatalf("%s did not accept the new laptop's practice (quarantine: %q)", n.org, n.quarantined(q1))
		}
	}

	// Laptop 2 is stolen: the office laptop revokes it, partners learn it.
	if _, err := trust.Revoke(a.st, a2ID); err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	c.sync()
	for _, n := range []*node{b, c} {
		if st := n.keyStatus("opengroup-it", a2ID); st != trust.StatusRevoked {
			t.Fatalf("%s: the stolen laptop's key is %q, want revoked", n.org, st)
		}
	}
	// The thief writes and syncs: the round commits before it learns of the
	// revocation, but a laptop no longer listed sends nothing.
	time.Sleep(5 * time.Millisecond)
	q2 := a2.practice("Written by the thief")
	if res := a2.sync(); !res.Unlisted {
		t.Errorf("the revoked laptop was not told it is no longer listed: %+v", res)
	}
	for _, n := range []*node{a, b, c} {
		n.sync()
		if n.title(q2) != "" {
			t.Errorf("%s imported a practice signed after the revocation", n.org)
		}
		if n.title(q1) != "Written on laptop 2" {
			t.Errorf("%s lost what the laptop signed before the revocation", n.org)
		}
	}
	if files := gitCLI(t, hub, "ls-tree", "-r", "--name-only", "main"); strings.Contains(files, q2) {
		t.Error("the revoked laptop's practice reached the hub")
	}
}

// hubPracticeBody is the file of practice id on the hub's branch main.
func hubPracticeBody(t *testing.T, hub, id string) string {
	t.Helper()
	for _, f := range strings.Split(gitCLI(t, hub, "ls-tree", "-r", "--name-only", "main"), "\n") {
		if strings.HasSuffix(f, "/"+id+".json") {
			return gitCLI(t, hub, "show", "main:"+f)
		}
	}
	t.Fatalf("practice %s is not on the hub", id)
	return ""
}
