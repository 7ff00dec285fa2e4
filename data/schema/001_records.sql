-- Every record, whatever its type, in one table: the canonical JSON body plus the
-- columns that listings, filters and sync need without decoding it.
CREATE TABLE records (
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
  dirty      INTEGER NOT NULL DEFAULT 0,    -- changed here since the last sync commit
  body       TEXT NOT NULL
);
CREATE INDEX records_list ON records(type, deleted, updated DESC);
CREATE INDEX records_parent ON records(parent) WHERE parent != '';
CREATE INDEX records_dirty ON records(dirty) WHERE dirty = 1;

-- Multi-valued facets for filters: tag, tool, competence, area, platform, lang, flag.
CREATE TABLE record_terms (
  kind  TEXT NOT NULL,
  value TEXT NOT NULL,
  rid   INTEGER NOT NULL REFERENCES records(rid) ON DELETE CASCADE,
  PRIMARY KEY (kind, value, rid)
) WITHOUT ROWID;
CREATE INDEX record_terms_rid ON record_terms(rid);

-- Full-text index over folded text (lower case, no diacritics: see Fold). rowid = records.rid.
CREATE VIRTUAL TABLE search USING fts5(
  title, body,
  content = '', contentless_delete = 1,
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
