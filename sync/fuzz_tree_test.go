package sync

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"vademecum/data"
)

// fuzzModes are the modes a crafted tree entry may carry: git's own, and odd
// ones a partner can write with plumbing.
var fuzzModes = []filemode.FileMode{
	filemode.Regular, filemode.Regular, filemode.Regular, filemode.Executable, filemode.Dir, filemode.Dir,
	filemode.Symlink, filemode.Submodule, filemode.Deprecated, filemode.FileMode(0o100600), filemode.FileMode(0o160755),
	filemode.FileMode(0o777),
}

// fuzzNames are names a crafted entry may take, valid and not.
var fuzzNames = []string{"practices", "comments", "orgs", "tools", "guides", "attachments", "FORMAT", "2025", "01", "13",
	"p1.json", "o.json", "x", ".json", "a b.json", "é.json", strings.Repeat("z", 200) + ".json", "..", "-", "\n.json"}

// crafted builds, from fuzz input, a tree in r: each 4-byte step adds one
// entry at a depth (a byte above 240 makes a chain hundreds of folders deep),
// with a mode, a name and content (a record, bytes of the input, or a zero
// blob up to 2 MB).
func crafted(t *testing.T, r *repo, prog []byte) plumbing.Hash {
	type node struct {
		kids  map[string]*node
		mode  filemode.FileMode
		hash  plumbing.Hash
		order []string
	}
	root := &node{kids: map[string]*node{}}
	for i := 0; i+4 <= len(prog) && i < 4*24; i += 4 {
		depth, modeB, nameB, content := int(prog[i]), prog[i+1], prog[i+2], prog[i+3]
		chain := 0
		if depth > 240 {
			chain = 50 * (depth - 240)
		}
		depth %= 6
		cur := root
		for d := 0; d < depth+chain; d++ {
			name := fuzzNames[(int(nameB)+d)%len(fuzzNames)]
			if chain > 0 {
				name = "d"
			}
			k := cur.kids[name]
			if k == nil || k.kids == nil {
				k = &node{kids: map[string]*node{}, mode: filemode.Dir}
				cur.kids[name] = k
				cur.order = append(cur.order, name)
			}
			cur = k
		}
		name := fuzzNames[int(nameB)%len(fuzzNames)]
		mode := fuzzModes[int(modeB)%len(fuzzModes)]
		var body []byte
		switch content % 4 {
		case 0:
			body = practiceJSON("p1", "shelter-it", "2025-01-02T03:04:05Z", "T")
		case 1:
			body = prog[i:]
		case 2:
			body = make([]byte, int(content)<<13) // up to 2 MB of zeros
		case 3:
			body = []byte("1\n")
		}
		h, err := r.writeBlob(body)
		if err != nil {
			t.Fatal(err)
		}
		if mode == filemode.Submodule {
			h = plumbing.ComputeHash(plumbing.CommitObject, body) // a commit that is nowhere
		}
		if _, ok := cur.kids[name]; !ok {
			cur.order = append(cur.order, name)
		}
		cur.kids[name] = &node{mode: mode, hash: h}
	}
	var write func(n *node) plumbing.Hash
	write = func(n *node) plumbing.Hash {
		var es []object.TreeEntry
		for _, name := range n.order {
			k := n.kids[name]
			h := k.hash
			if k.kids != nil {
				h = write(k)
			}
			es = append(es, object.TreeEntry{Name: name, Mode: k.mode, Hash: h})
		}
		h, err := r.writeTree(es)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	return write(root)
}

// FuzzTreeImport plays crafted hub trees (depths, modes, names, sizes) through
// what a sync does with them: the comparison of trees, the import's reading of
// each file, and the walk of a push to a new hub. Nothing panics, every error
// is a bounded refusal, whatever is not a plain file is set aside, and nothing
// deeper than maxTreeDepth is read.
func FuzzTreeImport(f *testing.F) {
	f.Add([]byte{3, 0, 0, 0})
	f.Add([]byte{3, 0, 0, 0, 2, 7, 3, 1, 1, 6, 4, 2})
	f.Add([]byte{250, 0, 10, 0, 1, 8, 11, 3})
	f.Add([]byte{5, 4, 12, 0, 0, 9, 6, 255, 4, 10, 9, 1})
	f.Add([]byte("practices/2025/01/p1.json\x00\xff\x10"))
	f.Fuzz(func(t *testing.T, prog []byte) {
		r, err := openBareRepo(filepath.Join(t.TempDir(), "hub.git"))
		if err != nil {
			t.Fatal(err)
		}
		defer r.close()
		tree := crafted(t, r, prog)
		commit, err := r.writeCommit(tree, nil, "attacker", "crafted")
		if err != nil {
			t.Fatal(err)
		}
		e := &Engine{repo: r}
		for _, pair := range [][2]plumbing.Hash{{plumbing.ZeroHash, tree}, {tree, plumbing.ZeroHash}} {
			changes, err := r.diffTrees(pair[0], pair[1])
			if err != nil {
				if !errors.Is(err, ErrTooLarge) && !errors.Is(err, plumbing.ErrObjectNotFound) && !strings.Contains(err.Error(), "not found") {
					t.Fatalf("diff: unexpected error %v", err)
				}
				continue
			}
			for _, c := range changes {
				if n := strings.Count(c.Path, "/"); n >= maxTreeDepth {
					t.Fatalf("%s: read %d folders deep", c.Path, n)
				}
				// A gitlink names nothing here: it must have been set aside.
				if c.SetAside == "" && !c.To.IsZero() && !r.has(c.To) {
					t.Fatalf("%s: names a missing object and was not set aside", c.Path)
				}
			}
		}
		items, _, err := e.prepareImport(plumbing.ZeroHash, commit, plumbing.ZeroHash, nil)
		if err != nil {
			return
		}
		for _, it := range items {
			if it.reason != "" || it.gone {
				continue
			}
			rec, body, reason := e.readRecord(it.blob, it.hf)
			if reason == "" && (rec == nil || len(body) > MaxBlob) {
				t.Fatalf("%s: accepted without a record, or oversized", it.path)
			}
			if reason == "" {
				if _, err := data.Decode(body); err != nil {
					t.Fatalf("%s: accepted but does not decode: %v", it.path, err)
				}
			}
		}
		// The history goes to a new hub: every object it needs, gitlinks excepted.
		objs, _, err := newObjects(r.path, r.st, []plumbing.Hash{commit}, nil)
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				return
			}
			t.Fatalf("push walk: %v", err)
		}
		small, _, err := splitLarge(r.path, r.st, objs)
		if err != nil {
			t.Fatal(err)
		}
		if err := writePack(io.Discard, r.st, small, nil, 0); err != nil {
			t.Fatalf("pack: %v", err)
		}
	})
}
