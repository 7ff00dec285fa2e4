package sync

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"vademecum/data"
	"vademecum/data/trust"
)

// attacker is the model's malicious partner: an organisation of the network
// (its file is pinned everywhere) that, instead of working, pushes whatever
// plain git allows straight into the hub — replays of old blobs, removals,
// forged and re-signed records, ids of other organisations, merge commits with
// invented parents, edits of organisation files and junk. It never syncs after
// the setup and is not one of the installations whose invariants are checked:
// the honest ones must refuse all of it, keep their owners' latest signed
// versions and bring them back to the hub.
type attacker struct {
	in   *install
	priv ed25519.PrivateKey
	// hit are the hub paths it touched: only there may an honest installation
	// hold something refused at the end.
	hit map[string]bool
}

func (m *model) newAttacker() {
	in := m.newInstall("evil-fr", 0)
	b, err := os.ReadFile(filepath.Join(in.dir, trust.KeyFile))
	if err != nil {
		m.t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		m.t.Fatal(err)
	}
	m.evil = &attacker{in: in, priv: k.(ed25519.PrivateKey), hit: map[string]bool{}}
}

// honest removes the attacker from the installations once the setup pinned
// its organisation everywhere.
func (m *model) honest() {
	if m.evil == nil {
		return
	}
	out := m.insts[:0]
	for _, in := range m.insts {
		if in != m.evil.in {
			out = append(out, in)
		}
	}
	m.insts = out
}

// sign re-signs a record with the attacker's key.
func (a *attacker) sign(r data.Record) []byte {
	r.Base().Sig = ""
	unsigned, err := data.Encode(r)
	if err != nil {
		panic(err)
	}
	r.Base().Sig = trust.KeyID(a.priv.Public().(ed25519.PublicKey)) + ":" + base64.StdEncoding.EncodeToString(ed25519.Sign(a.priv, unsigned))
	b, _ := data.Encode(r)
	return b
}

// attack pushes one crafted commit to the hub.
func (m *model) attack() {
	a := m.evil
	hub, err := openBareRepo(m.hub.dir)
	if err != nil {
		m.t.Fatal(err)
	}
	defer hub.st.Close()
	head, err := hub.ref(mainBranch)
	if err != nil || head.IsZero() {
		return
	}
	tree, _ := hub.commitTree(head)
	files, err := hub.diffTrees(plumbing.ZeroHash, tree)
	if err != nil {
		m.t.Fatal(err)
	}
	var targets []fileChange
	for _, f := range files {
		if strings.HasPrefix(f.Path, "practices/") || strings.HasPrefix(f.Path, "comments/") ||
			(strings.HasPrefix(f.Path, "orgs/") && f.Path != "orgs/evil-fr.json") {
			targets = append(targets, f)
		}
	}
	if len(targets) == 0 {
		return
	}
	t := targets[m.rng.IntN(len(targets))]
	cur := hub.readSmallBlob(t.To)
	rec, err := data.Decode(cur)
	if err != nil || rec.Base().Org == "evil-fr" {
		return
	}
	write := func(b []byte) plumbing.Hash {
		h, err := hub.writeBlob(b)
		if err != nil {
			m.t.Fatal(err)
		}
		return h
	}
	edits := map[string]plumbing.Hash{}
	parents := []plumbing.Hash{head}
	var what string
	switch r := m.rng.IntN(8); r {
	case 0: // replay an older version of the file from the hub's history
		old := m.olderBlob(hub, head, t.Path, t.To)
		if old.IsZero() {
			return
		}
		edits[t.Path], what = old, "replays an older version of"
	case 1: // git rm
		edits[t.Path], what = plumbing.ZeroHash, "removes"
	case 2: // edit without signing again
		b := strings.Replace(string(cur), `"title": "`, `"title": "Forged `, 1)
		if o, ok := rec.(*data.Organisation); ok {
			o.Keys = append(o.Keys, data.Key{ID: trust.KeyID(a.priv.Public().(ed25519.PublicKey)), Public: base64.StdEncoding.EncodeToString(a.priv.Public().(ed25519.PublicKey)), Device: "evil"})
			nb, _ := data.Encode(o)
			b = string(nb)
		}
		edits[t.Path], what = write([]byte(b)), "edits by hand"
	case 3: // sign it again with the attacker's key, higher version
		rec.Base().Version += 5
		if p, ok := rec.(*data.Practice); ok {
			p.Title = "Taken by evil"
		}
		if o, ok := rec.(*data.Organisation); ok {
			o.Keys = append(o.Keys, data.Key{ID: trust.KeyID(a.priv.Public().(ed25519.PublicKey)), Public: base64.StdEncoding.EncodeToString(a.priv.Public().(ed25519.PublicKey)), Device: "evil"})
		}
		edits[t.Path], what = write(a.sign(rec)), "re-signs with its own key"
	case 4: // squat: the same id as the attacker's own record
		if rec.Base().Type == data.TypeOrg {
			return
		}
		rec.Base().Org, rec.Base().Version = "evil-fr", rec.Base().Version+9
		edits[t.Path], what = write(a.sign(rec)), "squats the id of"
	case 5: // a merge commit whose invented parent holds a forged version
		old := m.olderBlob(hub, head, t.Path, t.To)
		forged := strings.Replace(string(cur), `"summary": "`, `"summary": "Merged by evil `, 1)
		fh := write([]byte(forged))
		side := map[string]plumbing.Hash{t.Path: fh}
		if !old.IsZero() {
			side[t.Path] = old
		}
		st, err := hub.editTree(plumbing.ZeroHash, side)
		if err != nil {
			m.t.Fatal(err)
		}
		invented, err := hub.writeCommit(st, nil, "evil-fr", "invented")
		if err != nil {
			m.t.Fatal(err)
		}
		parents = append(parents, invented)
		edits[t.Path], what = fh, "merges a forged version into"
	case 6: // junk next to it
		dir := t.Path[:strings.LastIndexByte(t.Path, '/')+1]
		p := dir + "junk.json"
		edits[p], what = write([]byte("{not json")), "adds junk next to"
		a.hit[p] = true
	default: // delete the attacker's view of another record: a tombstone it signs itself
		if rec.Base().Type == data.TypeOrg {
			return
		}
		rec.Base().Deleted, rec.Base().Version = true, rec.Base().Version+1
		edits[t.Path], what = write(a.sign(rec)), "signs a tombstone for"
	}
	nt, err := hub.editTree(tree, edits)
	if err != nil {
		m.t.Fatal(err)
	}
	c, err := hub.writeCommit(nt, parents, "evil-fr", "evil")
	if err != nil {
		m.t.Fatal(err)
	}
	if err := hub.setRef(mainBranch, head, c); err != nil {
		m.t.Fatal(err)
	}
	a.hit[t.Path] = true
	modelStats.attacks.Add(1)
	m.logf("the attacker %s %s", what, t.Path)
}

// olderBlob finds another version of path in the hub's history (first parents,
// at most 200 commits back), or the zero hash.
func (m *model) olderBlob(hub *repo, head plumbing.Hash, path string, not plumbing.Hash) plumbing.Hash {
	c := head
	for range 200 {
		cm, err := hub.commit(c)
		if err != nil {
			return plumbing.ZeroHash
		}
		if h, err := hub.fileAt(cm.TreeHash, path); err == nil && !h.IsZero() && h != not {
			return h
		}
		if len(cm.ParentHashes) == 0 {
			return plumbing.ZeroHash
		}
		c = cm.ParentHashes[0]
	}
	return plumbing.ZeroHash
}

func (a *attacker) String() string { return fmt.Sprintf("attacker %s", a.in.name) }
