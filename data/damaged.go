package data

import (
	"errors"
	"fmt"

	"vademecum/internal/reason"
)

// ErrDamaged marks errors about a database file that is damaged or is not a
// database at all (errors.Is): the front ends offer to rebuild it.
var ErrDamaged = errors.New("the database is damaged")

// ErrNoDataDir is the code (reason.Error's, value Dir) of a data directory
// that does not exist: the front ends say how to set one up.
const ErrNoDataDir = "data.no_data_dir"

// ErrNotWritable is the code (values Dir, Cause) of a data directory this
// user cannot write in.
const ErrNotWritable = "data.not_writable"

// ErrNewerSchema is the code (values Have, Know) of a database written by a
// newer Vademecum than this one: the front ends say to update the app.
const ErrNewerSchema = "data.newer_schema"

var errs = reason.NewSet(map[string]reason.Format{
	ErrNoDataDir:   reason.F("data directory %s does not exist", "Dir"),
	ErrNotWritable: reason.F("data directory %s is not writable: %s (check its permissions)", "Dir", "Cause"),
	ErrNewerSchema: reason.F("this database was written by a newer Vademecum (schema %s, this version knows %s): update the app", "Have", "Know"),
})

// ErrNoIdentity is the error of an installation that has no organisation
// yet: the front ends say how to set it up.
var ErrNoIdentity = errors.New("this installation has no organisation yet")

// Damaged is an error about the database file (errors.Is ErrDamaged), in
// English; cause, when not nil, is what found the damage. Every layer that
// finds a damaged database says so through it.
func Damaged(cause error, format string, args ...any) error {
	return &damagedError{fmt.Sprintf(format, args...), cause}
}

type damagedError struct {
	msg   string
	cause error
}

func (e *damagedError) Error() string        { return e.msg }
func (e *damagedError) Is(target error) bool { return target == ErrDamaged }
func (e *damagedError) Unwrap() error        { return e.cause }
