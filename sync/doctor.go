package sync

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"vademecum/data"
	"vademecum/data/trust"
)

// Finding is one thing the doctor looked at: a code with its values, worded
// by each front end (the CLI's doctor) from the catalogue.
type Finding struct {
	Check string // what was looked at: "database", "repository"... (doctor --json's "check")
	// Problem: something is wrong and needs the user (the doctor exits 1).
	// Warning: worth knowing, nothing is broken.
	Problem bool
	Warning bool
	Code    string         // what was found (Found...)
	Values  map[string]any // its values by name: counts are ints, the rest strings
	Fix     string         // the way out (Fix...), "" when there is nothing to do
}

// What the doctor can find, in Finding.Code, with the names of its values.
const (
	FoundNoDataDir        = "no_data_dir"        // Dir
	FoundDBMissing        = "db_missing"         // File
	FoundNoDB             = "no_db"              // Dir
	FoundDBUnreadable     = "db_unreadable"      // File, Error
	FoundDBUnopenable     = "db_unopenable"      // File, Error
	FoundDBQuickCheck     = "db_quick_check"     // File, Error: SQLite's quick check failed
	FoundDBIntegrityCheck = "db_integrity_check" // File, Error: SQLite's full integrity check failed
	FoundDBOK             = "db_ok"              // File, KB
	FoundSchemaUnreadable = "schema_unreadable"  // Error
	FoundSchemaNewer      = "schema_newer"       // Version, Known
	FoundSchemaOlder      = "schema_older"       // Version, Known
	FoundSchemaOK         = "schema_ok"          // Version
	FoundNoIdentity       = "no_identity"
	FoundIdentity         = "identity"       // Org
	FoundRecordsUnread    = "records_unread" // Error
	FoundRecordsBad       = "records_bad"    // Count (that cannot be read), Total, Examples
	FoundRecordsOK        = "records_ok"     // Count
	FoundNoRepo           = "no_repo"
	FoundRepoMissing      = "repo_missing"    // Dir
	FoundRepoUnopenable   = "repo_unopenable" // Dir, Error
	FoundRepoDamaged      = "repo_damaged"    // Dir, Problems
	FoundRepoOK           = "repo_ok"         // Dir, Count (objects)
	FoundRepoBehind       = "repo_behind"     // Commit
	FoundRepoLeftovers    = "repo_leftovers"  // Count, Files
	FoundFsck             = "fsck"            // Output
	FoundFsckOK           = "fsck_ok"
	FoundPending          = "pending" // Count
	FoundNothingPending   = "nothing_pending"
	FoundHeldBack         = "held_back"  // Count, Type, ID, Title, Field, Kind, Text
	FoundQuarantine       = "quarantine" // Count, Path, Reason (the sync's English reason)
	FoundNoQuarantine     = "no_quarantine"
	FoundConflicts        = "conflicts"      // Count
	FoundKeyChanges       = "key_changes"    // Count
	FoundSyncFailed       = "sync_failed"    // Remote, Error
	FoundNoKey            = "no_key"         // File
	FoundKeyUnreadable    = "key_unreadable" // File, Error
	FoundKeyExposed       = "key_exposed"    // File, Mode
	FoundKeyDamaged       = "key_damaged"    // File
	FoundKeyOK            = "key_ok"
	FoundCopyUnreadable   = "copy_unreadable" // File, Error
	FoundCopySkipped      = "copy_skipped"    // Count
	FoundCopyOK           = "copy_ok"         // Records, Settings
)

// The ways out of what the doctor finds, in Finding.Fix: each front end words
// them with its own commands.
const (
	FixDataDir      = "data_dir"       // point at the right data directory, or set up a new installation
	FixInit         = "init"           // set up this installation
	FixPermissions  = "permissions"    // check the data directory's permissions
	FixRebuild      = "rebuild"        // recreate the database from the repository and the local copy
	FixRebuildForce = "rebuild_force"  // the same, although SQLite's checks pass
	FixUpdate       = "update"         // update the app and the CLI
	FixSyncAgain    = "sync_again"     // sync: the repository is made anew from the hub
	FixMoveRepo     = "move_repo"      // move the repository aside and sync again
	FixMoveRepoLost = "move_repo_lost" // the same; records never sent are not in it
	FixNextSync     = "next_sync"      // nothing to do: the next sync compares again
	FixTidied       = "tidied"         // nothing to do: the next sync tidies
	FixPersonal     = "personal"       // replace each finding or mark it as not personal
	FixQuarantine   = "quarantine"     // not imported; a partner may need to fix them
	FixConflicts    = "conflicts"      // decide the conflicts
	FixKeyChanges   = "key_changes"    // compare the fingerprints by phone, then approve
	FixRestoreKey   = "restore_key"    // restore the key from a backup first, if there was one
	FixChmodKey     = "chmod_key"      // make the key (File) readable by its user only
	FixDamagedKey   = "damaged_key"    // restore it, or move it away to make a new key
	FixRewritten    = "rewritten"      // nothing to do: the local copy is rewritten as it grows
)

// Diagnosis is what the doctor found in a data directory.
type Diagnosis struct {
	Dir      string
	Findings []Finding
}

// Healthy reports whether nothing needs the user.
func (d *Diagnosis) Healthy() bool {
	for _, f := range d.Findings {
		if f.Problem {
			return false
		}
	}
	return true
}

// v is a finding's values from names and values in turn.
func v(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func (d *Diagnosis) ok(check, code string, values map[string]any) {
	d.Findings = append(d.Findings, Finding{Check: check, Code: code, Values: values})
}

func (d *Diagnosis) warn(check, code string, values map[string]any, fix string) {
	d.Findings = append(d.Findings, Finding{Check: check, Warning: true, Code: code, Values: values, Fix: fix})
}

func (d *Diagnosis) problem(check, code string, values map[string]any, fix string) {
	d.Findings = append(d.Findings, Finding{Check: check, Problem: true, Code: code, Values: values, Fix: fix})
}

// Diagnose checks the data directory dataDir without changing anything: the
// database (integrity, schema version), the local repository (every object
// readable and matching its id, references valid; git fsck when git is
// installed), what waits to be sent or sits in quarantine, the installation
// key's permissions and the local copy. It reads only; it is safe while the app
// runs.
func Diagnose(ctx context.Context, dataDir string) *Diagnosis {
	d := &Diagnosis{Dir: dataDir}
	fi, err := os.Stat(dataDir)
	if err != nil || !fi.IsDir() {
		d.problem("data directory", FoundNoDataDir, v("Dir", dataDir), FixDataDir)
		return d
	}
	db := d.database(ctx, dataDir)
	if db != nil {
		defer db.Close()
	}
	if db != nil {
		d.records(ctx, db)
	}
	imported := d.repository(ctx, dataDir, db)
	if db != nil {
		d.exchange(ctx, db, imported)
	}
	d.key(dataDir)
	d.localCopy(dataDir)
	if db != nil {
		d.erasures(ctx, dataDir, db)
	}
	return d
}

// database checks the database file; it returns a read-only handle when the
// database can be read.
func (d *Diagnosis) database(ctx context.Context, dataDir string) *sql.DB {
	path := filepath.Join(dataDir, data.DBFile)
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		_, repoErr := os.Stat(filepath.Join(dataDir, RepoDir, "objects"))
		_, copyErr := os.Stat(filepath.Join(dataDir, data.LocalCopyFile))
		if repoErr == nil || copyErr == nil {
			d.problem("database", FoundDBMissing, v("File", path), FixRebuild)
		} else {
			d.problem("database", FoundNoDB, v("Dir", dataDir), FixInit)
		}
		return nil
	}
	if err != nil {
		d.problem("database", FoundDBUnreadable, v("File", path, "Error", rootMessage(err)), FixPermissions)
		return nil
	}
	db, err := sql.Open("sqlite", data.ReadOnlyDSN(path))
	if err != nil {
		d.problem("database", FoundDBUnopenable, v("File", path, "Error", rootMessage(err)), FixRebuild)
		return nil
	}
	db.SetMaxOpenConns(1)
	for _, check := range []struct{ pragma, code string }{{"quick_check", FoundDBQuickCheck}, {"integrity_check", FoundDBIntegrityCheck}} {
		var res string
		err := db.QueryRowContext(ctx, "PRAGMA "+check.pragma).Scan(&res)
		if err == nil && res != "ok" {
			err = errors.New(firstLine(res))
		}
		if err != nil {
			d.problem("database", check.code, v("File", path, "Error", rootMessage(err)), FixRebuild)
			db.Close()
			return nil
		}
	}
	d.ok("database", FoundDBOK, v("File", path, "KB", int(fi.Size()>>10)))
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		d.problem("schema", FoundSchemaUnreadable, v("Error", rootMessage(err)), FixRebuild)
		return db
	}
	switch want := data.SchemaVersion(); {
	case version > want:
		d.problem("schema", FoundSchemaNewer, v("Version", version, "Known", want), FixUpdate)
	case version < want:
		d.warn("schema", FoundSchemaOlder, v("Version", version, "Known", want), "")
	default:
		d.ok("schema", FoundSchemaOK, v("Version", version))
	}
	var org string
	db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", data.SettingOrg).Scan(&org)
	if org == "" {
		d.problem("identity", FoundNoIdentity, nil, FixInit)
	} else {
		d.ok("identity", FoundIdentity, v("Org", org))
	}
	return db
}

// records decodes every record's body: one that no longer decodes (edited by
// hand, a fault inside a page that SQLite's checks do not see) can be neither
// shown, nor synced, nor exported, although the database passes its checks.
func (d *Diagnosis) records(ctx context.Context, db *sql.DB) {
	rows, err := db.QueryContext(ctx, `SELECT i.id, i.type, i.title, b.body FROM record_index i
		LEFT JOIN record_bodies b ON b.rid = i.rid ORDER BY i.rid`)
	if err != nil {
		d.problem("records", FoundRecordsUnread, v("Error", rootMessage(err)), FixRebuildForce)
		return
	}
	defer rows.Close()
	n := 0
	var bad []string
	for rows.Next() {
		var id, typ, title string
		var body sql.NullString
		if err := rows.Scan(&id, &typ, &title, &body); err != nil {
			d.problem("records", FoundRecordsUnread, v("Error", rootMessage(err)), FixRebuildForce)
			return
		}
		n++
		what := fmt.Sprintf("%s %s (%s)", typ, id, oneLine(title, 60))
		if !body.Valid {
			bad = append(bad, what+": its content is missing")
			continue
		}
		r, err := data.Decode([]byte(body.String))
		switch {
		case err != nil:
			bad = append(bad, fmt.Sprintf("%s: %s", what, oneLine(err.Error(), 120)))
		case r.Base().ID != id || r.Base().Type != typ:
			bad = append(bad, fmt.Sprintf("%s: its content says it is %s %s", what, r.Base().Type, r.Base().ID))
		}
	}
	if err := rows.Err(); err != nil {
		d.problem("records", FoundRecordsUnread, v("Error", rootMessage(err)), FixRebuildForce)
		return
	}
	if len(bad) > 0 {
		d.problem("records", FoundRecordsBad, v("Count", len(bad), "Total", n, "Examples", strings.Join(bad[:min(3, len(bad))], "; ")), FixRebuildForce)
		return
	}
	d.ok("records", FoundRecordsOK, v("Count", n))
}

// oneLine keeps a text to one line of at most max bytes, for a finding.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}

// repository checks the local repository. It returns the commit the database
// says it holds, when the database answered.
func (d *Diagnosis) repository(ctx context.Context, dataDir string, db *sql.DB) plumbing.Hash {
	path := filepath.Join(dataDir, RepoDir)
	var imported plumbing.Hash
	if db != nil {
		var s string
		db.QueryRowContext(ctx, "SELECT imported FROM sync_state WHERE remote = ''").Scan(&s)
		imported = plumbing.NewHash(s)
	}
	if _, err := os.Stat(filepath.Join(path, "objects")); err != nil {
		if imported.IsZero() {
			d.ok("repository", FoundNoRepo, nil)
		} else {
			d.problem("repository", FoundRepoMissing, v("Dir", path), FixSyncAgain)
		}
		return imported
	}
	r, err := openBareRepo(path)
	if err != nil {
		d.problem("repository", FoundRepoUnopenable, v("Dir", path, "Error", rootMessage(err)), FixMoveRepo)
		return imported
	}
	defer r.close()
	n, bad := r.checkObjects()
	switch {
	case len(bad) > 0:
		d.problem("repository", FoundRepoDamaged, v("Dir", path, "Problems", strings.Join(bad[:min(3, len(bad))], "; ")), FixMoveRepoLost)
	default:
		d.ok("repository", FoundRepoOK, v("Dir", path, "Count", n))
	}
	if !imported.IsZero() && !r.has(imported) {
		d.warn("repository", FoundRepoBehind, v("Commit", describe(imported)), FixNextSync)
	}
	if leftovers := interrupted(path); len(leftovers) > 0 {
		d.warn("repository", FoundRepoLeftovers, v("Count", len(leftovers), "Files", strings.Join(leftovers[:min(3, len(leftovers))], ", ")), FixTidied)
	}
	if gitPath, err := exec.LookPath("git"); err == nil {
		cmd := exec.CommandContext(ctx, gitPath, "--git-dir="+path, "fsck", "--no-dangling", "--no-progress")
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			d.problem("repository", FoundFsck, v("Output", firstLine(strings.TrimSpace(string(out)))), FixMoveRepo)
		} else {
			d.ok("repository", FoundFsckOK, nil)
		}
	}
	return imported
}

// checkObjects reads every object reachable from the references back, and
// checks that each matches its id. It returns how many it read and what is
// wrong.
func (r *repo) checkObjects() (int, []string) {
	var bad []string
	refs, err := r.st.IterReferences()
	if err != nil {
		return 0, []string{"the references cannot be listed: " + rootMessage(err)}
	}
	var starts []plumbing.Hash
	refs.ForEach(func(ref *plumbing.Reference) error {
		switch ref.Type() {
		case plumbing.HashReference:
			if _, err := r.commit(ref.Hash()); err != nil {
				bad = append(bad, fmt.Sprintf("%s points to %s, which cannot be read", ref.Name(), describe(ref.Hash())))
			} else {
				starts = append(starts, ref.Hash())
			}
		case plumbing.SymbolicReference:
			if ref.Target() != mainBranch {
				bad = append(bad, fmt.Sprintf("%s points to %s, not to main", ref.Name(), ref.Target()))
			}
		}
		return nil
	})
	seen := map[plumbing.Hash]bool{}
	check := func(h plumbing.Hash, typ plumbing.ObjectType) bool {
		if seen[h] {
			return false
		}
		seen[h] = true
		obj, err := r.st.EncodedObject(typ, h)
		if err != nil {
			bad = append(bad, fmt.Sprintf("the %s %s cannot be read (%s)", typ, describe(h), rootMessage(err)))
			return false
		}
		rd, err := obj.Reader()
		if err != nil {
			bad = append(bad, fmt.Sprintf("the %s %s cannot be read (%s)", typ, describe(h), rootMessage(err)))
			return false
		}
		hasher := plumbing.NewHasher(typ, obj.Size())
		_, err = io.Copy(hasher, rd)
		rd.Close()
		if err != nil || hasher.Sum() != h {
			bad = append(bad, fmt.Sprintf("the %s %s is damaged", typ, describe(h)))
			return false
		}
		return true
	}
	var walkTree func(h plumbing.Hash)
	walkTree = func(h plumbing.Hash) {
		if !check(h, plumbing.TreeObject) {
			return
		}
		t, err := object.GetTree(r.st, h)
		if err != nil {
			bad = append(bad, fmt.Sprintf("the tree %s cannot be read", describe(h)))
			return
		}
		for _, e := range t.Entries {
			if e.Mode.IsFile() {
				check(e.Hash, plumbing.BlobObject)
			} else {
				walkTree(e.Hash)
			}
		}
	}
	stack := starts
	for len(stack) > 0 && len(bad) < 20 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !check(h, plumbing.CommitObject) {
			continue
		}
		c, err := r.commit(h)
		if err != nil {
			bad = append(bad, fmt.Sprintf("the commit %s cannot be read", describe(h)))
			continue
		}
		walkTree(c.TreeHash)
		stack = append(stack, c.ParentHashes...)
	}
	return len(seen), bad
}

// interrupted lists what an interrupted write left in a repository.
func interrupted(path string) []string {
	var out []string
	packDir := filepath.Join(path, "objects", "pack")
	entries, _ := os.ReadDir(packDir)
	packs := map[string]bool{}
	for _, e := range entries {
		if b, ok := strings.CutSuffix(e.Name(), ".pack"); ok {
			packs[b] = true
		}
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "tmp_") {
			out = append(out, n)
		} else if i := strings.LastIndexByte(n, '.'); strings.HasPrefix(n, "pack-") && i > 0 && !packs[n[:i]] {
			out = append(out, n)
		}
	}
	return out
}

// exchange reports what waits to be sent, what is held back and what waits for
// the user.
func (d *Diagnosis) exchange(ctx context.Context, db *sql.DB, imported plumbing.Hash) {
	count := func(q string, args ...any) int {
		var n int
		db.QueryRowContext(ctx, q, args...).Scan(&n)
		return n
	}
	if n := count("SELECT count(*) FROM record_index WHERE dirty = 1 AND visibility = 'shared' AND org != ?", data.ToolkitOrg); n > 0 {
		d.ok("pending", FoundPending, v("Count", n))
	} else {
		d.ok("pending", FoundNothingPending, nil)
	}
	if held, err := data.HeldBack(ctx, db); err == nil && len(held) > 0 {
		h, f := held[0], held[0].Findings[0]
		d.warn("privacy", FoundHeldBack, v("Count", len(held), "Type", h.Type, "ID", h.ID, "Title", oneLine(h.Title, 60),
			"Field", f.Field, "Kind", f.Kind, "Text", f.Text), FixPersonal)
	}
	if n := count("SELECT count(*) FROM sync_quarantine"); n > 0 {
		var path, reason string
		db.QueryRowContext(ctx, "SELECT path, reason FROM sync_quarantine ORDER BY seen DESC LIMIT 1").Scan(&path, &reason)
		d.warn("quarantine", FoundQuarantine, v("Count", n, "Path", path, "Reason", reason), FixQuarantine)
	} else {
		d.ok("quarantine", FoundNoQuarantine, nil)
	}
	if n := count("SELECT count(*) FROM sync_conflicts WHERE resolved = ''"); n > 0 {
		d.warn("conflicts", FoundConflicts, v("Count", n), FixConflicts)
	}
	if n := count("SELECT count(*) FROM trust_pending"); n > 0 {
		d.warn("keys", FoundKeyChanges, v("Count", n), FixKeyChanges)
	}
	var lastErr, remote string
	db.QueryRowContext(ctx, "SELECT remote, last_error FROM sync_state WHERE remote != '' AND last_error != '' LIMIT 1").Scan(&remote, &lastErr)
	if lastErr != "" {
		d.warn("sync", FoundSyncFailed, v("Remote", remote, "Error", lastErr), "")
	}
}

// key checks the installation key file: present, readable by its user only.
func (d *Diagnosis) key(dataDir string) {
	path := filepath.Join(dataDir, trust.KeyFile)
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		d.warn("key", FoundNoKey, v("File", path), FixRestoreKey)
		return
	}
	if err != nil {
		d.problem("key", FoundKeyUnreadable, v("File", path, "Error", rootMessage(err)), FixPermissions)
		return
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		d.problem("key", FoundKeyExposed, v("File", path, "Mode", fmt.Sprintf("%04o", fi.Mode().Perm())), FixChmodKey)
		return
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(b, []byte("-----BEGIN PRIVATE KEY-----")) {
		d.problem("key", FoundKeyDamaged, v("File", path), FixDamagedKey)
		return
	}
	d.ok("key", FoundKeyOK, nil)
}

func (d *Diagnosis) localCopy(dataDir string) {
	lc, err := data.ReadLocalCopy(dataDir)
	if err != nil {
		d.problem("local copy", FoundCopyUnreadable, v("File", filepath.Join(dataDir, data.LocalCopyFile), "Error", rootMessage(err)), FixPermissions)
		return
	}
	if lc.Skipped > 0 {
		d.warn("local copy", FoundCopySkipped, v("Count", lc.Skipped), FixRewritten)
	}
	d.ok("local copy", FoundCopyOK, v("Records", len(lc.Records), "Settings", len(lc.Settings)))
}
