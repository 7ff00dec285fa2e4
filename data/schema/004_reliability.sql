-- A file held in quarantine for a reason that may pass (the organisation file or key
-- that signs it has not arrived yet, a key change waits for approval) is checked
-- again at every sync until it passes or is replaced (retry = 1).
ALTER TABLE sync_quarantine ADD COLUMN retry INTEGER NOT NULL DEFAULT 0;
