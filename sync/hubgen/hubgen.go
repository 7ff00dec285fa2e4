package hubgen

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"vademecum/data"
	"vademecum/data/datagen"
	"vademecum/data/trust"
	vsync "vademecum/sync"
)

// Build writes a hub holding n practices (and about n/3 comments) from the ten
// partner organisations, each record signed by an installation of its owner and
// (when sealed) the practices and comments sealed with keys of their own (hub format 4), as
// one commit built through plumbing beside the key branch, then packs it with git (which must be
// installed). work is a folder for the writers' data directories.
//
// sealed false writes every record in the clear, with no key branch, as hub
// format 3 did.
func Build(work, hubDir string, n int, seed uint64, sealed bool) error {
	repo, err := git.PlainInit(hubDir, true)
	if err != nil {
		return err
	}
	files := map[string][]byte{vsync.FormatFile: []byte(vsync.FormatVersion + "\n")}
	keyrings := map[string]*trust.Keyring{}
	for _, o := range datagen.Orgs {
		dir := filepath.Join(work, "writers", o.ID)
		os.MkdirAll(dir, 0o700)
		s, err := data.Open(dir)
		if err != nil {
			return err
		}
		defer s.Close()
		if err := s.Init(&data.Organisation{Meta: data.Meta{ID: o.ID, Lang: o.Lang}, Name: o.ID, Country: o.Country,
			Languages: []string{o.Lang, "en"}}, "Staff "+o.ID); err != nil {
			return err
		}
		if err := trust.EnsureListed(s, "bench"); err != nil {
			return err
		}
		kr, err := trust.New(s)
		if err != nil {
			return err
		}
		defer kr.Close()
		keyrings[o.ID] = kr
		org, err := s.Get(o.ID)
		if err != nil {
			return err
		}
		b, _ := data.Encode(org)
		files[vsync.HubPath(org)] = b
	}
	g := datagen.New(seed)
	// Practices and comments are sealed, each with its own key, as hub format 4
	// writes them; the keys go to the key branch.
	keys := map[string]string{}
	put := func(r data.Record) error {
		m := r.Base()
		var key []byte
		if sealed && data.Sealed(m.Type) {
			key = data.NewRecordKey()
			m.KeyHash = data.KeyCommitment(m.ID, key)
			keys[m.ID] = base64.StdEncoding.EncodeToString(key)
		}
		if err := keyrings[m.Org].Sign(r); err != nil {
			return err
		}
		b, err := data.Encode(r)
		if err != nil {
			return err
		}
		if key != nil {
			if b, err = data.Seal(b, key); err != nil {
				return err
			}
		}
		files[vsync.HubPath(r)] = b
		return nil
	}
	for i := 0; i < n; i++ {
		p := g.Practice()
		if err := put(p); err != nil {
			return err
		}
		if i%3 == 0 {
			if err := put(g.Comment(p)); err != nil {
				return err
			}
		}
	}
	root, err := writeTree(repo.Storer, files)
	if err != nil {
		return err
	}
	sig := object.Signature{Name: "vademecum-bench", Email: "bench@localhost", When: time.Now()}
	if err := writeBranch(repo, "refs/heads/main", root, fmt.Sprintf("%d practices\n", n), sig); err != nil {
		return err
	}
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")); err != nil {
		return err
	}
	if err := writeKeys(repo, keys, sig); err != nil {
		return err
	}
	for _, args := range [][]string{{"repack", "-adq"}, {"config", "http.receivepack", "true"}} {
		if out, err := exec.Command("git", append([]string{"-C", hubDir}, args...)...).CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v: %s", args[0], err, out)
		}
	}
	return nil
}

// writeKeys writes the key branch: one commit with no parent, its tree the one
// file of keys. No keys, no branch.
func writeKeys(repo *git.Repository, keys map[string]string, sig object.Signature) error {
	if len(keys) == 0 {
		return nil
	}
	keyFile, err := data.Canonical(keys)
	if err != nil {
		return err
	}
	keyRoot, err := writeTree(repo.Storer, map[string][]byte{vsync.KeysFile: keyFile})
	if err != nil {
		return err
	}
	return writeBranch(repo, vsync.KeysBranch, keyRoot, "Record keys (hub format 4)\n", sig)
}

// writeBranch stores a commit with no parent of tree and points branch at it.
func writeBranch(repo *git.Repository, branch plumbing.ReferenceName, tree plumbing.Hash, msg string, sig object.Signature) error {
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree}
	obj := repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return err
	}
	h, err := repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return err
	}
	return repo.Storer.SetReference(plumbing.NewHashReference(branch, h))
}

// writeTree stores files (path -> content) as blobs and nested trees.
func writeTree(st storer.EncodedObjectStorer, files map[string][]byte) (plumbing.Hash, error) {
	type dir struct {
		files map[string]plumbing.Hash
		dirs  map[string]*dir
	}
	newDir := func() *dir { return &dir{files: map[string]plumbing.Hash{}, dirs: map[string]*dir{}} }
	root := newDir()
	for p, b := range files {
		obj := st.NewEncodedObject()
		obj.SetType(plumbing.BlobObject)
		w, err := obj.Writer()
		if err != nil {
			return plumbing.ZeroHash, err
		}
		w.Write(b)
		w.Close()
		h, err := st.SetEncodedObject(obj)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		d := root
		parts := strings.Split(p, "/")
		for _, part := range parts[:len(parts)-1] {
			if d.dirs[part] == nil {
				d.dirs[part] = newDir()
			}
			d = d.dirs[part]
		}
		d.files[path.Base(p)] = h
	}
	var write func(d *dir) (plumbing.Hash, error)
	write = func(d *dir) (plumbing.Hash, error) {
		var t object.Tree
		for name, h := range d.files {
			t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
		}
		for name, sub := range d.dirs {
			h, err := write(sub)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
		}
		// Git orders tree entries by name, a folder's name as if it ended in "/".
		key := func(e object.TreeEntry) string {
			if e.Mode == filemode.Dir {
				return e.Name + "/"
			}
			return e.Name
		}
		sort.Slice(t.Entries, func(i, j int) bool { return key(t.Entries[i]) < key(t.Entries[j]) })
		obj := st.NewEncodedObject()
		if err := t.Encode(obj); err != nil {
			return plumbing.ZeroHash, err
		}
		return st.SetEncodedObject(obj)
	}
	return write(root)
}
