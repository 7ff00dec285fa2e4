package data

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"time"
)

// TypeErasure is an erasure notice (hub format 4): who erased which record,
// when and why, with no content of the record.
const TypeErasure = "erasure"

// Erasure is a signed erasure notice, a record of the organisation that
// erased (Meta.Org; Meta.Author is the person). It counts only when that
// organisation owns the record (RecordOrg) or was an editor when it signed
// (CheckNetwork). An accepted notice deletes the record's key and content on
// every installation, and any later version of it is refused.
type Erasure struct {
	Meta
	Record    string `json:"record"`
	RecordOrg string `json:"record_org"`
	// RecordClaim is the erased record's claim (Meta.Claim): with it, a notice
	// cannot say that another organisation's record is its own.
	RecordClaim string `json:"record_claim,omitempty"`
	Path        string `json:"path,omitempty"` // the record's file in the hub
	Reason      string `json:"reason"`
}

// Problems with an erasure, worded by the front ends.
var (
	ErrNotEraser      = errors.New("only the record's organisation or an editor may erase it")
	ErrErased         = errors.New("the record was erased")
	ErrEraseReason    = errors.New("an erasure needs a reason")
	ErrNothingToErase = errors.New("no practice or comment has this id")
)

// ErasureView is an erasure as listings show it.
type ErasureView struct {
	ID     string    `json:"id"` // the erased record
	By     string    `json:"by"`
	Org    string    `json:"org"`
	When   time.Time `json:"when"`
	Reason string    `json:"reason"`
}

// Erase erases the practice or comment id here and writes the notice that
// makes every installation erase it: by its owner, or by an editor of the
// network for any record. pathOf says where the record's file is in the hub.
func (s *Store) Erase(ctx context.Context, id, reason string, pathOf func(Record) string) (*Erasure, error) {
	me, err := s.Identity()
	if err != nil {
		return nil, err
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if reason == "" {
		return nil, ErrEraseReason
	}
	var n *Erasure
	err = s.Tx(ctx, func(tx *Tx) error {
		r, err := tx.Get(id)
		if errors.Is(err, ErrNotFound) {
			if erased, _ := tx.Erased(id); erased {
				return ErrErased
			}
			return ErrNothingToErase
		} else if err != nil {
			return err
		}
		m := r.Base()
		if !Sealed(m.Type) {
			return ErrNothingToErase
		}
		now := Now()
		if m.Org != me.Org {
			log, err := editorLogIn(ctx, tx.tx)
			if err != nil {
				return err
			}
			if !isEditor(log.at(now), me.Org) {
				return ErrNotEraser
			}
		}
		n = &Erasure{Record: m.ID, RecordOrg: m.Org, RecordClaim: m.Claim, Path: pathOf(r), Reason: reason}
		n.ID, n.Claim = NewRecordID(me.Org)
		n.Type, n.Org, n.Author = TypeErasure, me.Org, me.User
		n.Created, n.Updated = now, now
		if err := tx.Put(n, PutLocal); err != nil {
			return err
		}
		return tx.ApplyErasure(n)
	})
	if err != nil {
		return nil, err
	}
	return n, s.Scrub(ctx)
}

// ErasedUnscrubbed reports whether an erasure was applied since the last
// Scrub finished (a crash in between): the next sync scrubs.
func (s *Store) ErasedUnscrubbed() bool {
	v, _ := s.Setting(settingScrub)
	return v != ""
}

// settingScrub is set by an erasure and cleared by Scrub.
const settingScrub = "erasure_scrub_pending"

// Erased reports whether the record id was erased here.
func (tx *Tx) Erased(id string) (bool, error) {
	var n int
	err := tx.tx.QueryRow("SELECT count(*) FROM erased WHERE id = ?", id).Scan(&n)
	return n > 0, err
}

// ErasedPaths returns the hub paths of the records erased here, so that sync
// takes them out of its branch.
func (s *Store) ErasedPaths(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT path FROM erased WHERE path != ''")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out[p] = true
	}
	return out, rows.Err()
}

// ErasedIDs returns the ids of the records erased here.
func (s *Store) ErasedIDs(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id FROM erased")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// ApplyErasure carries out an accepted erasure notice here: the record's keys,
// its row, body, filter terms, search entry, conflicts and settled values go,
// its attached files leave the data directory (unless another record lists
// them), the local copy is rewritten without it, and a row says it was
// erased. The file bytes freed are overwritten when the store scrubs (Scrub).
func (tx *Tx) ApplyErasure(n *Erasure) error {
	if _, err := tx.exec("INSERT INTO erased(id, notice, path) VALUES(?, ?, ?) ON CONFLICT(id) DO NOTHING", n.Record, n.ID, n.Path); err != nil {
		return err
	}
	if _, err := tx.exec("DELETE FROM record_keys WHERE id = ?", n.Record); err != nil {
		return err
	}
	r, err := tx.Get(n.Record)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if p, ok := r.(*Practice); ok {
		for _, a := range p.Attachments {
			var others int
			if err := tx.tx.QueryRow(`SELECT count(*) FROM record_terms t JOIN record_index i ON i.rid = t.rid
				WHERE t.kind = 'attachment' AND t.value = ? AND i.id != ?`, a.SHA256, n.Record).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				tx.removeFiles = append(tx.removeFiles, a.SHA256)
			}
		}
	}
	var rid int64
	if err := tx.tx.QueryRow("SELECT rid FROM record_index WHERE id = ?", n.Record).Scan(&rid); err != nil {
		return err
	}
	tx.fts = append(tx.fts, ftsOp{rid: rid})
	for _, q := range []string{
		"DELETE FROM record_index WHERE id = ?",
		"DELETE FROM sync_conflicts WHERE record_id = ?",
	} {
		if _, err := tx.exec(q, n.Record); err != nil && !strings.Contains(err.Error(), "no such") {
			return err
		}
	}
	tx.rewriteLocal = true
	_, err = tx.exec("INSERT INTO settings(key, value) VALUES(?, '1') ON CONFLICT(key) DO UPDATE SET value = '1'", settingScrub)
	return err
}

// Scrub overwrites what erasures freed in the database file: the search
// index is merged (so no segment keeps an erased word), the file is rebuilt
// (VACUUM: no free page keeps erased text) and the write-ahead log emptied.
// It costs a rewrite of the database, and runs only after an erasure.
func (s *Store) Scrub(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", settingScrub); err != nil {
		return err
	}
	for _, q := range []string{
		"PRAGMA secure_delete = ON",
		"INSERT INTO journal_fts(journal_fts) VALUES('optimize')",
		"PRAGMA wal_checkpoint(TRUNCATE)",
		"VACUUM",
		"PRAGMA wal_checkpoint(TRUNCATE)",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// removeErasedFiles deletes the attached files an erasure freed, and what
// this process keeps of their text, once the transaction is committed.
func (s *Store) removeErasedFiles(shas []string) {
	pdfTexts.Lock()
	for _, sha := range shas {
		delete(pdfTexts.m, sha) // the text the privacy guard read in it
	}
	pdfTexts.Unlock()
	for _, sha := range shas {
		if p := s.AttachmentPath(sha); p != "" {
			os.Remove(p)
		}
	}
}

// Erasures lists the erasures held here, newest first.
func (s *Store) Erasures(ctx context.Context) ([]ErasureView, error) {
	recs, err := s.decodeAll(ctx, "SELECT body FROM records WHERE type = ? ORDER BY updated DESC", TypeErasure)
	if err != nil {
		return nil, err
	}
	out := []ErasureView{}
	for _, r := range recs {
		if n, ok := r.(*Erasure); ok {
			out = append(out, ErasureView{ID: n.Record, By: n.Author, Org: n.Org, When: n.Updated, Reason: n.Reason})
		}
	}
	return out, nil
}

// RecordKeys returns the keys held for record id.
func RecordKeys(q Querier, id string) ([][]byte, error) {
	rows, err := q.Query("SELECT key FROM record_keys WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var k []byte
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// AllRecordKeys returns every record key held here, by record id.
func (s *Store) AllRecordKeys(ctx context.Context) (map[string][][]byte, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, key FROM record_keys ORDER BY id, key")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][][]byte{}
	for rows.Next() {
		var id string
		var k []byte
		if err := rows.Scan(&id, &k); err != nil {
			return nil, err
		}
		out[id] = append(out[id], k)
	}
	return out, rows.Err()
}

// AddRecordKeys keeps keys offered for records (by this installation, or by a
// hub's key branch): never for a record erased here. A key that does not match
// its record's commitment is kept but never used (OpenSealed picks by commitment).
func (s *Store) AddRecordKeys(ctx context.Context, keys map[string][][]byte) (added int, err error) {
	err = s.Tx(ctx, func(tx *Tx) error {
		for id, ks := range keys {
			for _, k := range ks {
				if len(k) != KeySize {
					continue
				}
				res, err := tx.exec("INSERT INTO record_keys(id, key) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM erased WHERE id = ?) ON CONFLICT DO NOTHING", id, k, id)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					added++
				}
			}
			held, err := RecordKeys(tx, id)
			if err != nil {
				return err
			}
			if len(held) > 0 {
				// A rebuilt database finds them in the local copy.
				if err := tx.KeepInLocalCopy(LocalCopyKeys, id, held); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return added, err
}

// LocalCopyKeys is the kind of the record keys the local copy keeps (each
// record's keys as a list, by record id): a rewrite takes them from the
// database, so an erased record's key leaves the file with it.
const LocalCopyKeys = "record-keys"

// KeysFromLocalCopy returns the record keys the local copy keeps.
func (lc *LocalCopy) KeysFromLocalCopy() map[string][][]byte {
	out := map[string][][]byte{}
	for id, raw := range lc.Kept[LocalCopyKeys] {
		var ks [][]byte
		if json.Unmarshal(raw, &ks) == nil {
			out[id] = ks
		}
	}
	return out
}
