package sync

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"vademecum/data"
)

func parseURL(raw string) (*url.URL, error) { return url.Parse(raw) }

// recordConflict is a field conflict with the record it belongs to.
type recordConflict struct {
	fieldConflict
	RecordID, RecordType, Title string
	ID                          string // set when the merged record carries it (settled.go); else a new id
}

// mergeHub brings the hub's commit into the local branch. Every file that
// differs between the local branch and the hub is decided on its own (see
// choose): the local branch only ever takes a version that is valid and greater
// in the total order of the record's versions, so that nothing the hub holds —
// its history included — can forge, roll back or erase a record. The result is
// the hub's commit itself when it holds exactly what was chosen, else a merge
// commit with both parents. It returns the local branch before and after, the
// field conflicts of records of this installation's organisation merged here,
// those merges (signed as new versions once imported) and what was refused.
func (e *Engine) mergeHub(hubHead plumbing.Hash, me data.Identity) (before, after plumbing.Hash, conflicts []recordConflict, merged map[string]mergedFile, refused []refusal, err error) {
	r := e.repo
	r.mu.Lock()
	defer r.mu.Unlock()
	ours, err := r.ref(mainBranch)
	if err != nil || hubHead.IsZero() || ours == hubHead {
		return ours, ours, nil, nil, nil, err
	}
	base := plumbing.ZeroHash
	if !ours.IsZero() {
		if base, err = r.mergeBase(ours, hubHead); err != nil {
			return ours, ours, nil, nil, nil, err
		}
	}
	bt, err := r.commitTree(base)
	if err != nil {
		return ours, ours, nil, nil, nil, err
	}
	ot, err := r.commitTree(ours)
	if err != nil {
		return ours, ours, nil, nil, nil, err
	}
	tt, err := r.commitTree(hubHead)
	if err != nil {
		return ours, ours, nil, nil, nil, err
	}
	diff, err := r.diffTrees(ot, tt)
	if err != nil {
		return ours, ours, nil, nil, nil, err
	}
	// Organisation files first: they carry the keys that verify the rest.
	sort.SliceStable(diff, func(i, j int) bool {
		return strings.HasPrefix(diff[i].Path, "orgs/") && !strings.HasPrefix(diff[j].Path, "orgs/")
	})
	e.ahead = startReadAhead(r.path, r.keys, mergePlan(diff), e.prepare(false))
	defer func() { e.ahead.stop(); e.ahead = nil }()
	if e.ahead != nil { // a large merge: memory.go
		defer limitMemory()()
	}
	edits := map[string]plumbing.Hash{}
	modes := map[string]filemode.FileMode{} // folderhub: entries set aside keep their kind
	merged = map[string]mergedFile{}
	var attachments []attachmentChoice
	listed := map[string]bool{}
	for _, c := range diff {
		if c.SetAside != "" {
			// Not a record file (folderhub, guarantee 6): kept as the hub has
			// it, and quarantined at import.
			edits[c.Path] = c.To
			if !c.To.IsZero() {
				modes[c.Path] = c.ToMode
			}
			continue
		}
		if strings.HasPrefix(c.Path, attachmentPrefix) && c.From.IsZero() && !c.To.IsZero() {
			if _, perr := parseHubPath(c.Path); perr == nil {
				// Decided once the practices that may list it are known.
				attachments = append(attachments, attachmentChoice{c.Path, c.To})
				continue
			}
		}
		was, err := r.fileAt(bt, c.Path)
		if err != nil {
			return ours, ours, nil, nil, nil, err
		}
		d, err := e.choose(c.Path, was, c.From, c.To, me)
		if err != nil {
			return ours, ours, nil, nil, nil, err
		}
		if d.keep != c.From {
			edits[c.Path] = d.keep
		}
		if d.refused != nil {
			refused = append(refused, *d.refused)
		}
		if d.merged != nil {
			merged[c.Path] = *d.merged
		}
		conflicts = append(conflicts, d.conflicts...)
		e.listedAttachments(c.Path, d.keep, listed)
	}
	refused = append(refused, e.chooseAttachments(attachments, listed, edits)...)
	mt, err := r.editTreeModes(ot, edits, modes)
	if err != nil {
		return ours, ours, nil, nil, nil, err
	}
	switch {
	case mt == tt && base == ours:
		// The hub holds exactly what was chosen, on top of this branch.
		return ours, hubHead, conflicts, merged, refused, r.setRef(mainBranch, ours, hubHead)
	case mt == ot && base == hubHead:
		return ours, ours, conflicts, merged, refused, nil
	}
	msg := fmt.Sprintf("Merge the hub into %s\n\n%d files differ, %d refused, %d conflicts\n", me.Org, len(diff), len(refused), len(conflicts))
	for _, c := range conflicts {
		kept := "theirs"
		if c.KeptMine {
			kept = "mine"
		}
		msg += fmt.Sprintf("Conflict: %s %s %s kept=%s\n", c.RecordID, c.Kind, c.Field, kept)
	}
	parents := []plumbing.Hash{ours, hubHead}
	if ours.IsZero() {
		parents = parents[1:]
	}
	m, err := r.writeCommit(mt, parents, me.Org, msg)
	if err != nil {
		return ours, ours, nil, nil, nil, err
	}
	return ours, m, conflicts, merged, refused, r.setRef(mainBranch, ours, m)
}

// prepare is the work done ahead on each file a merge or an import reads
// ahead (readAhead): Options.Precheck, and for an import the record's
// canonical encoding, which the import stores (Tx.PutEncoded). An import
// skips the precheck of the files the merge of the round verified already
// (see verify): the merge is over, so that set no longer changes and the
// read-ahead may read it.
func (e *Engine) prepare(importing bool) func(*readResult) {
	pre := e.opts.Precheck
	if e.opts.Verify == nil {
		pre = nil
	}
	verified := e.verified
	return func(res *readResult) {
		if pre != nil && !(importing && verified[res.blob]) {
			pre(res.rec, res.body)
		}
		if importing {
			res.encoded, _ = data.Encode(res.rec)
		}
	}
}

// mergePlan is the hub's version of each record file a merge checks, in the
// merge's order, for reading ahead.
func mergePlan(diff []fileChange) readPlan {
	return readPlan{len(diff), func(i int) (plumbing.Hash, hubFile, bool) {
		c := diff[i]
		if c.SetAside != "" || c.To.IsZero() {
			return c.To, hubFile{}, false
		}
		hf, err := parseHubPath(c.Path)
		return c.To, hf, err == nil && !hf.Skip
	}}
}

// importPlan is each record file an import reads, in its order, for reading
// ahead.
func importPlan(items []change) readPlan {
	return readPlan{len(items), func(i int) (plumbing.Hash, hubFile, bool) {
		it := &items[i]
		return it.blob, it.hf, it.read()
	}}
}

// refusal is a file of the hub set aside, with the reason.
type refusal struct {
	Path, Reason string
	Blob         plumbing.Hash
	Retry        bool // the reason may pass later (a key not received yet)
}

// mergedFile is a record of this installation's organisation changed on two
// laptops at once: the branch keeps the greater version, and the field-level
// merge of both (out) is saved here as a local change, which the round signs
// as the next version.
type mergedFile struct {
	out []byte
}

// decision is what the local branch keeps at one path.
type decision struct {
	keep      plumbing.Hash
	refused   *refusal
	merged    *mergedFile
	conflicts []recordConflict
}

// version is one version of a file, checked.
type version struct {
	blob      plumbing.Hash
	rec       data.Record
	body      []byte
	reason    string // why it is not valid ("" = valid)
	temporary bool   // the reason may pass later
}

func (v version) valid() bool { return v.rec != nil && v.reason == "" }

// check reads and verifies one version of a record file: the static checks of
// readRecord, then the Verify hook against the version the database holds.
func (e *Engine) check(path string, hf hubFile, blob plumbing.Hash, prev data.Record) version {
	v := version{blob: blob}
	v.rec, v.body, v.reason = e.readRecord(blob, hf)
	if v.reason != "" {
		v.rec, v.temporary = nil, v.reason == reasonf(ReasonNoKey)
		return v
	}
	if e.opts.Verify != nil {
		if err := e.opts.Verify(e.store.DB(), v.rec, v.body, prev); err != nil {
			var tmp Temporary
			v.reason, v.temporary = err.Error(), errors.As(err, &tmp) && tmp.Temporary()
		} else if e.verified != nil && !data.CheckedAgainstOthers(v.rec) {
			e.verified[blob] = true
		}
	}
	return v
}

// choose decides one path where the local branch (mine) and the hub (theirs)
// differ; was is the file in their common ancestor, used only to tell what the
// hub changed and as the base of a merge when it is a valid older version.
//
//   - A file missing from the hub is not a deletion: the local version stays
//     (and goes back with the next push). Only a signed tombstone deletes.
//   - Of the valid versions the greater in the total order (signed version
//     counter, time, bytes) is kept: an older one is refused as a rollback.
//   - A version that cannot be checked yet (its organisation file or key has
//     not arrived) passes along when nothing valid stands against it: the
//     import holds it and checks it again at each sync.
//   - Two valid versions of a record of this installation's own organisation
//     are merged field by field, the result saved here and signed as the next
//     version; nobody else merges or signs another organisation's record.
func (e *Engine) choose(path string, was, mine, theirs plumbing.Hash, me data.Identity) (decision, error) {
	keepMine := decision{keep: mine}
	hf, perr := parseHubPath(path)
	switch {
	case path == FormatFile:
		keep, err := e.chooseFormat(mine, theirs)
		return decision{keep: keep}, err
	case perr == nil && hf.Skip:
		// Attachments are named by their content: any copy is as good, and a
		// missing one is not a deletion.
		if mine.IsZero() {
			return decision{keep: theirs}, nil
		}
		return keepMine, nil
	case perr != nil:
		if theirs.IsZero() {
			return keepMine, nil
		}
		return decision{keep: mine, refused: &refusal{Path: path, Reason: perr.Error(), Blob: theirs}}, nil
	}
	if e.erased[hf.ID] {
		// Erased: no version stays in the branch, and none comes in (erase.go).
		// The hub still holding the version both sides had is the erasure not
		// sent yet, not a problem to report; a version made since is refused.
		if theirs.IsZero() || theirs == was {
			return decision{}, nil
		}
		return decision{refused: &refusal{Path: path, Reason: reasonf(ReasonErased, hf.ID), Blob: theirs}}, nil
	}
	if theirs.IsZero() {
		if !was.IsZero() && !mine.IsZero() {
			e.logf("%s is missing from the hub: a file removed by hand is not a deletion, it is sent again", path)
			return decision{keep: mine, refused: &refusal{Path: path, Reason: reasonf(ReasonRemoved)}}, nil
		}
		return keepMine, nil
	}
	prev, err := e.store.Get(hf.ID)
	if errors.Is(err, data.ErrNotFound) {
		prev, err = nil, nil
	}
	if err != nil {
		return keepMine, nil // a local record that cannot be read is left alone
	}
	t := e.check(path, hf, theirs, prev)
	if mine.IsZero() {
		if t.valid() || t.temporary {
			return decision{keep: theirs}, nil
		}
		return decision{keep: mine, refused: &refusal{Path: path, Reason: t.reason, Blob: theirs}}, nil
	}
	o := e.check(path, hf, mine, prev)
	switch {
	case (t.valid() || t.temporary) && was.IsZero() && !e.orgOnHub && hf.Type == data.TypeOrg && hf.ID == me.Org:
		// This organisation's first file, published by another of its laptops
		// while this one's push of its own first file lost the race (several
		// laptops joining the same day). The file on the hub stands, as
		// partners may have pinned it already, as when this laptop syncs after
		// the other: until it lists this laptop (added there, and approved
		// here if it is signed by a key not listed here) nothing of this
		// laptop is sent. An organisation whose file this installation saw on
		// the hub before keeps restoring its own version over one it refuses.
		return decision{keep: theirs}, nil
	case t.valid() && o.valid():
		d := decision{keep: theirs}
		if keyOf(o.body).greater(keyOf(t.body)) {
			d.keep = mine
			if theirs != was && t.rec.Base().Version < o.rec.Base().Version {
				d.refused = &refusal{Path: path, Blob: theirs,
					Reason: reasonf(ReasonOlder, t.rec.Base().Version, fmtTime(t.rec.Base().Updated), o.rec.Base().Version)}
			}
		}
		if o.rec.Base().Org == me.Org {
			e.mergeOwn(&d, path, was, hf, prev, o, t)
		}
		return d, nil
	case o.valid():
		return decision{keep: mine, refused: &refusal{Path: path, Reason: t.reason, Blob: theirs, Retry: t.temporary}}, nil
	case t.valid():
		return decision{keep: theirs}, nil
	case t.temporary && (!o.temporary || keyOf(t.body).greater(keyOf(o.body))):
		return decision{keep: theirs}, nil
	}
	return decision{keep: mine, refused: &refusal{Path: path, Reason: t.reason, Blob: theirs, Retry: t.temporary}}, nil
}

// mergeOwn merges two valid versions of a record of this installation's
// organisation, the branch keeping the greater (d.keep). The base is the
// latest version both were made from, found by following the signed "prev"
// links (never a version the hub's history claims); without one, every field
// that differs is a conflict that the greater version wins.
func (e *Engine) mergeOwn(d *decision, path string, was plumbing.Hash, hf hubFile, prev data.Record, o, t version) {
	ob := e.ancestry(o.blob)
	var base []byte
	for _, h := range e.ancestryList(t.blob) {
		if !ob[h] {
			continue
		}
		switch h {
		case o.blob, t.blob:
			return // one was made from the other: the greater is the newer
		}
		if b := e.check(path, hf, h, prev); b.valid() && b.rec.Base().Org == o.rec.Base().Org {
			base = b.body
		}
		break
	}
	out, fcs := mergeRecord(base, o.body, t.body)
	if out == nil {
		return
	}
	if base == nil && t.rec.Base().Type == data.TypeOrg {
		// Two laptops that started the organisation file apart (the join of a
		// new laptop): the greater version's details win without asking.
		fcs = nil
	}
	rc := recordConflict{RecordID: hf.ID, RecordType: hf.Type, Title: recordTitle(t.rec)}
	var cs []recordConflict
	for _, fc := range fcs {
		c := rc
		c.fieldConflict = fc
		cs = append(cs, c)
	}
	// The values not kept travel in the merged version (settled.go).
	out, cs = settle(out, hf.ID, cs, o.body, t.body, e.whoseSides(o.body, t.body))
	d.conflicts = append(d.conflicts, cs...)
	kept := t.body
	if d.keep == o.blob {
		kept = o.body
	}
	if !bytes.Equal(out, kept) {
		d.merged = &mergedFile{out: out}
	}
}

// maxAncestry bounds how many versions back a merge looks for the version
// two laptops started from.
const maxAncestry = 64

// ancestryList is a version followed by the versions it was made from, newest
// first, as far as their files are in the repository (called locked).
func (e *Engine) ancestryList(h plumbing.Hash) []plumbing.Hash {
	var out []plumbing.Hash
	seen := map[plumbing.Hash]bool{}
	for !h.IsZero() && !seen[h] && len(out) < maxAncestry {
		seen[h] = true
		out = append(out, h)
		var m struct {
			Prev string `json:"prev"`
		}
		if json.Unmarshal(e.repo.readSmallBlob(h), &m) != nil || len(m.Prev) != 40 {
			break
		}
		h = plumbing.NewHash(m.Prev)
		if !e.repo.has(h) {
			break
		}
	}
	return out
}

func (e *Engine) ancestry(h plumbing.Hash) map[plumbing.Hash]bool {
	out := map[plumbing.Hash]bool{}
	for _, x := range e.ancestryList(h) {
		out[x] = true
	}
	return out
}

// chooseFormat keeps the hub's FORMAT when it is one this build writes, with
// its id (the hub's identity stays); a format 2 hub's FORMAT is moved to this
// format with its id; else the local one.
func (e *Engine) chooseFormat(mine, theirs plumbing.Hash) (plumbing.Hash, error) {
	if theirs.IsZero() {
		return mine, nil
	}
	v, id := parseFormat(e.repo.readSmallBlob(theirs))
	switch {
	case v == FormatVersion && id != "":
		return theirs, nil
	case v == formatSigned && id != "":
		return e.repo.writeBlob(formatFile(id))
	case mine.IsZero():
		return theirs, nil // format 1, or 2 without an id: ensureFormat completes it
	}
	return mine, nil
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

// incoming is one changed file of the local branch on its way into the
// database: the change as the import lists it, and the record read when its
// turn comes.
type incoming struct {
	change
	rec  data.Record
	body []byte
	// own is the field-level merge of two laptops' versions of a record of
	// this installation's organisation, saved as a local change (signed as
	// the next version before the push).
	own   []byte
	at    plumbing.Hash // the commit the file is imported from
	myOrg string
	// encoded is data.Encode(rec), when the read-ahead made it.
	encoded []byte
}

// change is one changed file as an import lists them all before reading any:
// what it keeps for each of 100,000 files of a first sync, so only what the
// path and the tree say.
type change struct {
	path   string
	id     string
	reason string // why it is quarantined
	blob   plumbing.Hash
	hf     hubFile // what the path says; the record is read when its turn comes
	gone   bool    // the file was removed
	retry  bool    // held in quarantine before, checked again
	forget bool    // held in quarantine before, no longer in the branch
	// retryable goes with a reason found before the import (a rebuild holds
	// back again what was held back): whether it may pass later.
	retryable bool
}

// read reports whether the import reads the file (else it is quarantined,
// released or left alone without reading).
func (c *change) read() bool { return !c.gone && !c.forget && c.reason == "" }

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
	if err := e.loadErased(ctx); err != nil {
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
	if err != nil || (to == from && len(conflicts) == 0 && len(retry) == 0 && len(e.refusals) == 0) {
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
	if err == nil {
		items, err = e.withMerged(items, to, merged)
	}
	e.repo.mu.Unlock()
	if err != nil {
		return 0, 0, explainLocal(err, e.repo.path)
	}
	me, err := e.store.Identity()
	if err != nil {
		return 0, 0, err
	}
	progress(Progress{Stage: "import", Total: len(items)})
	e.ahead = startReadAhead(e.repo.path, e.repo.keys, importPlan(items), e.prepare(true))
	defer func() { e.ahead.stop(); e.ahead = nil }()
	if e.ahead != nil { // a large import: memory.go
		defer limitMemory()()
	}
	now := fmtTime(time.Now())
	err = e.store.Tx(ctx, func(tx *data.Tx) error {
		received, quarantined = 0, 0
		sqlTx := tx.SQL()
		seen := map[string]string{}
		dels, err := newDeletionCount(tx, e.allowNow, len(items))
		if err != nil {
			return err
		}
		for i, c := range items {
			// Each record is read when its turn comes and dropped after, so an
			// import of 100,000 records holds one at a time.
			it := incoming{change: c}
			if it.read() {
				e.repo.mu.Lock()
				res := e.readFile(it.blob, it.hf)
				e.repo.mu.Unlock()
				it.rec, it.body, it.reason, it.encoded = res.rec, res.body, res.reason, res.encoded
				it.retryable = it.retryable || it.reason == reasonf(ReasonNoKey)
			}
			it.at, it.myOrg = to, me.Org
			if mf, ok := merged[it.path]; ok && it.rec != nil {
				it.own = mf.out
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
					e.report = append(e.report, Refused{Path: it.path, Reason: reason})
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
		// What the merge refused never reaches the branch: listed here with
		// its reason, counted once.
		for _, rf := range e.refusals {
			if hf, err := parseHubPath(rf.Path); err == nil && rf.Blob.IsZero() && e.erased[hf.ID] {
				// Taken out of the hub by its erasure, which this import
				// accepted: nothing to report.
				continue
			}
			if rf.Blob.IsZero() {
				e.report = append(e.report, Refused{Path: rf.Path, Reason: rf.Reason})
				continue
			}
			var known int
			if err := sqlTx.QueryRow("SELECT count(*) FROM sync_quarantine WHERE path = ? AND reason = ?", rf.Path, rf.Reason).Scan(&known); err != nil {
				return err
			}
			if known == 0 {
				quarantined++
				e.report = append(e.report, Refused{Path: rf.Path, Reason: rf.Reason})
				e.logf("refused %s: %s", rf.Path, rf.Reason)
			}
			if err := hold(tx, remote, incoming{change: change{path: rf.Path, blob: rf.Blob}}, to, rf.Reason, now, false); err != nil {
				return err
			}
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
	if _, err := tx.Exec(`INSERT INTO sync_quarantine(remote, path, commit_id, reason, seen, retry) VALUES(?, ?, ?, ?, ?, ?)
		ON CONFLICT(remote, path) DO UPDATE SET commit_id = excluded.commit_id, reason = excluded.reason, seen = excluded.seen, retry = excluded.retry`,
		remote, it.path, to.String(), reason, now, retry); err != nil {
		return err
	}
	return tx.KeepInLocalCopy(localCopyHeld, it.path, heldFile{Blob: it.blob.String(), Reason: reason, Retry: retry})
}

// release takes a file out of quarantine, if it was there.
func release(tx *data.Tx, path string) error {
	res, err := tx.Exec("DELETE FROM sync_quarantine WHERE path = ?", path)
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

// newDeletionCount starts the count for an import of files files. The shared
// records held are counted only for an import of more than massDeletion
// files: a smaller one cannot delete enough to stop, and the count reads the
// whole index (about 0.1 s at 100,000 records, which a one-note sync paid).
func newDeletionCount(tx *data.Tx, allowed bool, files int) (*deletionCount, error) {
	d := &deletionCount{off: allowed}
	if allowed || files <= massDeletion {
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
	if it.gone || it.rec == nil || !it.rec.Base().Deleted {
		return nil // a removed file deletes nothing: only tombstones count
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
		"if partners really deleted them, sync again and allow the deletions; if not, the hub may be damaged or restored from an old copy: ask its administrator", d.dels, d.total)
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
func (e *Engine) prepareImport(from, to, dirtyBase plumbing.Hash, retry []string) ([]change, plumbing.Hash, error) {
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
	items := make([]change, 0, len(changes))
	for _, c := range changes {
		it := change{path: c.Path, blob: c.To, gone: c.To.IsZero()}
		hf, perr := parseHubPath(c.Path)
		if c.SetAside != "" {
			// A link, gitlink, odd mode or too deep folder (folderhub: guarantee 6).
			if it.gone {
				continue
			}
			it.reason = c.SetAside
			items = append(items, it)
			continue
		}
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
		it := change{path: p, blob: blob, id: hf.ID, retry: true}
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

// withMerged adds to the import the records of this organisation merged this
// round whose file did not change in the branch (the branch kept the local
// version): their merge is still saved. Called with the repository locked.
func (e *Engine) withMerged(items []change, to plumbing.Hash, merged map[string]mergedFile) ([]change, error) {
	if len(merged) == 0 {
		return items, nil
	}
	listed := make(map[string]bool, len(items))
	for _, it := range items {
		listed[it.path] = true
	}
	tt, err := e.repo.commitTree(to)
	if err != nil {
		return nil, err
	}
	paths := make([]string, 0, len(merged))
	for p := range merged {
		if !listed[p] {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		hf, perr := parseHubPath(p)
		blob, err := e.repo.fileAt(tt, p)
		if err != nil {
			return nil, err
		}
		if perr != nil || blob.IsZero() {
			continue
		}
		items = append(items, change{path: p, blob: blob, id: hf.ID, hf: hf})
	}
	return items, nil
}

// readRecord reads a record file and checks it against its path; a non-empty
// reason means quarantine.
func (e *Engine) readRecord(blob plumbing.Hash, hf hubFile) (data.Record, []byte, string) {
	res := e.readFile(blob, hf)
	return res.rec, res.body, res.reason
}

// readFile is readRecord with what the read-ahead prepared of the file, if it
// read it (its canonical encoding, in an import).
func (e *Engine) readFile(blob plumbing.Hash, hf hubFile) readResult {
	if e.erased[hf.ID] {
		// Nothing of an erased record is read (the read-ahead skips it).
		return readResult{reason: reasonf(ReasonErased, hf.ID)}
	}
	return e.readRecordFile(blob, hf)
}

// readRecordFile is readFile without the erasures: from the read-ahead
// when it holds the file, else read here.
func (e *Engine) readRecordFile(blob plumbing.Hash, hf hubFile) readResult {
	if res, ok := e.ahead.take(blob, hf); ok {
		if res.body != nil {
			e.repo.recent.put(blob, res.body) // the merge reads it again for its attachments
		}
		return res
	}
	var res readResult
	res.rec, res.body, res.reason = readRecordIn(e.repo, blob, hf)
	return res
}

// unreadable is the reason for a file that cannot be read.
var unreadable = reasonf(ReasonUnreadable)

// readRecordIn is readRecord through the repository handle r.
func readRecordIn(r *repo, blob plumbing.Hash, hf hubFile) (data.Record, []byte, string) {
	size, err := r.blobSize(blob)
	if err != nil {
		return nil, nil, reasonf(ReasonUnreadable)
	}
	if size > MaxBlob {
		return nil, nil, reasonf(ReasonTooLarge, size>>10, MaxBlob>>10)
	}
	body, err := r.readBlob(blob)
	if err != nil {
		return nil, nil, reasonf(ReasonUnreadable)
	}
	if !utf8.Valid(body) {
		return nil, nil, reasonf(ReasonNotText)
	}
	if id, kh := data.SealedRecordID(body); id != "" {
		// Still sealed: its key is not here, or the file does not open with
		// the key its signed commitment names (changed by hand).
		var held [][]byte
		if r.keys != nil {
			held = r.keys.get(id)
		}
		for _, k := range held {
			if data.KeyCommitment(id, k) == kh {
				return nil, nil, reasonf(ReasonBadSeal)
			}
		}
		return nil, nil, reasonf(ReasonNoKey)
	}
	rec, err := data.Decode(body)
	if err != nil {
		return nil, nil, err.Error()
	}
	m := rec.Base()
	switch {
	case m.ID != hf.ID:
		return nil, nil, reasonf(ReasonIDMismatch, m.ID)
	case m.Type != hf.Type:
		return nil, nil, reasonf(ReasonWrongFolder, m.Type, folders[hf.Type])
	case m.Org == data.ToolkitOrg:
		return nil, nil, reasonf(ReasonToolkit)
	case hf.Month != "" && m.Created.UTC().Format("2006/01") != hf.Month:
		return nil, nil, reasonf(ReasonWrongMonth, m.Created.UTC().Format("2006/01"), hf.Month)
	case !data.AttachmentsValid(rec): // attachments.go
		return nil, nil, reasonf(ReasonAttachmentList)
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
	// The version held here, its bytes and whether it was edited here since
	// the last sync, in one query.
	prev, local, dirty, err := tx.Held(it.id)
	if errors.Is(err, data.ErrNotFound) {
		prev, local, dirty, err = nil, nil, false, nil
	}
	if err != nil {
		// A local record that cannot be read is left alone rather than overwritten.
		return false, reasonf(ReasonLocalUnreadable, it.id, err), nil
	}
	if it.gone {
		// A file missing from the branch is not a deletion: only a signed
		// tombstone deletes. The record stays as it is here.
		return false, "", nil
	}
	if e.erased[it.id] {
		return false, reasonf(ReasonErased, it.id), nil
	}
	if p, dup := seen[it.id]; dup {
		return false, reasonf(ReasonIDTaken, it.id, p), nil
	}
	if prev != nil && HubPath(prev) != it.path {
		return false, reasonf(ReasonIDTaken, it.id, HubPath(prev)), nil
	}
	if e.opts.Verify != nil {
		if err := e.verify(tx, &it, prev); err != nil {
			var tmp Temporary
			*retry = errors.As(err, &tmp) && tmp.Temporary()
			return false, err.Error(), nil
		}
	}
	seen[it.id] = it.path
	mode := data.PutHub
	if it.own != nil {
		// Merged here from two laptops' versions of a record of this
		// organisation: a local change, signed as the next version.
		rec, err := data.Decode(it.own)
		if err != nil {
			return false, "", nil
		}
		it.rec, it.body, it.encoded, mode = rec, it.own, nil, data.PutLocal
	}
	if bytes.Equal(local, it.body) {
		return false, "", nil
	}
	if local != nil && mode == data.PutHub {
		// Versions only move forward (DESIGN.md, guarantee 2). A local edit not
		// sent yet carries the version it was made on: a newer one is merged
		// into it, anything else is nothing new.
		if dirty && it.rec.Base().Version < prev.Base().Version {
			return false, "", nil
		}
		if !dirty && !newerBody(it.body, local) {
			return false, reasonf(ReasonOlderThan, it.rec.Base().Version, fmtTime(it.rec.Base().Updated), prev.Base().Version, fmtTime(prev.Base().Updated)), nil
		}
	}
	if !dirty || local == nil {
		if it.rec.Base().Org == it.myOrg { // settled.go
			if err := noteSettled(tx, prev, it.rec, it.body, fmtTime(time.Now())); err != nil {
				return false, "", err
			}
		}
		var err error
		if it.encoded != nil {
			err = tx.PutEncoded(it.rec, it.encoded, mode) // encoded ahead (prepare)
		} else {
			err = tx.Put(it.rec, mode)
		}
		if err != nil {
			return false, "", err
		}
		return true, "", e.applyErasure(tx, it.rec)
	}
	if _, isOrg := it.rec.(*data.Organisation); isOrg && it.id == it.myOrg && prev.Base().Version == 0 && mode == data.PutHub {
		// This installation's organisation file as 'init' made it, never
		// published: the version of a listed laptop replaces it.
		if err := tx.Put(it.rec, data.PutHub); err != nil {
			return false, "", err
		}
		_, err := tx.MarkSent(it.id, it.rec.Base().Updated)
		return true, "", err
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
	// The value not kept waits for the user, as in a merge of the branches,
	// and travels in the merged version to the organisation's other laptops
	// (settled.go).
	now := fmtTime(time.Now())
	var cs []recordConflict
	for _, fc := range fcs {
		cs = append(cs, recordConflict{fieldConflict: fc, RecordID: it.id, RecordType: rec.Base().Type, Title: recordTitle(rec)})
	}
	if rec.Base().Org == it.myOrg {
		merged, cs = settle(merged, it.id, cs, local, it.body, e.whoseSides(local, it.body))
		if rec, err = data.Decode(merged); err != nil {
			return false, "", nil
		}
	}
	for _, c := range cs {
		if err := insertConflict(tx, c, now); err != nil {
			return false, "", err
		}
	}
	if rec.Base().Org == it.myOrg {
		if err := noteSettled(tx, prev, rec, merged, now); err != nil {
			return false, "", err
		}
	}
	if bytes.Equal(merged, local) {
		return false, "", nil
	}
	return true, "", tx.Put(rec, data.PutLocal)
}

// verify checks a file with the Verify hook, unless the merge of this round
// verified the same file against the same record already (a first import of a
// whole hub then checks each signature once).
func (e *Engine) verify(tx *data.Tx, it *incoming, prev data.Record) error {
	if e.verified[it.blob] {
		return nil
	}
	return e.opts.Verify(tx, it.rec, it.body, prev)
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
	id := c.ID
	if id == "" {
		id = data.NewID()
	}
	row := conflictRow{ID: id, RecordID: c.RecordID, RecordType: c.RecordType, Title: c.Title, Field: c.Field,
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
		ON CONFLICT(id) DO UPDATE SET mine = excluded.mine, theirs = excluded.theirs, mine_json = excluded.mine_json,
			theirs_json = excluded.theirs_json, kept = excluded.kept, resolved = excluded.resolved`, c.ID, c.RecordID, c.RecordType, c.Title, c.Field,
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
