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
	return out, rows.Err()
}

// Resolve settles a conflict: keep "mine" or "theirs". When the choice differs
// from what the merge kept, the chosen value is written as a new local edit
// (pending for the next sync); either way the conflict is marked resolved.
func (e *Engine) Resolve(ctx context.Context, conflictID, keep string) error {
	if keep != "mine" && keep != "theirs" {
		return fmt.Errorf("keep must be mine or theirs, not %q", keep)
	}
	return e.store.Tx(ctx, func(tx *data.Tx) error {
		var recordID, field, mineJSON, theirsJSON, kept, resolved string
		err := tx.SQL().QueryRow(`SELECT record_id, field, mine_json, theirs_json, kept, resolved FROM sync_conflicts WHERE id = ?`, conflictID).
			Scan(&recordID, &field, &mineJSON, &theirsJSON, &kept, &resolved)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("no conflict has the id %s (see 'vademecum-cli conflicts')", conflictID)
		}
		if err != nil {
			return err
		}
		if resolved != "" {
			return fmt.Errorf("conflict %s was already resolved", conflictID)
		}
		if keep != kept {
			v := mineJSON
			if keep == "theirs" {
				v = theirsJSON
			}
			if err := rewriteField(tx, recordID, field, v); err != nil {
				return err
			}
		}
		_, err = tx.SQL().Exec("UPDATE sync_conflicts SET resolved = ? WHERE id = ?", fmtTime(time.Now())+" "+keep, conflictID)
		return err
	})
}

// rewriteField sets one field of a record to a JSON value ("" = absent) as a
// local edit with a fresh time stamp.
func rewriteField(tx *data.Tx, id, field, value string) error {
	body, err := tx.GetBody(id)
	if errors.Is(err, data.ErrNotFound) {
		return fmt.Errorf("the record %s of this conflict is no longer here", id)
	}
	if err != nil {
		return err
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
