package sync

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"

	"vademecum/data"
)

// keyedFolder is a hub folder where one installation sent two sealed
// practices: its key branch holds their keys.
func keyedFolder(t *testing.T) (hubEnv, *replica) {
	t.Helper()
	h := diskHub(t)
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("hub", h.url, h.auth)
	a.practice("Night desk", data.Shared)
	a.practice("Street library", data.Shared)
	a.sync()
	return h, a
}

// keyState is a hub folder's key branch: the commit it names, its key file.
func keyState(t *testing.T, dir string) (head, file plumbing.Hash, body []byte) {
	t.Helper()
	st, err := openDiskHub(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := &diskReceive{st: st, path: dir}
	ref, err := st.Reference(keysBranch)
	if err != nil {
		t.Fatalf("no key branch: %v", err)
	}
	file, body, err = s.currentKeyFile()
	if err != nil {
		t.Fatal(err)
	}
	return ref.Hash(), file, body
}

// withKey is a key file with one more key, as an honest installation would
// write it.
func withKey(t *testing.T, body []byte) []byte {
	t.Helper()
	keys := map[string]string{}
	if err := json.Unmarshal(body, &keys); err != nil {
		t.Fatal(err)
	}
	keys["01900000-0000-7000-8000-000000000001"] = base64.StdEncoding.EncodeToString(data.NewRecordKey())
	out, err := data.Canonical(keys)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// craftedKeyCommit is a key commit whose file is body, in mem.
func craftedKeyCommit(t testing.TB, body []byte) (mem *memory.Storage, commit, tree, blob plumbing.Hash) {
	t.Helper()
	mem = memory.NewStorage()
	blob, err := putObject(mem, plumbing.BlobObject, body)
	if err != nil {
		t.Fatal(err)
	}
	to := mem.NewEncodedObject()
	if err := (&object.Tree{Entries: []object.TreeEntry{{Name: keysFile, Mode: filemode.Regular, Hash: blob}}}).Encode(to); err != nil {
		t.Fatal(err)
	}
	tree, _ = mem.SetEncodedObject(to)
	sig := object.Signature{Name: "mallory", Email: "m@m"}
	co := mem.NewEncodedObject()
	if err := (&object.Commit{Author: sig, Committer: sig, TreeHash: tree, Message: "keys\n"}).Encode(co); err != nil {
		t.Fatal(err)
	}
	commit, _ = mem.SetEncodedObject(co)
	return mem, commit, tree, blob
}

// craftEntry is one entry of a crafted pack: a whole object of mem, or raw
// (a header and content written as given, content deflated).
type craftEntry struct {
	obj  plumbing.Hash
	typ  plumbing.ObjectType
	size int // the size the header says
	base plumbing.Hash
	raw  []byte
}

// craftPack writes a pack as a modified client could.
func craftPack(t testing.TB, mem *memory.Storage, entries []craftEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	hdr := make([]byte, 12)
	copy(hdr, "PACK")
	binary.BigEndian.PutUint32(hdr[4:], 2)
	binary.BigEndian.PutUint32(hdr[8:], uint32(len(entries)))
	buf.Write(hdr)
	zw, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
	last := 0
	for _, e := range entries {
		off := buf.Len()
		if !e.obj.IsZero() {
			o, err := mem.EncodedObject(plumbing.AnyObject, e.obj)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := readAll(o)
			e.typ, e.size, e.raw = o.Type(), len(b), b
		}
		packHeader(&buf, e.typ, e.size)
		switch e.typ {
		case plumbing.REFDeltaObject:
			buf.Write(e.base[:])
		case plumbing.OFSDeltaObject: // against the entry before
			rel := off - last
			b := []byte{byte(rel & 0x7f)}
			for rel >>= 7; rel > 0; rel >>= 7 {
				rel--
				b = append([]byte{0x80 | byte(rel&0x7f)}, b...)
			}
			buf.Write(b)
		}
		last = off
		if err := deflate(zw, &buf, e.raw); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha1.Sum(buf.Bytes())
	buf.Write(sum[:])
	return buf.Bytes()
}

// pushKeyPack pushes a pack to a hub folder's key branch, as a modified
// client could through the app's own hub folder transport.
func pushKeyPack(t *testing.T, dir string, old, commit plumbing.Hash, pack []byte) error {
	t.Helper()
	d := &diskTransport{}
	sess, err := d.NewReceivePackSession(&transport.Endpoint{Protocol: "file", Path: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	req := packp.NewReferenceUpdateRequest()
	req.Commands = []*packp.Command{{Name: keysBranch, Old: old, New: commit}}
	req.Packfile = io.NopCloser(bytes.NewReader(pack))
	_, err = sess.ReceivePack(context.Background(), req)
	return err
}

// The attacker's tests of a key file pushed as a delta to a hub folder: the
// one base a pushed key file may leave out is the folder's current key file.
// A delta against anything else (a record's file, a key file no longer
// named, an object the folder lacks), a delta that inflates past the bound,
// a delta within the pack and an object whose header announces more than the
// bound are refused, and leave the key branch as it was, readable by a
// newcomer.
func TestKeyPushDeltaAttacksOnAHubFolder(t *testing.T) {
	h, _ := keyedFolder(t)
	head, file, body := keyState(t, h.dir)
	// A record's file of the hub, as a base the folder holds.
	st, err := openDiskHub(h.dir, false)
	if err != nil {
		t.Fatal(err)
	}
	var record plumbing.Hash
	var recordBody []byte
	c, _ := object.GetCommit(st, mustRef(t, st, mainBranch))
	tree, _ := c.Tree()
	tree.Files().ForEach(func(f *object.File) error {
		if strings.HasPrefix(f.Name, "practices/") && record.IsZero() {
			record = f.Hash
			s, _ := f.Contents()
			recordBody = []byte(s)
		}
		return nil
	})
	st.Close()
	if record.IsZero() {
		t.Fatal("no practice file on the hub")
	}
	newBody := withKey(t, body)
	mem, commit, treeH, blob := craftedKeyCommit(t, newBody)
	whole := func() []craftEntry { return []craftEntry{{obj: commit}, {obj: treeH}} }
	deltaOn := func(base plumbing.Hash, src []byte) []craftEntry {
		d := packfile.DiffDelta(src, newBody)
		return append(whole(), craftEntry{typ: plumbing.REFDeltaObject, base: base, raw: d, size: len(d)})
	}
	// A delta that really makes maxKeysPack+1 bytes: copies of the whole base.
	var bomb bytes.Buffer
	bomb.Write(deltaVarint(len(body)))
	bomb.Write(deltaVarint(maxKeysPack + 1))
	for left := maxKeysPack + 1; left > 0; {
		n := min(left, len(body))
		bomb.Write([]byte{0x80 | 0x10 | 0x20, byte(n), byte(n >> 8)})
		left -= n
	}
	var gone plumbing.Hash
	copy(gone[:], bytes.Repeat([]byte{0xab}, 20))
	if _, err := putObject(mem, plumbing.BlobObject, body); err != nil {
		t.Fatal(err)
	}
	d := packfile.DiffDelta(body, newBody)

	cases := []struct {
		name    string
		entries []craftEntry
	}{
		{"a delta against a record's file", deltaOn(record, recordBody)},
		{"a delta against an object the folder lacks", deltaOn(gone, body)},
		{"a delta against the new file itself", deltaOn(blob, newBody)},
		{"a delta that makes more than the bound", append(whole(), craftEntry{typ: plumbing.REFDeltaObject, base: file, raw: bomb.Bytes(), size: bomb.Len()})},
		{"a delta within the pack (no sender writes one)", append(whole(), craftEntry{obj: file}, craftEntry{typ: plumbing.OFSDeltaObject, raw: d, size: len(d)})},
		{"an object larger than the bound", append(whole(), craftEntry{typ: plumbing.BlobObject, raw: make([]byte, 1<<10), size: maxKeysPack + 1})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := pushKeyPack(t, h.dir, head, commit, craftPack(t, mem, tc.entries))
			if err == nil {
				t.Fatal("the hub folder took the push")
			}
			if !errors.Is(err, errKeyPack) {
				t.Errorf("refused with %v, want errKeyPack", err)
			}
			t.Log(err)
			if got, _, _ := keyState(t, h.dir); got != head {
				t.Fatalf("the key branch moved to %s", got)
			}
			if _, err := os.Stat(loosePath(h.dir, blob)); err == nil {
				t.Error("the refused key file was written into the folder")
			}
		})
	}
	// The one delta a hub folder takes: against its current key file.
	if err := pushKeyPack(t, h.dir, head, commit, craftPack(t, mem, deltaOn(file, body))); err != nil {
		t.Fatalf("a delta against the current key file was refused: %v", err)
	}
	if got, f, b := keyState(t, h.dir); got != commit || f != blob || !bytes.Equal(b, newBody) {
		t.Fatalf("after the push the key branch names %s, file %s", got, f)
	}
	// Whoever reads the branch reads the whole file, as ever.
	late := newReplica(t, "caritas-cz", Options{})
	late.addRemote("hub", h.url, h.auth)
	late.sync()
	keys, _ := late.store.AllRecordKeys(context.Background())
	if len(keys["01900000-0000-7000-8000-000000000001"]) != 1 {
		t.Error("a newcomer did not read the key the delta added")
	}
}

func mustRef(t *testing.T, st interface {
	Reference(plumbing.ReferenceName) (*plumbing.Reference, error)
}, name plumbing.ReferenceName) plumbing.Hash {
	t.Helper()
	ref, err := st.Reference(name)
	if err != nil {
		t.Fatal(err)
	}
	return ref.Hash()
}

// deltaVarint is a size as a delta's header writes it.
func deltaVarint(n int) []byte {
	var out []byte
	for {
		b := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}

// FuzzReadKeyPack: whatever a pusher sends a hub folder as a key pack, the
// reader neither panics nor takes more than the bound, and an object it makes
// from a delta is made from the current key file only.
func FuzzReadKeyPack(f *testing.F) {
	body := []byte(`{"01900000-0000-7000-8000-000000000000": "` + base64.StdEncoding.EncodeToString(make([]byte, 32)) + `"}` + "\n")
	file := plumbing.ComputeHash(plumbing.BlobObject, body)
	newBody := append([]byte(`{"01900000-0000-7000-8000-000000000001": "`+base64.StdEncoding.EncodeToString(make([]byte, 32))+`",`), body[1:]...)
	mem, commit, tree, blob := craftedKeyCommit(f, newBody)
	d := packfile.DiffDelta(body, newBody)
	thin := craftPack(f, mem, []craftEntry{{obj: commit}, {obj: tree}, {typ: plumbing.REFDeltaObject, base: file, raw: d, size: len(d)}})
	whole := craftPack(f, mem, []craftEntry{{obj: commit}, {obj: tree}, {obj: blob}})
	f.Add(thin)
	f.Add(whole)
	f.Add(thin[:len(thin)-1])
	f.Fuzz(func(t *testing.T, pack []byte) {
		// The checksum is the first check: fix it, so that the rest is read.
		if len(pack) >= 32 {
			sum := sha1.Sum(pack[:len(pack)-20])
			pack = append(pack[:len(pack)-20:len(pack)-20], sum[:]...)
		}
		out, err := readKeyPack(pack, func() (plumbing.Hash, []byte, error) { return file, body, nil })
		if err != nil {
			if !errors.Is(err, errKeyPack) {
				t.Fatalf("an error not worded as a refused key push: %v", err)
			}
			return
		}
		var total int64
		for _, o := range out.Objects {
			total += o.Size()
		}
		if total > maxKeysPack {
			t.Fatalf("took objects of %d bytes", total)
		}
	})
}
