package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed schema/*.sql
var schemaFS embed.FS

// DBFile is the database's file name inside the data directory.
const DBFile = "vademecum.db"

// ErrNotFound is returned when no record has the asked id.
var ErrNotFound = errors.New("not found")

// Store is the local database. It is safe for concurrent use.
type Store struct {
	db    *sql.DB
	dir   string
	local *localCopy
	// idfs keeps the weights of searched words, stmts the search's prepared
	// statements (rank.go).
	idfs   idfCache
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
	// get is Get's statement, prepared at its first use: a merge of a whole
	// hub looks up each of its 100,000 records.
	getOnce sync.Once
	get     *sql.Stmt
}

// Open opens the store in dir, creating the database file (but not the directory)
// when it does not exist yet, and upgrades an older schema.
func Open(dir string) (*Store, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errs.Error(ErrNoDataDir, dir)
		}
		return nil, fmt.Errorf("cannot open data directory %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("data directory %s is a file, not a directory", dir)
	}
	if err := checkWritable(dir); err != nil {
		return nil, err
	}
	if err := makePrivate(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, DBFile)
	created, err := createPrivate(path)
	if err != nil {
		return nil, explainOpenError(path, err)
	}
	dsn := fileURI(path) + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32000)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Bounded pool: WAL lets readers run beside the one writer.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	s := &Store{db: db, dir: dir, local: newLocalCopy(dir)}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		if fi, serr := os.Stat(path); created && serr == nil && fi.Size() == 0 {
			os.Remove(path) // not a database yet: the next start is a first start again
		}
		return nil, explainOpenError(path, err)
	}
	// The WAL and shared-memory files were made just now, from the database's mode.
	if err := makePrivate(dir); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.keepOrgFilesOnce(context.Background()); err != nil {
		db.Close()
		return nil, explainWriteError(err)
	}
	return s, nil
}

func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return errs.Error(ErrNotWritable, dir, rootCause(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func rootCause(err error) string { return FileCause(err).Error() }

// FileCause is what went wrong in a file operation, without the operation
// and the path (the caller names the file): "permission denied".
func FileCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

func explainOpenError(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return Damaged(err, "%s is not a Vademecum database (not an SQLite file): move it away, or rebuild it", path)
		case sqlite3.SQLITE_CORRUPT:
			return Damaged(err, "the database %s is damaged: rebuild it from the local repository", path)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return fmt.Errorf("cannot write the database %s: check the permissions of the data directory", path)
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("the disk is full: free some space, nothing was changed")
		}
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// Dir is the data directory the store lives in.
func (s *Store) Dir() string { return s.dir }

// DB gives packages that keep their own tables (sync) access to the database.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error {
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.stmtMu.Unlock()
	if s.get != nil {
		s.get.Close()
	}
	return s.db.Close()
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(schemaFS, "schema")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		var v int
		if _, err := fmt.Sscanf(e.Name(), "%03d_", &v); err != nil {
			return nil, fmt.Errorf("schema file %s: name must start with a number", e.Name())
		}
		b, err := schemaFS.ReadFile("schema/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, e.Name(), string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("schema file %s: versions must be 1, 2, 3... without gaps", m.name)
		}
	}
	return ms, nil
}

// SchemaVersion is the newest schema this build knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	var have int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return err
	}
	if have > len(ms) {
		return errs.Error(ErrNewerSchema, strconv.Itoa(have), strconv.Itoa(len(ms)))
	}
	for _, m := range ms[have:] {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("upgrade database with %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Setting returns the value of key, or "" when unset.
func (s *Store) Setting(key string) (string, error) { return SettingIn(s.db, key) }

// SetSetting stores value under key (and in the local copy, see LocalCopyFile).
func (s *Store) SetSetting(key, value string) error {
	return s.Tx(context.Background(), func(tx *Tx) error {
		if _, err := tx.exec("INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value); err != nil {
			return err
		}
		return tx.keepSetting(key, value)
	})
}

// Keys of the installation's settings.
const (
	SettingOrg     = "org"     // this installation's organisation id
	SettingUser    = "user"    // the person's name, recorded as author
	SettingUILang  = "ui_lang" // interface language
	SettingToolkit = "toolkit_version"
)

// Identity is who writes on this installation.
type Identity struct {
	Org  string
	User string
}

// Identity returns the installation's organisation and user, or an error telling
// how to set them when the store has not been initialised.
func (s *Store) Identity() (Identity, error) {
	org, err := s.Setting(SettingOrg)
	if err != nil {
		return Identity{}, err
	}
	user, err := s.Setting(SettingUser)
	if err != nil {
		return Identity{}, err
	}
	if org == "" {
		return Identity{}, ErrNoIdentity
	}
	return Identity{Org: org, User: user}, nil
}

// Initialised reports whether first start (organisation and user) is done.
func (s *Store) Initialised() bool {
	org, _ := s.Setting(SettingOrg)
	return org != ""
}

// Init records the installation's organisation (saving its record) and user.
func (s *Store) Init(org *Organisation, user string) error {
	if err := ValidateOrg(org); err != nil {
		return err
	}
	user = strings.TrimSpace(user)
	if user == "" {
		return &ValidationError{{Field: "user", Msg: "your name is required"}}
	}
	if existing, err := s.Get(org.ID); err == nil {
		if o, ok := existing.(*Organisation); ok && len(org.Keys) == 0 {
			org.Keys = o.Keys
		}
	}
	return s.Tx(context.Background(), func(tx *Tx) error {
		if _, err := tx.tx.Exec("INSERT INTO settings(key, value) VALUES(?, ?), (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			SettingOrg, org.ID, SettingUser, user); err != nil {
			return err
		}
		if err := tx.keepSetting(SettingOrg, org.ID); err != nil {
			return err
		}
		if err := tx.keepSetting(SettingUser, user); err != nil {
			return err
		}
		now := Now()
		if org.Created.IsZero() {
			org.Created = now
		}
		org.Updated = now
		org.Type = TypeOrg
		org.Org = org.ID
		if org.Author == "" {
			org.Author = user
		}
		return tx.Put(org, PutLocal)
	})
}
