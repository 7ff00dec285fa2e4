package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PutMode says where a write comes from, which decides whether sync must send it.
type PutMode int

const (
	// PutLocal is a change made on this installation: sync sends it (if shared).
	PutLocal PutMode = iota
	// PutHub is a record received from a hub: already there, not sent back.
	PutHub
	// PutToolkit is content shipped inside the app.
	PutToolkit
)

func (m PutMode) origin() string {
	switch m {
	case PutHub:
		return "hub"
	case PutToolkit:
		return "toolkit"
	}
	return "local"
}

// Tx is one write transaction. Everything done in it lands together or not at all.
type Tx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	// Search index changes wait until the end of the transaction: FTS5 flushes its
	// buffer at every statement savepoint, so interleaving them with the records'
	// upserts would write the index once per record instead of once per batch.
	fts []ftsOp
	// indexed: the transaction changed the search index (drops the cached
	// weights of searched words once committed, see idfCache).
	indexed bool
	// bulk: the transaction has written a full batch of search index
	// changes, and set the index's larger write buffer.
	bulk bool
	// local holds the lines this transaction adds to the local copy (see
	// LocalCopyFile), written just before the commit.
	local []byte
	// rewriteLocal asks for the local copy to be rewritten from the database
	// (an erasure: its lines must go); removeFiles are attached files to
	// delete once committed (erasure.go).
	rewriteLocal bool
	removeFiles  []string
}

type ftsOp struct {
	rid                        int64
	table, title, body, facets string // table "" = delete from both
}

// Tx runs fn in one immediate transaction and commits it when fn returns nil.
func (s *Store) Tx(ctx context.Context, fn func(*Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return explainWriteError(err)
	}
	tx := &Tx{tx: sqlTx, stmts: map[string]*sql.Stmt{}}
	defer func() {
		for _, st := range tx.stmts {
			st.Close()
		}
	}()
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := tx.flushSearch(); err != nil {
		sqlTx.Rollback()
		return explainWriteError(err)
	}
	if err := s.flushLocalCopy(tx); err != nil {
		sqlTx.Rollback()
		return explainWriteError(err)
	}
	if err := sqlTx.Commit(); err != nil {
		if tx.indexed {
			s.idfs.changed() // whether the commit landed or not
		}
		return explainWriteError(err)
	}
	if tx.indexed {
		s.idfs.changed()
	}
	s.removeErasedFiles(tx.removeFiles)
	return nil
}

func explainWriteError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "SQLITE_FULL") || strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "no space left"):
		return fmt.Errorf("the disk is full: free some space and try again (nothing was saved): %w", err)
	case strings.Contains(msg, "readonly") || strings.Contains(msg, "read-only"):
		return fmt.Errorf("the database cannot be written (read-only data directory?): %w", err)
	}
	return err
}

// SQL returns the underlying transaction, for packages that keep their own tables.
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

func (tx *Tx) stmt(q string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[q]; ok {
		return st, nil
	}
	st, err := tx.tx.Prepare(q)
	if err != nil {
		return nil, err
	}
	tx.stmts[q] = st
	return st, nil
}

func (tx *Tx) exec(q string, args ...any) (sql.Result, error) {
	st, err := tx.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

// Held is what the database holds of id, in one query: the record, its
// stored canonical JSON and whether it was changed here since it was last
// handed to sync (Dirty); ErrNotFound when there is no such record, and the
// decoding's error when its stored body does not decode.
func (tx *Tx) Held(id string) (Record, []byte, bool, error) {
	st, err := tx.stmt("SELECT b.body, i.dirty FROM record_index i JOIN record_bodies b ON b.rid = i.rid WHERE i.id = ?")
	if err != nil {
		return nil, nil, false, err
	}
	var body string
	var dirty bool
	if err := st.QueryRow(id).Scan(&body, &dirty); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, false, ErrNotFound
		}
		return nil, nil, false, err
	}
	r, err := Decode([]byte(body))
	return r, []byte(body), dirty, err
}

// Get returns the record with id, deleted or not, or ErrNotFound.
func (tx *Tx) Get(id string) (Record, error) {
	st, err := tx.stmt("SELECT body FROM records WHERE id = ?")
	if err != nil {
		return nil, err
	}
	var body string
	if err := st.QueryRow(id).Scan(&body); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return Decode([]byte(body))
}

// GetBody returns the stored canonical JSON of id, or ErrNotFound.
func (tx *Tx) GetBody(id string) ([]byte, error) {
	st, err := tx.stmt("SELECT body FROM records WHERE id = ?")
	if err != nil {
		return nil, err
	}
	var body string
	if err := st.QueryRow(id).Scan(&body); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return []byte(body), nil
}

// Put stores r as it is (no validation, no time stamps: callers do that) and
// updates the listing columns, filter terms and search index.
func (tx *Tx) Put(r Record, mode PutMode) error {
	body, err := Encode(r)
	if err != nil {
		return err
	}
	return tx.PutEncoded(r, body, mode)
}

// PutEncoded is Put of a record whose canonical encoding (Encode(r)) the
// caller made already: an import encodes the records ahead, on another
// goroutine than the transaction's.
func (tx *Tx) PutEncoded(r Record, body []byte, mode PutMode) error {
	m := r.Base()
	ix := indexOf(r)
	if o, ok := r.(*Organisation); ok && mode != PutToolkit {
		// The keys this installation trusts, for a rebuild (see LocalCopyFile).
		if err := tx.KeepInLocalCopy(localCopyOrgs, o.ID, json.RawMessage(body)); err != nil {
			return err
		}
	}
	dirty := 0
	if mode == PutLocal {
		dirty = 1
		line, err := recordLine(body)
		if err != nil {
			return err
		}
		tx.local = append(tx.local, line...)
	}
	var rid int64
	st, err := tx.stmt(`INSERT INTO record_index(id, type, org, author, lang, created, updated, deleted, visibility,
			title, country, category, parent, origin, dirty)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET type = excluded.type, org = excluded.org, author = excluded.author,
			lang = excluded.lang, created = excluded.created, updated = excluded.updated,
			deleted = excluded.deleted, visibility = excluded.visibility, title = excluded.title,
			country = excluded.country, category = excluded.category, parent = excluded.parent,
			dirty = max(record_index.dirty, excluded.dirty)`)
	if err != nil {
		return err
	}
	// No RETURNING, and no DELETE of terms a record does not have: SQLite
	// runs such statements inside a statement savepoint, and at each one
	// FTS5 writes the index changes it holds in memory to disk as a new
	// segment (merged again later), so an import that wrote them for every
	// record wrote the full-text index in thousands of small pieces.
	if _, err := st.Exec(m.ID, m.Type, m.Org, m.Author, m.Lang, fmtTime(m.Created), fmtTime(m.Updated),
		m.Deleted, ix.visibility, ix.title, ix.country, ix.category, ix.parent, mode.origin(), dirty); err != nil {
		return explainWriteError(err)
	}
	ridOf, err := tx.stmt("SELECT rid FROM record_index WHERE id = ?")
	if err != nil {
		return err
	}
	if err := ridOf.QueryRow(m.ID).Scan(&rid); err != nil {
		return explainWriteError(err)
	}
	if _, err := tx.exec("INSERT INTO record_bodies(rid, body) VALUES(?, ?) ON CONFLICT(rid) DO UPDATE SET body = excluded.body", rid, string(body)); err != nil {
		return explainWriteError(err)
	}
	hasTerms, err := tx.stmt("SELECT count(*) FROM (SELECT 1 FROM record_terms WHERE rid = ? LIMIT 1)")
	if err != nil {
		return err
	}
	var had int
	if err := hasTerms.QueryRow(rid).Scan(&had); err != nil {
		return err
	}
	if had > 0 {
		if _, err := tx.exec("DELETE FROM record_terms WHERE rid = ?", rid); err != nil {
			return err
		}
	}
	for _, t := range ix.terms {
		if _, err := tx.exec("INSERT OR IGNORE INTO record_terms(kind, value, rid) VALUES(?, ?, ?)", t[0], t[1], rid); err != nil {
			return err
		}
	}
	tx.fts = append(tx.fts, ftsOp{rid: rid})
	if !m.Deleted {
		tx.fts = append(tx.fts, ftsOp{rid: rid, table: searchTable(m.Type), title: Fold(ix.searchTitle), body: Fold(ix.searchBody),
			facets: facets(m, ix)})
	}
	// Written in batches: large enough that FTS5 flushes rarely, small enough that
	// a 100,000-record import does not hold its whole text in memory.
	if len(tx.fts) >= ftsBatch {
		return tx.flushSearch()
	}
	return nil
}

const ftsBatch = 1000

// ftsHashSize is the full-text index's write buffer in large transactions.
const ftsHashSize = 8 << 20

// searchTable is the full-text table of a record type: the journal (practices and
// comments, which grow to 100,000s) apart from the toolkit (tools, guides,
// organisations), so that toolkit searches never walk the journal.
func searchTable(typ string) string {
	if typ == TypePractice || typ == TypeComment {
		return "journal_fts"
	}
	return "toolkit_fts"
}

func (tx *Tx) flushSearch() error {
	if len(tx.fts) > 0 {
		tx.indexed = true
	}
	if len(tx.fts) >= ftsBatch && !tx.bulk {
		// A large transaction (a first sync): FTS5 writes its pending terms
		// as a new segment each time they pass hashsize (1 MB by default),
		// and merges those segments again and again as they pile up; a
		// larger buffer writes fewer, larger segments. The setting is kept
		// in the table's configuration; small transactions write at their
		// commit, well under it.
		tx.bulk = true
		for _, t := range []string{"journal_fts", "toolkit_fts"} {
			if _, err := tx.exec("INSERT INTO "+t+"("+t+", rank) VALUES('hashsize', ?)", ftsHashSize); err != nil {
				return err
			}
		}
	}
	for _, op := range tx.fts {
		if op.table == "" {
			for _, t := range []string{"journal_fts", "toolkit_fts"} {
				if _, err := tx.exec("DELETE FROM "+t+" WHERE rowid = ?", op.rid); err != nil {
					return err
				}
			}
			continue
		}
		if _, err := tx.exec("INSERT INTO "+op.table+"(rowid, title, body, facets) VALUES(?, ?, ?, ?)", op.rid, op.title, op.body, op.facets); err != nil {
			return err
		}
	}
	tx.fts = tx.fts[:0]
	return nil
}

// fmtTime writes times so that text order is time order.
func fmtTime(t time.Time) string { return FormatTime(t) }

// FormatTime writes a time as records and the database keep it: UTC, to the
// millisecond ("2026-11-29T06:20:00.000Z").
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// index is what a record contributes to listings, filters and search.
type index struct {
	title, country, category, parent, visibility string
	terms                                        [][2]string
	searchTitle, searchBody                      string
}

func indexOf(r Record) index {
	var ix index
	ix.visibility = Shared
	term := func(kind string, values ...string) {
		for _, v := range values {
			if v != "" {
				ix.terms = append(ix.terms, [2]string{kind, v})
			}
		}
	}
	switch v := r.(type) {
	case *Practice:
		ix.title, ix.country, ix.visibility = v.Title, v.Country, v.Visibility
		for _, t := range v.Tags {
			term("tag", Fold(t))
		}
		term("tool", v.Tools...)
		term("lang", v.Lang)
		var names []string
		for _, a := range v.Attachments {
			term("attachment", a.SHA256)
			names = append(names, a.Name)
		}
		ix.searchTitle = v.Title
		ix.searchBody = strings.Join([]string{v.Summary, v.Context, v.TargetGroup, v.Objectives, v.Activities,
			v.Resources, v.Results, v.Lessons, v.Transferability, strings.Join(v.Tags, " "), strings.Join(names, " ")}, "\n")
	case *Comment:
		ix.title, ix.parent, ix.visibility = firstLine(v.Text, 80), v.Practice, v.Visibility
		term("lang", v.Lang)
		ix.searchBody = v.Text
	case *Tool:
		ix.title, _ = v.Name.In("en")
		ix.category = v.Category
		term("competence", v.Competences...)
		for _, c := range v.Competences {
			term("area", strings.SplitN(c, ".", 2)[0])
		}
		term("platform", v.Platforms...)
		term("offline", v.Offline)
		for l := range v.Summary {
			term("lang", l)
		}
		if v.OpenSource {
			term("flag", "open_source")
		}
		if strings.HasPrefix(strings.ToLower(v.Cost), "free") {
			term("flag", "free")
		}
		term("tool", v.Alternatives...)
		for _, c := range v.Countries {
			term("scope", strings.ToUpper(c))
		}
		if v.Retired != "" {
			term("flag", "retired")
		}
		ix.searchTitle = joinTexts(v.Name) + spokenNames(v.Name)
		ix.searchBody = strings.Join([]string{v.Category, joinTexts(v.Summary), joinTexts(v.Description),
			joinTexts(v.UseCases), v.Licence, strings.Join(v.Platforms, " ")}, "\n")
	case *Guide:
		ix.title, _ = v.Title.In("en")
		term("competence", v.Competences...)
		for _, c := range v.Competences {
			term("area", strings.SplitN(c, ".", 2)[0])
		}
		term("tool", v.Tools...)
		for l := range v.Summary {
			term("lang", l)
		}
		ix.searchTitle = joinTexts(v.Title)
		ix.searchBody = joinTexts(v.Summary) + "\n" + joinTexts(v.Steps)
	case *Usage:
		ix.title, ix.parent = v.Verdict, v.Tool
	case *Organisation:
		ix.title, ix.country = v.Name, v.Country
		term("lang", v.Languages...)
		ix.searchTitle = v.Name
		ix.searchBody = v.City + " " + v.Kind
	}
	return ix
}

// spokenNames are a tool's names as people type them when a name writes a
// letter as a sign: "Cl@ve" is searched as "clave" (the @ reads "a").
func spokenNames(name Text) string {
	var b strings.Builder
	for _, l := range sortedKeys(name) {
		n := name[l]
		for i := strings.IndexByte(n, '@'); i > 0 && i < len(n)-1; i = strings.IndexByte(n, '@') {
			n = n[:i] + "a" + n[i+1:]
		}
		if n != name[l] {
			b.WriteString(n)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func joinTexts(t Text) string {
	var b strings.Builder
	for _, l := range sortedKeys(t) {
		b.WriteString(t[l])
		b.WriteByte('\n')
	}
	return b.String()
}

func firstLine(s string, max int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > max {
		cut := max
		for cut > 0 && (s[cut]&0xC0) == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
