package data

import (
	"database/sql"
	"errors"
	"time"
)

// Dirty reports whether the record id was changed on this installation since it
// was last handed to sync (false when there is no such record).
func (tx *Tx) Dirty(id string) (bool, error) {
	st, err := tx.stmt("SELECT dirty FROM record_index WHERE id = ?")
	if err != nil {
		return false, err
	}
	var dirty bool
	err = st.QueryRow(id).Scan(&dirty)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return dirty, err
}

// MarkSent clears the pending flag of id when its version is still the one of
// time updated (a later edit stays pending for the next round). It reports
// whether it did.
func (tx *Tx) MarkSent(id string, updated time.Time) (bool, error) {
	res, err := tx.exec("UPDATE record_index SET dirty = 0 WHERE id = ? AND updated = ?", id, fmtTime(updated))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
