package sync

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"vademecum/data"
)

// Conflict is a field two installations changed to different values. The merge
// kept one (Kept) by a rule every replica applies the same way; the other waits
// here for the user to swap them if the rule chose wrong.
type Conflict struct {
	ID         string    `json:"id"`
	RecordID   string    `json:"record_id"`
	RecordType string    `json:"record_type"`
	Title      string    `json:"title"`
	Field      string    `json:"field"`
	Mine       string    `json:"mine"`
	Theirs     string    `json:"theirs"`
	Kept       string    `json:"kept"` // "mine" or "theirs"
	Kind       string    `json:"kind"` // "field" or "edit-delete"
	Created    time.Time `json:"created"`
	// By is whose value was not kept, when a laptop of this organisation
	// settled it (settled.go): a person's name or a laptop's.
	By string `json:"by,omitempty"`
}

// Conflicts lists the unresolved conflicts, oldest first.
func (e *Engine) Conflicts(ctx context.Context) ([]Conflict, error) {
	rows, err := e.store.DB().QueryContext(ctx, `SELECT id, record_id, record_type, title, field, mine, theirs, kept, kind, created
		FROM sync_conflicts WHERE resolved = '' ORDER BY created, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Conflict{}
	for rows.Next() {
		var c Conflict
		var created string
		if err := rows.Scan(&c.ID, &c.RecordID, &c.RecordType, &c.Title, &c.Field, &c.Mine, &c.Theirs, &c.Kept, &c.Kind, &created); err != nil {
			return nil, err
		}
		c.Created = parseTime(created)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if rec, err := e.store.Get(out[i].RecordID); err == nil {
			out[i].By = settledBy(rec, out[i].ID)
		}
	}
	return out, nil
}

// Resolve settles a conflict: keep "mine" or "theirs". When the choice differs
// from what the merge kept, the chosen value is written as a new local edit
// (pending for the next sync); either way the conflict is marked resolved.
func (e *Engine) Resolve(ctx context.Context, conflictID, keep string) error {
	if keep != "mine" && keep != "theirs" {
		return fmt.Errorf("keep must be mine or theirs, not %q", keep)
	}
	return e.store.Tx(ctx, func(tx *data.Tx) error {
		var c conflictRow
		err := tx.SQL().QueryRow(`SELECT id, record_id, record_type, title, field, mine, theirs, mine_json, theirs_json, kept, kind, created, resolved
			FROM sync_conflicts WHERE id = ?`, conflictID).
			Scan(&c.ID, &c.RecordID, &c.RecordType, &c.Title, &c.Field, &c.Mine, &c.Theirs, &c.MineJSON, &c.TheirsJSON, &c.Kept, &c.Kind, &c.Created, &c.Resolved)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Error(ErrNoSuchConflict, conflictID)
		}
		if err != nil {
			return err
		}
		if c.Resolved != "" {
			return fmt.Errorf("conflict %s was already resolved", conflictID)
		}
		if keep != c.Kept {
			v := c.MineJSON
			if keep == "theirs" {
				v = c.TheirsJSON
			}
			if err := e.rewriteField(tx, c.RecordID, c.Field, v); err != nil {
				return err
			}
		}
		// The organisation's other laptops close it too (settled.go).
		if err := e.dropSettled(tx, c.RecordID, c.ID); err != nil {
			return err
		}
		c.Resolved = fmtTime(time.Now()) + " " + keep
		return c.save(tx)
	})
}

// rewriteField sets one field of a record to a JSON value ("" = absent) as a
// local edit with a fresh time stamp.
func (e *Engine) rewriteField(tx *data.Tx, id, field, value string) error {
	body, err := tx.GetBody(id)
	if errors.Is(err, data.ErrNotFound) {
		return fmt.Errorf("the record %s of this conflict is no longer here", id)
	}
	if err != nil {
		return err
	}
	// Only the owner's installations change a record (others' edits would be
	// refused by every partner): a conflict in a partner's record, met when
	// merging two hubs, can only be dismissed.
	if cur, err := data.Decode(body); err == nil {
		me, err := e.store.Identity()
		if err != nil {
			return err
		}
		if org := cur.Base().Org; org != me.Org && org != "" {
			return fmt.Errorf("this record belongs to %s: only %s can change it (resolve it by keeping the value the merge kept, which dismisses the conflict)", org, org)
		}
	}
	var v json.RawMessage
	if value != "" {
		v = json.RawMessage(value)
	}
	nb, err := setField(body, field, v)
	if err != nil {
		return err
	}
	rec, err := data.Decode(nb)
	if err != nil {
		return fmt.Errorf("the chosen value does not fit the record %s: %w", id, err)
	}
	m := rec.Base()
	now := data.Now()
	if !now.After(m.Updated) {
		now = m.Updated.Add(time.Millisecond)
	}
	m.Updated, m.Sig = now, ""
	return tx.Put(rec, data.PutLocal)
}

// QuarantineItem is a file of a hub that was not imported, and why.
type QuarantineItem struct {
	Remote string    `json:"remote"`
	Path   string    `json:"path"`
	Commit string    `json:"commit"`
	Reason string    `json:"reason"`
	Seen   time.Time `json:"seen"`
}

// Quarantined lists the files held back from hubs, by remote and path.
func (e *Engine) Quarantined(ctx context.Context) ([]QuarantineItem, error) {
	rows, err := e.store.DB().QueryContext(ctx, "SELECT remote, path, commit_id, reason, seen FROM sync_quarantine ORDER BY remote, path")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []QuarantineItem{}
	for rows.Next() {
		var q QuarantineItem
		var seen string
		if err := rows.Scan(&q.Remote, &q.Path, &q.Commit, &q.Reason, &seen); err != nil {
			return nil, err
		}
		q.Seen = parseTime(seen)
		out = append(out, q)
	}
	return out, rows.Err()
}
