package sync

import (
	"bytes"
	"crypto/sha1"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// gitPack builds a repository with plain git whose history has small and large
// files edited a few times (so git stores deltas, small and large, chained),
// and returns it with the pack git makes of it and every object's hash.
func gitPack(t *testing.T, extra ...string) (pack []byte, objects []string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("practice shelter tool guide street outreach digital skills privacy phone")
	text := func(n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
			if rng.IntN(12) == 0 {
				b.WriteByte('\n')
			}
		}
		return b.Bytes()
	}
	small, large := text(3000), text(3<<20) // large is over largeObject
	for round := range 6 {
		small = append(small, text(200)...)
		// Edits inside the large file, so that each version is a delta of the last.
		at := rng.IntN(len(large) - 5000)
		copy(large[at:], text(4000))
		large = append(large, fmt.Sprintf("round %d\n", round)...)
		os.WriteFile(filepath.Join(dir, "small.txt"), small, 0o644)
		os.WriteFile(filepath.Join(dir, "large.txt"), large, 0o644)
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.json", round)), text(500), 0o644)
		git(t, dir, "add", "-A")
		git(t, dir, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", fmt.Sprint("round ", round))
	}
	list := git(t, dir, "rev-list", "--objects", "--all")
	var in bytes.Buffer
	for _, l := range strings.Split(strings.TrimSpace(list), "\n") {
		h := strings.Fields(l)[0]
		objects = append(objects, h)
		in.WriteString(h + "\n")
	}
	cmd := exec.Command("git", append([]string{"pack-objects", "--stdout", "--window=10", "--depth=50"}, extra...)...)
	cmd.Dir, cmd.Stdin = dir, &in
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("git pack-objects: %v: %s", err, errb.String())
	}
	return out.Bytes(), objects
}

// A pack plain git makes (offset and hash deltas, large objects with chains of
// large deltas) is stored whole, and git finds it sound.
func TestReceivePackStoresWhatGitSends(t *testing.T) {
	for _, kind := range []struct {
		name  string
		extra []string
	}{{"offset deltas", []string{"--delta-base-offset"}}, {"hash deltas", nil}} {
		t.Run(kind.name, func(t *testing.T) {
			pack, objects := gitPack(t, kind.extra...)
			dir := filepath.Join(t.TempDir(), "local.git")
			r, err := openBareRepo(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer r.close()
			if err := receivePack(r, bytes.NewReader(pack)); err != nil {
				t.Fatal(err)
			}
			for _, h := range objects {
				readsBack(t, r.st, h)
			}
			// What git sent had chains of deltas, large objects among them.
			sent := filepath.Join(t.TempDir(), "sent.pack")
			os.WriteFile(sent, pack, 0o644)
			git(t, filepath.Dir(sent), "index-pack", sent)
			out := git(t, filepath.Dir(sent), "verify-pack", "-v", sent)
			if !strings.Contains(out, "chain length = 4") || !strings.Contains(out, " 3145") {
				t.Errorf("the pack has no long delta chains of large objects, so this test tests less than it says:\n%s", out)
			}
			// Stored: small objects whole in one pack, large ones loose.
			git(t, dir, "verify-pack", packsIn(t, dir)[0])
			git(t, dir, "fsck", "--strict", "--no-dangling")
			loose := 0
			for _, h := range objects {
				if _, err := os.Stat(loosePath(dir, plumbing.NewHash(h))); err == nil {
					loose++
				}
			}
			if loose != 6 {
				t.Errorf("%d loose objects, want the 6 versions of the large file", loose)
			}
			// The same download again changes nothing.
			if err := receivePack(r, bytes.NewReader(pack)); err != nil {
				t.Fatal(err)
			}
			if n := len(packsIn(t, dir)); n != 1 {
				t.Errorf("%d packs after the same download twice", n)
			}
		})
	}
}

// A damaged download is refused whole, with nothing left behind.
func TestReceivePackRefusesDamage(t *testing.T) {
	pack, _ := gitPack(t, "--delta-base-offset")
	cases := map[string][]byte{
		"truncated":        pack[:len(pack)/2],
		"header only":      pack[:12],
		"bad checksum":     append(append([]byte{}, pack[:len(pack)-1]...), pack[len(pack)-1]^1),
		"flipped content":  flip(pack, len(pack)/3),
		"flipped header":   flip(pack, 12),
		"not a pack":       []byte(strings.Repeat("vademecum", 10)),
		"extra object cnt": withCount(pack, 1),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "local.git")
			r, err := openBareRepo(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer r.close()
			err = receivePack(r, bytes.NewReader(b))
			if !errors.Is(err, errBadPack) {
				t.Fatalf("got %v, want a damaged download", err)
			}
			if left := packsIn(t, dir); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
			entries, _ := os.ReadDir(filepath.Join(dir, "objects", "pack"))
			for _, e := range entries {
				t.Errorf("left behind: %s", e.Name())
			}
		})
	}
}

func flip(b []byte, at int) []byte {
	c := append([]byte{}, b...)
	c[at] ^= 0x55
	// The checksum is made right, so that what is checked is the content.
	return fixChecksum(c)
}

func withCount(b []byte, more uint32) []byte {
	c := append([]byte{}, b...)
	c[11] += byte(more)
	return fixChecksum(c)
}

func fixChecksum(c []byte) []byte {
	h := sha1.New()
	h.Write(c[:len(c)-20])
	copy(c[len(c)-20:], h.Sum(nil))
	return c
}

func packsIn(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "objects", "pack", "pack-*.pack"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// FuzzReceivePack feeds damaged packs to the indexer: it refuses them or
// stores objects that read back with their own hash, and never panics.
func FuzzReceivePack(f *testing.F) {
	dir := f.TempDir()
	git(f, dir, "init", "-q", "-b", "main")
	for i := range 3 {
		os.WriteFile(filepath.Join(dir, "a.txt"), bytes.Repeat([]byte(fmt.Sprintf("line %d of a practice\n", i)), 40+i), 0o644)
		git(f, dir, "add", "-A")
		git(f, dir, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "x")
	}
	for _, extra := range []string{"--delta-base-offset", "--no-reuse-delta"} {
		cmd := exec.Command("git", "pack-objects", "--stdout", "--revs", extra)
		cmd.Dir, cmd.Stdin = dir, strings.NewReader("main\n")
		out, err := cmd.Output()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(out)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 32 {
			b = fixChecksum(append([]byte{}, b...))
		}
		r, err := openBareRepo(filepath.Join(t.TempDir(), "l.git"))
		if err != nil {
			t.Fatal(err)
		}
		defer r.close()
		if err := receivePack(r, bytes.NewReader(b)); err != nil {
			return
		}
		iter, err := r.st.IterEncodedObjects(plumbing.AnyObject)
		if err != nil {
			t.Fatal(err)
		}
		iter.ForEach(func(o plumbing.EncodedObject) error {
			data, err := readAll(o)
			if err != nil {
				t.Fatalf("%s stored but unreadable: %v", o.Hash(), err)
			}
			if got := plumbing.ComputeHash(o.Type(), data); got != o.Hash() {
				t.Fatalf("%s reads back as %s", o.Hash(), got)
			}
			return nil
		})
	})
}

// A hub folder's pack as plain git leaves it (deltas of large objects on
// large objects, chained) reads back right through boundedStore, whose
// memory does not grow with the objects.
func TestBoundedStoreReadsPacksInPlace(t *testing.T) {
	pack, objects := gitPack(t, "--delta-base-offset")
	dir := filepath.Join(t.TempDir(), "hub.git")
	git(t, filepath.Dir(dir), "init", "-q", "--bare", dir)
	cmd := exec.Command("git", "--git-dir", dir, "index-pack", "--stdin")
	cmd.Stdin = bytes.NewReader(pack)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git index-pack: %v: %s", err, out)
	}
	st, err := openDiskHub(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	rd := newBoundedStore(st, dir)
	defer rd.Close()
	large := 0
	for _, h := range objects {
		b := readsBack(t, rd, h)
		size, err := rd.EncodedObjectSize(plumbing.NewHash(h))
		if err != nil || size != int64(len(b)) {
			t.Fatalf("%s: size %d (%v), read %d bytes", h, size, err, len(b))
		}
		if size > largeObject {
			large++
		}
	}
	if large != 6 {
		t.Errorf("%d large objects read, want the 6 versions of the large file", large)
	}
	all, err := allObjects(st, dir)
	if err != nil || len(all) != len(objects) {
		t.Errorf("allObjects: %d objects (%v), want %d", len(all), err, len(objects))
	}
}

// readsBack reads object h of s and checks that its content has its hash.
func readsBack(t *testing.T, s storer.EncodedObjectStorer, h string) []byte {
	t.Helper()
	obj, err := s.EncodedObject(plumbing.AnyObject, plumbing.NewHash(h))
	if err != nil {
		t.Fatalf("%s: %v", h, err)
	}
	b, err := readAll(obj)
	if err != nil {
		t.Fatalf("%s: %v", h, err)
	}
	if got := plumbing.ComputeHash(obj.Type(), b); got.String() != h {
		t.Fatalf("%s reads back as %s", h, got)
	}
	return b
}
