package data

import (
	"context"
	"time"
)

// Outgoing is a locally changed record that sync may send to a hub.
type Outgoing struct {
	ID      string
	Type    string
	Org     string
	Updated time.Time
	Deleted bool
	Body    []byte // canonical JSON
}

// ToolkitOrg owns the content shipped inside the app. Its records are the same on
// every installation and never travel through a hub: local edits of them stay local.
const ToolkitOrg = "vademecum"

// Pending returns the records changed here since they were last handed to sync
// that may leave the device: shared practices and comments, and organisations,
// tools and guides of this installation's organisation. Drafts and org-only
// records are never returned (invariant 4).
func (s *Store) Pending(ctx context.Context) ([]Outgoing, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, type, org, updated, deleted, body FROM records
		WHERE dirty = 1 AND visibility = 'shared' AND org != ? ORDER BY rid`, ToolkitOrg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Outgoing
	for rows.Next() {
		var o Outgoing
		var updated, body string
		if err := rows.Scan(&o.ID, &o.Type, &o.Org, &updated, &o.Deleted, &body); err != nil {
			return nil, err
		}
		o.Updated, o.Body = parseTime(updated), []byte(body)
		out = append(out, o)
	}
	return out, rows.Err()
}

// ClearPending marks records as handed to sync, unless they changed again since
// (their updated time moved on): such an edit stays pending for the next round.
func (s *Store) ClearPending(ctx context.Context, sent []Outgoing) error {
	return s.Tx(ctx, func(tx *Tx) error {
		for _, o := range sent {
			if _, err := tx.MarkSent(o.ID, o.Updated); err != nil {
				return err
			}
		}
		return nil
	})
}
