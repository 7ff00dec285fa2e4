package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SelfCheckAttempt is one go at the DigComp self-check: the answers given so far
// and, once every question is answered, the level of each competence. It lives
// only in this database (see schema/005_selfcheck.sql).
type SelfCheckAttempt struct {
	ID       int64
	Started  time.Time
	Finished time.Time      // zero while the attempt is open
	Answers  map[string]int // question id → answer value
	Levels   map[string]int // competence code → level, once finished
}

// OpenSelfCheck returns the attempt still being answered, or nil when there is none.
func (s *Store) OpenSelfCheck(ctx context.Context) (*SelfCheckAttempt, error) {
	var id int64
	var started string
	err := s.db.QueryRowContext(ctx, "SELECT id, started FROM selfcheck_attempts WHERE finished = '' ORDER BY id DESC LIMIT 1").Scan(&id, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a := &SelfCheckAttempt{ID: id, Started: parseTime(started), Answers: map[string]int{}}
	if err := readSelfCheckAnswers(ctx, s.db, a); err != nil {
		return nil, err
	}
	return a, nil
}

// readSelfCheckAnswers fills a.Answers, from the database or inside a transaction.
func readSelfCheckAnswers(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, a *SelfCheckAttempt) error {
	rows, err := q.QueryContext(ctx, "SELECT question, value FROM selfcheck_answers WHERE attempt = ?", a.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var q string
		var v int
		if err := rows.Scan(&q, &v); err != nil {
			return err
		}
		a.Answers[q] = v
	}
	return rows.Err()
}

// SaveSelfCheckAnswers adds answers to the open attempt, starting one when
// none is open; an answer given again replaces the earlier one. It returns the
// attempt with all its answers, read in the same transaction.
func (s *Store) SaveSelfCheckAnswers(ctx context.Context, answers map[string]int) (*SelfCheckAttempt, error) {
	now := Now().Format(time.RFC3339Nano)
	a := &SelfCheckAttempt{Answers: map[string]int{}}
	err := s.selfCheckTx(ctx, func(tx *sql.Tx) error {
		var started string
		err := tx.QueryRowContext(ctx, "SELECT id, started FROM selfcheck_attempts WHERE finished = '' ORDER BY id DESC LIMIT 1").Scan(&a.ID, &started)
		if errors.Is(err, sql.ErrNoRows) {
			res, err := tx.ExecContext(ctx, "INSERT INTO selfcheck_attempts(started) VALUES(?)", now)
			if err != nil {
				return err
			}
			if a.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			started = now
		} else if err != nil {
			return err
		}
		a.Started = parseTime(started)
		for q, v := range answers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO selfcheck_answers(attempt, question, value, answered) VALUES(?, ?, ?, ?)
				ON CONFLICT(attempt, question) DO UPDATE SET value = excluded.value, answered = excluded.answered`, a.ID, q, v, now); err != nil {
				return err
			}
		}
		return readSelfCheckAnswers(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// FinishSelfCheck closes the open attempt id with the level of each competence,
// dated now. An attempt already finished is left as it is.
func (s *Store) FinishSelfCheck(ctx context.Context, id int64, levels map[string]int) error {
	return s.selfCheckTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE selfcheck_attempts SET finished = ? WHERE id = ? AND finished = ''",
			Now().Format(time.RFC3339Nano), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		for c, l := range levels {
			if _, err := tx.ExecContext(ctx, "INSERT INTO selfcheck_levels(attempt, competence, level) VALUES(?, ?, ?)", id, c, l); err != nil {
				return err
			}
		}
		return nil
	})
}

// SelfCheckHistory returns the finished attempts, oldest first, with their
// answers and levels.
func (s *Store) SelfCheckHistory(ctx context.Context) ([]*SelfCheckAttempt, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, started, finished FROM selfcheck_attempts WHERE finished != '' ORDER BY id")
	if err != nil {
		return nil, err
	}
	var out []*SelfCheckAttempt
	for rows.Next() {
		var a SelfCheckAttempt
		var started, finished string
		if err := rows.Scan(&a.ID, &started, &finished); err != nil {
			rows.Close()
			return nil, err
		}
		a.Started, a.Finished = parseTime(started), parseTime(finished)
		a.Answers, a.Levels = map[string]int{}, map[string]int{}
		out = append(out, &a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, a := range out {
		if err := readSelfCheckAnswers(ctx, s.db, a); err != nil {
			return nil, err
		}
		lr, err := s.db.QueryContext(ctx, "SELECT competence, level FROM selfcheck_levels WHERE attempt = ?", a.ID)
		if err != nil {
			return nil, err
		}
		for lr.Next() {
			var c string
			var l int
			if err := lr.Scan(&c, &l); err != nil {
				lr.Close()
				return nil, err
			}
			a.Levels[c] = l
		}
		lr.Close()
		if err := lr.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeleteSelfCheck removes every self-check answer and result. The freed pages
// are overwritten with zeros (secure_delete) and the write-ahead log is emptied,
// so that the answers cannot be read back from the database files.
func (s *Store) DeleteSelfCheck(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var was string
	if err := conn.QueryRowContext(ctx, "PRAGMA secure_delete").Scan(&was); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA secure_delete = ON"); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), "PRAGMA secure_delete = "+map[bool]string{true: "ON", false: "OFF"}[was == "1"])
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, t := range []string{"selfcheck_levels", "selfcheck_answers", "selfcheck_attempts"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+t); err != nil {
			tx.Rollback()
			return fmt.Errorf("delete the self-check: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// Best effort: a reader still open elsewhere keeps the log until it finishes,
	// and the next checkpoint then copies the zeroed pages over the old ones.
	_, err = conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

func (s *Store) selfCheckTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
