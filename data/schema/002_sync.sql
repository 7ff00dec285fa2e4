-- Sync with hubs (package sync). Tokens are never stored here: they live in the OS
-- keyring or the user's config directory.
CREATE TABLE sync_remotes (
  name      TEXT PRIMARY KEY,
  url       TEXT NOT NULL,            -- without any password
  token_env TEXT NOT NULL DEFAULT '',
  ssh_key   TEXT NOT NULL DEFAULT '',
  added     TEXT NOT NULL
);

-- One row per remote, plus the row '' for the local repository: imported is the commit
-- of the local branch whose content this database holds (written in the same
-- transaction as the records, so a crash never leaves them apart); for a remote it is
-- the hub commit last merged.
CREATE TABLE sync_state (
  remote     TEXT PRIMARY KEY,
  imported   TEXT NOT NULL DEFAULT '',
  last_sync  TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT ''
);

-- Both values of a field edited on two sides: the merge kept one deterministically,
-- the other waits here for a person to look at it.
CREATE TABLE sync_conflicts (
  id          TEXT PRIMARY KEY,
  record_id   TEXT NOT NULL,
  record_type TEXT NOT NULL,
  title       TEXT NOT NULL DEFAULT '',
  field       TEXT NOT NULL,
  mine        TEXT NOT NULL,   -- as shown to people
  theirs      TEXT NOT NULL,
  mine_json   TEXT NOT NULL,   -- as written back on resolve ('' = field absent)
  theirs_json TEXT NOT NULL,
  kept        TEXT NOT NULL,   -- mine | theirs
  kind        TEXT NOT NULL,   -- field | edit-delete
  created     TEXT NOT NULL,
  resolved    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_conflicts_open ON sync_conflicts(resolved, created);

-- Files of a hub that were not imported, with the reason.
CREATE TABLE sync_quarantine (
  remote    TEXT NOT NULL,
  path      TEXT NOT NULL,
  commit_id TEXT NOT NULL,
  reason    TEXT NOT NULL,
  seen      TEXT NOT NULL,
  PRIMARY KEY (remote, path)
);
