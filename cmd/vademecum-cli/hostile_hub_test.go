//go:build linux

package main

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Guarantee 6 of DESIGN.md, played by a partner with write access to a hub
// folder: each crafted commit is pushed with git plumbing, then every
// installation syncs (the built CLI, as users run it) and must succeed, with
// its peak memory under 300 MB, the crafted content set aside, and a later
// push to a new hub still working.
//
// VADEMECUM_HUGE_BLOB=N sets the size of the zero blob (default 256 MB; the
// closing note of issue 13 measured 1 GB).
func TestHostileHubContentIsBounded(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak memory is read from Linux rusage")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	if testing.Short() {
		t.Skip("builds large hubs")
	}
	blobSize := int64(256 << 20)
	if s := os.Getenv("VADEMECUM_HUGE_BLOB"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			t.Fatalf("VADEMECUM_HUGE_BLOB=%q is not a size in bytes", s)
		}
		blobSize = n
	}
	for _, via := range []string{"folder", "http"} {
		t.Run(via, func(t *testing.T) { hostileHubContent(t, via, blobSize) })
	}
}

// hostileHubContent plays the crafted commits against a hub folder reached
// directly (via "folder") or through git http-backend on 127.0.0.1 ("http").
func hostileHubContent(t *testing.T, via string, blobSize int64) {
	const limit = 300 << 20
	work, bin := buildCLI(t)
	hub := filepath.Join(work, "stick", "hub")
	os.MkdirAll(filepath.Dir(hub), 0o755)
	env := append(os.Environ(), "HOME="+work, "XDG_CONFIG_HOME="+filepath.Join(work, "config"), "VADEMECUM_DATA=", "HUB_TOKEN=partner-token")
	address := hub
	if via == "http" {
		hub = filepath.Join(work, "forge", "hub.git")
		if out, err := exec.Command("git", "init", "-q", "--bare", hub).CombinedOutput(); err != nil {
			t.Fatalf("git init: %v: %s", err, out)
		}
		address = serveHTTPHub(t, filepath.Dir(hub), "partner-token") + "/hub.git"
	}
	// run runs the CLI and returns its output and peak memory.
	run := func(dir string, args ...string) (string, int64, error) {
		cmd := exec.Command(bin, append([]string{"--data", dir}, args...)...)
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var rss int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss << 10
		}
		if err != nil {
			err = fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
		}
		return out.String(), rss, err
	}
	must := func(dir string, args ...string) string {
		t.Helper()
		out, _, err := run(dir, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	owner, partner := filepath.Join(work, "owner"), filepath.Join(work, "partner")
	for i, dir := range []string{owner, partner} {
		must(dir, "init", "--org-id", []string{"shelter-it", "street-cz"}[i], "--org-name", "Org", "--country", "IT", "--lang", "en", "--user", "u")
		if via == "http" {
			must(dir, "remote", "add", "usb", address, "--token-env", "HUB_TOKEN")
		} else {
			must(dir, "remote", "add", "usb", address)
		}
		must(dir, "practice", "add", "--title", "Before the attack "+strconv.Itoa(i), "--summary", "s", "--visibility", "shared", "--lang", "en")
		must(dir, "sync")
	}
	must(owner, "sync")

	zeros := sha256.New()
	io.CopyN(zeros, zeroReader{}, blobSize)
	attachment := "attachments/" + hex.EncodeToString(zeros.Sum(nil))
	attacks := []struct {
		name    string
		asideIn string // a path the sync must set aside (quarantine), if any
		craft   func(t *testing.T, st *filesystem.Storage, root *object.Tree) []object.TreeEntry
	}{
		{"a tree 20,000 folders deep", "practices/d/d/d/d/d/d/d", func(t *testing.T, st *filesystem.Storage, root *object.Tree) []object.TreeEntry {
			leaf := storeBlob(t, st, []byte("{}\n"))
			h := storeTree(t, st, []object.TreeEntry{{Name: "x.json", Mode: filemode.Regular, Hash: leaf}})
			for range 20000 {
				h = storeTree(t, st, []object.TreeEntry{{Name: "d", Mode: filemode.Dir, Hash: h}})
			}
			return []object.TreeEntry{{Name: "practices", Mode: filemode.Dir, Hash: h}}
		}},
		{"a huge zero blob as an attachment", "", func(t *testing.T, st *filesystem.Storage, root *object.Tree) []object.TreeEntry {
			cmd := exec.Command("sh", "-c", fmt.Sprintf("head -c %d /dev/zero | git --git-dir=%s hash-object -w --stdin", blobSize, hub))
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("git hash-object: %v", err)
			}
			h := plumbing.NewHash(strings.TrimSpace(string(out)))
			at := storeTree(t, st, []object.TreeEntry{{Name: filepath.Base(attachment), Mode: filemode.Regular, Hash: h}})
			return []object.TreeEntry{{Name: "attachments", Mode: filemode.Dir, Hash: at}}
		}},
		{"a small file stored as a delta of a huge blob", "", func(t *testing.T, st *filesystem.Storage, root *object.Tree) []object.TreeEntry {
			h := packDeltaOnHugeBlob(t, hub, blobSize)
			at := storeTree(t, st, []object.TreeEntry{{Name: h.String(), Mode: filemode.Regular, Hash: h}})
			return []object.TreeEntry{{Name: "attachments", Mode: filemode.Dir, Hash: at}}
		}},
		{"a gitlink, a symlink and an unknown mode", "tools/module", func(t *testing.T, st *filesystem.Storage, root *object.Tree) []object.TreeEntry {
			link := storeBlob(t, st, []byte("../../../etc/passwd"))
			orgs := storeTree(t, st, []object.TreeEntry{
				{Name: "evil.json", Mode: filemode.Symlink, Hash: link},
				{Name: "module", Mode: filemode.Submodule, Hash: plumbing.NewHash("1234567890123456789012345678901234567890")},
				{Name: "odd.json", Mode: filemode.FileMode(0o100600), Hash: link},
			})
			return []object.TreeEntry{{Name: "tools", Mode: filemode.Dir, Hash: orgs}}
		}},
	}
	for i, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			pushCrafted(t, hub, func(st *filesystem.Storage, root *object.Tree) []object.TreeEntry { return a.craft(t, st, root) })
			for _, dir := range []string{partner, owner} {
				must(dir, "practice", "add", "--title", "After "+a.name, "--summary", "s", "--visibility", "shared", "--lang", "en")
				start := time.Now()
				out, rss, err := run(dir, "sync")
				t.Logf("%s: sync took %v, peak RSS %d MB", filepath.Base(dir), time.Since(start).Round(time.Millisecond), rss>>20)
				if err != nil {
					t.Fatalf("%s: %v", filepath.Base(dir), err)
				}
				if rss > limit {
					t.Errorf("%s: peak RSS %d MB, over %d MB", filepath.Base(dir), rss>>20, limit>>20)
				}
				if a.asideIn != "" && !strings.Contains(out, "refused "+a.asideIn+":") && dir == partner {
					t.Errorf("%s: %s was not set aside:\n%s", filepath.Base(dir), a.asideIn, out)
				}
			}
			// The history still goes to a new hub, and the hub still checks out.
			name := "fresh" + strconv.Itoa(i)
			must(owner, "remote", "add", name, filepath.Join(work, name))
			out, rss, err := run(owner, "sync", "--remote", name)
			t.Logf("push to a new hub: peak RSS %d MB", rss>>20)
			if err != nil {
				t.Fatalf("push of the history to a new hub: %v (%s)", err, out)
			}
			checkRepo(t, filepath.Join(owner, "hub.git"), "the owner's repository")
		})
	}
}

// packDeltaOnHugeBlob adds to the hub a pack (indexed by git) holding a zero
// blob of size bytes and, as a delta of it, a 100-byte blob, whose hash it
// returns: reading the small blob must not mean holding the huge one.
func packDeltaOnHugeBlob(t *testing.T, hub string, size int64) plumbing.Hash {
	t.Helper()
	var pack bytes.Buffer
	pack.WriteString("PACK\x00\x00\x00\x02\x00\x00\x00\x02")
	entry := func(typ byte, n int64) {
		b := byte(typ<<4) | byte(n&0x0f)
		for n >>= 4; n > 0; n >>= 7 {
			pack.WriteByte(b | 0x80)
			b = byte(n & 0x7f)
		}
		pack.WriteByte(b)
	}
	varint := func(w *bytes.Buffer, n int64) {
		for ; n >= 0x80; n >>= 7 {
			w.WriteByte(byte(n) | 0x80)
		}
		w.WriteByte(byte(n))
	}
	compress := func(r io.Reader) {
		zw := zlib.NewWriter(&pack)
		if _, err := io.Copy(zw, r); err != nil {
			t.Fatal(err)
		}
		zw.Close()
	}
	baseAt := int64(pack.Len())
	entry(3, size) // blob
	compress(io.LimitReader(zeroReader{}, size))
	var delta bytes.Buffer
	varint(&delta, size)
	varint(&delta, 100)
	delta.Write([]byte{0x90, 100}) // copy 100 bytes from offset 0
	deltaAt := int64(pack.Len())
	entry(6, int64(delta.Len())) // delta against an earlier offset
	rel := deltaAt - baseAt
	ofs := []byte{byte(rel & 0x7f)}
	for rel >>= 7; rel > 0; rel >>= 7 {
		rel--
		ofs = append([]byte{byte(0x80 | rel&0x7f)}, ofs...)
	}
	pack.Write(ofs)
	compress(&delta)
	sum := sha1.Sum(pack.Bytes())
	pack.Write(sum[:])
	cmd := exec.Command("git", "--git-dir", hub, "index-pack", "--stdin")
	cmd.Stdin = &pack
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git index-pack: %v: %s", err, out)
	}
	return plumbing.ComputeHash(plumbing.BlobObject, make([]byte, 100))
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// pushCrafted commits, on top of the hub folder's main, the root tree with
// the entries craft returns added, as a partner with plain git could.
func pushCrafted(t *testing.T, hub string, craft func(st *filesystem.Storage, root *object.Tree) []object.TreeEntry) {
	t.Helper()
	st := filesystem.NewStorage(osfs.New(hub), cache.NewObjectLRUDefault())
	defer st.Close()
	ref, err := st.Reference(plumbing.ReferenceName("refs/heads/main"))
	if err != nil {
		t.Fatal(err)
	}
	head, err := object.GetCommit(st, ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	root, err := object.GetTree(st, head.TreeHash)
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]object.TreeEntry{}
	for _, e := range root.Entries {
		entries[e.Name] = e
	}
	for _, e := range craft(st, root) {
		entries[e.Name] = e
	}
	var list []object.TreeEntry
	for _, e := range entries {
		list = append(list, e)
	}
	tree := storeTree(t, st, list)
	sig := object.Signature{Name: "attacker", Email: "a@example.org", When: time.Now().Add(time.Second)}
	c := &object.Commit{Author: sig, Committer: sig, Message: "crafted", TreeHash: tree, ParentHashes: []plumbing.Hash{head.Hash}}
	obj := st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		t.Fatal(err)
	}
	ch, err := st.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetReference(plumbing.NewHashReference(ref.Name(), ch)); err != nil {
		t.Fatal(err)
	}
}

func storeBlob(t *testing.T, st *filesystem.Storage, b []byte) plumbing.Hash {
	t.Helper()
	obj := st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, _ := obj.Writer()
	w.Write(b)
	w.Close()
	h, err := st.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func storeTree(t *testing.T, st *filesystem.Storage, entries []object.TreeEntry) plumbing.Hash {
	t.Helper()
	sortTree(entries)
	tr := &object.Tree{Entries: entries}
	obj := st.NewEncodedObject()
	if err := tr.Encode(obj); err != nil {
		t.Fatal(err)
	}
	h, err := st.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// sortTree puts entries in git's order (a folder sorts as if its name ended in /).
func sortTree(es []object.TreeEntry) {
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && key(es[j]) < key(es[j-1]); j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}
