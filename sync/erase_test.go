package sync_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vademecum/data"
	vsync "vademecum/sync"
)

// newNetworkNode is a node as the app runs it on a network: the living
// toolkit's rule (editors, erasures) checked on import, and the editor list
// founded by the first push to an empty hub.
func newNetworkNode(t *testing.T, org, device, hub string) *node {
	t.Helper()
	var st *data.Store
	n := newNodeWith(t, org, device, hub, vsync.Auth{}, func(o *vsync.Options) {
		verify := o.Verify
		o.Verify = func(q data.Querier, r data.Record, body []byte, prev data.Record) error {
			if err := verify(q, r, body, prev); err != nil {
				return err
			}
			return data.CheckNetwork(q, r)
		}
		o.NewHub = func() error { return st.FoundEditors(context.Background(), "") }
	})
	st = n.st
	return n
}

func erasureWorld(t *testing.T) (hub string, a, b, c *node) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	hub = filepath.Join(t.TempDir(), "hub.git")
	gitCLI(t, "", "init", "-q", "--bare", "-b", "main", hub)
	a = newNetworkNode(t, "opengroup-it", "office", hub)
	a.sync() // a founds the editor list: the only editor
	b = newNetworkNode(t, "cepaim-es", "front desk", hub)
	c = newNetworkNode(t, "caritas-cz", "van", hub)
	for _, n := range []*node{b, c, a} {
		n.sync()
	}
	return hub, a, b, c
}

// hubObjects is every object of a bare repository as plain git prints it,
// unreachable ones included.
func hubObjects(t *testing.T, repo string) string {
	t.Helper()
	return gitCLI(t, repo, "cat-file", "--batch-all-objects", "--batch")
}

// The attacker's test: a partner that neither owns a practice nor is an
// editor signs an erasure notice of it with a modified client, erases it on
// its own installation (which drops its file from its branch and its key from
// the key branch it writes) and pushes. Every other installation refuses the
// notice with its reason, keeps the practice, and the next honest syncs put
// the file and the key back, so a newcomer reads it too.
func TestErasureByNonOwnerNonEditorIsRefused(t *testing.T) {
	hub, a, b, c := erasureWorld(t)
	pid := a.practice("Mario R., 54, sleeps at the station")
	a.sync()
	b.sync()
	c.sync()
	if b.title(pid) == "" || c.title(pid) == "" {
		t.Fatal("the practice did not reach the partners")
	}
	p, err := b.st.GetPractice(pid)
	if err != nil {
		t.Fatal(err)
	}
	n := &data.Erasure{Record: pid, RecordOrg: p.Org, RecordClaim: p.Claim, Path: vsync.HubPath(p), Reason: "we want it gone"}
	n.ID, n.Claim = data.NewRecordID(b.org)
	n.Type, n.Org, n.Author = data.TypeErasure, b.org, "Mallory"
	n.Created, n.Updated = data.Now(), data.Now()
	if err := b.st.Tx(context.Background(), func(tx *data.Tx) error {
		if err := tx.Put(n, data.PutLocal); err != nil {
			return err
		}
		return tx.ApplyErasure(n)
	}); err != nil {
		t.Fatal(err)
	}
	b.sync()
	if strings.Contains(gitCLI(t, hub, "show", "keys:keys.json"), pid) {
		t.Fatal("the modified client did not drop the key from the key branch (the attack did not happen)")
	}
	for i, n := range []*node{c, a} {
		res := n.sync()
		// The first honest installation that syncs refuses the notice and
		// leaves it out of the hub's tip.
		if i == 0 && !refusedFor(res, "erasures/", "neither an editor nor the owner") {
			t.Errorf("%s: refused %+v, want the notice refused as a non-owner non-editor's", n.org, res.Refused)
		}
		if n.title(pid) != "Mario R., 54, sleeps at the station" {
			t.Errorf("%s lost the practice to a partner's erasure notice", n.org)
		}
		es, err := n.st.Erasures(context.Background())
		if err != nil || len(es) != 0 {
			t.Errorf("%s lists erasures %v (%v)", n.org, es, err)
		}
	}
	if !strings.Contains(gitCLI(t, hub, "show", "keys:keys.json"), pid) {
		t.Error("the honest installations did not put the practice's key back on the key branch")
	}
	if !strings.Contains(gitCLI(t, hub, "ls-tree", "-r", "--name-only", "main"), pid) {
		t.Error("the honest installations did not put the practice's file back on the hub")
	}
	late := newNetworkNode(t, "pmff-pl", "newcomer", hub)
	late.sync()
	if late.title(pid) != "Mario R., 54, sleeps at the station" {
		t.Errorf("a newcomer cannot read the practice after a refused erasure (held: %q)", late.quarantined(pid))
	}
}

// An editor of the network erases a partner's practice: accepted everywhere,
// the owner's included; its text and key are nowhere afterwards, and a later
// version by its owner is refused.
func TestEditorErasesAPartnersPractice(t *testing.T) {
	hub, a, b, c := erasureWorld(t)
	pid := b.practice("Anna K. sleeps at the station")
	other := b.practice("Street library")
	b.sync()
	a.sync()
	c.sync()
	if a.title(pid) == "" || c.title(pid) == "" {
		t.Fatal("the practice did not reach the partners")
	}
	if strings.Contains(hubObjects(t, hub), "Anna K.") {
		t.Fatal("the practice's text is in the clear on the hub")
	}
	// An editor's erasure needs no ownership.
	if _, err := c.st.Erase(context.Background(), pid, "not mine", vsync.HubPath); err == nil {
		t.Fatal("a non-editor partner erased another organisation's practice")
	}
	if _, err := a.st.Erase(context.Background(), pid, "a name and a place", vsync.HubPath); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		for _, n := range []*node{a, b, c} {
			// The hub still holding the version every installation had is the
			// erasure on its way, not a file to refuse or hold.
			if res := n.sync(); len(res.Refused) != 0 {
				t.Errorf("%s: the sync after the erasure refused %+v", n.org, res.Refused)
			}
		}
	}
	for _, n := range []*node{a, b, c} {
		if q, err := n.eng.Quarantined(context.Background()); err != nil || len(q) != 0 {
			t.Errorf("%s holds in quarantine %+v (%v)", n.org, q, err)
		}
	}
	for _, n := range []*node{a, b, c} {
		if n.title(pid) != "" {
			t.Errorf("%s still holds the erased practice", n.org)
		}
		if n.title(other) != "Street library" {
			t.Errorf("%s lost the other practice", n.org)
		}
		es, err := n.st.Erasures(context.Background())
		if err != nil || len(es) != 1 || es[0].ID != pid || es[0].Org != a.org {
			t.Errorf("%s lists erasures %+v (%v)", n.org, es, err)
		}
		for _, f := range []string{data.DBFile, data.DBFile + "-wal", data.LocalCopyFile} {
			if b, err := os.ReadFile(filepath.Join(n.dir, f)); err == nil && strings.Contains(string(b), "Anna K.") {
				t.Errorf("%s: %s still holds the erased text", n.org, f)
			}
		}
		if keys, _ := n.st.AllRecordKeys(context.Background()); len(keys[pid]) != 0 {
			t.Errorf("%s still holds the erased practice's key", n.org)
		}
	}
	if strings.Contains(gitCLI(t, hub, "show", "keys:keys.json"), pid) {
		t.Error("the key branch still holds the erased practice's key")
	}
	// The doctor says so, and says it when it is not so.
	if !hasFinding(vsync.Diagnose(context.Background(), c.dir), vsync.FoundErasedOK) {
		t.Error("the doctor does not confirm the erasure")
	}
	if _, err := c.st.DB().Exec("INSERT INTO record_keys(id, key) VALUES(?, ?)", pid, data.NewRecordKey()); err != nil {
		t.Fatal(err)
	}
	if !hasFinding(vsync.Diagnose(context.Background(), c.dir), vsync.FoundErasedReadable) {
		t.Error("the doctor does not see a key of an erased record left in the database")
	}
	if _, err := c.st.DB().Exec("DELETE FROM record_keys WHERE id = ?", pid); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(gitCLI(t, hub, "ls-tree", "-r", "--name-only", "main"), "practices/") &&
		strings.Contains(gitCLI(t, hub, "ls-tree", "-r", "--name-only", "main"), pid+".json\n") {
		t.Error("the hub's tip still holds the erased practice's file")
	}
	// The owner's laptop cannot bring it back: it holds nothing to send, and
	// a version from history is refused.
	late := newNetworkNode(t, "pmff-pl", "newcomer", hub)
	late.sync()
	if late.title(pid) != "" || late.title(other) != "Street library" {
		t.Errorf("newcomer: erased %q, other %q", late.title(pid), late.title(other))
	}
}

// A key branch forged on the hub (another key for a record) is not used: the
// key must match the commitment the owner signed. A newcomer holds the record
// back until an honest installation puts the right key back.
func TestForgedKeyOnTheHubIsIgnored(t *testing.T) {
	hub, a, b, _ := erasureWorld(t)
	pid := a.practice("Housing first")
	a.sync()
	b.sync()
	if b.title(pid) != "Housing first" {
		t.Fatal("the practice did not reach the partner")
	}
	work := filepath.Join(t.TempDir(), "work")
	gitCLI(t, "", "clone", "-q", "-b", "main", hub, work)
	gitCLI(t, work, "checkout", "-q", "--orphan", "forged")
	gitCLI(t, work, "rm", "-q", "-rf", ".")
	forged := base64.StdEncoding.EncodeToString(data.NewRecordKey())
	if err := os.WriteFile(filepath.Join(work, "keys.json"), []byte(`{"`+pid+`": "`+forged+`"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitCLI(t, work, "add", "keys.json")
	gitCLI(t, work, "commit", "-q", "-m", "keys")
	gitCLI(t, work, "push", "-q", "-f", "origin", "HEAD:keys")

	late := newNetworkNode(t, "pmff-pl", "newcomer", hub)
	late.sync()
	if late.title(pid) != "" {
		t.Fatal("a record opened with a forged key was imported")
	}
	if r := late.quarantined(pid); !strings.Contains(r, "key of this sealed record has not been received") {
		t.Errorf("held for %q", r)
	}
	b.sync() // holds the right key, and puts it back
	if !strings.Contains(gitCLI(t, hub, "show", "keys:keys.json"), pid) || strings.Contains(gitCLI(t, hub, "show", "keys:keys.json"), forged) {
		t.Fatalf("the key branch after an honest sync:\n%s", gitCLI(t, hub, "show", "keys:keys.json"))
	}
	late.sync()
	if late.title(pid) != "Housing first" {
		t.Errorf("the newcomer did not read the practice once the right key was back (held: %q)", late.quarantined(pid))
	}
}

func refusedFor(res vsync.Result, path, reason string) bool {
	for _, r := range res.Refused {
		if strings.Contains(r.Path, path) && strings.Contains(r.Reason, reason) {
			return true
		}
	}
	return false
}

func hasFinding(d *vsync.Diagnosis, code string) bool {
	for _, f := range d.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// TestReadAheadOpensSealedFiles: a sync large enough for the read-ahead
// (which reads and decodes files on a goroutine and a repository handle of its
// own) opens sealed practices with the keys held here, so a newcomer's first
// sync takes every one, and an erased one is left out.
func TestReadAheadOpensSealedFiles(t *testing.T) {
	_, a, b, _ := erasureWorld(t)
	ids := make([]string, 0, 600)
	for i := range 600 {
		ids = append(ids, a.practice(fmt.Sprintf("Practice %03d", i)))
	}
	a.sync()
	if _, err := a.st.Erase(context.Background(), ids[7], "a name", vsync.HubPath); err != nil {
		t.Fatal(err)
	}
	a.sync()
	if res := b.sync(); len(res.Refused) != 0 {
		t.Errorf("the partner's sync refused %d files, e.g. %+v", len(res.Refused), res.Refused[0])
	}
	for i, id := range ids {
		want := fmt.Sprintf("Practice %03d", i)
		if i == 7 {
			want = ""
		}
		if got := b.title(id); got != want {
			t.Fatalf("practice %d: %q, want %q", i, got, want)
		}
	}
}

// A key branch over 1 MB (about 15,000 records) on a hub folder: its file is
// read into memory like a small one, never written into the local repository
// (where an erasure could not remove a key), and the records it opens are
// imported, not held for a key "not received yet".
func TestLargeKeyBranchOnAHubFolder(t *testing.T) {
	hub, a, _, _ := erasureWorld(t)
	pid := a.practice("Housing first")
	a.sync()
	work := filepath.Join(t.TempDir(), "work")
	gitCLI(t, "", "clone", "-q", "-b", "keys", hub, work)
	var keys map[string]string
	if err := json.Unmarshal([]byte(gitCLI(t, work, "show", "HEAD:keys.json")), &keys); err != nil || keys[pid] == "" {
		t.Fatalf("the key branch: %v %v", keys, err)
	}
	for i := range 16000 {
		keys[fmt.Sprintf("01900000-0000-7000-8000-%012d", i)] = base64.StdEncoding.EncodeToString(data.NewRecordKey())
	}
	body, err := data.Canonical(keys)
	if err != nil || len(body) <= 1<<20 {
		t.Fatalf("key file of %d bytes: %v", len(body), err)
	}
	if err := os.WriteFile(filepath.Join(work, "keys.json"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	gitCLI(t, work, "add", "keys.json")
	gitCLI(t, work, "commit", "-q", "-m", "keys")
	gitCLI(t, work, "push", "-q", "origin", "HEAD:keys")
	blob := strings.TrimSpace(gitCLI(t, work, "rev-parse", "HEAD:keys.json"))

	late := newNetworkNode(t, "pmff-pl", "newcomer", hub)
	late.sync()
	if late.title(pid) != "Housing first" {
		t.Fatalf("the newcomer did not read the practice (held: %q)", late.quarantined(pid))
	}
	filepath.WalkDir(late.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(p, blob[2:]) {
			t.Errorf("the key file was written into the installation's folder: %s", p)
		}
		return nil
	})
}
