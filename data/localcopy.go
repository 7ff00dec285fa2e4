package data

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	gosync "sync"

	"vademecum/internal/atomicfile"
)

// LocalCopyFile is a plain copy, next to the database, of what the database
// alone holds: every record saved on this installation (drafts and
// organisation-only records, which never leave the device, and shared ones
// until sync has committed them to the local repository) and the
// installation's settings. With the local repository it is what the database
// is rebuilt from when the database is damaged (sync.Rebuild).
//
// One JSON object per line: {"record": {...}}, {"setting": key, "value": v}, or
// {"kind": k, "key": id, "data": {...}} for state other packages keep with it
// (sync keeps its conflicts: the values a merge did not keep). Every
// organisation file the database takes, partners' included, is kept too (kind
// "org-file"): the keys this installation pins, approves and revokes, so that
// a rebuild trusts what the database trusted, not what a hub says now.
// Each write transaction appends its lines before it commits, so an
// acknowledged save is always in it; a save that failed may be in it too (a
// rebuild brings back a little more, never less). Later lines win. Now and then
// the file is rewritten with only what is still needed.
//
// Why a file and not a branch of the local repository: drafts must never be in
// a commit (DESIGN.md, invariant 4), and a text file is what people back up
// and can read.
const LocalCopyFile = "local-records.jsonl"

// localCopyMin is the size under which the file is never rewritten.
var localCopyMin int64 = 4 << 20

type localCopy struct {
	path string
	mu   gosync.Mutex
	// compacted is the file's size after its last rewrite (0: unknown).
	compacted int64
}

func newLocalCopy(dir string) *localCopy {
	return &localCopy{path: filepath.Join(dir, LocalCopyFile)}
}

type localLine struct {
	Record  json.RawMessage `json:"record,omitempty"`
	Setting string          `json:"setting,omitempty"`
	Value   *string         `json:"value,omitempty"`
	Kind    string          `json:"kind,omitempty"`
	Key     string          `json:"key,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func recordLine(body []byte) ([]byte, error) {
	var c bytes.Buffer
	if err := json.Compact(&c, body); err != nil {
		return nil, err
	}
	line, err := json.Marshal(localLine{Record: c.Bytes()})
	if err != nil {
		return nil, err
	}
	return append(line, '\n'), nil
}

func settingLine(key, value string) ([]byte, error) {
	line, err := json.Marshal(localLine{Setting: key, Value: &value})
	if err != nil {
		return nil, err
	}
	return append(line, '\n'), nil
}

// append adds lines to the file in one write. It returns the file's new size.
func (c *localCopy) append(lines []byte) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, err := os.OpenFile(c.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	if _, err := f.Write(lines); err != nil {
		f.Close()
		// A torn last line is skipped when the file is read.
		return 0, err
	}
	fi, err := f.Stat()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// needsRewrite reports whether the file has grown enough to be rewritten.
func (c *localCopy) needsRewrite(size int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return size > localCopyMin && size > 3*c.compacted
}

// rewrite replaces the file with lines (write, sync, rename).
func (c *localCopy) rewrite(lines []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := atomicfile.WriteFile(c.path, lines, 0o600); err != nil {
		return err
	}
	c.compacted = int64(len(lines))
	return nil
}

// KeepInLocalCopy adds an entry of another package's own state to the local
// copy with this transaction: kind names the state, key the entry (a later
// entry with the same kind and key replaces it). ReadLocalCopy gives them back.
func (tx *Tx) KeepInLocalCopy(kind, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	line, err := json.Marshal(localLine{Kind: kind, Key: key, Data: b})
	if err != nil {
		return err
	}
	tx.local = append(append(tx.local, line...), '\n')
	return nil
}

// KeepRecord adds r to the local copy with this transaction, as a save here
// does: for records a person accepted by hand (an organisation file approved
// after comparing fingerprints), which a rebuild must trust again.
func (tx *Tx) KeepRecord(r Record) error {
	body, err := Encode(r)
	if err != nil {
		return err
	}
	line, err := recordLine(body)
	if err != nil {
		return err
	}
	tx.local = append(tx.local, line...)
	return nil
}

// keepSetting adds a setting to the local copy with the transaction.
func (tx *Tx) keepSetting(key, value string) error {
	line, err := settingLine(key, value)
	if err != nil {
		return err
	}
	tx.local = append(tx.local, line...)
	return nil
}

// flushLocalCopy appends the transaction's local saves to the local copy, and
// rewrites it from the database when it has grown large. It runs inside the
// transaction, before the commit.
func (s *Store) flushLocalCopy(tx *Tx) error {
	if (len(tx.local) == 0 && !tx.rewriteLocal) || s.local == nil {
		return nil
	}
	size, err := s.local.append(tx.local)
	tx.local = tx.local[:0]
	if err != nil {
		return fmt.Errorf("cannot write the local copy %s: %w", s.local.path, err)
	}
	if !s.local.needsRewrite(size) && !tx.rewriteLocal {
		return nil
	}
	var buf bytes.Buffer
	// Other packages' entries are carried over as they are.
	prev, err := ReadLocalCopy(s.dir)
	if err != nil {
		return err
	}
	kinds := make([]string, 0, len(prev.Kept))
	for k := range prev.Kept {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		if kind == LocalCopyKeys {
			continue // written from the database below
		}
		keys := make([]string, 0, len(prev.Kept[kind]))
		for k := range prev.Kept[kind] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			line, err := json.Marshal(localLine{Kind: kind, Key: key, Data: prev.Kept[kind][key]})
			if err != nil {
				return err
			}
			buf.Write(append(line, '\n'))
		}
	}
	krows, err := tx.tx.Query("SELECT DISTINCT id FROM record_keys ORDER BY id")
	if err != nil {
		return err
	}
	var keyIDs []string
	for krows.Next() {
		var id string
		if err := krows.Scan(&id); err != nil {
			krows.Close()
			return err
		}
		keyIDs = append(keyIDs, id)
	}
	krows.Close()
	for _, id := range keyIDs {
		ks, err := RecordKeys(tx, id)
		if err != nil {
			return err
		}
		b, err := json.Marshal(ks)
		if err != nil {
			return err
		}
		line, err := json.Marshal(localLine{Kind: LocalCopyKeys, Key: id, Data: b})
		if err != nil {
			return err
		}
		buf.Write(append(line, '\n'))
	}
	rows, err := tx.tx.Query("SELECT key, value FROM settings WHERE key != ? ORDER BY key", SettingToolkit)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return err
		}
		line, err := settingLine(k, v)
		if err != nil {
			rows.Close()
			return err
		}
		buf.Write(line)
	}
	rows.Close()
	// What a rebuild could not find in the local repository: records that never
	// leave the device, and changes sync has not committed yet.
	rows, err = tx.tx.Query("SELECT body FROM records WHERE dirty = 1 OR visibility != 'shared' ORDER BY rid")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return err
		}
		line, err := recordLine([]byte(body))
		if err != nil {
			return err
		}
		buf.Write(line)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := s.local.rewrite(buf.Bytes()); err != nil {
		return fmt.Errorf("cannot rewrite the local copy %s: %w", s.local.path, err)
	}
	return nil
}

// localCopyOrgs is the kind of the organisation files the local copy keeps.
const localCopyOrgs = "org-file"

// OrgFiles returns the organisation files the local copy keeps: the newest
// version of each that the database took (partners' included), by id.
func (lc *LocalCopy) OrgFiles() []*Organisation {
	ids := make([]string, 0, len(lc.Kept[localCopyOrgs]))
	for id := range lc.Kept[localCopyOrgs] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []*Organisation
	for _, id := range ids {
		r, err := Decode(lc.Kept[localCopyOrgs][id])
		if o, ok := r.(*Organisation); err == nil && ok && o.ID == id {
			out = append(out, o)
		}
	}
	return out
}

// settingOrgFilesKept notes that the local copy keeps the organisation files
// (installations made before it did get them once, when the store opens).
const settingOrgFilesKept = "local_copy_org_files"

// keepOrgFilesOnce copies every organisation file of the database into the
// local copy, once.
func (s *Store) keepOrgFilesOnce(ctx context.Context) error {
	if v, err := s.Setting(settingOrgFilesKept); err != nil || v != "" {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		rows, err := tx.tx.Query("SELECT id, body FROM records WHERE type = ? AND org != ?", TypeOrg, ToolkitOrg)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, body string
			if err := rows.Scan(&id, &body); err != nil {
				return err
			}
			if err := tx.KeepInLocalCopy(localCopyOrgs, id, json.RawMessage(body)); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.exec("INSERT INTO settings(key, value) VALUES(?, '1') ON CONFLICT(key) DO UPDATE SET value = excluded.value", settingOrgFilesKept); err != nil {
			return err
		}
		return tx.keepSetting(settingOrgFilesKept, "1")
	})
}

// LocalCopy is what a local copy file holds: the newest version of each record
// and the settings.
type LocalCopy struct {
	Records  []Record
	Settings map[string]string
	// Kept is other packages' state: kind -> key -> newest entry.
	Kept    map[string]map[string]json.RawMessage
	Skipped int // lines that could not be read (a write cut short)
}

// ReadLocalCopy reads the local copy of the data directory dir (empty when there
// is none).
func ReadLocalCopy(dir string) (*LocalCopy, error) {
	out := &LocalCopy{Settings: map[string]string{}, Kept: map[string]map[string]json.RawMessage{}}
	f, err := os.Open(filepath.Join(dir, LocalCopyFile))
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	newest := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var l localLine
		if err := json.Unmarshal([]byte(text), &l); err != nil {
			out.Skipped++
			continue
		}
		switch {
		case l.Kind != "" && l.Key != "" && l.Data != nil:
			if out.Kept[l.Kind] == nil {
				out.Kept[l.Kind] = map[string]json.RawMessage{}
			}
			out.Kept[l.Kind][l.Key] = l.Data
		case l.Setting != "" && l.Value != nil:
			out.Settings[l.Setting] = *l.Value
		case l.Record != nil:
			r, err := Decode(l.Record)
			if err != nil {
				out.Skipped++
				continue
			}
			id := r.Base().ID
			if i, ok := newest[id]; ok {
				// Later lines win, unless they are older (two processes appending).
				if !r.Base().Updated.Before(out.Records[i].Base().Updated) {
					out.Records[i] = r
				}
				continue
			}
			newest[id] = len(out.Records)
			out.Records = append(out.Records, r)
		default:
			out.Skipped++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
