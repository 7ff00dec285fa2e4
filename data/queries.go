package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Summary is a record as listings show it, read without decoding its body.
type Summary struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Org        string    `json:"org"`
	Author     string    `json:"author"`
	Lang       string    `json:"lang"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
	Title      string    `json:"title"`
	Country    string    `json:"country,omitempty"`
	Visibility string    `json:"visibility,omitempty"`
	Category   string    `json:"category,omitempty"`
	Parent     string    `json:"parent,omitempty"`
	created    string
	updated    string
}

const summaryCols = "r.id, r.type, r.org, r.author, r.lang, r.created, r.updated, r.title, r.country, r.visibility, r.category, r.parent"

func (s *Summary) scanDest() []any {
	return []any{&s.ID, &s.Type, &s.Org, &s.Author, &s.Lang, &s.created, &s.updated, &s.Title, &s.Country,
		&s.Visibility, &s.Category, &s.Parent}
}

// createdKey is the creation time as the database orders it.
func (s *Summary) createdKey() string {
	if s.created != "" {
		return s.created
	}
	return FormatTime(s.Created)
}

func (s *Summary) fix() {
	s.Created, s.Updated = parseTime(s.created), parseTime(s.updated)
}

// Get returns the record with id (deleted ones too), or ErrNotFound.
func (s *Store) Get(id string) (Record, error) {
	const q = "SELECT body FROM records WHERE id = ?"
	s.getOnce.Do(func() { s.get, _ = s.db.Prepare(q) })
	row := (*sql.Row)(nil)
	if s.get != nil {
		row = s.get.QueryRow(id)
	} else {
		row = s.db.QueryRow(q, id)
	}
	var body string
	err := row.Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return Decode([]byte(body))
}

// GetPractice returns a practice that is not deleted.
func (s *Store) GetPractice(id string) (*Practice, error) {
	r, err := s.Get(id)
	if err != nil {
		return nil, err
	}
	p, ok := r.(*Practice)
	if !ok || p.Deleted {
		return nil, ErrNotFound
	}
	return p, nil
}

// GetTool returns a tool that is not deleted.
func (s *Store) GetTool(id string) (*Tool, error) {
	r, err := s.Get(id)
	if err != nil {
		return nil, err
	}
	t, ok := r.(*Tool)
	if !ok || t.Deleted {
		return nil, ErrNotFound
	}
	return t, nil
}

// GetGuide returns a guide that is not deleted.
func (s *Store) GetGuide(id string) (*Guide, error) {
	r, err := s.Get(id)
	if err != nil {
		return nil, err
	}
	g, ok := r.(*Guide)
	if !ok || g.Deleted {
		return nil, ErrNotFound
	}
	return g, nil
}

// List returns summaries of records of q.Types matching q's filters (q.Text is
// ignored), newest first, at most q.Limit (0: all) from offset.
func (s *Store) List(ctx context.Context, q Query, offset int) ([]Summary, error) {
	return s.list(ctx, q, offset, nil, nil)
}

// list is List from offset, or the q.Limit records that follow after (or come
// just before before) in the order newest first. Reading from a record's place
// costs the same deep in a long list as at its top; counting an offset reads
// every row above it (about 4 µs each: 0.2 s at practice 50,000).
func (s *Store) list(ctx context.Context, q Query, offset int, after, before *Summary) ([]Summary, error) {
	where, args := filterSQL(q, []string{"r.deleted = 0"}, nil)
	order := " ORDER BY r.created DESC, r.id DESC"
	switch {
	case after != nil:
		where = append(where, "r.created <= ? AND (r.created < ? OR r.id < ?)")
		args = append(args, after.createdKey(), after.createdKey(), after.ID)
		offset = 0
	case before != nil:
		where = append(where, "r.created >= ? AND (r.created > ? OR r.id > ?)")
		args = append(args, before.createdKey(), before.createdKey(), before.ID)
		order, offset = " ORDER BY r.created ASC, r.id ASC", 0
	}
	sqlq := "SELECT " + summaryCols + " FROM record_index r WHERE " + strings.Join(where, " AND ") + order
	if q.Limit > 0 {
		sqlq += " LIMIT ? OFFSET ?"
		args = append(args, q.Limit, offset)
	}
	rows, err := s.db.QueryContext(ctx, sqlq, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		var sm Summary
		if err := rows.Scan(sm.scanDest()...); err != nil {
			return nil, err
		}
		sm.fix()
		out = append(out, sm)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if before != nil {
		slices.Reverse(out)
	}
	return out, nil
}

// Count returns how many records of q.Types match q's filters.
func (s *Store) Count(ctx context.Context, q Query) (int, error) {
	where, args := filterSQL(q, []string{"r.deleted = 0"}, nil)
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM record_index r WHERE "+strings.Join(where, " AND "), args...).Scan(&n)
	return n, err
}

// PracticeFilter narrows the journal.
type PracticeFilter struct {
	Org, Country, Tag, Tool, Lang, Visibility string
	Limit, Offset                             int
	// After, when set, lists the practices that follow this one (a summary
	// listed before) instead of counting Offset rows from the top; Before
	// lists the Limit practices just above it. Either keeps a page deep in a
	// long journal as quick to read as the first.
	After, Before *Summary
}

// ListPractices returns the journal newest first.
func (s *Store) ListPractices(ctx context.Context, f PracticeFilter) ([]Summary, error) {
	return s.list(ctx, Query{Types: []string{TypePractice}, Org: f.Org, Country: f.Country, Tag: f.Tag, Tool: f.Tool,
		Lang: f.Lang, Visibility: f.Visibility, Limit: f.Limit}, f.Offset, f.After, f.Before)
}

// ToolFilter narrows the toolkit.
type ToolFilter struct {
	Category   string
	Competence string // "4.2"
	Area       string // "4"
	Offline    bool   // works offline ("yes")
	Free       bool
	OpenSource bool
	Lang       string // has texts in this language
	Country    string // serves this country (ISO 3166-1): tools for it and tools for everywhere
	Retired    bool   // include retired tools (kept so that old practices still name them)
}

func (s *Store) decodeAll(ctx context.Context, sqlq string, args ...any) ([]Record, error) {
	return decodeAllIn(ctx, s.db, sqlq, args...)
}

func decodeAllIn(ctx context.Context, q Querier, sqlq string, args ...any) ([]Record, error) {
	var rows *sql.Rows
	var err error
	if db, ok := q.(*sql.DB); ok {
		rows, err = db.QueryContext(ctx, sqlq, args...)
	} else {
		rows, err = q.Query(sqlq, args...)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		r, err := Decode([]byte(body))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ListTools returns the toolkit entries matching f, by name.
func (s *Store) ListTools(ctx context.Context, f ToolFilter) ([]*Tool, error) {
	where, args := filterSQL(Query{Types: []string{TypeTool}, Category: f.Category, Competence: f.Competence,
		Area: f.Area, Lang: f.Lang}, []string{"r.deleted = 0"}, nil)
	flag := func(on bool, kind, v string) {
		if on {
			where = append(where, "EXISTS (SELECT 1 FROM record_terms t WHERE t.kind = ? AND t.value = ? AND t.rid = r.rid)")
			args = append(args, kind, v)
		}
	}
	flag(f.Offline, "offline", OfflineYes)
	flag(f.Free, "flag", "free")
	flag(f.OpenSource, "flag", "open_source")
	if f.Country != "" {
		// A tool without countries serves everywhere: it has no scope term.
		where = append(where, "(NOT EXISTS (SELECT 1 FROM record_terms t WHERE t.kind = 'scope' AND t.rid = r.rid)"+
			" OR EXISTS (SELECT 1 FROM record_terms t WHERE t.kind = 'scope' AND t.value = ? AND t.rid = r.rid))")
		args = append(args, strings.ToUpper(f.Country))
	}
	if !f.Retired {
		where = append(where, "NOT EXISTS (SELECT 1 FROM record_terms t WHERE t.kind = 'flag' AND t.value = 'retired' AND t.rid = r.rid)")
	}
	recs, err := s.decodeAll(ctx, "SELECT r.body FROM records r WHERE "+strings.Join(where, " AND ")+" ORDER BY r.title COLLATE NOCASE", args...)
	if err != nil {
		return nil, err
	}
	out := make([]*Tool, 0, len(recs))
	for _, r := range recs {
		if t, ok := r.(*Tool); ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// ListGuides returns the guides, by title; competence may narrow them ("" for all).
func (s *Store) ListGuides(ctx context.Context, competence string) ([]*Guide, error) {
	where, args := filterSQL(Query{Types: []string{TypeGuide}, Competence: competence}, []string{"r.deleted = 0"}, nil)
	recs, err := s.decodeAll(ctx, "SELECT r.body FROM records r WHERE "+strings.Join(where, " AND ")+" ORDER BY r.title COLLATE NOCASE", args...)
	if err != nil {
		return nil, err
	}
	out := make([]*Guide, 0, len(recs))
	for _, r := range recs {
		if g, ok := r.(*Guide); ok {
			out = append(out, g)
		}
	}
	return out, nil
}

// ListComments returns the comments on a practice, oldest first.
func (s *Store) ListComments(ctx context.Context, practiceID string) ([]*Comment, error) {
	recs, err := s.decodeAll(ctx, "SELECT body FROM records WHERE parent = ? AND type = 'comment' AND deleted = 0 ORDER BY created", practiceID)
	if err != nil {
		return nil, err
	}
	out := make([]*Comment, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.(*Comment))
	}
	return out, nil
}

// ListOrgs returns the organisations known here, by name.
func (s *Store) ListOrgs(ctx context.Context) ([]*Organisation, error) {
	return orgsIn(ctx, s.db)
}

// Tags returns every tag used in the journal, sorted.
func (s *Store) Tags(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT DISTINCT value FROM record_terms WHERE kind = 'tag' ORDER BY value")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ErrNotYours is returned when someone edits a record another organisation owns.
var ErrNotYours = errors.New("belongs to another organisation")

// later returns a time stamp after prev, so that every saved change is newer than
// the last one even when the clock is coarse or went back.
func later(prev time.Time) time.Time {
	now := Now()
	if !now.After(prev) {
		now = prev.Add(time.Millisecond)
	}
	return now
}

// CheckPractice tidies a practice's lists and checks it as every save does:
// its content (ValidatePractice) and, when it is shared, the privacy guard.
// Every path that saves a practice (the store, a spreadsheet import) calls it.
// Tool ids are checked by the store.
func CheckPractice(p *Practice) error {
	if p.Visibility == "" {
		p.Visibility = Draft
	}
	p.Tags = CleanList(p.Tags)
	p.Tools = CleanList(p.Tools)
	if err := ValidatePractice(p); err != nil {
		return err
	}
	return checkShareable(p, p.Visibility)
}

// SavePractice validates and stores a practice: a new one when p.ID is empty (the
// id is filled in), else an edit of one this organisation owns.
func (s *Store) SavePractice(ctx context.Context, p *Practice) error {
	me, err := s.Identity()
	if err != nil {
		return err
	}
	if err := CheckPractice(p); err != nil {
		return err
	}
	if err := s.checkAttachedText(p); err != nil { // attachtext.go
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		var fe ValidationError
		for _, id := range p.Tools {
			r, err := tx.Get(id)
			if t, ok := r.(*Tool); err != nil || !ok || t.Deleted {
				fe = append(fe, Problem("tools", ProblemUnknownTool, id))
			}
		}
		if len(fe) > 0 {
			return fe
		}
		if p.ID == "" {
			p.ID, p.Claim = NewRecordID(me.Org)
			p.Org, p.Author = me.Org, me.User
			p.Created = Now()
			p.Updated = p.Created
		} else {
			old, err := tx.Get(p.ID)
			if errors.Is(err, ErrNotFound) {
				return fmt.Errorf("no practice has the id %s", p.ID)
			} else if err != nil {
				return err
			}
			op, ok := old.(*Practice)
			if !ok {
				return fmt.Errorf("%s is a %s, not a practice", p.ID, old.Base().Type)
			}
			if op.Org != me.Org {
				return fmt.Errorf("practice %s %w (%s): add a comment instead", p.ID, ErrNotYours, op.Org)
			}
			p.Org, p.Author, p.Created, p.Sig = op.Org, op.Author, op.Created, ""
			p.Version, p.Claim = op.Version, op.Claim
			p.Settled = op.Settled // changed by sync and resolve only
			p.Updated = later(op.Updated)
		}
		p.Type = TypePractice
		p.Deleted = false
		return tx.Put(p, PutLocal)
	})
}

// DeletePractice marks a practice deleted (a tombstone that sync spreads).
func (s *Store) DeletePractice(ctx context.Context, id string) error {
	me, err := s.Identity()
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		r, err := tx.Get(id)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("no practice has the id %s", id)
		} else if err != nil {
			return err
		}
		p, ok := r.(*Practice)
		if !ok || p.Deleted {
			return fmt.Errorf("no practice has the id %s", id)
		}
		if p.Org != me.Org {
			return fmt.Errorf("practice %s %w (%s)", id, ErrNotYours, p.Org)
		}
		p.Deleted, p.Sig = true, ""
		p.Updated = later(p.Updated)
		return tx.Put(p, PutLocal)
	})
}

// SaveComment stores a new comment on a practice; its id is filled in.
func (s *Store) SaveComment(ctx context.Context, c *Comment) error {
	me, err := s.Identity()
	if err != nil {
		return err
	}
	if c.Visibility == "" {
		c.Visibility = Shared
	}
	if c.Lang == "" {
		c.Lang = "en"
	}
	if err := ValidateComment(c); err != nil {
		return err
	}
	if err := checkShareable(c, c.Visibility); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		r, err := tx.Get(c.Practice)
		if p, ok := r.(*Practice); err != nil || !ok || p.Deleted {
			return fmt.Errorf("no practice has the id %s", c.Practice)
		}
		c.ID, c.Claim = NewRecordID(me.Org)
		c.Type, c.Org, c.Author = TypeComment, me.Org, me.User
		c.Created = Now()
		c.Updated = c.Created
		return tx.Put(c, PutLocal)
	})
}

// SaveTool stores a local edit of a toolkit entry (or a new tool when t.ID is empty).
func (s *Store) SaveTool(ctx context.Context, t *Tool) error {
	me, err := s.Identity()
	if err != nil {
		return err
	}
	if err := ValidateTool(t); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		for _, id := range t.Alternatives {
			if r, err := tx.Get(id); err != nil || r.Base().Type != TypeTool {
				return ValidationError{Problem("alternatives", ProblemUnknownTool, id)}
			}
		}
		if t.ID == "" {
			t.ID, t.Claim = NewRecordID(me.Org)
			t.Org, t.Author = me.Org, me.User
			t.Created = Now()
			t.Updated = t.Created
		} else {
			old, err := tx.Get(t.ID)
			if err != nil {
				return fmt.Errorf("no tool has the id %s", t.ID)
			}
			t.Created, t.Org = old.Base().Created, old.Base().Org
			t.Version, t.Claim = old.Base().Version, old.Base().Claim
			t.Updated = later(old.Base().Updated)
		}
		t.Type = TypeTool
		return tx.Put(t, PutLocal)
	})
}

// CleanList trims, drops empty and repeated entries and sorts: lists (tags,
// tools) as the store keeps them.
func CleanList(vs []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, v := range vs {
		v = strings.TrimSpace(v)
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}
