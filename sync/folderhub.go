package sync

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"vademecum/internal/atomicfile"
)

// A hub folder (USB stick, network share) is read and written by several
// processes, on several computers, with no server between them. What keeps it
// whole (sync/README.md says what is assumed of the file system):
//
//   - Writers (pushes) take the folder's lock (lockFolder). Readers (fetches)
//     take none: everything a reader may meet is put in place by rename, and a
//     pack that compaction replaced stays for packGrace, so that a fetch that
//     listed it can still read it. A fetch that meets a vanished pack or object
//     anyway reads the pack list again and retries once (fetchHub).
//   - A push puts its pack and index in place, flushes them and their folder to
//     the disk, notes the new head in vademecum-heads, and only then moves the
//     branch (by rename, flushed too): a kill or a pulled stick leaves the hub at
//     the old or the new branch.
//   - A hub damaged anyway (a stick pulled on a computer whose file system
//     reorders writes) is found when opened: damaged packs are moved to
//     vademecum-damaged/ and the branch goes back to the newest complete head
//     noted in vademecum-heads; the installations that hold what was lost push
//     it again at their next sync.

// Names of Vademecum's own files in a hub folder, beside the bare repository.
const (
	pushLockFile   = "vademecum-push.lock"
	headsFile      = "vademecum-heads"         // heads the branch moved to, oldest first
	retiredFile    = "vademecum-retired-packs" // packs compaction replaced, with when
	damagedDir     = "vademecum-damaged"       // what a repair set aside
	headsKept      = 64                        // heads noted, at least
	largeObject    = 1 << 20                   // objects above this are streamed, never held whole
	looseBeforePak = 2000                      // loose objects before they go into a pack
)

// hubMaxPacks is how many packs a hub folder gathers before a compaction;
// packGrace how long a pack it replaced stays readable (variables for tests).
var (
	hubMaxPacks = 32
	packGrace   = 10 * time.Minute
)

// diskTransport serves a hub folder in-process with go-git's server, so no git
// program is needed. Uploads send only what the client lacks; pushes hold the
// folder's lock and check that main did not move, which go-git's server alone
// does not do.
type diskTransport struct {
	// create: a missing folder may be made (this installation never synced
	// with it). A folder used before and now missing is a stick not plugged in.
	create bool

	// local is the local repository a fetch brings large objects into.
	local *repo

	mu       gosync.Mutex
	repaired bool // a session found the hub damaged and repaired it
	held     bool // this sync holds the folder's lock (pushes need not take it)
	wait     func(waited time.Duration)
}

// repairThoroughly checks the hub's newest head whole and repairs the hub if
// need be; it reports whether it changed anything.
func (d *diskTransport) repairThoroughly(ctx context.Context, path string) (bool, error) {
	fixed, err := repairHub(ctx, path, d.wait, true, d.holding())
	if fixed {
		d.mu.Lock()
		d.repaired = true
		d.mu.Unlock()
	}
	return fixed, err
}

// hold takes the folder's lock for the rest of a sync round: pushes of this
// round then go ahead without taking it again.
func (d *diskTransport) hold(ctx context.Context, path string) (func(), error) {
	unlock, err := lockFolder(ctx, path, d.wait)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.held = true
	d.mu.Unlock()
	return func() {
		d.mu.Lock()
		d.held = false
		d.mu.Unlock()
		unlock()
	}, nil
}

func (d *diskTransport) holding() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.held
}

// takeRepaired reports (once) whether a session repaired the hub.
func (d *diskTransport) takeRepaired() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	r := d.repaired
	d.repaired = false
	return r
}

func (d *diskTransport) load(ctx context.Context, ep *transport.Endpoint) (*filesystem.Storage, transport.Transport, error) {
	st, err := openDiskHub(ep.Path, d.create)
	if err != nil {
		return nil, nil, err
	}
	if !hubHealthy(ep.Path, st) {
		st.Close()
		fixed, err := repairHub(ctx, ep.Path, d.wait, false, d.holding())
		if err != nil {
			return nil, nil, err
		}
		if fixed {
			d.mu.Lock()
			d.repaired = true
			d.mu.Unlock()
		}
		if st, err = openDiskHub(ep.Path, false); err != nil {
			return nil, nil, err
		}
	}
	return st, server.NewClient(server.MapLoader{ep.String(): st}), nil
}

func (d *diskTransport) NewUploadPackSession(ep *transport.Endpoint, auth transport.AuthMethod) (transport.UploadPackSession, error) {
	return d.uploadSession(ep, auth, d.local)
}

// keysSession reads a hub folder's key branch: every object comes in the pack,
// whatever its size, and nothing goes into the local repository, where no key
// may be written (an erasure could not take it back out). A key file over
// largeObject (about 15,000 records) went there, and its keys were never read.
func (d *diskTransport) keysSession(ep *transport.Endpoint, auth transport.AuthMethod) (transport.UploadPackSession, error) {
	return d.uploadSession(ep, auth, nil)
}

func (d *diskTransport) uploadSession(ep *transport.Endpoint, auth transport.AuthMethod, local *repo) (transport.UploadPackSession, error) {
	st, srv, err := d.load(context.Background(), ep)
	if err != nil {
		return nil, err
	}
	inner, err := srv.NewUploadPackSession(ep, auth)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &diskUpload{UploadPackSession: inner, st: st, rd: newBoundedStore(st, ep.Path), path: ep.Path, local: local}, nil
}

func (d *diskTransport) NewReceivePackSession(ep *transport.Endpoint, auth transport.AuthMethod) (transport.ReceivePackSession, error) {
	st, srv, err := d.load(context.Background(), ep)
	if err != nil {
		return nil, err
	}
	inner, err := srv.NewReceivePackSession(ep, auth)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &diskReceive{ReceivePackSession: inner, st: st, path: ep.Path, wait: d.wait, held: d.holding()}, nil
}

type diskUpload struct {
	transport.UploadPackSession
	st    *filesystem.Storage
	rd    *boundedStore // reads the hub's objects, with bounded memory
	path  string
	local *repo // where large objects go (the caller holds its lock)
}

// Close ends the session and closes the hub folder's files (left to the garbage
// collector, a day of syncs would run out of file handles).
func (s *diskUpload) Close() error {
	s.rd.release()
	err := s.UploadPackSession.Close()
	if cerr := s.st.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *diskUpload) UploadPack(ctx context.Context, req *packp.UploadPackRequest) (*packp.UploadPackResponse, error) {
	objs, _, err := newObjects(s.path, s.rd, req.Wants, req.Haves)
	if err != nil && isVanished(err) {
		// A compaction replaced the packs listed: list them again.
		s.st.ObjectStorage.Reindex()
		s.rd.release()
		objs, _, err = newObjects(s.path, s.rd, req.Wants, req.Haves)
	}
	if err != nil {
		return nil, err
	}
	if s.local != nil {
		// Large objects go straight into the local repository, as a stream.
		small, large, err := splitLarge(s.path, s.rd, objs)
		if err != nil {
			return nil, err
		}
		if err := copyLoose(s.rd, s.local.st, s.local.path, large); err != nil {
			return nil, err
		}
		objs = small
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writePack(pw, s.rd, objs, nil, 0))
	}()
	return packp.NewUploadPackResponseWithPackfile(req, pr), nil
}

// isVanished recognises an object or pack that was there a moment ago: what a
// reader meets when a compaction or a repair ran meanwhile.
func isVanished(err error) bool {
	var he *HubError
	if err == nil || errors.As(err, &he) {
		return false // already worded: the folder itself is missing, busy, not a hub
	}
	if errors.Is(err, plumbing.ErrObjectNotFound) || errors.Is(err, dotgit.ErrPackfileNotFound) || errors.Is(err, os.ErrNotExist) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "object not found") || strings.Contains(msg, "packfile not found") ||
		strings.Contains(msg, "no such file or directory")
}

type diskReceive struct {
	transport.ReceivePackSession
	st   *filesystem.Storage
	path string
	wait func(time.Duration)
	held bool // the caller holds the folder's lock already
}

func (s *diskReceive) Close() error {
	err := s.ReceivePackSession.Close()
	if cerr := s.st.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReceivePack stores the pack and moves the branch under the folder's lock,
// refusing a push whose old value is not the branch's current one. The pack
// and its index are on the disk before the branch names them.
func (s *diskReceive) ReceivePack(ctx context.Context, req *packp.ReferenceUpdateRequest) (*packp.ReportStatus, error) {
	if !s.held {
		unlock, err := lockFolder(ctx, s.path, s.wait)
		if err != nil {
			if req.Packfile != nil {
				req.Packfile.Close()
			}
			return nil, err
		}
		defer unlock()
	}
	// Another process may have pushed or compacted since the session opened.
	s.st.ObjectStorage.Reindex()
	rs := packp.NewReportStatus()
	rs.UnpackStatus = "ok"
	for _, cmd := range req.Commands {
		var cur plumbing.Hash
		if ref, err := s.st.Reference(cmd.Name); err == nil {
			cur = ref.Hash()
		}
		if cur != cmd.Old || (cmd.Name != mainBranch && cmd.Name != keysBranch) || cmd.New.IsZero() ||
			(cmd.Name == keysBranch && len(req.Commands) != 1) {
			rs.CommandStatuses = []*packp.CommandStatus{{ReferenceName: cmd.Name, Status: "fetch first"}}
			return rs, errRejected
		}
	}
	if req.Commands[0].Name == keysBranch {
		// The key branch is replaced, not extended (keys.go).
		return s.receiveKeys(req, rs)
	}
	if req.Packfile != nil {
		tail := &tailWriter{}
		err := packfile.UpdateObjectStorage(s.st, io.TeeReader(req.Packfile, tail))
		req.Packfile.Close()
		if err == nil {
			err = syncPack(s.path, tail.hash())
		}
		if err != nil {
			rs.UnpackStatus = err.Error()
			return rs, explainLocal(err, s.path)
		}
	}
	for _, cmd := range req.Commands {
		if s.st.HasEncodedObject(cmd.New) != nil {
			rs.UnpackStatus = "missing objects"
			return rs, fmt.Errorf("the push to %s lacked objects", s.path)
		}
		if err := noteHead(s.path, cmd.New); err != nil {
			return rs, explainLocal(err, s.path)
		}
		if err := writeRefFile(s.path, cmd.Name, cmd.New); err != nil {
			return rs, explainLocal(err, s.path)
		}
		rs.CommandStatuses = append(rs.CommandStatuses, &packp.CommandStatus{ReferenceName: cmd.Name, Status: "ok"})
	}
	// Each push adds a pack to the folder: merge them now and then.
	if err := compactHub(s.st, s.path, hubMaxPacks, time.Now()); err != nil {
		return rs, explainLocal(err, s.path)
	}
	return rs, nil
}

// tailWriter keeps the last 20 bytes written: a pack's trailer, its checksum
// and so its name.
type tailWriter struct {
	b [40]byte
	n int
}

func (t *tailWriter) Write(p []byte) (int, error) {
	if len(p) >= 20 {
		copy(t.b[:20], p[len(p)-20:])
		t.n = 20
		return len(p), nil
	}
	keep := min(t.n, 20-len(p))
	copy(t.b[:keep], t.b[t.n-keep:t.n])
	copy(t.b[keep:], p)
	t.n = keep + len(p)
	return len(p), nil
}

func (t *tailWriter) hash() plumbing.Hash {
	var h plumbing.Hash
	if t.n == 20 {
		copy(h[:], t.b[:20])
	}
	return h
}

// syncPack flushes a pack, its index and their folder to the disk.
func syncPack(repoPath string, h plumbing.Hash) error {
	if h.IsZero() {
		return nil
	}
	dir := filepath.Join(repoPath, "objects", "pack")
	for _, ext := range []string{".pack", ".idx"} {
		if err := atomicfile.SyncFile(filepath.Join(dir, "pack-"+h.String()+ext)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return atomicfile.SyncDir(dir)
}

// noteHead appends a head to the folder's list of heads, flushed, before the
// branch moves to it: a repair goes back to the newest complete one.
func noteHead(repoPath string, h plumbing.Hash) error {
	p := filepath.Join(repoPath, headsFile)
	heads := readHeads(repoPath)
	if len(heads) >= 2*headsKept {
		heads = append(heads[len(heads)-headsKept:], h)
		var b bytes.Buffer
		for _, x := range heads {
			b.WriteString(x.String() + "\n")
		}
		return atomicfile.WriteFile(p, b.Bytes(), 0o644)
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(h.String() + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// readHeads returns the heads noted, oldest first; damaged lines are skipped.
func readHeads(repoPath string) []plumbing.Hash {
	f, err := os.Open(filepath.Join(repoPath, headsFile))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []plumbing.Hash
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); len(line) == 40 && plumbing.IsHash(line) {
			out = append(out, plumbing.NewHash(line))
		}
	}
	return out
}

// writeRefFile replaces a branch file atomically (write, flush, rename, flush
// of the folder).
func writeRefFile(repoPath string, name plumbing.ReferenceName, h plumbing.Hash) error {
	p := filepath.Join(repoPath, filepath.FromSlash(name.String()))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	// The temporary file stays outside refs/, where readers list every file.
	return atomicfile.WriteVia(repoPath, "vademecum-ref-*", p, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, h.String()+"\n")
		return err
	})
}

// openDiskStorage opens a bare repository whose large objects are streamed
// from the disk when read, never held whole in memory.
func openDiskStorage(path string) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(bufferedIndexes{osfs.New(path)}, cache.NewObjectLRUDefault(),
		filesystem.Options{LargeObjectThreshold: largeObject})
}

// openDiskHub opens the bare repository of a hub folder. A folder that does not
// exist yet, or is empty, becomes a new hub when create allows it, so a USB
// stick needs no setup; but a missing parent means the stick is not there, and
// a hub used before that is missing is a stick not plugged in (its mount point
// left behind): nothing is created.
func openDiskHub(path string, create bool) (*filesystem.Storage, error) {
	display := path
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, perr := os.Stat(filepath.Dir(path)); perr != nil {
			return nil, hubErr(ErrUnreachable, err, "cannot reach the hub at %s (is the USB stick or shared folder connected?): working offline, nothing was lost", display)
		}
		if !create {
			return nil, notConnected(display, err)
		}
		if err := initBare(path); err != nil {
			return nil, explainLocal(err, display)
		}
	case err != nil:
		return nil, hubErr(ErrUnreachable, err, "cannot reach the hub at %s: working offline, nothing was lost", display)
	case !fi.IsDir():
		return nil, notHub(display, "it is a file, not a folder")
	default:
		if _, err := os.Stat(filepath.Join(path, "objects")); err != nil {
			entries, rerr := os.ReadDir(path)
			if rerr != nil {
				return nil, hubErr(ErrUnreachable, rerr, "cannot read the hub folder %s: working offline, nothing was lost", display)
			}
			if len(entries) > 0 {
				return nil, notHub(display, "the folder holds other files; use an empty folder or a bare git repository")
			}
			if !create {
				// An empty mount point where the hub used to be.
				return nil, notConnected(display, err)
			}
			if err := initBare(path); err != nil {
				return nil, explainLocal(err, display)
			}
		}
	}
	return openDiskStorage(path), nil
}

func explainLocal(err error, where string) error {
	if err == nil {
		return nil
	}
	var he *HubError
	if errors.As(err, &he) {
		return err
	}
	if isDiskFull(err) {
		return diskFull(err)
	}
	return fmt.Errorf("cannot write the hub folder %s: %w", where, err)
}

// hubHealthy checks, cheaply, what a pulled stick can damage: each pack's
// trailer and index, and the branch file with the commit it names.
func hubHealthy(path string, st *filesystem.Storage) bool {
	if len(damagedPacks(path, time.Now())) > 0 {
		return false
	}
	b, err := os.ReadFile(filepath.Join(path, "refs", "heads", "main"))
	if errors.Is(err, os.ErrNotExist) {
		// No branch: a new hub, unless heads were noted (the branch file lost).
		return len(readHeads(path)) == 0
	}
	line := strings.TrimSpace(string(b))
	if err != nil || len(line) != 40 || !plumbing.IsHash(line) {
		return false
	}
	_, err = object.GetCommit(st, plumbing.NewHash(line))
	return err == nil
}

// damagedPacks lists the packs of a repository whose pack or index is cut
// short or overwritten: the pack does not end with its own checksum (its
// name), or the index does not verify or names another pack. A pack without an
// index counts once it is a minute old (plain git puts the index in place just
// after the pack).
func damagedPacks(path string, now time.Time) []string {
	dir := filepath.Join(path, "objects", "pack")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var bad []string
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".pack")
		if !ok || !strings.HasPrefix(base, "pack-") {
			continue
		}
		h := strings.TrimPrefix(base, "pack-")
		if len(h) != 40 || !plumbing.IsHash(h) {
			continue
		}
		want := plumbing.NewHash(h)
		ok, err := idxIntact(filepath.Join(dir, base+".idx"), want)
		if errors.Is(err, os.ErrNotExist) {
			if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) < time.Minute {
				continue
			}
			bad = append(bad, base)
			continue
		}
		if !ok {
			bad = append(bad, base)
			continue
		}
		if ok, err := packTrailerIs(filepath.Join(dir, e.Name()), want); !ok && !errors.Is(err, os.ErrNotExist) {
			// (A pack gone since the folder was listed was retired meanwhile.)
			bad = append(bad, base)
		}
	}
	return bad
}

// idxIntact checks a pack index without reading it all (a hub's indexes are
// checked at every sync): version 2 header, a length that fits the number of
// objects its fan-out table announces, and the pack's checksum in its trailer.
// A cut index fails the length, a zeroed or overwritten one the trailer.
func idxIntact(path string, pack plumbing.Hash) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	n := fi.Size()
	const head = 8 + 256*4
	if n < head+40 {
		return false, nil
	}
	var hdr [head]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return false, nil
	}
	if !bytes.Equal(hdr[:8], []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}) {
		return false, nil
	}
	count := int64(binary.BigEndian.Uint32(hdr[head-4:]))
	least := head + count*(20+4+4) + 40
	if n < least || n > least+count*8 {
		return false, nil
	}
	var tr [40]byte
	if _, err := f.ReadAt(tr[:], n-40); err != nil {
		return false, nil
	}
	return bytes.Equal(tr[:20], pack[:]), nil
}

func packTrailerIs(path string, h plumbing.Hash) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() < 12+20 {
		return false, err
	}
	var tr [20]byte
	if _, err := f.ReadAt(tr[:], fi.Size()-20); err != nil {
		return false, nil
	}
	var hdr [4]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil || string(hdr[:]) != "PACK" {
		return false, nil
	}
	return bytes.Equal(tr[:], h[:]), nil
}

// repairHub, under the folder's lock, sets damaged packs aside and moves the
// branch back to the newest head that is complete. It reports whether it
// changed anything (another process may have repaired the hub meanwhile).
//
// With thorough, the newest head is checked whole even when the cheap checks
// pass (a fetch met a missing object twice).
func repairHub(ctx context.Context, path string, wait func(time.Duration), thorough, locked bool) (bool, error) {
	if !locked {
		unlock, err := lockFolder(ctx, path, wait)
		if err != nil {
			return false, err
		}
		defer unlock()
	}
	changed := false
	if bad := damagedPacks(path, time.Now().Add(time.Hour)); len(bad) > 0 {
		aside := filepath.Join(path, damagedDir, time.Now().UTC().Format("20060102T150405"))
		if err := os.MkdirAll(aside, 0o755); err != nil {
			return false, explainLocal(err, path)
		}
		for _, base := range bad {
			for _, ext := range []string{".pack", ".idx"} {
				src := filepath.Join(path, "objects", "pack", base+ext)
				if err := atomicfile.Rename(src, filepath.Join(aside, base+ext)); err != nil && !errors.Is(err, os.ErrNotExist) {
					return false, explainLocal(err, path)
				}
			}
		}
		atomicfile.SyncDir(filepath.Join(path, "objects", "pack"))
		changed = true
	}
	st := openDiskStorage(path)
	defer st.Close()
	if !changed && !thorough && hubHealthy(path, st) {
		return false, nil // repaired by another process meanwhile, or never damaged
	}
	var cands []plumbing.Hash
	refOK := false
	if b, err := os.ReadFile(filepath.Join(path, "refs", "heads", "main")); err == nil {
		if line := strings.TrimSpace(string(b)); len(line) == 40 && plumbing.IsHash(line) {
			cands = append(cands, plumbing.NewHash(line))
			refOK = true
		}
	}
	heads := readHeads(path)
	for i := len(heads) - 1; i >= 0; i-- {
		cands = append(cands, heads[i])
	}
	ref := filepath.Join(path, "refs", "heads", "main")
	_, refErr := os.Stat(ref)
	for i, h := range cands {
		if !complete(st, h) {
			continue
		}
		if i == 0 && refOK {
			return changed, nil
		}
		return true, explainLocal(writeRefFile(path, mainBranch, h), path)
	}
	// Nothing complete is left: the hub starts again empty, and every
	// installation sends what it holds.
	if refErr == nil {
		if err := os.Remove(ref); err != nil {
			return false, explainLocal(err, path)
		}
		atomicfile.SyncDir(filepath.Dir(ref))
		changed = true
	}
	if len(heads) > 0 {
		if err := atomicfile.Rename(filepath.Join(path, headsFile), filepath.Join(path, headsFile+".old")); err != nil {
			return false, explainLocal(err, path)
		}
		changed = true
	}
	return changed, nil
}

// complete reports whether every object reachable from commit h is in st.
func complete(st *filesystem.Storage, h plumbing.Hash) bool {
	seen := map[plumbing.Hash]bool{}
	commits := []plumbing.Hash{h}
	var trees []plumbing.Hash
	for len(commits) > 0 || len(trees) > 0 {
		if n := len(trees); n > 0 {
			t := trees[n-1]
			trees = trees[:n-1]
			tr, err := object.GetTree(st, t)
			if err != nil {
				return false
			}
			for _, e := range tr.Entries {
				if seen[e.Hash] {
					continue
				}
				switch e.Mode {
				case filemode.Dir:
					seen[e.Hash] = true
					trees = append(trees, e.Hash)
				case filemode.Submodule:
					// A gitlink names a commit of another repository.
				default:
					seen[e.Hash] = true
					if st.HasEncodedObject(e.Hash) != nil {
						return false
					}
				}
			}
			continue
		}
		c := commits[len(commits)-1]
		commits = commits[:len(commits)-1]
		if seen[c] {
			continue
		}
		seen[c] = true
		co, err := object.GetCommit(st, c)
		if err != nil {
			return false
		}
		if !seen[co.TreeHash] {
			seen[co.TreeHash] = true
			trees = append(trees, co.TreeHash)
		}
		commits = append(commits, co.ParentHashes...)
	}
	return true
}

// compactHub merges a hub folder's packs into one when there are more than
// maxPacks, under the folder's lock. The packs merged are not deleted at once:
// they are noted in vademecum-retired-packs and deleted by a later push once
// packGrace has passed, so that a fetch that listed them can finish.
func compactHub(st *filesystem.Storage, path string, maxPacks int, now time.Time) error {
	retired := readRetired(path)
	defer st.ObjectStorage.Reindex()
	// Packs retired long enough ago go (the pack first: readers find packs by
	// their .pack file).
	keep := map[plumbing.Hash]time.Time{}
	for h, at := range retired {
		if now.Sub(at) < packGrace {
			keep[h] = at
			continue
		}
		base := filepath.Join(path, "objects", "pack", "pack-"+h.String())
		if err := os.Remove(base + ".pack"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := os.Remove(base + ".idx"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	changed := len(keep) != len(retired)
	packs, err := st.ObjectPacks()
	if err != nil {
		return err
	}
	var active []plumbing.Hash
	for _, p := range packs {
		if _, ok := keep[p]; !ok {
			active = append(active, p)
		}
	}
	// The key commit stays loose and apart, so that its replacement removes
	// it whole (keys.go, pruneOldKeys).
	keyObjs := currentKeyObjects(st)
	var loose []plumbing.Hash
	if err := st.ForEachObjectHash(func(h plumbing.Hash) error {
		if !keyObjs[h] {
			loose = append(loose, h)
		}
		return nil
	}); err != nil {
		return err
	}
	merge := len(active) > maxPacks
	packLoose := !merge && len(loose) > looseBeforePak
	if merge || packLoose {
		objs := loose
		if merge {
			if objs, err = allObjects(st, path); err != nil {
				return err
			}
			kept := objs[:0]
			for _, h := range objs {
				if !keyObjs[h] {
					kept = append(kept, h)
				}
			}
			objs = kept
		}
		nh, err := packSmall(st, path, objs)
		if err != nil {
			return err
		}
		if err := syncPack(path, nh); err != nil {
			return err
		}
		if merge {
			for _, p := range active {
				if p != nh {
					keep[p] = now
				}
			}
			changed = true
		}
	}
	if changed {
		if err := writeRetired(path, keep); err != nil {
			return err
		}
	}
	if merge || packLoose {
		// The loose objects are in the new pack: a reader that misses one finds
		// it there when it lists the packs again.
		return deleteLoose(st, path, loose)
	}
	return nil
}

// deleteLoose removes loose objects that went into a pack (large ones stay).
func deleteLoose(st *filesystem.Storage, path string, loose []plumbing.Hash) error {
	for _, h := range loose {
		if n, err := objectSize(path, st, h); err == nil && n > largeObject {
			continue
		}
		if err := st.DeleteLooseObject(h); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

func readRetired(path string) map[plumbing.Hash]time.Time {
	out := map[plumbing.Hash]time.Time{}
	b, err := os.ReadFile(filepath.Join(path, retiredFile))
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		h, at, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || len(h) != 40 || !plumbing.IsHash(h) {
			continue
		}
		sec, err := strconv.ParseInt(at, 10, 64)
		if err != nil {
			continue
		}
		out[plumbing.NewHash(h)] = time.Unix(sec, 0)
	}
	return out
}

func writeRetired(path string, m map[plumbing.Hash]time.Time) error {
	var b bytes.Buffer
	for h, at := range m {
		fmt.Fprintf(&b, "%s %d\n", h, at.Unix())
	}
	return atomicfile.WriteFile(filepath.Join(path, retiredFile), b.Bytes(), 0o644)
}
