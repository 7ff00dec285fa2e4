package sync

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"vademecum/data"
	"vademecum/data/trust"
	"vademecum/internal/atomicfile"
)

// RebuildReport says what a rebuild did.
type RebuildReport struct {
	// MovedTo is where the old database went (vademecum.db.broken-<time>),
	// "" when there was none.
	MovedTo string `json:"moved_to"`
	// FromRepo are the records the local repository gave.
	FromRepo int `json:"from_repository"`
	// FromLocalCopy are records only the local copy held (drafts,
	// organisation-only records, changes not committed yet).
	FromLocalCopy int `json:"from_local_copy"`
	Quarantined   int `json:"quarantined"`
	// Salvaged names what could still be read from the old database.
	Salvaged []string `json:"salvaged"`
	Records  int      `json:"records"`
}

// Rebuild recreates the database of the data directory dataDir from what
// survives outside it: the local repository (hub.git), whose branch head is
// imported with the same checks as a sync (signatures, owners, quarantine),
// and the local copy (data.LocalCopyFile) of what only the database held —
// drafts, organisation-only records, changes not committed yet, settings, the
// values conflicts did not keep, the organisation files approved by hand and
// the files held in quarantine (held again). Hubs come back from the repository's config; conflicts, key changes
// waiting for approval and hub states are read back from the old database when
// it still answers. The old database is never deleted: it is moved aside as
// vademecum.db.broken-<time> (with its -wal and -shm files).
//
// Nothing else may use the data directory meanwhile (close the store first).
// The toolkit shipped with the app is not part of it: the app and the CLI seed
// it when they next open the store, as on a first start.
func Rebuild(dataDir string, progress func(Progress)) (*RebuildReport, error) {
	ctx := context.Background()
	if progress == nil {
		progress = func(Progress) {}
	}
	repoPath := filepath.Join(dataDir, RepoDir)
	_, repoErr := os.Stat(filepath.Join(repoPath, "objects"))
	_, copyErr := os.Stat(filepath.Join(dataDir, data.LocalCopyFile))
	if repoErr != nil && copyErr != nil {
		return nil, fmt.Errorf("there is nothing to rebuild the database from in %s: neither the local repository (%s) nor the local copy (%s) is there", dataDir, RepoDir, data.LocalCopyFile)
	}
	if err := os.MkdirAll(repoPath, data.PrivateDirMode); err != nil {
		return nil, explainLocal(err, repoPath)
	}
	unlock, err := lockRound(ctx, repoPath)
	if err != nil {
		return nil, err
	}
	defer unlock()
	lc, err := data.ReadLocalCopy(dataDir)
	if err != nil {
		return nil, fmt.Errorf("cannot read the local copy %s: %w", filepath.Join(dataDir, data.LocalCopyFile), err)
	}
	rep := &RebuildReport{}
	old := salvage(filepath.Join(dataDir, data.DBFile))
	rep.Salvaged = old.found
	if rep.MovedTo, err = moveAside(dataDir); err != nil {
		return nil, err
	}
	progress(Progress{Stage: "rebuild"})
	store, err := data.Open(dataDir)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	db := store.DB()

	// Who this installation is: the local copy knows, else the old database,
	// else the organisation file that lists this installation's key.
	settings := map[string]string{}
	for k, v := range old.settings {
		settings[k] = v
	}
	for k, v := range lc.Settings {
		settings[k] = v
	}
	delete(settings, data.SettingToolkit)
	if settings[data.SettingOrg] == "" {
		if org := orgOfKey(dataDir, repoPath); org != "" {
			settings[data.SettingOrg] = org
		}
	}
	if settings[data.SettingOrg] == "" {
		return rep, errs.Error(ErrOrgUnknown, rep.MovedTo)
	}
	for k, v := range settings {
		if _, err := db.Exec("INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", k, v); err != nil {
			return rep, err
		}
	}
	// The organisation files the old database held (kept in the local copy,
	// or read back from the old database) are the keys it trusted, pinned,
	// approved and revoked: pinned first, so that the repository's files and
	// the hub's are checked against them, never trusted anew on first sight.
	pins := append(lc.OrgFiles(), old.orgs...)
	for _, r := range lc.Records {
		if o, ok := r.(*data.Organisation); ok {
			pins = append(pins, o)
		}
	}
	err = store.Tx(ctx, func(tx *data.Tx) error {
		for _, o := range pins {
			if cur, err := tx.Get(o.ID); err == nil && !o.Updated.After(cur.Base().Updated) {
				continue
			} else if err != nil && !errors.Is(err, data.ErrNotFound) {
				return err
			}
			if err := tx.Put(o, data.PutHub); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return rep, err
	}

	// The keys of sealed records (keys.go) are kept in the local copy.
	if _, err := store.AddRecordKeys(ctx, lc.KeysFromLocalCopy()); err != nil {
		return rep, err
	}
	kr, err := trust.New(store)
	if err != nil {
		return rep, err
	}
	defer kr.Close()
	eng, err := Open(store, Options{Credentials: &MemoryCredentials{}, Verify: networkVerify(kr.Verify)})
	if err != nil {
		return rep, err
	}
	defer eng.Close()
	// Deletions in the history were accepted when they came: no guard here.
	eng.allowNow = true
	// What the old database held back is held back again.
	eng.held = map[string]heldFile{}
	for path, raw := range lc.Kept[localCopyHeld] {
		var h heldFile
		if json.Unmarshal(raw, &h) == nil && !h.Released {
			eng.held[path] = h
		}
	}
	// The head of the local branch, in one transaction, with the checks of a
	// sync (signatures, owners, quarantine): a tree walk, organisation files
	// first.
	eng.repo.mu.Lock()
	head, err := eng.repo.ref(mainBranch)
	eng.repo.mu.Unlock()
	if err != nil {
		return rep, explainLocal(err, repoPath)
	}
	var before int
	db.QueryRow("SELECT count(*) FROM record_index").Scan(&before)
	if _, rep.Quarantined, err = eng.importUpTo(ctx, "", head, plumbing.ZeroHash, nil, nil, nil, func(p Progress) {
		progress(Progress{Stage: "rebuild", Done: p.Done, Total: p.Total})
	}); err != nil {
		return rep, err
	}
	if err := db.QueryRow("SELECT count(*) FROM record_index").Scan(&rep.FromRepo); err != nil {
		return rep, err
	}
	rep.FromRepo -= before

	// What only the local copy holds, or holds newer than the repository.
	err = store.Tx(ctx, func(tx *data.Tx) error {
		for _, r := range lc.Records {
			newer, err := eng.newerThanRepo(tx, head, r)
			if err != nil {
				return err
			}
			if newer {
				if err := tx.Put(r, data.PutLocal); err != nil {
					return err
				}
				// An erasure not synced yet is carried out again: the
				// record's key and content stay gone, its later versions
				// refused (erase.go).
				if err := eng.applyErasure(tx, r); err != nil {
					return err
				}
				rep.FromLocalCopy++
			}
		}
		return nil
	})
	if err != nil {
		return rep, err
	}

	// Hubs, conflicts, key changes waiting for approval.
	remotes := old.remotes
	if len(remotes) == 0 {
		remotes, _ = remotesInConfig(repoPath)
	}
	for _, rm := range remotes {
		if _, err := db.Exec(`INSERT INTO sync_remotes(name, url, token_env, ssh_key, added) VALUES(?, ?, ?, ?, ?)
			ON CONFLICT(name) DO NOTHING`, rm.Name, rm.URL, rm.TokenEnv, rm.SSHKey, fmtTime(time.Now())); err != nil {
			return rep, err
		}
		if !rm.LastSync.IsZero() {
			db.Exec(`INSERT INTO sync_state(remote, last_sync) VALUES(?, ?) ON CONFLICT(remote) DO UPDATE SET last_sync = excluded.last_sync`,
				rm.Name, fmtTime(rm.LastSync))
		}
	}
	for _, raw := range lc.Kept[localCopyConflict] {
		var c conflictRow
		if json.Unmarshal(raw, &c) != nil || c.ID == "" {
			continue
		}
		if _, err := db.Exec(`INSERT OR REPLACE INTO sync_conflicts(id, record_id, record_type, title, field, mine, theirs, mine_json, theirs_json, kept, kind, created, resolved)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.RecordID, c.RecordType, c.Title, c.Field,
			c.Mine, c.Theirs, c.MineJSON, c.TheirsJSON, c.Kept, c.Kind, c.Created, c.Resolved); err != nil {
			return rep, err
		}
	}
	for _, row := range old.conflicts {
		if _, err := db.Exec(`INSERT OR IGNORE INTO sync_conflicts(id, record_id, record_type, title, field, mine, theirs, mine_json, theirs_json, kept, kind, created, resolved)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row...); err != nil {
			return rep, err
		}
	}
	for _, row := range old.pending {
		if _, err := db.Exec(`INSERT OR IGNORE INTO trust_pending(org, updated, signer, body, seen) VALUES(?, ?, ?, ?, ?)`, row...); err != nil {
			return rep, err
		}
	}
	if err := db.QueryRow("SELECT count(*) FROM record_index").Scan(&rep.Records); err != nil {
		return rep, err
	}
	return rep, nil
}

// newerThanRepo reports whether a record of the local copy must be restored
// over what the repository gave: the database has no such record, or an older
// one, or — for a record that leaves the device — the repository's head does
// not hold this version or a later one (a change sync had not committed).
func (e *Engine) newerThanRepo(tx *data.Tx, head plumbing.Hash, r data.Record) (bool, error) {
	cur, err := tx.Get(r.Base().ID)
	if errors.Is(err, data.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if r.Base().Updated.After(cur.Base().Updated) {
		return true, nil
	}
	if !leavesDevice(r) || cur.Base().Updated.After(r.Base().Updated) {
		return false, nil
	}
	// Same time: the repository's version is the same change, signed.
	e.repo.mu.Lock()
	defer e.repo.mu.Unlock()
	tree, err := e.repo.commitTree(head)
	if err != nil {
		return false, err
	}
	blob, err := e.repo.fileAt(tree, HubPath(r))
	if err != nil {
		return false, err
	}
	if blob.IsZero() {
		return true, nil
	}
	in, err := data.Decode(e.repo.readSmallBlob(blob))
	if err != nil {
		return true, nil
	}
	return in.Base().Updated.Before(r.Base().Updated), nil
}

// orgOfKey finds the organisation whose file, at the head of the local branch,
// lists this installation's key ("" when none does).
func orgOfKey(dataDir, repoPath string) string {
	if _, err := os.Stat(filepath.Join(dataDir, trust.KeyFile)); err != nil {
		return ""
	}
	in, err := trust.LoadInstallation(dataDir)
	if err != nil {
		return ""
	}
	r, err := openBareRepo(repoPath)
	if err != nil {
		return ""
	}
	defer r.close()
	_, tree, err := r.mainTree()
	if err != nil {
		return ""
	}
	root, err := r.tree(tree)
	if err != nil {
		return ""
	}
	var orgs plumbing.Hash
	for _, e := range root.Entries {
		if e.Name == "orgs" {
			orgs = e.Hash
		}
	}
	if orgs.IsZero() {
		return ""
	}
	t, err := r.tree(orgs)
	if err != nil {
		return ""
	}
	for _, e := range t.Entries {
		rec, err := data.Decode(r.readSmallBlob(e.Hash))
		if err != nil {
			continue
		}
		if o, ok := rec.(*data.Organisation); ok {
			for _, k := range o.Keys {
				if k.ID == in.ID() && k.Revoked.IsZero() {
					return o.ID
				}
			}
		}
	}
	return ""
}

// salvaged is what could be read from an old database.
type salvaged struct {
	found     []string
	orgs      []*data.Organisation
	settings  map[string]string
	remotes   []Remote
	conflicts [][]any
	pending   [][]any
}

// salvage reads what it can from the database at path, table by table; a
// table that cannot be read is skipped.
func salvage(path string) salvaged {
	var s salvaged
	if _, err := os.Stat(path); err != nil {
		return s
	}
	db, err := sql.Open("sqlite", data.ReadOnlyDSN(path))
	if err != nil {
		return s
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rowsOf := func(q string, n int) [][]any {
		rows, err := db.Query(q)
		if err != nil {
			return nil
		}
		defer rows.Close()
		var out [][]any
		for rows.Next() {
			vals := make([]string, n)
			ptrs := make([]any, n)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if rows.Scan(ptrs...) != nil {
				return out
			}
			row := make([]any, n)
			for i, v := range vals {
				row[i] = v
			}
			out = append(out, row)
		}
		return out
	}
	for _, r := range rowsOf("SELECT body FROM records WHERE type = 'org' AND org != 'vademecum'", 1) {
		if rec, err := data.Decode([]byte(r[0].(string))); err == nil {
			if o, ok := rec.(*data.Organisation); ok {
				s.orgs = append(s.orgs, o)
			}
		}
	}
	if len(s.orgs) > 0 {
		s.found = append(s.found, "organisation files (pinned keys)")
	}
	if rows := rowsOf("SELECT key, value FROM settings", 2); len(rows) > 0 {
		s.settings = map[string]string{}
		for _, r := range rows {
			s.settings[r[0].(string)] = r[1].(string)
		}
		s.found = append(s.found, "settings")
	}
	if rows := rowsOf(`SELECT r.name, r.url, r.token_env, r.ssh_key, coalesce(st.last_sync, '')
		FROM sync_remotes r LEFT JOIN sync_state st ON st.remote = r.name`, 5); len(rows) > 0 {
		for _, r := range rows {
			s.remotes = append(s.remotes, Remote{Name: r[0].(string), URL: r[1].(string), TokenEnv: r[2].(string),
				SSHKey: r[3].(string), LastSync: parseTime(r[4].(string))})
		}
		s.found = append(s.found, "hubs")
	}
	if rows := rowsOf(`SELECT id, record_id, record_type, title, field, mine, theirs, mine_json, theirs_json, kept, kind, created, resolved
		FROM sync_conflicts`, 13); len(rows) > 0 {
		s.conflicts = rows
		s.found = append(s.found, "conflicts")
	}
	if rows := rowsOf("SELECT org, updated, signer, body, seen FROM trust_pending", 5); len(rows) > 0 {
		s.pending = rows
		s.found = append(s.found, "key changes waiting for approval")
	}
	return s
}

// moveAside renames the database and its companion files to
// vademecum.db.broken-<time>, returning the new name ("" when there was no
// database).
func moveAside(dataDir string) (string, error) {
	path := filepath.Join(dataDir, data.DBFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		for _, suffix := range []string{"-wal", "-shm", "-journal"} {
			os.Remove(path + suffix) // without their database they are nothing
		}
		return "", nil
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	dst := path + ".broken-" + stamp
	for i := 2; ; i++ {
		if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
			break
		}
		dst = fmt.Sprintf("%s.broken-%s-%d", path, stamp, i)
	}
	// The companions first: a database without its WAL would look older.
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			if err := atomicfile.Rename(path+suffix, dst+suffix); err != nil {
				return "", fmt.Errorf("cannot move the damaged database aside: %w", err)
			}
		}
	}
	if err := atomicfile.Rename(path, dst); err != nil {
		return "", fmt.Errorf("cannot move the damaged database aside: %w", err)
	}
	return dst, atomicfile.SyncDir(filepath.Dir(path))
}

// CheckDatabase tells quickly (milliseconds, whatever the size) whether the
// database of the data directory dataDir can be used: nil, or an error
// (errors.Is data.ErrDamaged) with a sentence for the user when it is missing
// while the data directory was in use, is not a database, is cut short, or its
// schema cannot be read. The app calls it at start, before opening the store,
// and offers Rebuild; VerifyDatabase then reads every page, in the background.
func CheckDatabase(dataDir string) error {
	path := filepath.Join(dataDir, data.DBFile)
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(dataDir, data.LocalCopyFile)); err == nil {
			return damaged("the database %s is missing, but this data directory was in use: rebuild it from the local repository and the local copy", path)
		}
		return nil // a first start
	}
	if err != nil {
		return err
	}
	if err := checkHeader(path, fi.Size()); err != nil {
		return err
	}
	return checkPages(context.Background(), path, "SELECT count(*) FROM sqlite_master")
}

// VerifyDatabase reads the whole database (PRAGMA quick_check: about 4 s for
// 100,000 practices on a modest laptop): nil, or an error (errors.Is
// data.ErrDamaged) naming the damage.
func VerifyDatabase(ctx context.Context, dataDir string) error {
	if err := CheckDatabase(dataDir); err != nil {
		return err
	}
	path := filepath.Join(dataDir, data.DBFile)
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	return checkPages(ctx, path, "PRAGMA quick_check")
}

// checkHeader compares the size the database's header gives with the file's:
// a file cut short (a copy interrupted, a disk that filled up) is found at once.
func checkHeader(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var h [100]byte
	n, _ := io.ReadFull(f, h[:])
	if n == 0 {
		return damaged("the database %s is empty: rebuild it from the local repository and the local copy", path)
	}
	if n < len(h) || string(h[:16]) != "SQLite format 3\x00" {
		return damaged("%s is not a database (its first bytes are not SQLite's): rebuild it from the local repository and the local copy; the file is kept aside", path)
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(h[28:32]))
	// The page count is valid when the two change counters agree.
	if binary.BigEndian.Uint32(h[24:28]) == binary.BigEndian.Uint32(h[92:96]) && pages > 0 && size < pages*pageSize {
		return damaged("the database %s is cut short (%d KB of %d KB): rebuild it from the local repository and the local copy; the damaged file is kept aside",
			path, size>>10, pages*pageSize>>10)
	}
	return nil
}

// checkPages runs a read-only query on the database; an error other than
// "busy" means damage.
func checkPages(ctx context.Context, path, query string) error {
	db, err := sql.Open("sqlite", data.ReadOnlyDSN(path))
	if err != nil {
		return damaged("the database %s cannot be opened (%v): rebuild it", path, err)
	}
	defer db.Close()
	var res string
	err = db.QueryRowContext(ctx, query).Scan(&res)
	if err == nil && strings.HasPrefix(query, "PRAGMA") && res != "ok" {
		err = errors.New(firstLine(res))
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
			return nil // in use by another process: not damaged
		}
		return damaged("the database %s is damaged (%s): rebuild it from the local repository and the local copy; the damaged file is kept aside", path, rootMessage(err))
	}
	return nil
}

func damaged(format string, args ...any) error { return data.Damaged(nil, format, args...) }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
