package sync

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"vademecum/data"
)

func TestCompactPacksLooseObjectsAndMergesPacks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r.git")
	r, err := openBareRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	var hs []plumbing.Hash
	for i := range 2100 {
		h, err := r.writeBlob([]byte(fmt.Sprintf("blob %d\n", i)))
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	if err := compact(r.st, dir, 4); err != nil {
		t.Fatal(err)
	}
	loose := 0
	r.st.ForEachObjectHash(func(plumbing.Hash) error { loose++; return nil })
	packs, _ := r.st.ObjectPacks()
	if loose != 0 || len(packs) != 1 {
		t.Fatalf("loose %d, packs %d", loose, len(packs))
	}
	big := packs[0]
	// addPacks adds n packs of size blobs each.
	added := 0
	addPacks := func(n, size int) {
		for range n {
			for range size {
				added++
				r.writeBlob([]byte(fmt.Sprintf("more %d\n", added)))
			}
			var more []plumbing.Hash
			r.st.ForEachObjectHash(func(h plumbing.Hash) error { more = append(more, h); return nil })
			if _, err := packObjects(r.st, r.st, more); err != nil {
				t.Fatal(err)
			}
			for _, h := range more {
				r.st.DeleteLooseObject(h)
			}
		}
	}
	// More packs than allowed, all small beside the first: they are merged
	// into one, and the large one is left as it is (git repack --geometric).
	addPacks(5, 3)
	if err := compact(r.st, dir, 4); err != nil {
		t.Fatal(err)
	}
	packs, _ = r.st.ObjectPacks()
	if len(packs) != 2 || (packs[0] != big && packs[1] != big) {
		t.Fatalf("packs %v, want %s and one more", packs, big)
	}
	// Once the small ones add up to half the large one, all are merged.
	addPacks(3, 400)
	if err := compact(r.st, dir, 4); err != nil {
		t.Fatal(err)
	}
	packs, _ = r.st.ObjectPacks()
	if len(packs) != 1 || packs[0] == big {
		t.Fatalf("packs %v, want one new pack", packs)
	}
	// The repository that compacted reads every object still (go-git would
	// look some up in the indexes of the deleted packs).
	for _, h := range hs {
		if b, err := r.readBlob(h); err != nil || !strings.HasPrefix(string(b), "blob ") {
			t.Fatalf("after compaction, %s: %q %v", h, b, err)
		}
	}
	r2, _ := openBareRepo(dir)
	for _, h := range hs[:50] {
		if b, err := r2.readBlob(h); err != nil || !strings.HasPrefix(string(b), "blob ") {
			t.Fatalf("%s: %q %v", h, b, err)
		}
	}
	git(t, dir, "fsck", "--no-dangling")
	// Nothing was lost on the way: every blob written is in the one pack.
	if out := git(t, dir, "count-objects", "-v"); !strings.Contains(out, fmt.Sprintf("in-pack: %d\n", len(hs)+added)) {
		t.Fatalf("want %d objects packed:\n%s", len(hs)+added, out)
	}
}

func TestDiskFullSentence(t *testing.T) {
	h := &hub{display: "/media/usb/hub", kind: hubDisk}
	err := explain(&os.PathError{Op: "write", Path: "/x", Err: syscall.ENOSPC}, h)
	if !errors.Is(err, ErrDiskFull) || err.Error() != "the disk is full: free some space and sync again (nothing was lost)" {
		t.Fatalf("err = %v", err)
	}
}

func TestLocalRepositoryPassesFsck(t *testing.T) {
	hb := diskHub(t)
	a, b := newReplica(t, "shelter-it", Options{}), newReplica(t, "street-cz", Options{})
	a.addRemote("hub", hb.url, Auth{})
	b.addRemote("hub", hb.url, Auth{})
	p := a.practice("One", "shared")
	a.sync()
	b.practice("Two", "shared")
	b.sync()
	a.edit(p.ID, func(p *data.Practice) { p.Summary = "changed" })
	a.sync()
	for _, dir := range []string{filepath.Join(a.store.Dir(), RepoDir), filepath.Join(b.store.Dir(), RepoDir), hb.dir} {
		git(t, dir, "fsck", "--no-dangling")
		if got, _ := parseFormat([]byte(git(t, dir, "cat-file", "-p", "main:FORMAT"))); got != FormatVersion {
			t.Errorf("%s: FORMAT %q", dir, got)
		}
	}
	// The hub reads with plain git: one file per record, in its month folder.
	files := git(t, hb.dir, "ls-tree", "-r", "--name-only", "main")
	if !strings.Contains(files, "orgs/street-cz.json") || !strings.Contains(files, p.Created.Format("practices/2006/01/")+p.ID+".json") {
		t.Fatalf("hub files:\n%s", files)
	}
}

// Commits of the same second (git keeps whole seconds), or dated before their
// parents by a wrong clock, still give the right merge base.
func TestMergeBaseWithEqualTimes(t *testing.T) {
	r, err := openBareRepo(filepath.Join(t.TempDir(), "r.git"))
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	commitAt := func(msg string, at time.Time, parents ...plumbing.Hash) plumbing.Hash {
		sig := object.Signature{Name: "x", Email: "x@x", When: at}
		c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: plumbing.ZeroHash, ParentHashes: parents}
		obj := r.st.NewEncodedObject()
		if err := c.Encode(obj); err != nil {
			t.Fatal(err)
		}
		h, err := r.st.SetEncodedObject(obj)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	for round := range 40 {
		at := func(i int) time.Time {
			if round%2 == 1 {
				return when.Add(-time.Duration(i) * time.Second) // each commit dated before its parent
			}
			return when
		}
		chain := []plumbing.Hash{commitAt(fmt.Sprintf("root %d", round), at(0))}
		for i := 1; i < 6; i++ {
			chain = append(chain, commitAt(fmt.Sprintf("c%d %d", i, round), at(i), chain[i-1]))
		}
		fork := chain[len(chain)-1]
		x := commitAt(fmt.Sprintf("x %d", round), at(7), fork)
		y := commitAt(fmt.Sprintf("y %d", round), at(7), fork)
		y2 := commitAt(fmt.Sprintf("y2 %d", round), at(8), y)
		for _, c := range []struct{ a, b, want plumbing.Hash }{
			{x, y2, fork}, {y2, x, fork}, {fork, y2, fork}, {y2, fork, fork}, {chain[2], y2, chain[2]},
		} {
			got, err := r.mergeBase(c.a, c.b)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("round %d: merge base of %s and %s is %s, want %s", round, describe(c.a), describe(c.b), describe(got), describe(c.want))
			}
		}
	}
	// New commits are always later than their parents.
	future := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	p := commitAt("from a laptop whose clock is wrong", future)
	c, err := r.writeCommit(plumbing.ZeroHash, []plumbing.Hash{p}, "x", "child")
	if err != nil {
		t.Fatal(err)
	}
	cc, _ := r.commit(c)
	if !cc.Committer.When.After(future) {
		t.Fatalf("child dated %v, parent %v", cc.Committer.When, future)
	}
}
