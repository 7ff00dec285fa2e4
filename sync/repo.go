package sync

import (
	"bytes"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	gosync "sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"vademecum/internal/atomicfile"
)

// mainBranch is the hub's branch, and the local one that mirrors it.
const mainBranch = plumbing.ReferenceName("refs/heads/main")

func trackingRef(remote string) plumbing.ReferenceName {
	return plumbing.ReferenceName("refs/remotes/" + remote + "/main")
}

// repo is a bare git repository used through plumbing only. go-git is not safe
// for concurrent use, so every method that touches it runs under mu.
type repo struct {
	mu   gosync.Mutex
	path string
	st   *filesystem.Storage
	// keys are the record keys held here: a practice or comment is written
	// sealed with its key (writeBlob) and read in the clear (readBlob) when
	// its key is here (hub format 4, keys.go). Nil: files as they are.
	keys *keyBox
	// recent are the record files read last: a round reads a file to check it
	// and again, moments later, for the attachments it lists.
	recent recentBlobs
	// rd reads the objects (see objects); nil until the first read.
	rd *boundedStore
}

// objects reads the repository's objects: loose ones through go-git, packed
// ones in place, each pack's index read on disk (diskIndex), so that what a
// round costs follows what it reads, not how many objects the repository
// holds. go-git's storage stays for writing objects and references.
func (r *repo) objects() *boundedStore {
	if r.rd == nil {
		r.rd = newBoundedStore(r.st, r.path)
		r.rd.onDisk = true
	}
	return r.rd
}

// close closes the repository's files.
func (r *repo) close() error {
	if r.rd != nil {
		r.rd.release()
	}
	return r.st.Close()
}

// openBareRepo opens the bare repository at path, creating it (with HEAD on
// main, so plain git shows the right branch) when it does not exist.
func openBareRepo(path string) (*repo, error) {
	if _, err := os.Stat(filepath.Join(path, "objects")); errors.Is(err, os.ErrNotExist) {
		if err := initBare(path); err != nil {
			return nil, err
		}
	}
	return &repo{path: path, st: openLocalStorage(path)}, nil
}

// openLocalStorage opens the local repository keeping its pack files open
// between reads (go-git otherwise opens and closes a pack for every object it
// reads: a third of a first sync's reading). releaseFiles closes them.
//
// Its object cache is smaller than go-git's default (96 MB): a round reads
// each record file once or twice in a row (recentBlobs keeps those), and what
// it reads again and again are the few trees along the paths it changes; the
// default filled up with the files of a first sync, a third of its memory.
func openLocalStorage(path string) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(bufferedIndexes{osfs.New(path)}, cache.NewObjectLRU(localObjectCache),
		filesystem.Options{LargeObjectThreshold: largeObject, KeepDescriptors: true})
}

// localObjectCache bounds the local repository's object cache.
const localObjectCache = 16 * cache.MiByte

// releaseFiles closes the pack files kept open (the storage opens them again
// when it next reads): at the end of each round, so that no pack stays open
// while this process waits (another one may merge and delete it, which
// Windows refuses on an open file), and before packs are merged here.
// Called with the repository locked.
func (r *repo) releaseFiles() {
	r.st.ObjectStorage.Close()
	if r.rd != nil {
		r.rd.release()
	}
}

// initBare lays out an empty bare repository the way git init --bare does.
func initBare(path string) error {
	for _, d := range []string{"objects/pack", "objects/info", "refs/heads", "refs/tags"} {
		if err := os.MkdirAll(filepath.Join(path, d), 0o755); err != nil {
			return err
		}
	}
	files := map[string]string{
		"HEAD":   "ref: refs/heads/main\n",
		"config": "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n",
	}
	for name, body := range files {
		if err := atomicfile.WriteFile(filepath.Join(path, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (r *repo) ref(name plumbing.ReferenceName) (plumbing.Hash, error) {
	ref, err := r.st.Reference(name)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return ref.Hash(), nil
}

// setRef moves name from old to h, failing when it moved meanwhile. The file
// is replaced by a rename (writeRefFile), so that a crash or a full disk never
// leaves it empty, as go-git's write in place could. Writers of the local
// repository are serialised by the round lock and repo.mu.
func (r *repo) setRef(name plumbing.ReferenceName, old, h plumbing.Hash) error {
	cur, err := r.ref(name)
	if err != nil {
		return err
	}
	if cur != old {
		return fmt.Errorf("%s moved from %s to %s meanwhile: %w", name, describe(old), describe(cur), storage.ErrReferenceHasChanged)
	}
	return writeRefFile(r.path, name, h)
}

func (r *repo) has(h plumbing.Hash) bool {
	return r.objects().HasEncodedObject(h) == nil
}

func (r *repo) writeObject(typ plumbing.ObjectType, b []byte) (plumbing.Hash, error) {
	h := plumbing.ComputeHash(typ, b)
	if r.has(h) {
		return h, nil
	}
	return putObject(r.st, typ, b)
}

// putObject stores b in st as an object of type typ.
func putObject(st storer.EncodedObjectStorer, typ plumbing.ObjectType, b []byte) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	obj.SetType(typ)
	obj.SetSize(int64(len(b)))
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(b); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

func (r *repo) writeBlob(b []byte) (plumbing.Hash, error) {
	if r.keys != nil {
		sealed, err := r.keys.seal(b)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		b = sealed
	}
	return r.writeObject(plumbing.BlobObject, b)
}

// blobSize returns a blob's size without reading it, so that oversized files
// from a hub are refused before they reach memory.
func (r *repo) blobSize(h plumbing.Hash) (int64, error) {
	if n, ok := r.recent.size(h); ok {
		return n, nil
	}
	return objectSize(r.path, r.objects(), h)
}

// Bounds on what the sync reads of a repository's trees and commits (guarantee
// 6 of DESIGN.md): each object's size is read from its header first, and a
// larger one is refused before it is inflated.
const (
	// maxTreeDepth is how many folders deep a comparison of two trees goes.
	// The hub format needs 3 (practices/<year>/<month>/); a folder deeper is
	// set aside whole, unread.
	maxTreeDepth = 8
	// maxTreeBytes bounds one tree object (about 300,000 entries).
	maxTreeBytes = 16 << 20
	// maxCommitBytes bounds one commit object.
	maxCommitBytes = 1 << 20
	// maxDiffEntries bounds the entries one comparison of two trees reads.
	maxDiffEntries = 2_000_000
)

// ErrTooLarge is a tree or commit larger than a sync reads.
var ErrTooLarge = errors.New("object too large")

// objectSize returns an object's size from its header, without inflating it.
func objectSize(repoPath string, s storer.EncodedObjectStorer, h plumbing.Hash) (int64, error) {
	// go-git's EncodedObjectSize leaves a loose object's file open (until the
	// garbage collector finds it): read the header here.
	name := h.String()
	if f, err := os.Open(filepath.Join(repoPath, "objects", name[:2], name[2:])); err == nil {
		defer f.Close()
		or, err := objfile.NewReader(f)
		if err != nil {
			return 0, err
		}
		defer or.Close()
		_, size, err := or.Header()
		return size, err
	}
	if sz, ok := s.(interface {
		EncodedObjectSize(plumbing.Hash) (int64, error)
	}); ok {
		return sz.EncodedObjectSize(h)
	}
	obj, err := s.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return 0, err
	}
	return obj.Size(), nil
}

// getTree reads a tree whose object is at most maxTreeBytes.
func getTree(repoPath string, s storer.EncodedObjectStorer, h plumbing.Hash) (*object.Tree, error) {
	if n, err := objectSize(repoPath, s, h); err != nil {
		return nil, err
	} else if n > maxTreeBytes {
		return nil, fmt.Errorf("tree %s holds %d MB: %w", describe(h), n>>20, ErrTooLarge)
	}
	return object.GetTree(s, h)
}

// getCommit reads a commit whose object is at most maxCommitBytes.
func getCommit(repoPath string, s storer.EncodedObjectStorer, h plumbing.Hash) (*object.Commit, error) {
	if n, err := objectSize(repoPath, s, h); err != nil {
		return nil, err
	} else if n > maxCommitBytes {
		return nil, fmt.Errorf("commit %s holds %d MB: %w", describe(h), n>>20, ErrTooLarge)
	}
	return object.GetCommit(s, h)
}

func (r *repo) readBlob(h plumbing.Hash) ([]byte, error) {
	if b, ok := r.recent.get(h); ok {
		return r.opened(b), nil
	}
	obj, err := r.objects().EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, err
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	b, err := io.ReadAll(rd)
	if err == nil && len(b) <= MaxBlob {
		r.recent.put(h, b)
	}
	return r.opened(b), err
}

// opened is a record file as read: in the clear when it is sealed and its
// key is here (hub format 4, keys.go), else as it is. The recent files are
// kept as stored, and opened at each read (a key may arrive meanwhile).
func (r *repo) opened(b []byte) []byte {
	if r.keys == nil || b == nil {
		return b
	}
	return r.keys.open(b)
}

// recentBlobs is a handful of blobs just read, by hash (their content never
// changes). Each read gets its own copy.
type recentBlobs struct {
	hash [4]plumbing.Hash
	body [4][]byte
	next int
}

func (c *recentBlobs) get(h plumbing.Hash) ([]byte, bool) {
	for i := range c.hash {
		if c.hash[i] == h && c.body[i] != nil {
			return bytes.Clone(c.body[i]), true
		}
	}
	return nil, false
}

func (c *recentBlobs) size(h plumbing.Hash) (int64, bool) {
	for i := range c.hash {
		if c.hash[i] == h && c.body[i] != nil {
			return int64(len(c.body[i])), true
		}
	}
	return 0, false
}

func (c *recentBlobs) put(h plumbing.Hash, b []byte) {
	c.hash[c.next], c.body[c.next] = h, bytes.Clone(b)
	c.next = (c.next + 1) % len(c.hash)
}

// readSmallBlob reads a blob of at most MaxBlob bytes, or returns nil.
func (r *repo) readSmallBlob(h plumbing.Hash) []byte {
	if h.IsZero() {
		return nil
	}
	if n, err := r.blobSize(h); err != nil || n > MaxBlob {
		return nil
	}
	b, err := r.readBlob(h)
	if err != nil {
		return nil
	}
	return b
}

func (r *repo) commit(h plumbing.Hash) (*object.Commit, error) {
	return getCommit(r.path, r.objects(), h)
}

// mainTree returns the head of the local branch and its root tree; both are
// zero while the branch has no commit. The caller holds r.mu.
func (r *repo) mainTree() (head, tree plumbing.Hash, err error) {
	if head, err = r.ref(mainBranch); err != nil || head.IsZero() {
		return head, plumbing.ZeroHash, err
	}
	tree, err = r.commitTree(head)
	return head, tree, err
}

// commitTree returns the root tree of a commit, or the zero hash for none.
func (r *repo) commitTree(h plumbing.Hash) (plumbing.Hash, error) {
	if h.IsZero() {
		return plumbing.ZeroHash, nil
	}
	c, err := r.commit(h)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return c.TreeHash, nil
}

// tree returns a tree (the empty one for the zero hash).
func (r *repo) tree(h plumbing.Hash) (*object.Tree, error) {
	if h.IsZero() {
		return &object.Tree{}, nil
	}
	return getTree(r.path, r.objects(), h)
}

func (r *repo) writeTree(entries []object.TreeEntry) (plumbing.Hash, error) {
	sort.Slice(entries, func(i, j int) bool { return gitLess(entries[i], entries[j]) })
	t := &object.Tree{Entries: entries}
	obj := r.st.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	if r.has(obj.Hash()) {
		return obj.Hash(), nil
	}
	return r.st.SetEncodedObject(obj)
}

// gitLess is git's tree order: names compared as bytes, a sub-tree as if its
// name ended in "/". Another order would give a tree git fsck rejects.
func gitLess(a, b object.TreeEntry) bool {
	an, bn := a.Name, b.Name
	if a.Mode == filemode.Dir {
		an += "/"
	}
	if b.Mode == filemode.Dir {
		bn += "/"
	}
	return an < bn
}

func (r *repo) writeCommit(tree plumbing.Hash, parents []plumbing.Hash, who, msg string) (plumbing.Hash, error) {
	// A commit is always later than its parents, whatever this computer's
	// clock says (laptops' clocks disagree, and git keeps whole seconds): the
	// history walks (mergeBase) go newest first and rely on it.
	when := time.Now().UTC().Truncate(time.Second)
	for _, p := range parents {
		if pc, err := r.commit(p); err == nil && !when.After(pc.Committer.When) {
			when = pc.Committer.When.UTC().Add(time.Second)
		}
	}
	sig := object.Signature{Name: who, Email: who + "@vademecum.invalid", When: when}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree, ParentHashes: parents}
	obj := r.st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.st.SetEncodedObject(obj)
}

// editTree returns root with edits applied: path -> blob, the zero hash to remove
// a file. Only the trees on the edited paths are rewritten, so the cost follows
// the change, not the size of the hub.
func (r *repo) editTree(root plumbing.Hash, edits map[string]plumbing.Hash) (plumbing.Hash, error) {
	return r.editTreeModes(root, edits, nil)
}

// editTreeModes is editTree with the mode of some new entries given (a merge
// keeps a hub's links and odd entries as they are, set aside): path -> mode,
// plain files otherwise.
func (r *repo) editTreeModes(root plumbing.Hash, edits map[string]plumbing.Hash, modes map[string]filemode.FileMode) (plumbing.Hash, error) {
	if len(edits) == 0 {
		return root, nil
	}
	t, err := r.tree(root)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	entries := map[string]object.TreeEntry{}
	for _, e := range t.Entries {
		entries[e.Name] = e
	}
	sub := map[string]map[string]plumbing.Hash{}
	subModes := map[string]map[string]filemode.FileMode{}
	for p, h := range edits {
		name, rest, deeper := strings.Cut(p, "/")
		if !deeper {
			mode := filemode.Regular
			if m, ok := modes[p]; ok {
				mode = m
			}
			if h.IsZero() {
				delete(entries, name)
			} else {
				entries[name] = object.TreeEntry{Name: name, Mode: mode, Hash: h}
			}
			continue
		}
		if sub[name] == nil {
			sub[name] = map[string]plumbing.Hash{}
		}
		sub[name][rest] = h
		if m, ok := modes[p]; ok {
			if subModes[name] == nil {
				subModes[name] = map[string]filemode.FileMode{}
			}
			subModes[name][rest] = m
		}
	}
	for name, es := range sub {
		var base plumbing.Hash
		if e, ok := entries[name]; ok && e.Mode == filemode.Dir {
			base = e.Hash
		}
		nh, err := r.editTreeModes(base, es, subModes[name])
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if nh.IsZero() {
			delete(entries, name)
		} else {
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: nh}
		}
	}
	if len(entries) == 0 {
		// git has no empty directories: an emptied folder disappears.
		return plumbing.ZeroHash, nil
	}
	list := make([]object.TreeEntry, 0, len(entries))
	for _, e := range entries {
		list = append(list, e)
	}
	return r.writeTree(list)
}

// fileChange is one file that differs between two trees (zero hash: absent).
// SetAside says why an entry that is not a plain file (a symbolic link, a
// gitlink, a file of unknown kind, a folder too deep) is not read as one.
type fileChange struct {
	Path     string
	From, To plumbing.Hash
	SetAside string
	ToMode   filemode.FileMode // of a change set aside: what To is
}

// diffTrees lists the files that differ between trees a and b, sorted by path.
// Sub-trees with equal hashes are skipped without being read. It reads at most
// maxDiffEntries entries and goes maxTreeDepth folders deep.
func (r *repo) diffTrees(a, b plumbing.Hash) ([]fileChange, error) {
	var out []fileChange
	budget := maxDiffEntries
	err := r.diffInto(a, b, "", 1, &out, &budget)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// entryKind says why a tree entry is not a plain file or folder ("" when it is).
func entryKind(m filemode.FileMode) string {
	switch m {
	case filemode.Regular, filemode.Executable, filemode.Deprecated, filemode.Dir:
		return ""
	case filemode.Symlink:
		return reasonf(ReasonSymlink)
	case filemode.Submodule:
		return reasonf(ReasonGitlink)
	}
	return reasonf(ReasonOddMode, uint32(m))
}

func (r *repo) diffInto(a, b plumbing.Hash, prefix string, depth int, out *[]fileChange, budget *int) error {
	if a == b {
		return nil
	}
	ta, err := r.tree(a)
	if err != nil {
		return err
	}
	tb, err := r.tree(b)
	if err != nil {
		return err
	}
	if *budget -= len(ta.Entries) + len(tb.Entries); *budget < 0 {
		return fmt.Errorf("the trees compared hold more than %d entries: %w", maxDiffEntries, ErrTooLarge)
	}
	inA := make(map[string]object.TreeEntry, len(ta.Entries))
	for _, e := range ta.Entries {
		inA[e.Name] = e
	}
	// one side of an entry: a folder to compare, a file, or something set aside.
	var toMode filemode.FileMode
	side := func(e object.TreeEntry) (tree, file plumbing.Hash, aside string) {
		toMode = e.Mode
		if aside = entryKind(e.Mode); aside != "" {
			return plumbing.ZeroHash, e.Hash, aside
		}
		if e.Mode != filemode.Dir {
			return plumbing.ZeroHash, e.Hash, ""
		}
		if depth >= maxTreeDepth {
			return plumbing.ZeroHash, e.Hash, fmt.Sprintf("folders nested more than %d deep are not part of the hub format", maxTreeDepth)
		}
		if _, err := r.objects().EncodedObject(plumbing.TreeObject, e.Hash); errors.Is(err, plumbing.ErrObjectNotFound) && r.has(e.Hash) {
			return plumbing.ZeroHash, e.Hash, "a folder entry that names a file is not part of the hub format"
		}
		return e.Hash, plumbing.ZeroHash, ""
	}
	visit := func(p string, ea, eb *object.TreeEntry) error {
		var fromTree, toTree, fromFile, toFile plumbing.Hash
		// What is set aside is what the entry becomes (or was, when removed).
		var aside string
		if ea != nil {
			fromTree, fromFile, aside = side(*ea)
		}
		if eb != nil {
			toTree, toFile, aside = side(*eb)
		}
		if !fromFile.IsZero() || !toFile.IsZero() {
			c := fileChange{Path: p, From: fromFile, To: toFile, SetAside: aside}
			if aside != "" && eb != nil {
				c.ToMode = toMode
			}
			*out = append(*out, c)
		}
		if !fromTree.IsZero() || !toTree.IsZero() {
			return r.diffInto(fromTree, toTree, p+"/", depth+1, out, budget)
		}
		return nil
	}
	for i := range tb.Entries {
		eb := &tb.Entries[i]
		ea, ok := inA[eb.Name]
		delete(inA, eb.Name)
		if ok && ea.Hash == eb.Hash && ea.Mode == eb.Mode {
			continue
		}
		var pa *object.TreeEntry
		if ok {
			pa = &ea
		}
		if err := visit(prefix+eb.Name, pa, eb); err != nil {
			return err
		}
	}
	for _, ea := range inA {
		if err := visit(prefix+ea.Name, &ea, nil); err != nil {
			return err
		}
	}
	return nil
}

// fileAt returns the blob at path in tree root, or the zero hash.
func (r *repo) fileAt(root plumbing.Hash, path string) (plumbing.Hash, error) {
	h := root
	parts := strings.Split(path, "/")
	for i, name := range parts {
		if h.IsZero() {
			return plumbing.ZeroHash, nil
		}
		t, err := r.tree(h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		h = plumbing.ZeroHash
		for _, e := range t.Entries {
			if e.Name != name {
				continue
			}
			last := i == len(parts)-1
			if last == (e.Mode != filemode.Dir) {
				h = e.Hash
			}
			break
		}
	}
	return h, nil
}

// commitQueue orders commits newest first, as git's history walks do.
type commitQueue []*queued

type queued struct {
	c     *object.Commit
	flags uint8
}

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	ti, tj := q[i].c.Committer.When, q[j].c.Committer.When
	if !ti.Equal(tj) {
		return ti.After(tj)
	}
	return bytes.Compare(q[i].c.Hash[:], q[j].c.Hash[:]) > 0
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*queued)) }
func (q *commitQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

const (
	fromA  = 1
	fromB  = 2
	stale  = 4
	result = 8
)

// mergeBase returns the best common ancestor of a and b (zero when the
// histories are unrelated). It walks both histories newest first and stops as
// soon as every commit left is below a common one, as git does, so the walk
// covers what happened since the fork, not the whole history.
func (r *repo) mergeBase(a, b plumbing.Hash) (plumbing.Hash, error) {
	if a == b {
		return a, nil
	}
	flags := map[plumbing.Hash]uint8{}
	q := &commitQueue{}
	for _, s := range []struct {
		h plumbing.Hash
		f uint8
	}{{a, fromA}, {b, fromB}} {
		c, err := r.commit(s.h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		flags[s.h] |= s.f
		heap.Push(q, &queued{c: c})
	}
	var results []*object.Commit
	nonStale := func() bool {
		for _, x := range *q {
			if flags[x.c.Hash]&stale == 0 {
				return true
			}
		}
		return false
	}
	for q.Len() > 0 && nonStale() {
		c := heap.Pop(q).(*queued).c
		f := flags[c.Hash] & (fromA | fromB | stale)
		if f == fromA|fromB {
			if flags[c.Hash]&result == 0 {
				flags[c.Hash] |= result
				results = append(results, c)
			}
			// Its ancestors are common too, and worse: mark them stale (as
			// git does, the commit itself stays a candidate).
			f |= stale
		}
		for _, p := range c.ParentHashes {
			if flags[p]&f == f {
				continue
			}
			pc, err := r.commit(p)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			flags[p] |= f
			heap.Push(q, &queued{c: pc})
		}
	}
	// The best common ancestors are the candidates no other candidate reaches;
	// between two of them (criss-cross histories) the newest, then the id, so
	// that every replica picks the same.
	var cands []*object.Commit
	for _, c := range results {
		if flags[c.Hash]&stale == 0 {
			cands = append(cands, c)
		}
	}
	if len(cands) > 1 {
		// Commits with the same time (or a parent dated after its child, from
		// a clock that was wrong) can leave an ancestor of the best one here.
		var keep []*object.Commit
		for i, x := range cands {
			redundant := false
			for j, y := range cands {
				if i != j && r.reaches(y.Hash, x.Hash, 100000) {
					redundant = true
					break
				}
			}
			if !redundant {
				keep = append(keep, x)
			}
		}
		if len(keep) > 0 {
			cands = keep
		}
	}
	var best *object.Commit
	for _, c := range cands {
		if best == nil || c.Committer.When.After(best.Committer.When) ||
			(c.Committer.When.Equal(best.Committer.When) && bytes.Compare(c.Hash[:], best.Hash[:]) > 0) {
			best = c
		}
	}
	if best == nil {
		return plumbing.ZeroHash, nil
	}
	return best.Hash, nil
}

// reaches reports whether target is an ancestor of from, looking at no more
// than limit commits.
func (r *repo) reaches(from, target plumbing.Hash, limit int) bool {
	seen := map[plumbing.Hash]bool{from: true}
	queue := []plumbing.Hash{from}
	for len(queue) > 0 && len(seen) < limit {
		h := queue[0]
		queue = queue[1:]
		c, err := r.commit(h)
		if err != nil {
			continue
		}
		for _, p := range c.ParentHashes {
			if p == target {
				return true
			}
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return false
}

// newObjects lists the objects reachable from wants that the other side, which
// has haves (and so everything they reach), lacks. Commits are walked newest
// first until only known ones are left; each new commit's tree is compared with
// its parents' trees, skipping equal sub-trees. base[h] is, for a changed file or
// tree, its previous version in a commit the other side has: a good delta base.
func newObjects(repoPath string, s storer.EncodedObjectStorer, wants, haves []plumbing.Hash) (objs []plumbing.Hash, base map[plumbing.Hash]plumbing.Hash, err error) {
	const uninteresting = 1
	flags := map[plumbing.Hash]uint8{}
	walked := map[plumbing.Hash]*object.Commit{}
	q := &commitQueue{}
	// markKnown spreads "the other side has it" down through commits already
	// walked: with clocks that disagree, a known commit can be reached after its
	// descendants were walked as new.
	markKnown := func(h plumbing.Hash) {
		stack := []plumbing.Hash{h}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if flags[x]&uninteresting != 0 {
				continue
			}
			flags[x] |= uninteresting
			if c, ok := walked[x]; ok {
				stack = append(stack, c.ParentHashes...)
			}
		}
	}
	push := func(h plumbing.Hash, f uint8) error {
		if _, seen := flags[h]; seen {
			if f == uninteresting {
				markKnown(h)
			}
			return nil
		}
		c, err := getCommit(repoPath, s, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) && f == uninteresting {
			return nil // a have we do not know: nothing to subtract
		}
		if err != nil {
			return err
		}
		flags[h] = f
		heap.Push(q, &queued{c: c})
		return nil
	}
	for _, h := range haves {
		if err := push(h, uninteresting); err != nil {
			return nil, nil, err
		}
	}
	for _, h := range wants {
		if err := push(h, 0); err != nil {
			return nil, nil, err
		}
	}
	interesting := func() bool {
		for _, x := range *q {
			if flags[x.c.Hash]&uninteresting == 0 {
				return true
			}
		}
		return false
	}
	var walkedNew []*object.Commit
	for q.Len() > 0 && interesting() {
		c := heap.Pop(q).(*queued).c
		walked[c.Hash] = c
		f := flags[c.Hash]
		if f&uninteresting == 0 {
			walkedNew = append(walkedNew, c)
		}
		for _, p := range c.ParentHashes {
			if err := push(p, f&uninteresting); err != nil {
				return nil, nil, err
			}
		}
	}
	var fresh []*object.Commit
	for _, c := range walkedNew {
		if flags[c.Hash]&uninteresting == 0 {
			fresh = append(fresh, c)
		}
	}
	// Parents before children: a tree is compared with its parents' trees,
	// which must be sent (or known) in full by then, or an entry shared with a
	// new parent would be taken as known and never sent.
	fresh = parentsFirst(fresh)
	seen := map[plumbing.Hash]bool{}
	base = map[plumbing.Hash]plumbing.Hash{}
	w := &objectWalk{s: s, path: repoPath, seen: seen, base: base}
	for _, c := range fresh {
		if !seen[c.Hash] {
			seen[c.Hash] = true
			w.out = append(w.out, c.Hash)
		}
		var parents, known []plumbing.Hash
		for _, p := range c.ParentHashes {
			pc, err := getCommit(repoPath, s, p)
			if err != nil {
				continue
			}
			parents = append(parents, pc.TreeHash)
			if flags[p]&uninteresting != 0 {
				known = append(known, pc.TreeHash)
			}
		}
		if err := w.tree(c.TreeHash, parents, known); err != nil {
			return nil, nil, err
		}
	}
	// A base must be an object the receiver has, never one travelling in the
	// same pack: git refuses a pack whose delta bases arrive twice.
	for h, b := range base {
		if seen[b] {
			delete(base, h)
		}
	}
	return w.out, base, nil
}

// parentsFirst orders commits so that each comes after those of its parents
// that are in the list (a depth-first post-order, without recursion).
func parentsFirst(cs []*object.Commit) []*object.Commit {
	in := make(map[plumbing.Hash]*object.Commit, len(cs))
	for _, c := range cs {
		in[c.Hash] = c
	}
	done := make(map[plumbing.Hash]bool, len(cs))
	out := make([]*object.Commit, 0, len(cs))
	type frame struct {
		c    *object.Commit
		next int
	}
	for _, root := range cs {
		if done[root.Hash] {
			continue
		}
		done[root.Hash] = true
		stack := []frame{{c: root}}
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next < len(f.c.ParentHashes) {
				p := f.c.ParentHashes[f.next]
				f.next++
				if pc, ok := in[p]; ok && !done[p] {
					done[p] = true
					stack = append(stack, frame{c: pc})
				}
				continue
			}
			out = append(out, f.c)
			stack = stack[:len(stack)-1]
		}
	}
	return out
}

type objectWalk struct {
	s    storer.EncodedObjectStorer
	path string
	seen map[plumbing.Hash]bool
	base map[plumbing.Hash]plumbing.Hash
	out  []plumbing.Hash
}

// treeVisit is a tree waiting to be walked, with its parents' versions.
type treeVisit struct {
	h              plumbing.Hash
	parents, known []plumbing.Hash
}

// tree collects h and whatever below it differs from every parent tree; known
// are the parent trees the receiver has, the only safe delta bases. The walk
// keeps its own stack, so a tree thousands of folders deep costs a few bytes
// per folder. Gitlinks name commits of other repositories: never sent.
func (w *objectWalk) tree(h plumbing.Hash, parents, known []plumbing.Hash) error {
	stack := []treeVisit{{h: h, parents: parents, known: known}}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		next, err := w.visit(v.h, v.parents, v.known)
		if err != nil {
			return err
		}
		stack = append(stack, next...)
	}
	return nil
}

func (w *objectWalk) visit(h plumbing.Hash, parents, known []plumbing.Hash) ([]treeVisit, error) {
	for _, p := range parents {
		if p == h {
			return nil, nil
		}
	}
	if w.seen[h] {
		return nil, nil
	}
	w.seen[h] = true
	w.out = append(w.out, h)
	t, err := getTree(w.path, w.s, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) && w.s.HasEncodedObject(h) == nil {
		return nil, nil // a folder entry naming a file (set aside): sent as it is
	}
	if err != nil {
		return nil, err
	}
	load := func(hs []plumbing.Hash) []*object.Tree {
		out := make([]*object.Tree, 0, len(hs))
		for _, x := range hs {
			if pt, err := getTree(w.path, w.s, x); err == nil {
				out = append(out, pt)
			}
		}
		return out
	}
	pts, kts := load(parents), load(known)
	if len(kts) > 0 {
		w.base[h] = kts[0].Hash
	}
	entry := func(t *object.Tree, name string) (object.TreeEntry, bool) {
		e, err := t.FindEntry(name)
		if err != nil {
			return object.TreeEntry{}, false
		}
		return *e, true
	}
	var next []treeVisit
	for _, e := range t.Entries {
		if e.Mode == filemode.Submodule {
			continue
		}
		var subParents, subKnown []plumbing.Hash
		same := false
		for _, pt := range pts {
			if pe, ok := entry(pt, e.Name); ok {
				if pe.Hash == e.Hash {
					same = true
					break
				}
				if (pe.Mode == filemode.Dir) == (e.Mode == filemode.Dir) {
					subParents = append(subParents, pe.Hash)
				}
			}
		}
		if same {
			continue
		}
		for _, kt := range kts {
			if ke, ok := entry(kt, e.Name); ok && (ke.Mode == filemode.Dir) == (e.Mode == filemode.Dir) {
				subKnown = append(subKnown, ke.Hash)
			}
		}
		if e.Mode == filemode.Dir {
			next = append(next, treeVisit{h: e.Hash, parents: subParents, known: subKnown})
			continue
		}
		if w.seen[e.Hash] {
			continue
		}
		w.seen[e.Hash] = true
		w.out = append(w.out, e.Hash)
		if len(subKnown) > 0 {
			w.base[e.Hash] = subKnown[0]
		}
	}
	return next, nil
}

// describe is a short commit id for messages and logs.
func describe(h plumbing.Hash) string {
	if h.IsZero() {
		return "(none)"
	}
	return fmt.Sprint(h.String()[:10])
}

// compact keeps the local repository quick to read: loose objects (one file
// each, written by commits) go into one pack once there are many, and when
// fetches and pushes have left more than maxPacks packs the small ones are
// merged into one (packsToMerge). Both run now and then, not every round.
// Only one process at a time reads the local repository (the round lock), so
// what was merged goes at once; a hub folder keeps it a while (compactHub).
func compact(st *filesystem.Storage, path string, maxPacks int) error {
	var loose []plumbing.Hash
	if err := st.ForEachObjectHash(func(h plumbing.Hash) error {
		loose = append(loose, h)
		return nil
	}); err != nil {
		return err
	}
	packs, err := st.ObjectPacks()
	if err != nil {
		return err
	}
	var merge []plumbing.Hash
	if len(packs) > maxPacks {
		merge = packsToMerge(path, packs)
	}
	switch {
	case len(merge) > 1:
		hs, err := objectsOf(path, merge, loose)
		if err != nil {
			return err
		}
		nh, err := packSmall(st, path, hs)
		if err != nil {
			return err
		}
		// go-git keeps the indexes of deleted packs in memory (and would look
		// objects up in them): read the pack list again.
		defer st.ObjectStorage.Reindex()
		for _, p := range merge {
			if p == nh {
				continue
			}
			if err := st.DeleteOldObjectPackAndIndex(p, time.Time{}); err != nil {
				return err
			}
		}
	case len(loose) > looseBeforePak:
		if _, err := packSmall(st, path, loose); err != nil {
			return err
		}
	default:
		return nil
	}
	return deleteLoose(st, path, loose)
}

// packsToMerge chooses the packs a compaction merges, as git repack
// --geometric=2 does: from the largest down, a pack at least twice the size of
// all smaller ones together stays as it is; the first that is not, and every
// smaller one, are merged. The packs of one-note syncs are merged with each
// other, and the pack of a first sync (the whole hub) is written again only
// once the rest has grown to half its size: merging everything each time cost
// a round at 100,000 records half a minute, every 24 rounds.
func packsToMerge(path string, packs []plumbing.Hash) []plumbing.Hash {
	type pack struct {
		h    plumbing.Hash
		size int64
	}
	ps := make([]pack, 0, len(packs))
	var total int64
	for _, h := range packs {
		var size int64
		if fi, err := os.Stat(filepath.Join(path, "objects", "pack", "pack-"+h.String()+".pack")); err == nil {
			size = fi.Size()
		}
		ps = append(ps, pack{h, size})
		total += size
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].size < ps[j].size })
	end := len(ps)
	for end > 0 {
		total -= ps[end-1].size
		if ps[end-1].size < 2*total {
			break
		}
		end--
	}
	out := make([]plumbing.Hash, end)
	for i := range out {
		out[i] = ps[i].h
	}
	return out
}

// objectsOf lists the objects of the packs named and the loose ones, once
// each, from file names and pack indexes (no object is read).
func objectsOf(path string, packs, loose []plumbing.Hash) ([]plumbing.Hash, error) {
	seen := make(map[plumbing.Hash]bool, len(loose))
	var out []plumbing.Hash
	add := func(h plumbing.Hash) {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	for _, h := range loose {
		add(h)
	}
	for _, p := range packs {
		if err := indexHashes(filepath.Join(path, "objects", "pack", "pack-"+p.String()+".idx"), add); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// packSmall packs the objects of hs up to largeObject, and makes sure each
// larger one is kept loose (copied out of its pack, as a stream, if need be).
func packSmall(st *filesystem.Storage, path string, hs []plumbing.Hash) (plumbing.Hash, error) {
	rd := newBoundedStore(st, path)
	defer rd.release()
	small, large, err := splitLarge(path, rd, hs)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if err := copyLoose(rd, st, path, large); err != nil {
		return plumbing.ZeroHash, err
	}
	return packObjects(rd, st, small)
}

// allObjects lists every object of a repository once, loose and packed, from
// file names and pack indexes (no object is read).
func allObjects(st *filesystem.Storage, path string) ([]plumbing.Hash, error) {
	seen := map[plumbing.Hash]bool{}
	var all []plumbing.Hash
	if err := st.ForEachObjectHash(func(h plumbing.Hash) error {
		if !seen[h] {
			seen[h] = true
			all = append(all, h)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	packed, err := packedHashes(path)
	if err != nil {
		return nil, err
	}
	for _, h := range packed {
		if !seen[h] {
			seen[h] = true
			all = append(all, h)
		}
	}
	return all, nil
}

// packObjects writes hs into a new pack of st and returns its name.
func packObjects(src storer.EncodedObjectStorer, st *filesystem.Storage, hs []plumbing.Hash) (plumbing.Hash, error) {
	w, err := st.PackfileWriter()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	tail := &tailWriter{}
	if err := writePack(io.MultiWriter(w, tail), src, hs, nil, 0); err != nil {
		w.Close()
		return plumbing.ZeroHash, err
	}
	return tail.hash(), w.Close()
}
