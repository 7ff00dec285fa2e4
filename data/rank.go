package data

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Ranking the journal. FTS5's bm25() weighs each query word by counting its
// documents over the word's whole list, for every query: about a millisecond for
// a common word at 100,000 practices, and as much again for each filter, whose
// facet word is in a large share of the journal. The journal is therefore ranked
// here, by the same bm25 formula over the window of newest matches (see window):
// every match holds every query word, a word in the title counts four times, as
// in the toolkit's bm25(table, 4, 1, 0), and the body counts once. The words'
// weights (idf) are estimated from the newest documents that hold them and kept
// until the index changes (see idfCache).

// bm25 parameters, as FTS5's bm25() has them.
const (
	bm25K1 = 1.2
	// titleWeight is how much more a word in a title counts than one in a body.
	titleWeight = 4.0
)

// idfSample is how many of a word's newest documents estimate how common it is:
// a word in fewer documents is counted exactly.
const idfSample = 64

// idfCache keeps the estimated weight of each word searched, per full-text table,
// for as long as the index holds the same documents: a write through this store
// (gen) or through another process (the index's own row and token totals) drops
// it. A weight only orders matches: what a search finds always comes from the
// index itself, so a deleted or erased record is never found through the cache.
type idfCache struct {
	mu     sync.Mutex
	gen    uint64
	totals map[string]string // table: its totals record when the weights were kept
	words  map[string]wordStat
}

// wordStat is what the index says of a query word: its weight and the estimated
// number of documents holding it.
type wordStat struct {
	idf, docs float64
}

// changed drops the cached weights: the store wrote to the full-text index.
func (c *idfCache) changed() {
	c.mu.Lock()
	c.gen++
	c.words, c.totals = nil, nil
	c.mu.Unlock()
}

// tableStats is what estimating a weight needs from a full-text table: its number
// of documents and the span of its rowids.
type tableStats struct {
	totals   string // the index's totals record (documents, tokens per column)
	rows     int64
	min, max int64
}

func (s *Store) tableStats(ctx context.Context, table string) (tableStats, error) {
	var st tableStats
	var block []byte
	// FTS5 keeps the number of documents and of tokens per column in the record
	// of id 1 of its data table (FTS5_AVERAGES_ROWID), kept current by every write.
	// One look-up each (min and max together would scan the table).
	rows, err := s.searchQuery(ctx, "SELECT coalesce((SELECT block FROM "+table+"_data WHERE id = 1), x''), "+
		"coalesce((SELECT min(id) FROM "+table+"_docsize), 0), coalesce((SELECT max(id) FROM "+table+"_docsize), 0)")
	if err != nil {
		return st, err
	}
	if rows.Next() {
		err = rows.Scan(&block, &st.min, &st.max)
	}
	rows.Close()
	if err != nil || rows.Err() != nil {
		return st, errors.Join(err, rows.Err())
	}
	st.totals = string(block)
	n, ok := fts5Varint(block)
	if !ok {
		// Not the expected layout: count the documents.
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+table+"_docsize").Scan(&n); err != nil {
			return st, err
		}
	}
	st.rows = n
	return st, nil
}

// fts5Varint reads the first varint of b, in SQLite's format: big-endian groups of
// seven bits, the high bit set on all but the last, the ninth byte whole.
func fts5Varint(b []byte) (int64, bool) {
	var v uint64
	for i := 0; i < len(b) && i < 9; i++ {
		if i == 8 {
			return int64(v<<8 | uint64(b[i])), true
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return int64(v), true
		}
	}
	return 0, false
}

// wordStats returns the weights of the query words toks in table, the last one a
// prefix when prefix is set.
func (s *Store) wordStats(ctx context.Context, table string, toks []string, prefix bool) ([]wordStat, error) {
	c := &s.idfs
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	st, err := s.tableStats(ctx, table)
	if err != nil {
		return nil, err
	}
	out := make([]wordStat, len(toks))
	for i, t := range toks {
		isPrefix := prefix && i == len(toks)-1
		key := table + "\x00" + t
		if isPrefix {
			key += "*"
		}
		c.mu.Lock()
		w, ok := c.words[key]
		if c.totals[table] != st.totals {
			ok = false
		}
		c.mu.Unlock()
		if !ok {
			if w, err = s.estimateIDF(ctx, table, t, isPrefix, st); err != nil {
				return nil, err
			}
			c.mu.Lock()
			if c.gen == gen { // no write of this store since the totals were read
				if c.words == nil {
					c.words, c.totals = map[string]wordStat{}, map[string]string{}
				}
				if c.totals[table] != st.totals {
					for k := range c.words {
						if strings.HasPrefix(k, table+"\x00") {
							delete(c.words, k)
						}
					}
					c.totals[table] = st.totals
				}
				c.words[key] = w
			}
			c.mu.Unlock()
		}
		out[i] = w
	}
	return out, nil
}

// estimateIDF weighs a word as bm25 does, log((N - n + 0.5) / (n + 0.5)) for a word
// in n of N documents, with n counted among the word's idfSample newest
// documents: exact below that, and above it estimated from how densely they lie
// among the newest documents of the table.
func (s *Store) estimateIDF(ctx context.Context, table, tok string, prefix bool, st tableStats) (wordStat, error) {
	expr := `"` + tok + `"`
	if prefix {
		expr += "*"
	}
	if mayMatchFacet(expr) {
		expr = "{title body} : " + expr
	}
	rows, err := s.searchQuery(ctx, "SELECT rowid FROM "+table+" WHERE "+table+" MATCH ? ORDER BY rowid DESC LIMIT ?", expr, idfSample)
	if err != nil {
		return wordStat{}, err
	}
	var n, last int64
	for rows.Next() {
		if err := rows.Scan(&last); err != nil {
			rows.Close()
			return wordStat{}, err
		}
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wordStat{}, err
	}
	docs := float64(st.rows)
	df := float64(n)
	if n == idfSample && st.max > st.min {
		// The table's documents between the sample's oldest and the newest,
		// from the share of the rowid span they cover.
		among := float64(st.max-last+1) * docs / float64(st.max-st.min+1)
		df = math.Min(docs, df*docs/math.Max(among, df))
	}
	idf := math.Log((docs - df + 0.5) / (df + 0.5))
	if idf <= 0 {
		idf = 1e-6 // as FTS5's bm25: a word in most documents still counts a little
	}
	return wordStat{idf, df}, nil
}

// rankJournal orders the window rids of the journal, best first, with scores on
// the scale of FTS5's bm25() (negative, lower is better). Ties go to the newer.
func (s *Store) rankJournal(ctx context.Context, rids []int64, toks []string, prefix bool, words []wordStat) ([]ranked, error) {
	if len(rids) == 0 {
		return nil, nil
	}
	rows, err := s.searchQuery(ctx, "SELECT rid, type, title FROM record_index WHERE rid IN (SELECT value FROM json_each(?))",
		jsonList(rids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	titles := make(map[int64]string, len(rids))
	for rows.Next() {
		var rid int64
		var typ, title string
		if err := rows.Scan(&rid, &typ, &title); err != nil {
			return nil, err
		}
		if typ == TypePractice { // a comment's listing title is its first line, not a title
			titles[rid] = title
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]ranked, len(rids))
	tf := make([]int, len(toks))
	for i, rid := range rids {
		clear(tf)
		for _, w := range Tokens(titles[rid]) {
			for k, t := range toks {
				if w == t || (prefix && k == len(toks)-1 && strings.HasPrefix(w, t)) {
					tf[k]++
				}
			}
		}
		score := 0.0
		for k := range toks {
			// The body counts once: every match holds every word, in its title
			// or its body, and the body's own count is not read. Its length is
			// taken as the average.
			f := titleWeight*float64(tf[k]) + 1
			score -= words[k].idf * f * (bm25K1 + 1) / (f + bm25K1)
		}
		out[i] = ranked{rid, score}
	}
	// rids come newest first: a stable sort keeps the newer of equal scores first.
	sort.SliceStable(out, func(i, j int) bool { return out[i].score < out[j].score })
	return out, nil
}

type ranked struct {
	rid   int64
	score float64
}

// searchQuery runs one of the search's queries, each prepared once per store
// (their texts are a few per table): preparing them took a tenth of a search.
func (s *Store) searchQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s.stmtMu.Lock()
	st, ok := s.stmts[query]
	if !ok {
		var err error
		if st, err = s.db.PrepareContext(ctx, query); err != nil {
			s.stmtMu.Unlock()
			return nil, err
		}
		if s.stmts == nil {
			s.stmts = map[string]*sql.Stmt{}
		}
		s.stmts[query] = st
	}
	s.stmtMu.Unlock()
	return st.QueryContext(ctx, args...)
}

// jsonList writes rids as a JSON array: one parameter for a list of any length
// (json_each), so that the query is prepared once.
func jsonList(rids []int64) string {
	b := make([]byte, 1, 2+8*len(rids))
	b[0] = '['
	for i, r := range rids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, r, 10)
	}
	return string(append(b, ']'))
}
