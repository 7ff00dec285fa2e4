-- The DigComp self-check: one person's answers and the levels they gave, dated so
-- that a later go shows progress. Private by design: these tables stay on this
-- computer. Sync, the exports and the local copy never read them, and
-- DeleteSelfCheck wipes them (secure_delete) in one go.
CREATE TABLE selfcheck_attempts (
  id       INTEGER PRIMARY KEY,
  started  TEXT NOT NULL,
  finished TEXT NOT NULL DEFAULT ''  -- '' while answers are still coming
);
CREATE TABLE selfcheck_answers (
  attempt  INTEGER NOT NULL REFERENCES selfcheck_attempts(id) ON DELETE CASCADE,
  question TEXT NOT NULL,
  value    INTEGER NOT NULL,
  answered TEXT NOT NULL,
  PRIMARY KEY (attempt, question)
) WITHOUT ROWID;
-- The level (1-8 of DigComp) of each competence when the attempt was finished,
-- kept as it was then even if the questions change later.
CREATE TABLE selfcheck_levels (
  attempt    INTEGER NOT NULL REFERENCES selfcheck_attempts(id) ON DELETE CASCADE,
  competence TEXT NOT NULL,
  level      INTEGER NOT NULL,
  PRIMARY KEY (attempt, competence)
) WITHOUT ROWID;
