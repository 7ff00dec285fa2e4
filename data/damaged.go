package data

import "errors"

// ErrDamaged marks errors about a database file that is damaged or is not a
// database at all (errors.Is): the app offers to rebuild it (sync.Rebuild,
// 'vademecum-cli rebuild').
var ErrDamaged = errors.New("the database is damaged")

type damagedError struct {
	msg   string
	cause error
}

func (e *damagedError) Error() string        { return e.msg }
func (e *damagedError) Is(target error) bool { return target == ErrDamaged }
func (e *damagedError) Unwrap() error        { return e.cause }
