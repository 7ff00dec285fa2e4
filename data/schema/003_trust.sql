-- Signed records (package data/trust). The keys partners are trusted with are the ones
-- their organisation files list in the records table: the first version seen is pinned,
-- and later ones must be signed by a key already pinned. A version signed by any other
-- key waits here until a person compares its fingerprint by phone and approves it
-- ('vademecum-cli keys approve ORG'). Only the newest waiting version of each
-- organisation is kept.
CREATE TABLE trust_pending (
  org     TEXT PRIMARY KEY,
  updated TEXT NOT NULL,  -- "updated" of the organisation file held
  signer  TEXT NOT NULL,  -- id of the key that signed it (one that file lists)
  body    TEXT NOT NULL,  -- the organisation file as received
  seen    TEXT NOT NULL
);
