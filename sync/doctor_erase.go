package sync

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"vademecum/data"
)

// What the doctor finds about erasures (issue 22).
const (
	FoundErasedOK       = "erased_ok"       // Count: erased records, none readable here
	FoundErasedReadable = "erased_readable" // Count, Where: erased records still readable here
	FoundErasedHistory  = "erased_history"  // Count: erased records whose text stays in the local history (shared before format 4)
)

// FixRecreateHub: the text of records shared in the clear (before hub format
// 4) stays in every copy of the hub's history until the hub is recreated.
const FixRecreateHub = "recreate_hub"

// erasures checks that no erased record can be read here: no row or key in
// the database, no line in the local copy, and no version in the local
// repository that opens (a sealed version whose key is still here, or one in
// the clear: shared before format 4, which stays in the history).
func (d *Diagnosis) erasures(ctx context.Context, dataDir string, db *sql.DB) {
	rows, err := db.QueryContext(ctx, "SELECT id FROM erased ORDER BY id")
	if err != nil {
		return // a database older than format 4: nothing erased
	}
	erased := map[string]bool{}
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			erased[id] = true
		}
	}
	rows.Close()
	if len(erased) == 0 {
		return
	}
	where := map[string]bool{}
	readable := map[string]bool{}
	for id := range erased {
		var n int
		if db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM record_index WHERE id = ?) + (SELECT count(*) FROM record_keys WHERE id = ?)", id, id).Scan(&n) == nil && n > 0 {
			where["database"], readable[id] = true, true
		}
	}
	if b, err := os.ReadFile(filepath.Join(dataDir, data.LocalCopyFile)); err == nil {
		for id := range erased {
			if bytes.Contains(b, []byte(`"`+id+`"`)) && localCopyHolds(b, id) {
				where["local copy"], readable[id] = true, true
			}
		}
	}
	inHistory := map[string]bool{}
	if _, err := os.Stat(filepath.Join(dataDir, RepoDir, "objects")); err == nil {
		r := &repo{path: filepath.Join(dataDir, RepoDir), st: openDiskStorage(filepath.Join(dataDir, RepoDir))}
		keys := map[string][][]byte{}
		for id := range erased {
			if ks, err := data.RecordKeys(db, id); err == nil {
				keys[id] = ks
			}
		}
		iter, err := r.st.IterEncodedObjects(plumbing.BlobObject)
		if err == nil {
			iter.ForEach(func(o plumbing.EncodedObject) error {
				if o.Size() > MaxBlob {
					return nil
				}
				b, err := readAll(o)
				if err != nil || len(b) == 0 || b[0] != '{' {
					return nil
				}
				for id := range erased {
					if !bytes.Contains(b, []byte(`"id": "`+id+`"`)) {
						continue
					}
					if sid, _ := data.SealedRecordID(b); sid != "" {
						if _, _, err := data.OpenSealed(b, keys[id]); err == nil {
							where["local repository"], readable[id] = true, true
						}
						continue
					}
					if r, err := data.Decode(b); err == nil && r.Base().Type != data.TypeErasure {
						inHistory[id] = true
					}
				}
				return nil
			})
		}
		r.close()
	}
	if len(readable) > 0 {
		ws := make([]string, 0, len(where))
		for w := range where {
			ws = append(ws, w)
		}
		sort.Strings(ws)
		d.problem("erasures", FoundErasedReadable, v("Count", len(readable), "Where", strings.Join(ws, ", ")), FixSyncAgain)
	} else {
		d.ok("erasures", FoundErasedOK, v("Count", len(erased)))
	}
	if len(inHistory) > 0 {
		d.warn("erasures", FoundErasedHistory, v("Count", len(inHistory)), FixRecreateHub)
	}
}

// localCopyHolds reports whether the local copy has a record or key line of id.
func localCopyHolds(b []byte, id string) bool {
	for _, line := range bytes.Split(b, []byte("\n")) {
		if bytes.Contains(line, []byte(`"`+id+`"`)) && !bytes.Contains(line, []byte(`\"type\":\"erasure\"`)) && !bytes.Contains(line, []byte(`"type":"erasure"`)) && !bytes.Contains(line, []byte(`\"type\": \"erasure\"`)) {
			return true
		}
	}
	return false
}
