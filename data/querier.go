package data

import (
	"context"
	"database/sql"
	"errors"
)

// Querier runs SQL where the caller stands: the database (Store.DB) outside a
// transaction, the transaction (*Tx) inside one. Work done on behalf of a
// transaction goes through it, never through another connection: SQLite has
// one writer, so a second connection would wait for the very transaction that
// waits for it (a sync with a pool of one connection proves none does).
type Querier interface {
	Exec(query string, args ...any) (sql.Result, error)
	Query(query string, args ...any) (*sql.Rows, error)
	QueryRow(query string, args ...any) *sql.Row
}

var (
	_ Querier = (*sql.DB)(nil)
	_ Querier = (*Tx)(nil)
)

// Exec runs a statement in the transaction (prepared once per transaction).
func (tx *Tx) Exec(q string, args ...any) (sql.Result, error) { return tx.exec(q, args...) }

// Query runs a query in the transaction (prepared once per transaction).
func (tx *Tx) Query(q string, args ...any) (*sql.Rows, error) {
	st, err := tx.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.Query(args...)
}

// QueryRow runs a one-row query in the transaction (prepared once per transaction).
func (tx *Tx) QueryRow(q string, args ...any) *sql.Row {
	st, err := tx.stmt(q)
	if err != nil {
		return tx.tx.QueryRow(q, args...) // carries the same error to Scan
	}
	return st.QueryRow(args...)
}

// SettingIn is Store.Setting read through q.
func SettingIn(q Querier, key string) (string, error) {
	var v string
	err := q.QueryRow("SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// OrgsIn is Store.ListOrgs read through q.
func OrgsIn(q Querier) ([]*Organisation, error) { return orgsIn(context.Background(), q) }

func orgsIn(ctx context.Context, q Querier) ([]*Organisation, error) {
	recs, err := decodeAllIn(ctx, q, "SELECT body FROM records WHERE type = 'org' AND deleted = 0 ORDER BY title COLLATE NOCASE")
	if err != nil {
		return nil, err
	}
	out := make([]*Organisation, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.(*Organisation))
	}
	return out, nil
}
