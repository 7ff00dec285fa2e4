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

// Finding is one thing the doctor looked at, in words.
type Finding struct {
	Check string `json:"check"`
	// Problem: something is wrong and needs the user (the doctor exits 1).
	// Warning: worth knowing, nothing is broken.
	Problem bool   `json:"problem"`
	Warning bool   `json:"warning"`
	What    string `json:"what"`
	Fix     string `json:"fix,omitempty"`
}

// Diagnosis is what the doctor found in a data directory.
type Diagnosis struct {
	Dir      string    `json:"dir"`
	Findings []Finding `json:"findings"`
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

func (d *Diagnosis) ok(check, format string, args ...any) {
	d.Findings = append(d.Findings, Finding{Check: check, What: fmt.Sprintf(format, args...)})
}

func (d *Diagnosis) warn(check, what, fix string) {
	d.Findings = append(d.Findings, Finding{Check: check, Warning: true, What: what, Fix: fix})
}

func (d *Diagnosis) problem(check, what, fix string) {
	d.Findings = append(d.Findings, Finding{Check: check, Problem: true, What: what, Fix: fix})
}

const rebuildFix = "run 'vademecum-cli rebuild': it recreates the database from the local repository and the local copy, and keeps the damaged file aside"

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
		d.problem("data directory", fmt.Sprintf("%s does not exist or is not a folder", dataDir),
			"check --data (or VADEMECUM_DATA), or run 'vademecum-cli init' to start a new installation")
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
			d.problem("database", fmt.Sprintf("the database %s is missing, but this data directory was in use", path), rebuildFix)
		} else {
			d.problem("database", fmt.Sprintf("there is no database in %s yet", dataDir), "run 'vademecum-cli init' (or start the app) to set up this installation")
		}
		return nil
	}
	if err != nil {
		d.problem("database", fmt.Sprintf("the database %s cannot be read: %s", path, rootMessage(err)), "check the permissions of the data directory")
		return nil
	}
	db, err := sql.Open("sqlite", data.ReadOnlyDSN(path))
	if err != nil {
		d.problem("database", fmt.Sprintf("the database %s cannot be opened: %s", path, rootMessage(err)), rebuildFix)
		return nil
	}
	db.SetMaxOpenConns(1)
	for _, check := range []string{"quick_check", "integrity_check"} {
		var res string
		err := db.QueryRowContext(ctx, "PRAGMA "+check).Scan(&res)
		if err == nil && res != "ok" {
			err = errors.New(firstLine(res))
		}
		if err != nil {
			d.problem("database", fmt.Sprintf("the database %s is damaged (%s found: %s)", path, strings.ReplaceAll(check, "_", " "), rootMessage(err)), rebuildFix)
			db.Close()
			return nil
		}
	}
	d.ok("database", "%s passed the quick and the full integrity checks (%d KB)", path, fi.Size()>>10)
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		d.problem("schema", "the database's schema version cannot be read: "+rootMessage(err), rebuildFix)
		return db
	}
	switch want := data.SchemaVersion(); {
	case version > want:
		d.problem("schema", fmt.Sprintf("the database was written by a newer Vademecum (schema %d, this version knows %d)", version, want), "update the app and the CLI")
	case version < want:
		d.warn("schema", fmt.Sprintf("the database has schema %d; this version upgrades it to %d when it next opens it", version, want), "")
	default:
		d.ok("schema", "schema version %d, as this version expects", version)
	}
	var org string
	db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", data.SettingOrg).Scan(&org)
	if org == "" {
		d.problem("identity", "this installation has no organisation yet", "run 'vademecum-cli init' (or the app's first start)")
	} else {
		d.ok("identity", "this installation belongs to %s", org)
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
		d.problem("records", "the records cannot be listed: "+rootMessage(err), rebuildForceFix)
		return
	}
	defer rows.Close()
	n := 0
	var bad []string
	for rows.Next() {
		var id, typ, title string
		var body sql.NullString
		if err := rows.Scan(&id, &typ, &title, &body); err != nil {
			d.problem("records", "the records cannot be read: "+rootMessage(err), rebuildForceFix)
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
		d.problem("records", "the records cannot be read: "+rootMessage(err), rebuildForceFix)
		return
	}
	if len(bad) > 0 {
		d.problem("records", fmt.Sprintf("%d of the %d records cannot be read: %s", len(bad), n, strings.Join(bad[:min(3, len(bad))], "; ")), rebuildForceFix)
		return
	}
	d.ok("records", "every one of the %d records can be read", n)
}

// rebuildForceFix is the way out when the database passes SQLite's checks but
// its content does not.
const rebuildForceFix = "run 'vademecum-cli rebuild --force': it recreates the database from the local repository and the local copy, and keeps the old file aside"

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
			d.ok("repository", "no local repository yet (it is made at the first sync)")
		} else {
			d.problem("repository", fmt.Sprintf("the local repository %s is missing", path),
				"sync again: the records already here are kept, and the repository is made anew from the hub")
		}
		return imported
	}
	r, err := openBareRepo(path)
	if err != nil {
		d.problem("repository", fmt.Sprintf("the local repository %s cannot be opened: %s", path, rootMessage(err)), "move it aside and sync again: it is made anew from the hub")
		return imported
	}
	defer r.st.Close()
	n, bad := r.checkObjects()
	switch {
	case len(bad) > 0:
		d.problem("repository", fmt.Sprintf("the local repository %s is damaged: %s", path, strings.Join(bad[:min(3, len(bad))], "; ")),
			"move the folder aside and sync again: it is made anew from the hub (records that never left this computer are not in it)")
	default:
		d.ok("repository", "%s: %d objects read back and checked, references valid", path, n)
	}
	if !imported.IsZero() && !r.has(imported) {
		d.warn("repository", fmt.Sprintf("the database holds commit %s, which the local repository lacks", describe(imported)),
			"nothing to do: the next sync compares the database with the repository again")
	}
	if leftovers := interrupted(path); len(leftovers) > 0 {
		d.warn("repository", fmt.Sprintf("an interrupted sync left %d temporary files (%s)", len(leftovers), strings.Join(leftovers[:min(3, len(leftovers))], ", ")),
			"nothing to do: the next sync tidies them")
	}
	if gitPath, err := exec.LookPath("git"); err == nil {
		cmd := exec.CommandContext(ctx, gitPath, "--git-dir="+path, "fsck", "--no-dangling", "--no-progress")
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			d.problem("repository", "git fsck reports: "+firstLine(strings.TrimSpace(string(out))),
				"move the folder aside and sync again: it is made anew from the hub")
		} else {
			d.ok("repository", "git fsck finds nothing wrong")
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
		d.ok("pending", "%d shared records wait for the next sync", n)
	} else {
		d.ok("pending", "nothing waits to be sent")
	}
	if held, err := data.HeldBack(ctx, db); err == nil && len(held) > 0 {
		h, f := held[0], held[0].Findings[0]
		d.warn("privacy", fmt.Sprintf("%d shared records are not sent because they still contain personal data, e.g. %s %s (%s): %s: %s %q",
			len(held), h.Type, h.ID, oneLine(h.Title, 60), f.Field, f.Kind, f.Text),
			"replace each finding or mark it as not personal (in the app, or 'vademecum-cli practice edit ID --pseudonymise'); 'vademecum-cli sync' lists them all")
	}
	if n := count("SELECT count(*) FROM sync_quarantine"); n > 0 {
		var path, reason string
		db.QueryRowContext(ctx, "SELECT path, reason FROM sync_quarantine ORDER BY seen DESC LIMIT 1").Scan(&path, &reason)
		d.warn("quarantine", fmt.Sprintf("%d files from hubs are held in quarantine, e.g. %s: %s", n, path, reason),
			"they were not imported; 'vademecum-cli sync' lists them all, and a partner may need to fix them")
	} else {
		d.ok("quarantine", "no file from a hub is held in quarantine")
	}
	if n := count("SELECT count(*) FROM sync_conflicts WHERE resolved = ''"); n > 0 {
		d.warn("conflicts", fmt.Sprintf("%d fields were edited in two places and wait for a decision", n), "see 'vademecum-cli conflicts'")
	}
	if n := count("SELECT count(*) FROM trust_pending"); n > 0 {
		d.warn("keys", fmt.Sprintf("%d key changes of partners wait for approval", n), "compare the fingerprints by phone, then see 'vademecum-cli keys'")
	}
	var lastErr, remote string
	db.QueryRowContext(ctx, "SELECT remote, last_error FROM sync_state WHERE remote != '' AND last_error != '' LIMIT 1").Scan(&remote, &lastErr)
	if lastErr != "" {
		d.warn("sync", fmt.Sprintf("the last sync with %s failed: %s", remote, lastErr), "")
	}
}

// key checks the installation key file: present, readable by its user only.
func (d *Diagnosis) key(dataDir string) {
	path := filepath.Join(dataDir, trust.KeyFile)
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		d.warn("key", fmt.Sprintf("there is no installation key %s: a new one is made at the next start, and partners will have to approve it", path),
			"if this installation had a key before, restore installation.key from a backup first")
		return
	}
	if err != nil {
		d.problem("key", fmt.Sprintf("the installation key %s cannot be read: %s", path, rootMessage(err)), "check the permissions of the data directory")
		return
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		d.problem("key", fmt.Sprintf("the installation's private key %s can be read by other users of this computer (mode %04o)", path, fi.Mode().Perm()),
			fmt.Sprintf("run 'chmod 600 %s' (the app also fixes it when it starts)", path))
		return
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(b, []byte("-----BEGIN PRIVATE KEY-----")) {
		d.problem("key", fmt.Sprintf("the installation key %s is damaged", path),
			"restore it from a backup; or move it away to make a new key that partners will have to approve")
		return
	}
	d.ok("key", "the installation key is readable by its user only")
}

func (d *Diagnosis) localCopy(dataDir string) {
	lc, err := data.ReadLocalCopy(dataDir)
	if err != nil {
		d.problem("local copy", fmt.Sprintf("the local copy %s cannot be read: %s", filepath.Join(dataDir, data.LocalCopyFile), rootMessage(err)),
			"check the permissions of the data directory")
		return
	}
	if lc.Skipped > 0 {
		d.warn("local copy", fmt.Sprintf("%d lines of the local copy cannot be read (a write cut short)", lc.Skipped), "nothing to do: it is rewritten as it grows")
	}
	d.ok("local copy", "%d records and %d settings can be restored from the local copy", len(lc.Records), len(lc.Settings))
}
