package sync

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"vademecum/data"
)

func parseURL(raw string) (*url.URL, error) { return url.Parse(raw) }

// recordConflict is a field conflict with the record it belongs to.
type recordConflict struct {
	fieldConflict
	RecordID, RecordType, Title string
}

// mergeHub brings the hub's commit into the local branch: nothing when the
// local side is ahead, a fast-forward when it is behind, else a three-way merge
// record by record, committed with both parents. It returns the local branch
// before and after.
func (e *Engine) mergeHub(hubHead plumbing.Hash, me data.Identity) (before, after plumbing.Hash, conflicts []recordConflict, merged map[string]mergedFile, err error) {
	r := e.repo
	r.mu.Lock()
	defer r.mu.Unlock()
	ours, err := r.ref(mainBranch)
	if err != nil || hubHead.IsZero() || ours == hubHead {
		return ours, ours, nil, nil, err
	}
	if ours.IsZero() {
		return ours, hubHead, nil, nil, r.setRef(mainBranch, ours, hubHead)
	}
	base, err := r.mergeBase(ours, hubHead)
	if err != nil {
		return ours, ours, nil, nil, err
	}
	switch base {
	case hubHead:
		return ours, ours, nil, nil, nil
	case ours:
		return ours, hubHead, nil, nil, r.setRef(mainBranch, ours, hubHead)
	}
	bt, err := r.commitTree(base)
	if err != nil {
		return ours, ours, nil, nil, err
	}
	ot, err := r.commitTree(ours)
	if err != nil {
		return ours, ours, nil, nil, err
	}
	tt, err := r.commitTree(hubHead)
	if err != nil {
		return ours, ours, nil, nil, err
	}
	theirs, err := r.diffTrees(bt, tt)
	if err != nil {
		return ours, ours, nil, nil, err
	}
	edits := map[string]plumbing.Hash{}
	merged = map[string]mergedFile{}
	for _, c := range theirs {
		o, err := r.fileAt(ot, c.Path)
		if err != nil {
			return ours, ours, nil, nil, err
		}
		switch o {
		case c.From:
			edits[c.Path] = c.To
			continue
		case c.To:
			continue
		}
		h, cs, err := e.mergeFile(c.Path, c.From, o, c.To)
		if err != nil {
			return ours, ours, nil, nil, err
		}
		edits[c.Path] = h
		conflicts = append(conflicts, cs...)
		if !h.IsZero() && h != o && h != c.To {
			merged[c.Path] = mergedFile{mine: o, theirs: c.To, out: h, mineAt: ours, theirsAt: hubHead}
		}
	}
	mt, err := r.editTree(ot, edits)
	if err != nil {
		return ours, ours, nil, nil, err
	}
	msg := fmt.Sprintf("Merge the hub into %s\n\n%d files changed on the hub, %d conflicts\n", me.Org, len(theirs), len(conflicts))
	for _, c := range conflicts {
		kept := "theirs"
		if c.KeptMine {
			kept = "mine"
		}
		msg += fmt.Sprintf("Conflict: %s %s %s kept=%s\n", c.RecordID, c.Kind, c.Field, kept)
	}
	m, err := r.writeCommit(mt, []plumbing.Hash{ours, hubHead}, me.Org, msg)
	if err != nil {
		return ours, ours, nil, nil, err
	}
	return ours, m, conflicts, merged, r.setRef(mainBranch, ours, m)
}

// mergedFile is a file a merge wrote anew from both sides: its signature, the
// newer side's, does not match it. It is imported when both sides verify, and
// this installation signs it again when its organisation owns the record.
type mergedFile struct {
	mine, theirs, out plumbing.Hash
	mineAt, theirsAt  plumbing.Hash // the commits merged
}

// mergeFile merges one file changed on both sides. Oversized or unreadable
// versions stand in as damaged content, which a readable version beats.
func (e *Engine) mergeFile(path string, base, mine, theirs plumbing.Hash) (plumbing.Hash, []recordConflict, error) {
	bb, mb, tb := e.repo.mergeInput(base), e.repo.mergeInput(mine), e.repo.mergeInput(theirs)
	out, fcs := mergeRecord(bb, mb, tb)
	var h plumbing.Hash
	switch {
	case out == nil:
	case bytes.Equal(out, mb):
		h = mine
	case bytes.Equal(out, tb):
		h = theirs
	default:
		var err error
		if h, err = e.repo.writeBlob(out); err != nil {
			return h, nil, err
		}
	}
	if len(fcs) == 0 {
		return h, nil, nil
	}
	hf, _ := parseHubPath(path)
	rc := recordConflict{RecordID: hf.ID, RecordType: hf.Type}
	for _, b := range [][]byte{out, mb, tb} {
		if rec, err := data.Decode(b); err == nil {
			rc.Title = recordTitle(rec)
			break
		}
	}
	var cs []recordConflict
	for _, fc := range fcs {
		c := rc
		c.fieldConflict = fc
		cs = append(cs, c)
	}
	return h, cs, nil
}

// mergeInput is a version of a file as the merge reads it: nil when absent,
// and a stand-in for damaged content when it is oversized or unreadable.
func (r *repo) mergeInput(h plumbing.Hash) []byte {
	if h.IsZero() {
		return nil
	}
	if b := r.readSmallBlob(h); b != nil {
		return b
	}
	return []byte("\x00damaged " + h.String())
}

// incoming is one changed file of the local branch on its way into the database.
type incoming struct {
	path   string
	blob   plumbing.Hash
	gone   bool // the file was removed
	id     string
	rec    data.Record
	body   []byte
	reason string // why it is quarantined
	retry  bool   // held in quarantine before, checked again
	forget bool   // held in quarantine before, no longer in the branch
	merge  *mergedFile
	resign bool // merged here from a record of this installation's organisation: sign it again
	// retryable goes with a reason found before the import (a rebuild holds
	// back again what was held back): whether it may pass later.
	retryable bool
	at        plumbing.Hash // the commit the file is imported from
	hf        hubFile       // what the path says; the record is read when its turn comes
	myOrg     string
}

// importLocal brings the local branch's changes since the last import into the
// database in one transaction: a tree diff, never a full scan. dirtyBase is the
// commit local edits not yet committed were made on (zero: the last import);
// own are files this round wrote itself (not counted as received). The import
// point moves in the same transaction, so a crash replays it whole.
func (e *Engine) importLocal(ctx context.Context, remote string, dirtyBase plumbing.Hash, own map[string]plumbing.Hash, conflicts []recordConflict, merged map[string]mergedFile, progress func(Progress)) (received, quarantined int, err error) {
	return e.importUpTo(ctx, remote, plumbing.ZeroHash, dirtyBase, own, conflicts, merged, progress)
}

// importUpTo is importLocal up to the commit upTo of the local branch (zero:
// its head).
func (e *Engine) importUpTo(ctx context.Context, remote string, upTo, dirtyBase plumbing.Hash, own map[string]plumbing.Hash, conflicts []recordConflict, merged map[string]mergedFile, progress func(Progress)) (received, quarantined int, err error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	fromS, err := e.state(ctx, e.store.DB(), "")
	if err != nil {
		return 0, 0, err
	}
	from := plumbing.NewHash(fromS)
	retry, err := e.retryPaths(ctx)
	if err != nil {
		return 0, 0, err
	}
	e.repo.mu.Lock()
	to := upTo
	if to.IsZero() {
		to, err = e.repo.ref(mainBranch)
	}
	if err != nil || (to == from && len(conflicts) == 0 && len(retry) == 0) {
		e.repo.mu.Unlock()
		return 0, 0, err
	}
	if !from.IsZero() && !e.repo.has(from) {
		// The repository was replaced: compare with nothing (unchanged records are skipped).
		from = plumbing.ZeroHash
	}
	if dirtyBase.IsZero() {
		dirtyBase = from
	}
	items, baseTree, err := e.prepareImport(from, to, dirtyBase, retry)
	e.repo.mu.Unlock()
	if err != nil {
		return 0, 0, explainLocal(err, e.repo.path)
	}
	me, err := e.store.Identity()
	if err != nil {
		return 0, 0, err
	}
	progress(Progress{Stage: "import", Total: len(items)})
	now := fmtTime(time.Now())
	err = e.store.Tx(ctx, func(tx *data.Tx) error {
		received, quarantined = 0, 0
		sqlTx := tx.SQL()
		seen := map[string]string{}
		dels, err := newDeletionCount(tx, e.allowNow)
		if err != nil {
			return err
		}
		for i, it := range items {
			// Each record is read when its turn comes and dropped after, so an
			// import of 100,000 records holds one at a time.
			if !it.gone && !it.forget && it.reason == "" && it.rec == nil {
				e.repo.mu.Lock()
				it.rec, it.body, it.reason = e.readRecord(it.blob, it.hf)
				e.repo.mu.Unlock()
			}
			it.at, it.myOrg = to, me.Org
			if mf, ok := merged[it.path]; ok && mf.out == it.blob && it.rec != nil {
				it.merge = &mf
				it.resign = e.opts.Sign != nil && it.rec.Base().Org == me.Org
			}
			if err := dels.add(tx, it, own); err != nil {
				return err
			}
			if i == len(items)/2 {
				if err := e.fault("mid-import"); err != nil {
					return err
				}
			}
			if i%200 == 0 && i > 0 {
				progress(Progress{Stage: "import", Done: i, Total: len(items)})
			}
			if it.forget {
				if err := release(tx, it.path); err != nil {
					return err
				}
				continue
			}
			changed, reason, again, err := e.importOne(tx, it, seen, baseTree)
			if err != nil {
				return err
			}
			if reason != "" {
				if !it.retry {
					quarantined++
					e.logf("quarantined %s: %s", it.path, reason)
				}
				if err := hold(tx, remote, it, to, reason, now, again); err != nil {
					return err
				}
				continue
			}
			if err := release(tx, it.path); err != nil {
				return err
			}
			if changed && own[it.path] != it.blob {
				received++
			}
		}
		if err := dels.check(e); err != nil {
			return err
		}
		for _, c := range conflicts {
			if err := insertConflict(tx, c, now); err != nil {
				return err
			}
		}
		_, err = sqlTx.Exec(`INSERT INTO sync_state(remote, imported) VALUES('', ?)
			ON CONFLICT(remote) DO UPDATE SET imported = excluded.imported`, to.String())
		return err
	})
	if err != nil {
		return 0, 0, local(err)
	}
	progress(Progress{Stage: "import", Done: len(items), Total: len(items)})
	return received, quarantined, nil
}

// heldFile is a quarantine entry as the local copy keeps it, so that a rebuilt
// database holds back what this one held back.
type heldFile struct {
	Blob     string `json:"blob,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Retry    bool   `json:"retry,omitempty"`
	Released bool   `json:"released,omitempty"`
}

const localCopyHeld = "sync-quarantine"

// hold puts a file in quarantine.
func hold(tx *data.Tx, remote string, it incoming, to plumbing.Hash, reason, now string, retry bool) error {
	if _, err := tx.SQL().Exec(`INSERT INTO sync_quarantine(remote, path, commit_id, reason, seen, retry) VALUES(?, ?, ?, ?, ?, ?)
		ON CONFLICT(remote, path) DO UPDATE SET commit_id = excluded.commit_id, reason = excluded.reason, seen = excluded.seen, retry = excluded.retry`,
		remote, it.path, to.String(), reason, now, retry); err != nil {
		return err
	}
	return tx.KeepInLocalCopy(localCopyHeld, it.path, heldFile{Blob: it.blob.String(), Reason: reason, Retry: retry})
}

// release takes a file out of quarantine, if it was there.
func release(tx *data.Tx, path string) error {
	res, err := tx.SQL().Exec("DELETE FROM sync_quarantine WHERE path = ?", path)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return tx.KeepInLocalCopy(localCopyHeld, path, heldFile{Released: true})
}

// Mass deletions: a sync that would delete more than half of the shared records
// here, and more than massDeletion of them, stops and asks first.
const massDeletion = 20

// deletionCount counts, during an import, the shared records it deletes
// (tombstones and files removed from the hub, not this installation's own
// deletions); at the end, too many make the import roll back, changing nothing.
type deletionCount struct {
	off         bool
	dels, total int
}

func newDeletionCount(tx *data.Tx, allowed bool) (*deletionCount, error) {
	d := &deletionCount{off: allowed}
	if allowed {
		return d, nil
	}
	err := tx.SQL().QueryRow("SELECT count(*) FROM record_index WHERE deleted = 0 AND visibility = 'shared' AND org != ?",
		data.ToolkitOrg).Scan(&d.total)
	return d, err
}

func (d *deletionCount) add(tx *data.Tx, it incoming, own map[string]plumbing.Hash) error {
	if d.off || it.forget || it.reason != "" || (!it.blob.IsZero() && own[it.path] == it.blob) {
		return nil
	}
	if !it.gone && (it.rec == nil || !it.rec.Base().Deleted) {
		return nil
	}
	var deleted bool
	var vis string
	err := tx.SQL().QueryRow("SELECT deleted, visibility FROM record_index WHERE id = ?", it.id).Scan(&deleted, &vis)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if !deleted && vis == data.Shared {
		d.dels++
	}
	return nil
}

func (d *deletionCount) check(e *Engine) error {
	if d.off || d.dels <= massDeletion || d.dels*2 <= d.total {
		return nil
	}
	e.logf("the sync would delete %d of %d shared records: stopped", d.dels, d.total)
	return hubErr(ErrMassDeletion, nil, "this sync would delete %d of the %d shared records here, more than half, so it stopped and changed nothing: "+
		"if partners really deleted them, sync again and allow it (vademecum-cli sync --allow-deletions); if not, the hub may be damaged or restored from an old copy: ask its administrator", d.dels, d.total)
}

// retryPaths are the files held in quarantine for a reason that may pass.
func (e *Engine) retryPaths(ctx context.Context) ([]string, error) {
	rows, err := e.store.DB().QueryContext(ctx, "SELECT DISTINCT path FROM sync_quarantine WHERE retry = 1 ORDER BY path")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// prepareImport reads and checks the changed files outside the database
// transaction, so the transaction stays short. retry are files held in
// quarantine that are checked again (as they are in the branch now).
func (e *Engine) prepareImport(from, to, dirtyBase plumbing.Hash, retry []string) ([]incoming, plumbing.Hash, error) {
	r := e.repo
	ft, err := r.commitTree(from)
	if err != nil {
		return nil, plumbing.ZeroHash, err
	}
	tt, err := r.commitTree(to)
	if err != nil {
		return nil, plumbing.ZeroHash, err
	}
	bt, err := r.commitTree(dirtyBase)
	if err != nil {
		bt = ft
	}
	changes, err := r.diffTrees(ft, tt)
	if err != nil {
		return nil, plumbing.ZeroHash, err
	}
	items := make([]incoming, 0, len(changes))
	for _, c := range changes {
		it := incoming{path: c.Path, blob: c.To, gone: c.To.IsZero()}
		hf, perr := parseHubPath(c.Path)
		switch {
		case perr != nil:
			if it.gone {
				continue
			}
			it.reason = perr.Error()
		case hf.Skip:
			continue
		default:
			it.id, it.hf = hf.ID, hf
		}
		items = append(items, it)
	}
	changed := make(map[string]bool, len(items))
	for i := range items {
		it := &items[i]
		changed[it.path] = true
		if h, ok := e.held[it.path]; ok && h.Blob == it.blob.String() && it.reason == "" {
			it.reason, it.retryable = h.Reason, h.Retry
		}
	}
	for _, p := range retry {
		if changed[p] {
			continue // changed since: imported afresh above
		}
		hf, perr := parseHubPath(p)
		blob, err := r.fileAt(tt, p)
		if err != nil {
			return nil, plumbing.ZeroHash, err
		}
		it := incoming{path: p, blob: blob, id: hf.ID, retry: true}
		switch {
		case perr != nil || hf.Skip || blob.IsZero():
			it.forget = true
		default:
			it.hf = hf
		}
		items = append(items, it)
	}
	// Organisation files first: they carry the keys that verify the rest.
	sort.SliceStable(items, func(i, j int) bool {
		return strings.HasPrefix(items[i].path, "orgs/") && !strings.HasPrefix(items[j].path, "orgs/")
	})
	return items, bt, nil
}

// readRecord reads a record file and checks it against its path; a non-empty
// reason means quarantine.
func (e *Engine) readRecord(blob plumbing.Hash, hf hubFile) (data.Record, []byte, string) {
	size, err := e.repo.blobSize(blob)
	if err != nil {
		return nil, nil, "the file cannot be read from the repository"
	}
	if size > MaxBlob {
		return nil, nil, fmt.Sprintf("the file is too large (%d KB, at most %d KB)", size>>10, MaxBlob>>10)
	}
	body, err := e.repo.readBlob(blob)
	if err != nil {
		return nil, nil, "the file cannot be read from the repository"
	}
	if !utf8.Valid(body) {
		return nil, nil, "the file is not valid UTF-8 text"
	}
	rec, err := data.Decode(body)
	if err != nil {
		return nil, nil, err.Error()
	}
	m := rec.Base()
	switch {
	case m.ID != hf.ID:
		return nil, nil, fmt.Sprintf("the record's id %s differs from its file name", m.ID)
	case m.Type != hf.Type:
		return nil, nil, fmt.Sprintf("a %s record in the %s folder", m.Type, folders[hf.Type])
	case m.Org == data.ToolkitOrg:
		return nil, nil, "toolkit content (organisation vademecum) ships with the app, never through a hub"
	case hf.Month != "" && m.Created.UTC().Format("2006/01") != hf.Month:
		return nil, nil, fmt.Sprintf("the record was created in %s but sits in the folder of %s", m.Created.UTC().Format("2006/01"), hf.Month)
	}
	return rec, body, ""
}

// importOne applies one changed file. It reports whether the database changed,
// or the reason to quarantine the file and whether that reason may pass later
// (the file is then checked again at the next syncs).
func (e *Engine) importOne(tx *data.Tx, it incoming, seen map[string]string, dirtyBase plumbing.Hash) (changed bool, reason string, retry bool, err error) {
	changed, reason, err = e.applyOne(tx, it, seen, dirtyBase, &retry)
	return changed, reason, retry, err
}

// Temporary is how a Verify hook says that a reason to hold a record may pass
// later: the organisation file or key that signs it has not arrived yet, or a
// key change waits for approval. Such files are checked again at every sync.
type Temporary interface{ Temporary() bool }

func (e *Engine) applyOne(tx *data.Tx, it incoming, seen map[string]string, dirtyBase plumbing.Hash, retry *bool) (bool, string, error) {
	if it.reason != "" {
		*retry = it.retryable
		return false, it.reason, nil
	}
	prev, err := tx.Get(it.id)
	if errors.Is(err, data.ErrNotFound) {
		prev, err = nil, nil
	}
	if err != nil {
		// A local record that cannot be read is left alone rather than overwritten.
		return false, fmt.Sprintf("the local copy of %s cannot be read: %v", it.id, err), nil
	}
	if it.gone {
		// Removed from the hub by hand: keep the record, as a tombstone.
		if prev == nil || prev.Base().Deleted || HubPath(prev) != it.path {
			return false, "", nil
		}
		if dirty, err := tx.Dirty(it.id); err != nil || dirty {
			return false, "", err
		}
		prev.Base().Deleted = true
		return true, "", tx.Put(prev, data.PutHub)
	}
	if p, dup := seen[it.id]; dup {
		return false, fmt.Sprintf("the id %s is already used by %s", it.id, p), nil
	}
	if prev != nil && HubPath(prev) != it.path {
		return false, fmt.Sprintf("the id %s is already used by %s", it.id, HubPath(prev)), nil
	}
	if e.opts.Verify != nil {
		if err := e.verify(&it, prev); err != nil {
			var tmp Temporary
			*retry = errors.As(err, &tmp) && tmp.Temporary()
			return false, err.Error(), nil
		}
	}
	seen[it.id] = it.path
	if it.resign {
		// Merged here from two signed versions of a record of this
		// organisation: a local change, signed and committed before the push.
		it.rec.Base().Sig = ""
		if body, err := data.Encode(it.rec); err == nil {
			it.body = body
		}
	}
	local, err := tx.GetBody(it.id)
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		return false, "", err
	}
	if bytes.Equal(local, it.body) {
		return false, "", nil
	}
	dirty, err := tx.Dirty(it.id)
	if err != nil {
		return false, "", err
	}
	if !dirty || local == nil {
		mode := data.PutHub
		if it.resign {
			mode = data.PutLocal
		}
		return true, "", tx.Put(it.rec, mode)
	}
	// Edited here since the version this change is based on: merge, and keep
	// the result pending so the next round sends it.
	e.repo.mu.Lock()
	bh, _ := e.repo.fileAt(dirtyBase, it.path)
	base := e.repo.readSmallBlob(bh)
	e.repo.mu.Unlock()
	merged, fcs := mergeRecord(base, local, it.body)
	rec, err := data.Decode(merged)
	if err != nil {
		return false, "", nil
	}
	// The value not kept waits for the user, as in a merge of the branches.
	now := fmtTime(time.Now())
	for _, fc := range fcs {
		c := recordConflict{fieldConflict: fc, RecordID: it.id, RecordType: rec.Base().Type, Title: recordTitle(rec)}
		if err := insertConflict(tx, c, now); err != nil {
			return false, "", err
		}
	}
	if bytes.Equal(merged, local) {
		return false, "", nil
	}
	return true, "", tx.Put(rec, data.PutLocal)
}

// verify checks a file with the Verify hook.
//
// A record two installations changed at once is merged field by field; the
// merge keeps the newer side's signature, which does not match the merged
// bytes. Such a file passes when both versions it was merged from pass: for a
// merge made here the versions are known; for one made elsewhere, the commit
// that wrote the file is found in the history and the merge is done again from
// its parents — the same bytes must come out (the merge is deterministic), so
// anyone can check it without the owner's key. A merged record of this
// installation's organisation is then signed again here and committed as a
// local change, so that the hub soon holds a properly signed version.
func (e *Engine) verify(it *incoming, prev data.Record) error {
	if it.merge != nil {
		if err := e.verifyVersion(it.path, it.merge.mine, it.merge.mineAt, prev, 0); err != nil {
			return err
		}
		return e.verifyVersion(it.path, it.merge.theirs, it.merge.theirsAt, prev, 0)
	}
	err := e.opts.Verify(it.rec, it.body, prev)
	if err == nil {
		return nil
	}
	var tmp Temporary
	if errors.As(err, &tmp) && tmp.Temporary() {
		return err
	}
	if e.provenMerge(it.path, it.blob, it.at, prev, 0) {
		it.resign = e.opts.Sign != nil && it.rec.Base().Org == it.myOrg
		return nil
	}
	return err
}

// maxMergeDepth bounds how many merges of merges a proof follows.
const maxMergeDepth = 6

// verifyVersion checks one version of a file (blob, found in the history of
// commit at when a merge there wrote it).
func (e *Engine) verifyVersion(path string, blob, at plumbing.Hash, prev data.Record, depth int) error {
	if blob.IsZero() {
		return nil
	}
	e.repo.mu.Lock()
	body := e.repo.readSmallBlob(blob)
	e.repo.mu.Unlock()
	rec, err := data.Decode(body)
	if err != nil {
		return fmt.Errorf("merged from a version that cannot be read: %v", err)
	}
	err = e.opts.Verify(rec, body, prev)
	if err == nil || at.IsZero() {
		return err
	}
	if e.provenMerge(path, blob, at, prev, depth+1) {
		return nil
	}
	return err
}

// provenMerge reports whether blob, the file at path in commit at, was written
// by a merge whose result comes out again from its parents' versions, each of
// which verifies.
func (e *Engine) provenMerge(path string, blob, at plumbing.Hash, prev data.Record, depth int) bool {
	if depth > maxMergeDepth || at.IsZero() {
		return false
	}
	e.repo.mu.Lock()
	mf, p1, p2, ok := e.repo.introducedBy(path, blob, at)
	var out []byte
	if ok {
		out, _ = mergeRecord(e.repo.mergeInput(mf.base), e.repo.mergeInput(mf.mine), e.repo.mergeInput(mf.theirs))
		ok = bytes.Equal(out, e.repo.readSmallBlob(blob))
	}
	e.repo.mu.Unlock()
	if !ok {
		return false
	}
	return e.verifyVersion(path, mf.mine, p1, prev, depth) == nil && e.verifyVersion(path, mf.theirs, p2, prev, depth) == nil
}

// mergeProof is the versions a merge commit merged a file from.
type mergeProof struct{ base, mine, theirs plumbing.Hash }

// introducedBy finds the commit that wrote blob at path, going back from at
// through parents that hold it, and returns the versions it merged when it is a
// merge commit.
func (r *repo) introducedBy(path string, blob, at plumbing.Hash) (mergeProof, plumbing.Hash, plumbing.Hash, bool) {
	fileIn := func(c *object.Commit) plumbing.Hash {
		h, _ := r.fileAt(c.TreeHash, path)
		return h
	}
	c, err := r.commit(at)
	if err != nil || fileIn(c) != blob {
		return mergeProof{}, plumbing.ZeroHash, plumbing.ZeroHash, false
	}
	for range 100000 {
		var next *object.Commit
		for _, p := range c.ParentHashes {
			pc, err := r.commit(p)
			if err == nil && fileIn(pc) == blob {
				next = pc
				break
			}
		}
		if next == nil {
			break
		}
		c = next
	}
	if len(c.ParentHashes) != 2 {
		return mergeProof{}, plumbing.ZeroHash, plumbing.ZeroHash, false
	}
	p1, p2 := c.ParentHashes[0], c.ParentHashes[1]
	base, err := r.mergeBase(p1, p2)
	if err != nil {
		return mergeProof{}, plumbing.ZeroHash, plumbing.ZeroHash, false
	}
	var mf mergeProof
	for _, x := range []struct {
		commit plumbing.Hash
		dst    *plumbing.Hash
	}{{base, &mf.base}, {p1, &mf.mine}, {p2, &mf.theirs}} {
		t, err := r.commitTree(x.commit)
		if err != nil {
			return mergeProof{}, plumbing.ZeroHash, plumbing.ZeroHash, false
		}
		if *x.dst, err = r.fileAt(t, path); err != nil {
			return mergeProof{}, plumbing.ZeroHash, plumbing.ZeroHash, false
		}
	}
	return mf, p1, p2, true
}

func insertConflict(tx *data.Tx, c recordConflict, now string) error {
	mine, theirs := display(c.Mine), display(c.Theirs)
	if c.Kind == KindEditDelete {
		mine, theirs = deletion(c.Mine), deletion(c.Theirs)
	}
	kept := "theirs"
	if c.KeptMine {
		kept = "mine"
	}
	row := conflictRow{ID: data.NewID(), RecordID: c.RecordID, RecordType: c.RecordType, Title: c.Title, Field: c.Field,
		Mine: mine, Theirs: theirs, MineJSON: string(c.Mine), TheirsJSON: string(c.Theirs), Kept: kept, Kind: c.Kind, Created: now}
	return row.save(tx)
}

// conflictRow is a row of sync_conflicts. The values a merge did not keep
// exist nowhere else, so each row is kept in the local copy too (for a
// rebuild of the database).
type conflictRow struct {
	ID         string `json:"id"`
	RecordID   string `json:"record_id"`
	RecordType string `json:"record_type"`
	Title      string `json:"title"`
	Field      string `json:"field"`
	Mine       string `json:"mine"`
	Theirs     string `json:"theirs"`
	MineJSON   string `json:"mine_json"`
	TheirsJSON string `json:"theirs_json"`
	Kept       string `json:"kept"`
	Kind       string `json:"kind"`
	Created    string `json:"created"`
	Resolved   string `json:"resolved"`
}

// localCopyConflict is the kind of conflict entries in the local copy.
const localCopyConflict = "sync-conflict"

func (c conflictRow) save(tx *data.Tx) error {
	_, err := tx.SQL().Exec(`INSERT INTO sync_conflicts(id, record_id, record_type, title, field, mine, theirs, mine_json, theirs_json, kept, kind, created, resolved)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET resolved = excluded.resolved`, c.ID, c.RecordID, c.RecordType, c.Title, c.Field,
		c.Mine, c.Theirs, c.MineJSON, c.TheirsJSON, c.Kept, c.Kind, c.Created, c.Resolved)
	if err != nil {
		return err
	}
	return tx.KeepInLocalCopy(localCopyConflict, c.ID, c)
}

// deletion words one side of an edit-versus-delete conflict.
func deletion(v []byte) string {
	if strings.TrimSpace(string(v)) == "true" {
		return "deleted"
	}
	return "edited"
}
