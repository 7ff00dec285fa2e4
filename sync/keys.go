package sync

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	gosync "sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/memory"

	"vademecum/internal/atomicfile"

	"vademecum/data"
)

// The key store (hub format 4, docs/hub-format.md "Sealed records and the
// key branch"): the keys of the records not erased, in one file (keysFile)
// of the branch keysBranch, which every writer replaces by a commit with no
// parent (read it, add what it lacks, remove what was erased, push with the
// old value as a lease), so that a key removed is in no history. Keys never
// enter the local repository: they are read from the hub into memory and kept
// in the database, which forgets one only on an accepted erasure notice.

// keysBranch is the hub's key branch.
const keysBranch = plumbing.ReferenceName("refs/heads/keys")

// keysFile is the key branch's one file: {"<record id>": "<base64 key>"}.
const keysFile = "keys.json"

// KeysBranch and KeysFile are the key branch and its file, for the tools that
// build hubs (sync/hubgen).
const (
	KeysBranch = keysBranch
	KeysFile   = keysFile
)

// maxKeysPack bounds what a key branch download may be (a 100,000-record
// journal's keys are about 7 MB).
const maxKeysPack = 64 << 20

// keyBox holds the record keys of this installation in memory, loaded from
// the database once, for sealing and opening files in the local repository.
type keyBox struct {
	store  *data.Store
	mu     gosync.Mutex
	loaded bool
	m      map[string][][]byte
}

func (k *keyBox) load() {
	if k.loaded {
		return
	}
	m, err := k.store.AllRecordKeys(context.Background())
	if err != nil {
		return // tried again at the next use
	}
	k.m, k.loaded = m, true
}

// ready reads the keys from the database now, if they are not in memory, so
// that another goroutine can then open files without a query (the round's
// transaction may hold the database).
func (k *keyBox) ready() {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.load()
}

func (k *keyBox) get(id string) [][]byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.load()
	return k.m[id]
}

// add keeps keys in memory once the database holds them.
func (k *keyBox) add(keys map[string][][]byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.load()
	if k.m == nil {
		k.m = map[string][][]byte{}
	}
	for id, ks := range keys {
	next:
		for _, nk := range ks {
			for _, have := range k.m[id] {
				if bytes.Equal(have, nk) {
					continue next
				}
			}
			k.m[id] = append(k.m[id], nk)
		}
	}
}

// forget drops the keys of erased records, and reloads from the database at
// the next use.
func (k *keyBox) forget() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.loaded, k.m = false, nil
}

var sealedMark = []byte(`"sealed": "`)
var keyHashMark = []byte(`"key_hash": "`)

// seal returns the file to write for b: a record with a key commitment sealed
// with its key, anything else as it is. A record whose key is not here cannot
// be written (it would go out in the clear).
func (k *keyBox) seal(b []byte) ([]byte, error) {
	if len(b) == 0 || b[0] != '{' || !bytes.Contains(b, keyHashMark) || bytes.Contains(b, sealedMark) {
		return b, nil
	}
	var head struct {
		ID      string `json:"id"`
		KeyHash string `json:"key_hash"`
	}
	if json.Unmarshal(b, &head) != nil || head.KeyHash == "" {
		return b, nil
	}
	for _, key := range k.get(head.ID) {
		if data.KeyCommitment(head.ID, key) == head.KeyHash {
			return data.Seal(b, key)
		}
	}
	return nil, fmt.Errorf("record %s: %w", head.ID, data.ErrNoKey)
}

// open returns the record in the clear when b is a sealed file whose key is
// here, else b as it is (which does not decode as a record: readRecord tells
// why).
func (k *keyBox) open(b []byte) []byte {
	if len(b) == 0 || b[0] != '{' || len(b) > MaxBlob || !bytes.Contains(b, sealedMark) {
		return b
	}
	plain, _, err := data.OpenSealedWith(b, k.get)
	if err != nil {
		return b
	}
	return plain
}

// hubKeys is the key branch as fetched from a hub.
type hubKeys struct {
	head plumbing.Hash
	keys map[string]string
	// file and body are its key file as read (hash and bytes): the base a
	// new key file is sent as a delta against.
	file plumbing.Hash
	body []byte
	// unread: the branch could not be read this time (a hub folder
	// replacing it meanwhile): nothing is written over it.
	unread bool
}

// readKeys is fetchKeys that never fails a sync: a key branch that cannot be
// read is read again at the next sync, and records waiting for a key wait.
func (e *Engine) readKeys(ctx context.Context, h *hub) hubKeys {
	hk, err := e.fetchKeys(ctx, h)
	if err != nil {
		if hk, err = e.fetchKeys(ctx, h); err != nil {
			e.logf("%v", err)
			return hubKeys{unread: true}
		}
	}
	return hk
}

// fetchKeys reads the hub's key branch into memory and keeps the keys it
// offers for records not erased here. A hub without one (format 3, or no
// sealed record yet) offers none.
func (e *Engine) fetchKeys(ctx context.Context, h *hub) (hubKeys, error) {
	var hk hubKeys
	var sess transport.UploadPackSession
	var err error
	if h.disk != nil {
		sess, err = h.disk.keysSession(h.ep, h.auth)
	} else {
		sess, err = h.tr.NewUploadPackSession(h.ep, h.auth)
	}
	if err != nil {
		return hk, explain(err, h)
	}
	defer sess.Close()
	ar, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return hk, nil // an empty hub
	}
	hk.head = ar.References[keysBranch.String()]
	if hk.head.IsZero() {
		return hk, nil
	}
	req := packp.NewUploadPackRequestFromCapabilities(ar.Capabilities)
	req.Capabilities.Delete(capability.ThinPack)
	req.Wants = []plumbing.Hash{hk.head}
	resp, err := sess.UploadPack(ctx, req)
	if err != nil {
		return hk, explain(err, h)
	}
	defer resp.Close()
	mem := memory.NewStorage()
	if err := packfile.UpdateObjectStorage(mem, io.LimitReader(packStream(req, resp), maxKeysPack)); err != nil {
		return hk, fmt.Errorf("the key branch of %s cannot be read: %w", h.display, err)
	}
	hk.keys, hk.file, hk.body, err = readKeysCommit(mem, hk.head)
	if err != nil {
		return hk, fmt.Errorf("the key branch of %s cannot be read: %w", h.display, err)
	}
	offered := map[string][][]byte{}
	for id, s := range hk.keys {
		if key, err := base64.StdEncoding.DecodeString(s); err == nil && len(key) == data.KeySize && !hasKey(e.repo.keys.get(id), key) {
			offered[id] = append(offered[id], key)
		}
	}
	if len(offered) > 0 {
		if _, err := e.store.AddRecordKeys(ctx, offered); err != nil {
			return hk, err
		}
		e.repo.keys.forget()
	}
	return hk, nil
}

func hasKey(ks [][]byte, k []byte) bool {
	for _, have := range ks {
		if bytes.Equal(have, k) {
			return true
		}
	}
	return false
}

func readKeysCommit(mem *memory.Storage, head plumbing.Hash) (map[string]string, plumbing.Hash, []byte, error) {
	file, body, err := keyFileOf(mem, head)
	if err != nil {
		return nil, file, nil, err
	}
	keys := map[string]string{}
	if err := json.Unmarshal(body, &keys); err != nil {
		return nil, file, nil, err
	}
	return keys, file, body, nil
}

// keyFileOf is the key file of the key commit head: its hash and bytes.
func keyFileOf(st storer.EncodedObjectStorer, head plumbing.Hash) (plumbing.Hash, []byte, error) {
	var none plumbing.Hash
	c, err := object.GetCommit(st, head)
	if err != nil {
		return none, nil, err
	}
	t, err := c.Tree()
	if err != nil {
		return none, nil, err
	}
	f, err := t.File(keysFile)
	if err != nil {
		return none, nil, err
	}
	if f.Size > maxKeysPack {
		return none, nil, errors.New("the key file is too large")
	}
	r, err := f.Reader()
	if err != nil {
		return none, nil, err
	}
	defer r.Close()
	body := make([]byte, f.Size) // its size is known: read in one allocation
	if _, err := io.ReadFull(r, body); err != nil {
		return none, nil, err
	}
	return f.Hash, body, nil
}

// wantedKeys is the key file this installation writes: the hub's, less the
// keys of records erased here, plus the keys of records held here that the
// hub lacks (or holds a key for that does not match their commitment). It
// reports whether that differs from the hub's.
func (e *Engine) wantedKeys(ctx context.Context, hk hubKeys) (map[string]string, bool, error) {
	erased, err := e.store.ErasedIDs(ctx)
	if err != nil {
		return nil, false, err
	}
	held, err := e.store.AllRecordKeys(ctx)
	if err != nil {
		return nil, false, err
	}
	out := map[string]string{}
	changed := false
	for id, s := range hk.keys {
		if erased[id] {
			changed = true
			continue
		}
		out[id] = s
	}
	for id, ks := range held {
		if erased[id] || len(ks) == 0 {
			continue
		}
		if len(ks) == 1 {
			// The hub offers the one key held here: whether or not it
			// matches the record, nothing below would change it, so the
			// record is not read (at 100,000 records, reading each took
			// 12 s of every round that sent a key).
			if k, err := base64.StdEncoding.DecodeString(out[id]); err == nil && bytes.Equal(k, ks[0]) {
				continue
			}
		}
		rec, err := e.store.Get(id)
		if err != nil || rec.Base().KeyHash == "" {
			continue // not held here: its key is passed on as the hub has it
		}
		head := rec.Base()
		if cur, ok := out[id]; ok {
			if k, err := base64.StdEncoding.DecodeString(cur); err == nil && data.KeyCommitment(id, k) == head.KeyHash {
				continue
			}
		}
		for _, k := range ks {
			if data.KeyCommitment(id, k) == head.KeyHash {
				out[id] = base64.StdEncoding.EncodeToString(k)
				changed = true
				break
			}
		}
	}
	return out, changed, nil
}

// pushKeys replaces the hub's key branch when this installation holds keys
// it lacks or erased keys it holds, with a lease on the value read: when
// another installation replaced it meanwhile, it reads it again and retries.
func (e *Engine) pushKeys(ctx context.Context, h *hub, hk hubKeys) error {
	for try := 0; ; try++ {
		if hk.unread {
			return nil
		}
		want, changed, err := e.wantedKeys(ctx, hk)
		if err != nil || !changed {
			return err
		}
		err = e.pushKeysOnce(ctx, h, hk, want)
		if errors.Is(err, errRejected) && try == 4 {
			e.logf("the key branch of %s kept changing: its keys go with the next sync", h.display)
			return nil
		}
		if !errors.Is(err, errRejected) {
			return err
		}
		hk = e.readKeys(ctx, h)
	}
}

// deltaBase is the key file a new one (keys) may be sent as a delta against:
// the hub's, when the new one keeps every key of it. A push that removes a key
// (an erasure) sends the whole file: a git host completes a thin pack by
// copying its base into the pack it keeps (index-pack --fix-thin) and stores
// the new file as a delta on it, so the erased key would sit in the same pack
// as the live key file, needed to read it, rather than only in the replaced
// commit's objects, unreachable, that the host's gc prunes.
func (hk hubKeys) deltaBase(keys map[string]string) (plumbing.Hash, []byte, bool) {
	if hk.file.IsZero() || hk.body == nil {
		return plumbing.ZeroHash, nil, false
	}
	for id := range hk.keys {
		if _, kept := keys[id]; !kept {
			return plumbing.ZeroHash, nil, false
		}
	}
	return hk.file, hk.body, true
}

// noThin is the capability of a receive-pack that takes no thin pack (go-git
// has no name for it).
const noThin = capability.Capability("no-thin")

func (e *Engine) pushKeysOnce(ctx context.Context, h *hub, hk hubKeys, keys map[string]string) error {
	body, err := data.Canonical(keys)
	if err != nil {
		return err
	}
	sess, err := h.tr.NewReceivePackSession(h.ep, h.auth)
	if err != nil {
		return explain(err, h)
	}
	defer sess.Close()
	ar, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return explain(err, h)
	}
	if ar.References[keysBranch.String()] != hk.head {
		return errRejected
	}
	mem := memory.NewStorage()
	blob, err := putObject(mem, plumbing.BlobObject, body)
	if err != nil {
		return err
	}
	// The new key file goes as a delta against the hub's (a few hundred
	// bytes for a new record, where the whole file of a 100,000-record
	// network is 6 MB), unless the host takes no thin pack.
	var deltaUpTo int64
	var base map[plumbing.Hash]plumbing.Hash
	if file, old, ok := hk.deltaBase(keys); ok && !ar.Capabilities.Supports(noThin) {
		// The base is in the storage for writePack to diff against (read
		// where it is, not copied: at 100,000 records it is 12 MB); the pack
		// names it and does not carry it.
		if file != blob {
			mem.SetEncodedObject(&madeObject{typ: plumbing.BlobObject, size: int64(len(old)), hash: file,
				open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(old)), nil }})
			base, deltaUpTo = map[plumbing.Hash]plumbing.Hash{blob: file}, maxKeysPack
		}
	}
	tree := &object.Tree{Entries: []object.TreeEntry{{Name: keysFile, Mode: filemode.Regular, Hash: blob}}}
	to := mem.NewEncodedObject()
	if err := tree.Encode(to); err != nil {
		return err
	}
	th, err := mem.SetEncodedObject(to)
	if err != nil {
		return err
	}
	sig := object.Signature{Name: "vademecum", Email: "keys@vademecum", When: time.Now().UTC().Truncate(time.Second)}
	commit := &object.Commit{Author: sig, Committer: sig, TreeHash: th, Message: "Record keys (hub format 4)\n"}
	co := mem.NewEncodedObject()
	if err := commit.Encode(co); err != nil {
		return err
	}
	ch, err := mem.SetEncodedObject(co)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := writePack(&buf, mem, []plumbing.Hash{ch, th, blob}, base, deltaUpTo); err != nil {
		return err
	}
	size := buf.Len()
	req := packp.NewReferenceUpdateRequestFromCapabilities(ar.Capabilities)
	req.Commands = []*packp.Command{{Name: keysBranch, Old: hk.head, New: ch}}
	req.Packfile = io.NopCloser(&buf)
	rs, err := sess.ReceivePack(ctx, req)
	if rs != nil {
		for _, cs := range rs.CommandStatuses {
			if cs.Error() != nil {
				return errRejected
			}
		}
	}
	if err != nil {
		if errors.Is(err, errRejected) {
			return errRejected
		}
		return explain(err, h)
	}
	e.logf("sent the keys of %d records (%d bytes) to %s", len(keys), size, h.display)
	return nil
}

// pruneOldKeys removes a replaced key commit from a hub folder: key commits
// are stored there as loose objects of their own (diskReceive.receiveKeys),
// never packed with records (compactHub leaves them out), so the old one's
// objects go whole, and the keys of a record erased since are in no file of
// the hub.
func pruneOldKeys(st *filesystem.Storage, old, cur plumbing.Hash) error {
	keep := map[plumbing.Hash]bool{}
	for _, h := range keyObjects(st, cur) {
		keep[h] = true
	}
	for _, h := range keyObjects(st, old) {
		if keep[h] {
			continue
		}
		if err := st.DeleteLooseObject(h); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// keyObjects are the objects of a key commit: the commit, its tree, its files.
func keyObjects(st storer.EncodedObjectStorer, c plumbing.Hash) []plumbing.Hash {
	if c.IsZero() {
		return nil
	}
	out := []plumbing.Hash{c}
	co, err := object.GetCommit(st, c)
	if err != nil {
		return out
	}
	out = append(out, co.TreeHash)
	if t, err := object.GetTree(st, co.TreeHash); err == nil {
		for _, e := range t.Entries {
			out = append(out, e.Hash)
		}
	}
	return out
}

// currentKeyObjects are the objects of the key commit a hub folder's key
// branch names.
func currentKeyObjects(st *filesystem.Storage) map[plumbing.Hash]bool {
	out := map[plumbing.Hash]bool{}
	if ref, err := st.Reference(keysBranch); err == nil {
		for _, h := range keyObjects(st, ref.Hash()) {
			out[h] = true
		}
	}
	return out
}

// receiveKeys stores a push of the key branch into a hub folder: its objects
// loose, the branch moved (with the lease checked by the caller), the old key
// commit removed.
func (s *diskReceive) receiveKeys(req *packp.ReferenceUpdateRequest, rs *packp.ReportStatus) (*packp.ReportStatus, error) {
	cmd := req.Commands[0]
	mem := memory.NewStorage()
	if req.Packfile != nil {
		pack, err := io.ReadAll(io.LimitReader(req.Packfile, maxKeysPack+1))
		req.Packfile.Close()
		if err == nil {
			mem, err = readKeyPack(pack, s.currentKeyFile)
		}
		if err != nil {
			rs.UnpackStatus = err.Error()
			if errors.Is(err, errKeyPack) {
				return rs, fmt.Errorf("the push to %s: %w", s.path, err)
			}
			return rs, explainLocal(err, s.path)
		}
	}
	for _, h := range keyObjects(mem, cmd.New) {
		obj, err := mem.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			rs.UnpackStatus = "missing objects"
			return rs, fmt.Errorf("the push to %s lacked objects", s.path)
		}
		if _, err := s.st.SetEncodedObject(obj); err != nil {
			return rs, explainLocal(err, s.path)
		}
		if err := atomicfile.SyncFile(loosePath(s.path, h)); err != nil {
			return rs, explainLocal(err, s.path)
		}
	}
	if err := writeRefFile(s.path, keysBranch, cmd.New); err != nil {
		return rs, explainLocal(err, s.path)
	}
	rs.CommandStatuses = append(rs.CommandStatuses, &packp.CommandStatus{ReferenceName: cmd.Name, Status: "ok"})
	if err := pruneOldKeys(s.st, cmd.Old, cmd.New); err != nil {
		return rs, explainLocal(err, s.path)
	}
	return rs, nil
}

// currentKeyFile is the key file of the key commit a hub folder's key branch
// names: the one base a pushed key file may be a delta against.
func (s *diskReceive) currentKeyFile() (plumbing.Hash, []byte, error) {
	ref, err := s.st.Reference(keysBranch)
	if err != nil {
		return plumbing.ZeroHash, nil, err
	}
	return keyFileOf(s.st, ref.Hash())
}

// errKeyPack is a key push a hub folder does not take.
var errKeyPack = errors.New("a key branch push the hub folder does not take")

// readKeyPack reads a pushed key commit's pack into memory: at most
// maxKeysPack bytes, whose objects make at most maxKeysPack bytes. Objects
// come whole, or as a delta against the one object a sender may leave out:
// the key file the branch names now (base, read only when a delta needs it).
// A delta against anything else (a record's file, an older key file, an
// object the folder lacks) or within the pack (no sender writes one) is
// refused, so that a key file is only ever made of what the pusher sent and
// what the branch already offers to every reader.
func readKeyPack(pack []byte, base func() (plumbing.Hash, []byte, error)) (*memory.Storage, error) {
	if len(pack) > maxKeysPack {
		return nil, fmt.Errorf("%w: over %d bytes", errKeyPack, maxKeysPack)
	}
	if len(pack) < 32 {
		return nil, fmt.Errorf("%w: not a pack", errKeyPack)
	}
	if sum := sha1.Sum(pack[:len(pack)-20]); !bytes.Equal(sum[:], pack[len(pack)-20:]) {
		return nil, fmt.Errorf("%w: damaged (checksum)", errKeyPack)
	}
	sc := packfile.NewScanner(bytes.NewReader(pack))
	_, count, err := sc.Header()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errKeyPack, err)
	}
	mem := memory.NewStorage()
	var baseFile plumbing.Hash
	var baseBody []byte
	var baseErr error
	left := int64(maxKeysPack) // what the objects may still inflate to
	inflate := func(size int64) ([]byte, error) {
		if size > left {
			return nil, fmt.Errorf("%w: its objects make over %d bytes", errKeyPack, maxKeysPack)
		}
		var b bytes.Buffer
		n, _, err := sc.NextObject(&b)
		if err != nil || n != size {
			return nil, fmt.Errorf("%w: damaged object (%v)", errKeyPack, err)
		}
		left -= size
		return b.Bytes(), nil
	}
	for range count {
		oh, err := sc.NextObjectHeader()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errKeyPack, err)
		}
		typ := oh.Type
		var content []byte
		switch oh.Type {
		case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject:
			if content, err = inflate(oh.Length); err != nil {
				return nil, err
			}
		case plumbing.REFDeltaObject:
			if baseBody == nil && baseErr == nil {
				baseFile, baseBody, baseErr = base()
			}
			if baseErr != nil || oh.Reference != baseFile {
				return nil, fmt.Errorf("%w: a delta against %s, which is not the key file of the branch", errKeyPack, oh.Reference)
			}
			delta, err := inflate(oh.Length)
			if err != nil {
				return nil, err
			}
			_, size, ok := deltaSizes(delta)
			if !ok || size > left {
				return nil, fmt.Errorf("%w: a delta that makes over %d bytes", errKeyPack, maxKeysPack)
			}
			var out bytes.Buffer
			if err := patchDelta(&out, bytes.NewReader(baseBody), int64(len(baseBody)), bufio.NewReader(bytes.NewReader(delta)), size); err != nil {
				return nil, fmt.Errorf("%w: a damaged delta (%v)", errKeyPack, err)
			}
			left -= size
			typ, content = plumbing.BlobObject, out.Bytes()
		default:
			return nil, fmt.Errorf("%w: a %s entry", errKeyPack, oh.Type)
		}
		if _, err := putObject(mem, typ, content); err != nil {
			return nil, err
		}
	}
	return mem, nil
}
