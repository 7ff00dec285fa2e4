package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"vademecum/data"
)

// ErrNoVersion: a restore names a version the local history does not hold.
var ErrNoVersion = errors.New("no such version")

// Version is one version of a record as the local repository holds it.
type Version struct {
	Version int64     `json:"version"`
	Updated time.Time `json:"updated"`
	Author  string    `json:"author"`
	Org     string    `json:"org"`
	// Changed lists the fields that differ from the version before (for the
	// first version held: the fields it has).
	Changed []string `json:"changed"`
	// Unsent marks this installation's change not committed yet: it becomes
	// version Version at the next sync.
	Unsent bool `json:"unsent,omitempty"`
	// Body is the record's canonical JSON, for showing old and new text.
	Body []byte `json:"-"`
}

// maxHistory bounds how many versions back a history goes.
const maxHistory = 1000

// metaKeys are the fields that change with every version and are not the
// content a person edited.
var metaKeys = map[string]bool{"id": true, "type": true, "org": true, "author": true, "created": true,
	"updated": true, "version": true, "prev": true, "claim": true, "sig": true, "settled": true, "key_hash": true}

// History lists the versions of a record, newest first: the local unsent
// change if there is one, then the version the database holds and the ones it
// was made from, following the signed "prev" links through the local
// repository (each link names the exact bytes of the version before, so the
// history is what the owner signed, whatever the hub's commits say).
func (e *Engine) History(ctx context.Context, id string) ([]Version, error) {
	cur, err := e.store.Get(id)
	if err != nil {
		return nil, err
	}
	body, err := data.Encode(cur)
	if err != nil {
		return nil, err
	}
	path := HubPath(cur)
	e.repo.mu.Lock()
	var bodies [][]byte
	func() {
		defer e.repo.mu.Unlock()
		head, err := e.repo.ref(mainBranch)
		if err != nil || head.IsZero() {
			return
		}
		t, err := e.repo.commitTree(head)
		if err != nil {
			return
		}
		h, _ := e.repo.fileAt(t, path)
		seen := map[plumbing.Hash]bool{}
		for !h.IsZero() && !seen[h] && len(bodies) < maxHistory {
			seen[h] = true
			b := e.repo.readSmallBlob(h)
			if b == nil {
				break
			}
			bodies = append(bodies, b)
			var m struct {
				Prev string `json:"prev"`
			}
			if json.Unmarshal(b, &m) != nil || len(m.Prev) != 40 {
				break
			}
			h = plumbing.NewHash(m.Prev)
			if !e.repo.has(h) {
				break
			}
		}
	}()
	// The branch may hold a version newer than the database's (one that could
	// not be checked yet): the history starts at the version held here.
	start := -1
	for i, b := range bodies {
		if bytes.Equal(b, body) {
			start = i
			break
		}
	}
	var out []Version
	if start < 0 {
		v := versionOf(cur, body)
		v.Unsent = true
		v.Version = cur.Base().Version + 1
		out = append(out, v)
		// The change is made from the version in the branch, if any, as the
		// next commit will say; the versions of the branch newer than the
		// database's one are not this installation's history.
		for i, b := range bodies {
			if r, err := data.Decode(b); err == nil && r.Base().Version <= cur.Base().Version {
				start = i
				break
			}
		}
	}
	if start >= 0 {
		for _, b := range bodies[start:] {
			r, err := data.Decode(b)
			if err != nil || r.Base().ID != id || r.Base().Org != cur.Base().Org {
				break
			}
			out = append(out, versionOf(r, b))
		}
	}
	for i := range out {
		var older []byte
		if i+1 < len(out) {
			older = out[i+1].Body
		}
		out[i].Changed = changedFields(older, out[i].Body)
	}
	return out, nil
}

func versionOf(r data.Record, body []byte) Version {
	m := r.Base()
	return Version{Version: m.Version, Updated: m.Updated, Author: m.Author, Org: m.Org, Body: body}
}

// changedFields lists the content fields that differ between two versions
// (older nil: the fields the first version has), sorted.
func changedFields(older, newer []byte) []string {
	var a, b map[string]json.RawMessage
	if older != nil {
		_ = json.Unmarshal(older, &a)
	}
	_ = json.Unmarshal(newer, &b)
	out := []string{}
	for k := range unionKeysOf(a, b) {
		if metaKeys[k] {
			continue
		}
		if older == nil {
			if !emptyJSON(b[k]) {
				out = append(out, k)
			}
			continue
		}
		if !jsonEqual(a[k], b[k]) && !(emptyJSON(a[k]) && emptyJSON(b[k])) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func unionKeysOf(ms ...map[string]json.RawMessage) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			out[k] = true
		}
	}
	return out
}

func emptyJSON(v json.RawMessage) bool {
	switch string(bytes.TrimSpace(v)) {
	case "", "null", `""`, "[]", "{}", "false":
		return true
	}
	return false
}

// Restore makes the content of version n of a practice a new local edit (the
// next version, signed at the next sync). Only the practice's organisation
// may restore; the visibility stays as it is now.
func (e *Engine) Restore(ctx context.Context, id string, n int64) (*data.Practice, error) {
	cur, err := e.store.GetPractice(id)
	if err != nil {
		return nil, err
	}
	me, err := e.store.Identity()
	if err != nil {
		return nil, err
	}
	if cur.Org != me.Org {
		return nil, fmt.Errorf("practice %s %w (%s)", id, data.ErrNotYours, cur.Org)
	}
	vs, err := e.History(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.Unsent || v.Version != n {
			continue
		}
		r, err := data.Decode(v.Body)
		old, ok := r.(*data.Practice)
		if err != nil || !ok {
			return nil, fmt.Errorf("version %d of %s: %w", n, id, ErrNoVersion)
		}
		old.Meta = cur.Meta
		old.Visibility = cur.Visibility
		if err := e.store.SavePractice(ctx, old); err != nil {
			return nil, err
		}
		return old, nil
	}
	return nil, fmt.Errorf("version %d of %s: %w", n, id, ErrNoVersion)
}
