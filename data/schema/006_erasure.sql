-- Right to erasure (issue 22, hub format 4). The keys of sealed records:
-- a record may have been offered several keys (a hub is untrusted), and the one
-- its signed key commitment names is the one used. An accepted erasure
-- deletes them (secure_delete) and leaves a row in erased, which refuses any
-- later version of the record and its keys.
CREATE TABLE record_keys (
  id  TEXT NOT NULL,
  key BLOB NOT NULL,
  PRIMARY KEY (id, key)
) WITHOUT ROWID;

CREATE TABLE erased (
  id     TEXT PRIMARY KEY,        -- the erased record
  notice TEXT NOT NULL,           -- the id of the erasure notice (a record)
  path   TEXT NOT NULL DEFAULT '' -- where its file was in the hub, to take it out of the branch
);
