-- Every record, whatever its type: the columns that listings, filters and sync
-- need without decoding it. Small rows, many to a page, so listings stay fast;
-- the canonical JSON bodies live apart in record_bodies.
CREATE TABLE record_index (
  rid        INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  type       TEXT NOT NULL,
  org        TEXT NOT NULL,
  author     TEXT NOT NULL DEFAULT '',
  lang       TEXT NOT NULL DEFAULT '',
  created    TEXT NOT NULL,
  updated    TEXT NOT NULL,
  deleted    INTEGER NOT NULL DEFAULT 0,
  visibility TEXT NOT NULL DEFAULT 'shared',
  title      TEXT NOT NULL DEFAULT '',
  country    TEXT NOT NULL DEFAULT '',
  category   TEXT NOT NULL DEFAULT '',
  parent     TEXT NOT NULL DEFAULT '',
  origin     TEXT NOT NULL DEFAULT 'local', -- local | hub | toolkit
  dirty      INTEGER NOT NULL DEFAULT 0     -- changed here since the last sync commit
);
CREATE INDEX records_list ON record_index(type, deleted, created DESC);
CREATE INDEX records_parent ON record_index(parent) WHERE parent != '';
CREATE INDEX records_dirty ON record_index(dirty) WHERE dirty = 1;

CREATE TABLE record_bodies (
  rid  INTEGER PRIMARY KEY REFERENCES record_index(rid) ON DELETE CASCADE,
  body TEXT NOT NULL
);

-- One row per record with its body, for reading.
CREATE VIEW records AS
  SELECT i.*, b.body FROM record_index i JOIN record_bodies b ON b.rid = i.rid;

-- Multi-valued facets for filters: tag, tool, competence, area, platform, lang, flag.
CREATE TABLE record_terms (
  kind  TEXT NOT NULL,
  value TEXT NOT NULL,
  rid   INTEGER NOT NULL REFERENCES record_index(rid) ON DELETE CASCADE,
  PRIMARY KEY (kind, value, rid)
) WITHOUT ROWID;
CREATE INDEX record_terms_rid ON record_terms(rid);

-- Full-text indexes over folded text (lower case, no diacritics: see Fold),
-- rowid = records.rid: one for the journal, one for the toolkit (see searchTable).
-- Prefix indexes keep search-as-you-type fast on short prefixes. The facets
-- column holds the filters as words (see facetWord), so that a filtered search is
-- one intersection inside the index instead of a lookup per match.
CREATE VIRTUAL TABLE journal_fts USING fts5(
  title, body, facets,
  content = '', contentless_delete = 1, prefix = '2 3 4',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE toolkit_fts USING fts5(
  title, body, facets,
  content = '', contentless_delete = 1, prefix = '2 3 4',
  tokenize = 'unicode61 remove_diacritics 2'
);

-- This installation: organisation, user, interface language, toolkit version...
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- The toolkit content as last shipped, the base of the three-way merge on app updates.
CREATE TABLE shipped (
  id   TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
