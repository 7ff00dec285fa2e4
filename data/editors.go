package data

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Editor is an organisation that may accept or reject proposals.
type Editor struct {
	Org     string    `json:"org"`
	Since   time.Time `json:"since"`
	AddedBy string    `json:"added_by"` // the organisation that added it (itself for the first editor)
}

// editorLog is the editor list's history as held here: its changes, oldest
// first.
type editorLog []*EditorChange

func editorLogIn(ctx context.Context, q Querier) (editorLog, error) {
	// In the order they were stored here: the first founding held is the one
	// pinned (see founding).
	recs, err := decodeAllIn(ctx, q, "SELECT body FROM records WHERE type = ? AND deleted = 0 ORDER BY rid", TypeEditors)
	if err != nil {
		return nil, err
	}
	var log editorLog
	for _, r := range recs {
		if c, ok := r.(*EditorChange); ok {
			if c.Action == EditorFound && log.founding() != nil {
				continue // a later founding held here (verified before the first one arrived) founds nothing
			}
			log = append(log, c)
		}
	}
	sort.SliceStable(log, func(i, j int) bool {
		if !log[i].Updated.Equal(log[j].Updated) {
			return log[i].Updated.Before(log[j].Updated)
		}
		return log[i].ID < log[j].ID
	})
	return log, nil
}

// founding is the first editor's record: the first "found" stored here
// (CheckNetwork refuses any other; editorLogIn drops one that slipped in).
func (l editorLog) founding() *EditorChange {
	for _, c := range l {
		if c.Action == EditorFound {
			return c
		}
	}
	return nil
}

// at replays the log up to and including time t: a change counts only when
// the organisation that signed it was an editor just before it.
func (l editorLog) at(t time.Time) []Editor {
	f := l.founding()
	if f == nil {
		return nil
	}
	var eds []Editor
	has := func(org string) int {
		for i, e := range eds {
			if e.Org == org {
				return i
			}
		}
		return -1
	}
	for _, c := range l {
		if c.Updated.After(t) {
			break
		}
		switch {
		case c == f:
			eds = append(eds, Editor{Org: f.Org, Since: f.Updated, AddedBy: f.Org})
		case has(c.Org) < 0:
			// Signed by an organisation that was no editor then: no effect.
		case c.Action == EditorAdd && has(c.Editor) < 0:
			eds = append(eds, Editor{Org: c.Editor, Since: c.Updated, AddedBy: c.Org})
		case c.Action == EditorRemove && len(eds) > 1:
			if i := has(c.Editor); i >= 0 {
				eds = append(eds[:i], eds[i+1:]...)
			}
		}
	}
	return eds
}

func isEditor(eds []Editor, org string) bool {
	for _, e := range eds {
		if e.Org == org {
			return true
		}
	}
	return false
}

// farFuture is "now and later" for the editor list.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// Editors returns the hub's editors as the editor list held here says, by
// the time they became editors.
func (s *Store) Editors(ctx context.Context) ([]Editor, error) {
	log, err := editorLogIn(ctx, s.db)
	if err != nil {
		return nil, err
	}
	return log.at(farFuture), nil
}

// IsEditor reports whether this installation's organisation is an editor.
func (s *Store) IsEditor(ctx context.Context) (bool, error) {
	me, err := s.Identity()
	if err != nil {
		return false, err
	}
	eds, err := s.Editors(ctx)
	return isEditor(eds, me.Org), err
}

// FoundEditors makes this installation's organisation the first editor of
// the network, unless an editor list is held here already: called when this
// installation sets up a hub (its first push to an empty one). hub is the
// hub's id.
func (s *Store) FoundEditors(ctx context.Context, hub string) error {
	me, err := s.Identity()
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.tx.QueryRow("SELECT count(*) FROM record_index WHERE type = ?", TypeEditors).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		return putEditorChange(tx, me, EditorFound, me.Org, hub)
	})
}

func putEditorChange(tx *Tx, me Identity, action, org, hub string) error {
	c := &EditorChange{Action: action, Editor: org, Hub: hub}
	c.ID, c.Claim = NewRecordID(me.Org)
	c.Type, c.Org, c.Author = TypeEditors, me.Org, me.User
	c.Created = Now()
	c.Updated = c.Created
	return tx.Put(c, PutLocal)
}

// ChangeEditors adds (add = true) or removes an editor. Only an editor may;
// the organisation must be known here, and the last editor stays.
func (s *Store) ChangeEditors(ctx context.Context, org string, add bool) error {
	me, err := s.Identity()
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		log, err := editorLogIn(ctx, tx)
		if err != nil {
			return err
		}
		eds := log.at(farFuture)
		switch {
		case log.founding() == nil:
			return ErrNoEditors
		case !isEditor(eds, me.Org):
			return ErrNotEditor
		case add && isEditor(eds, org):
			return ErrAlreadyEditor
		case !add && !isEditor(eds, org):
			return ErrNotAnEditor
		case !add && len(eds) == 1:
			return ErrLastEditor
		}
		if add {
			if r, err := tx.Get(org); err != nil || r.Base().Type != TypeOrg {
				return ErrNotOrg
			}
		}
		action := EditorRemove
		if add {
			action = EditorAdd
		}
		return putEditorChange(tx, me, action, org, "")
	})
}

// NetworkRefusal is why a record of the living toolkit from a hub is not
// accepted: a review or editor-list change signed by an organisation that
// was no editor, or a second founding of the editor list. Pending reports
// whether it may pass later (no editor list is held yet).
type NetworkRefusal struct {
	Record, Org string
	Founding    string // the organisation that founded the list, for a second founding
	Pending     bool
}

func (e *NetworkRefusal) Error() string {
	switch {
	case e.Founding != "":
		return networkReasons.Text(ReasonSecondFounding, e.Org, e.Founding)
	case e.Pending:
		return networkReasons.Text(ReasonNoEditorList, e.Record, e.Org)
	}
	return networkReasons.Text(ReasonNotEditor, e.Org)
}

// Temporary: a refusal for want of the editor list is checked again at the
// next syncs (see sync.Temporary).
func (e *NetworkRefusal) Temporary() bool { return e.Pending }

// CheckNetwork is the living toolkit's rule for a record from a hub, after
// its signature was checked: a review or a change of the editor list counts
// only if its organisation was an editor when it signed it, and the editor
// list is founded once. q is where it reads (the import's transaction).
func CheckNetwork(q Querier, r Record) error {
	var signedAt time.Time
	switch v := r.(type) {
	case *Erasure:
		return checkErasure(q, v)
	case *Review:
		signedAt = v.Updated
	case *EditorChange:
		signedAt = v.Updated
	default:
		return nil
	}
	m := r.Base()
	if rv, ok := r.(*Review); ok {
		if err := checkReview(rv); err != nil {
			return err
		}
	}
	log, err := editorLogIn(context.Background(), q)
	if err != nil {
		return err
	}
	// The record's own earlier version does not vouch for it.
	kept := log[:0:0]
	for _, c := range log {
		if c.ID != m.ID {
			kept = append(kept, c)
		}
	}
	log = kept
	f := log.founding()
	if c, ok := r.(*EditorChange); ok && c.Action == EditorFound {
		// The first founding held here is pinned: another one, whatever its
		// date, founds nothing (docs/hub-format.md, "Editors").
		if f != nil {
			return &NetworkRefusal{Record: m.Type, Org: m.Org, Founding: f.Org}
		}
		return nil
	}
	if f == nil {
		return &NetworkRefusal{Record: m.Type, Org: m.Org, Pending: true}
	}
	if !isEditor(log.at(signedAt), m.Org) {
		return &NetworkRefusal{Record: m.Type, Org: m.Org}
	}
	return nil
}

// CheckedAgainstOthers reports whether CheckNetwork judges r by other records
// (the editor list): such a record is checked again when it is imported, in
// the import's order, rather than once for the whole sync round.
func CheckedAgainstOthers(r Record) bool {
	switch r.(type) {
	case *Review, *EditorChange, *Erasure:
		return true
	}
	return false
}

// checkErasure is the rule of an erasure notice: it counts when its
// organisation owns the erased record, or was an editor when it signed it.
// The notice names the record's organisation; when the record is held here,
// that must be its organisation.
func checkErasure(q Querier, n *Erasure) error {
	if n.Record == "" || n.RecordOrg == "" || n.Reason == "" ||
		(BoundID(n.Record) && !IDBelongsTo(n.Record, n.RecordOrg, n.RecordClaim)) {
		return &ErasureRefusal{Org: n.Org, RecordOrg: n.RecordOrg, Bad: true}
	}
	var held string
	if err := q.QueryRow("SELECT org FROM record_index WHERE id = ?", n.Record).Scan(&held); err == nil && held != n.RecordOrg {
		return &ErasureRefusal{Org: n.Org, RecordOrg: n.RecordOrg, Bad: true}
	}
	if n.Org == n.RecordOrg {
		return nil
	}
	log, err := editorLogIn(context.Background(), q)
	if err != nil {
		return err
	}
	if log.founding() == nil {
		return &ErasureRefusal{Org: n.Org, RecordOrg: n.RecordOrg, Pending: true}
	}
	if !isEditor(log.at(n.Updated), n.Org) {
		return &ErasureRefusal{Org: n.Org, RecordOrg: n.RecordOrg}
	}
	return nil
}

// ErasureRefusal says why an erasure notice of a hub does not count: signed by
// an organisation that neither owns the record nor was an editor, a notice
// that names no record or reason (or the wrong owner), or, while the editor
// list has not been received, one that needs it (checked again later).
type ErasureRefusal struct {
	Org, RecordOrg string
	Bad, Pending   bool
}

func (e *ErasureRefusal) Error() string {
	switch {
	case e.Bad:
		return networkReasons.Text(ReasonBadErasure, e.Org)
	case e.Pending:
		return networkReasons.Text(ReasonNoEditorList, TypeErasure, e.Org)
	}
	return networkReasons.Text(ReasonNotEraser, e.Org, e.RecordOrg)
}

// Temporary: see NetworkRefusal.
func (e *ErasureRefusal) Temporary() bool { return e.Pending }

// BadReviewError says a review is not one an editor's installation makes:
// an unknown verdict, or an accepted entry that is not a valid tool or guide.
type BadReviewError struct{ Err error }

func (e *BadReviewError) Error() string { return networkReasons.Text(ReasonBadReview, e.Err) }
func (e *BadReviewError) Unwrap() error { return e.Err }

// checkReview checks a review's own content.
func checkReview(rv *Review) error {
	switch {
	case rv.Verdict == Rejected:
		return nil
	case rv.Verdict != Accepted:
		return &BadReviewError{fmt.Errorf("verdict %q", rv.Verdict)}
	case !slugRe.MatchString(rv.Target):
		return &BadReviewError{fmt.Errorf("entry id %q", rv.Target)}
	case rv.Kind == KindTool && rv.Tool != nil && rv.Guide == nil:
		if err := ValidateTool(rv.Tool); err != nil {
			return &BadReviewError{err}
		}
	case rv.Kind == KindGuide && rv.Guide != nil && rv.Tool == nil:
		if err := ValidateGuide(rv.Guide); err != nil {
			return &BadReviewError{err}
		}
	default:
		return &BadReviewError{fmt.Errorf("kind %q without its entry", rv.Kind)}
	}
	return nil
}
