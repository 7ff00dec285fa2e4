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
func (e *Engine) mergeHub(hubHead plumbing.Hash, me data.Identity) (before, after plumbing.Hash, conflicts []recordConflict, err error) {
	r := e.repo
	r.mu.Lock()
	defer r.mu.Unlock()
	ours, err := r.ref(mainBranch)
	if err != nil || hubHead.IsZero() || ours == hubHead {
		return ours, ours, nil, err
	}
	if ours.IsZero() {
		return ours, hubHead, nil, r.setRef(mainBranch, ours, hubHead)
	}
	base, err := r.mergeBase(ours, hubHead)
	if err != nil {
		return ours, ours, nil, err
	}
	switch base {
	case hubHead:
		return ours, ours, nil, nil
	case ours:
		return ours, hubHead, nil, r.setRef(mainBranch, ours, hubHead)
	}
	bt, err := r.commitTree(base)
	if err != nil {
		return ours, ours, nil, err
	}
	ot, err := r.commitTree(ours)
	if err != nil {
		return ours, ours, nil, err
	}
	tt, err := r.commitTree(hubHead)
	if err != nil {
		return ours, ours, nil, err
	}
	theirs, err := r.diffTrees(bt, tt)
	if err != nil {
		return ours, ours, nil, err
	}
	edits := map[string]plumbing.Hash{}
	for _, c := range theirs {
		o, err := r.fileAt(ot, c.Path)
		if err != nil {
			return ours, ours, nil, err
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
			return ours, ours, nil, err
		}
		edits[c.Path] = h
		conflicts = append(conflicts, cs...)
	}
	mt, err := r.editTree(ot, edits)
	if err != nil {
		return ours, ours, nil, err
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
		return ours, ours, nil, err
	}
	return ours, m, conflicts, r.setRef(mainBranch, ours, m)
}

// mergeFile merges one file changed on both sides. Oversized or unreadable
// versions stand in as damaged content, which a readable version beats.
func (e *Engine) mergeFile(path string, base, mine, theirs plumbing.Hash) (plumbing.Hash, []recordConflict, error) {
	read := func(h plumbing.Hash) []byte {
		if h.IsZero() {
			return nil
		}
		if b := e.repo.readSmallBlob(h); b != nil {
			return b
		}
		return []byte("\x00damaged " + h.String())
	}
	bb, mb, tb := read(base), read(mine), read(theirs)
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

// incoming is one changed file of the local branch on its way into the database.
type incoming struct {
	path   string
	blob   plumbing.Hash
	gone   bool // the file was removed
	id     string
	rec    data.Record
	body   []byte
	reason string // why it is quarantined
}

// importLocal brings the local branch's changes since the last import into the
// database in one transaction: a tree diff, never a full scan. dirtyBase is the
// commit local edits not yet committed were made on (zero: the last import);
// own are files this round wrote itself (not counted as received). The import
// point moves in the same transaction, so a crash replays it whole.
func (e *Engine) importLocal(ctx context.Context, remote string, dirtyBase plumbing.Hash, own map[string]plumbing.Hash, conflicts []recordConflict, progress func(Progress)) (received, quarantined int, err error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	fromS, err := e.state(ctx, e.store.DB(), "")
	if err != nil {
		return 0, 0, err
	}
	from := plumbing.NewHash(fromS)
	e.repo.mu.Lock()
	to, err := e.repo.ref(mainBranch)
	if err != nil || (to == from && len(conflicts) == 0) {
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
	items, baseTree, err := e.prepareImport(from, to, dirtyBase)
	e.repo.mu.Unlock()
	if err != nil {
		return 0, 0, explainLocal(err, e.repo.path)
	}
	progress(Progress{Stage: "import", Total: len(items)})
	now := fmtTime(time.Now())
	err = e.store.Tx(ctx, func(tx *data.Tx) error {
		received, quarantined = 0, 0
		sqlTx := tx.SQL()
		seen := map[string]string{}
		for i, it := range items {
			if i == len(items)/2 {
				if err := e.fault("mid-import"); err != nil {
					return err
				}
			}
			if i%200 == 0 && i > 0 {
				progress(Progress{Stage: "import", Done: i, Total: len(items)})
			}
			changed, reason, err := e.importOne(tx, it, seen, baseTree)
			if err != nil {
				return err
			}
			if reason != "" {
				quarantined++
				e.logf("quarantined %s: %s", it.path, reason)
				if _, err := sqlTx.Exec(`INSERT INTO sync_quarantine(remote, path, commit_id, reason, seen) VALUES(?, ?, ?, ?, ?)
					ON CONFLICT(remote, path) DO UPDATE SET commit_id = excluded.commit_id, reason = excluded.reason, seen = excluded.seen`,
					remote, it.path, to.String(), reason, now); err != nil {
					return err
				}
				continue
			}
			if _, err := sqlTx.Exec("DELETE FROM sync_quarantine WHERE path = ?", it.path); err != nil {
				return err
			}
			if changed && own[it.path] != it.blob {
				received++
			}
		}
		for _, c := range conflicts {
			if err := insertConflict(sqlTx, c, now); err != nil {
				return err
			}
		}
		_, err := sqlTx.Exec(`INSERT INTO sync_state(remote, imported) VALUES('', ?)
			ON CONFLICT(remote) DO UPDATE SET imported = excluded.imported`, to.String())
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	progress(Progress{Stage: "import", Done: len(items), Total: len(items)})
	return received, quarantined, nil
}

// prepareImport reads and checks the changed files outside the database
// transaction, so the transaction stays short.
func (e *Engine) prepareImport(from, to, dirtyBase plumbing.Hash) ([]incoming, plumbing.Hash, error) {
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
			it.id = hf.ID
			if !it.gone {
				it.rec, it.body, it.reason = e.readRecord(c.To, hf)
			}
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
// or the reason to quarantine the file.
func (e *Engine) importOne(tx *data.Tx, it incoming, seen map[string]string, dirtyBase plumbing.Hash) (bool, string, error) {
	if it.reason != "" {
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
		if dirty, err := isDirty(tx, it.id); err != nil || dirty {
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
		if err := e.opts.Verify(it.rec, it.body, prev); err != nil {
			return false, err.Error(), nil
		}
	}
	seen[it.id] = it.path
	local, err := tx.GetBody(it.id)
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		return false, "", err
	}
	if bytes.Equal(local, it.body) {
		return false, "", nil
	}
	dirty, err := isDirty(tx, it.id)
	if err != nil {
		return false, "", err
	}
	if !dirty || local == nil {
		return true, "", tx.Put(it.rec, data.PutHub)
	}
	// Edited here since the version this change is based on: merge, and keep
	// the result pending so the next round sends it.
	e.repo.mu.Lock()
	bh, _ := e.repo.fileAt(dirtyBase, it.path)
	base := e.repo.readSmallBlob(bh)
	e.repo.mu.Unlock()
	merged, _ := mergeRecord(base, local, it.body)
	rec, err := data.Decode(merged)
	if err != nil || bytes.Equal(merged, local) {
		return false, "", nil
	}
	return true, "", tx.Put(rec, data.PutLocal)
}

func isDirty(tx *data.Tx, id string) (bool, error) {
	var dirty bool
	err := tx.SQL().QueryRow("SELECT dirty FROM records WHERE id = ?", id).Scan(&dirty)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return dirty, err
}

type sqlExecer interface {
	Exec(query string, args ...any) (sql.Result, error)
}

func insertConflict(tx sqlExecer, c recordConflict, now string) error {
	mine, theirs := display(c.Mine), display(c.Theirs)
	if c.Kind == KindEditDelete {
		mine, theirs = deletion(c.Mine), deletion(c.Theirs)
	}
	kept := "theirs"
	if c.KeptMine {
		kept = "mine"
	}
	_, err := tx.Exec(`INSERT INTO sync_conflicts(id, record_id, record_type, title, field, mine, theirs, mine_json, theirs_json, kept, kind, created)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, data.NewID(), c.RecordID, c.RecordType, c.Title, c.Field,
		mine, theirs, string(c.Mine), string(c.Theirs), kept, c.Kind, now)
	return err
}

// deletion words one side of an edit-versus-delete conflict.
func deletion(v []byte) string {
	if strings.TrimSpace(string(v)) == "true" {
		return "deleted"
	}
	return "edited"
}
