package sync

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"vademecum/data"
)

// Telling the author (issue 19). Only laptops of a record's organisation merge
// its versions (docs/hub-format.md, rule 4), and the value a merge does not
// keep would otherwise be known only to the laptop that merged. So the merge
// writes each value it settled against into the merged record ("settled"),
// which its owner signs as the next version like any other change: every
// laptop of the organisation that imports it lists the conflict, with whose
// value it was, until one of them resolves it. Resolving leaves the entry out
// of the next version, and the laptops that had listed it close it too. No
// new file, no new signer: the entries are believed exactly as far as the
// record's signature is, and partners only ever see values that were already
// in signed versions on the hub.

// settledID is the id of a conflict a merge settled: the same on every laptop
// that merges the same pair of versions, so two merges of one pair do not
// list it twice.
func settledID(recordID, field string, a, b []byte) string {
	x, y := sha256.Sum256(a), sha256.Sum256(b)
	if bytes.Compare(x[:], y[:]) > 0 {
		x, y = y, x
	}
	h := sha256.New()
	for _, p := range [][]byte{[]byte(recordID), []byte(field), x[:], y[:]} {
		h.Write(p)
		h.Write([]byte{0})
	}
	s := hex.EncodeToString(h.Sum(nil)[:16])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// settle adds the conflicts of a merge of mine and theirs to the merged
// record's settled list and gives each conflict its id. whose names whose
// value each side was (the person here, or the laptop that signed it). A
// conflict over a value the merged record already lists as settled for that
// field is the same conflict met again (a version merged on one laptop names
// only one of the two versions it was made from): it is left out of the
// returned conflicts.
func settle(out []byte, recordID string, cs []recordConflict, mine, theirs []byte, whose func(mineSide bool) string) ([]byte, []recordConflict) {
	if len(cs) == 0 || out == nil {
		return out, cs
	}
	rec, err := data.Decode(out)
	if err != nil {
		return out, cs
	}
	m := rec.Base()
	at := m.Updated
	var kept []recordConflict
	for _, c := range cs {
		c.ID = settledID(recordID, c.Field, mine, theirs)
		lost := c.Theirs
		if !c.KeptMine {
			lost = c.Mine
		}
		s := data.Settled{ID: c.ID, Field: c.Field, Kind: c.Kind, By: whose(!c.KeptMine), At: at}
		if lost != nil && json.Unmarshal(lost, &s.Value) != nil {
			kept = append(kept, c)
			continue
		}
		if known(m.Settled, s) {
			continue
		}
		m.Settled = appendSettled(m.Settled, s)
		kept = append(kept, c)
	}
	b, err := data.Encode(rec)
	if err != nil {
		return out, cs
	}
	return b, kept
}

// known reports whether list already has s's value for s's field.
func known(list []data.Settled, s data.Settled) bool {
	a, _ := json.Marshal(s.Value)
	for _, x := range list {
		if x.Field != s.Field || x.ID == s.ID {
			continue
		}
		if b, _ := json.Marshal(x.Value); bytes.Equal(a, b) {
			return true
		}
	}
	return false
}

// appendSettled adds s unless its id is there, keeping the newest MaxSettled.
func appendSettled(list []data.Settled, s data.Settled) []data.Settled {
	for _, x := range list {
		if x.ID == s.ID {
			return list
		}
	}
	list = append(list, s)
	if len(list) > data.MaxSettled {
		list = list[len(list)-data.MaxSettled:]
	}
	return list
}

// mergeSettled merges the settled lists of two versions: every entry of
// either, except those that one side resolved (dropped) since the base.
func mergeSettled(base, mine, theirs json.RawMessage) json.RawMessage {
	ids := func(v json.RawMessage) (map[string]bool, []json.RawMessage) {
		var list []json.RawMessage
		_ = json.Unmarshal(v, &list)
		out := map[string]bool{}
		for _, e := range list {
			var x struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(e, &x) == nil {
				out[x.ID] = true
			}
		}
		return out, list
	}
	b, _ := ids(base)
	mi, ml := ids(mine)
	ti, tl := ids(theirs)
	type entry struct {
		id string
		v  json.RawMessage
	}
	var keep []entry
	seen := map[string]bool{}
	for _, e := range append(ml, tl...) {
		var x struct {
			ID string    `json:"id"`
			At time.Time `json:"at"`
		}
		if json.Unmarshal(e, &x) != nil || seen[x.ID] || (b[x.ID] && (!mi[x.ID] || !ti[x.ID])) {
			continue
		}
		seen[x.ID] = true
		keep = append(keep, entry{x.ID, e})
	}
	if len(keep) == 0 {
		return nil
	}
	sort.Slice(keep, func(i, j int) bool { return keep[i].id < keep[j].id })
	if len(keep) > data.MaxSettled {
		keep = keep[len(keep)-data.MaxSettled:]
	}
	list := make([]json.RawMessage, len(keep))
	for i, e := range keep {
		list[i] = e.v
	}
	v, err := json.Marshal(list)
	if err != nil {
		return nil
	}
	return v
}

// signerName names the laptop that signed a version: its device name in its
// organisation's file held here, else its key id.
func (e *Engine) signerName(body []byte) string {
	var m struct {
		Org string `json:"org"`
		Sig string `json:"sig"`
	}
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	kid, _, _ := strings.Cut(m.Sig, ":")
	if kid == "" {
		return ""
	}
	if r, err := e.store.Get(m.Org); err == nil {
		if o, ok := r.(*data.Organisation); ok {
			for _, k := range o.Keys {
				if k.ID == kid && k.Device != "" {
					return k.Device
				}
			}
		}
	}
	return kid
}

// whoseSides says whose value each side of a merge was: this installation's
// person for a change made here (unsigned), the signing laptop otherwise.
func (e *Engine) whoseSides(mine, theirs []byte) func(mineSide bool) string {
	return func(mineSide bool) string {
		b := theirs
		if mineSide {
			b = mine
		}
		if n := e.signerName(b); n != "" {
			return n
		}
		if me, err := e.store.Identity(); err == nil {
			return me.User
		}
		return ""
	}
}

// noteSettled brings the settled values of a record of this installation's
// organisation into the conflicts here: those new in rec are listed (the value
// kept is "mine", the one not kept "theirs"), those that prev listed and rec no
// longer does were resolved on another laptop and are closed.
func noteSettled(tx *data.Tx, prev, rec data.Record, body []byte, now string) error {
	var old []data.Settled
	if prev != nil {
		old = prev.Base().Settled
	}
	cur := rec.Base().Settled
	in := map[string]bool{}
	for _, s := range cur {
		in[s.ID] = true
		kept := getField(body, s.Field)
		lost, err := json.Marshal(s.Value)
		if err != nil || s.Value == nil {
			lost = nil
		}
		mine, theirs := display(kept), display(lost)
		if s.Kind == KindEditDelete {
			mine, theirs = deletion(kept), deletion(lost)
		}
		row := conflictRow{ID: s.ID, RecordID: rec.Base().ID, RecordType: rec.Base().Type, Title: recordTitle(rec), Field: s.Field,
			Mine: mine, Theirs: theirs, MineJSON: string(kept), TheirsJSON: string(lost), Kept: "mine", Kind: s.Kind, Created: now}
		res, err := tx.SQL().Exec(`INSERT INTO sync_conflicts(id, record_id, record_type, title, field, mine, theirs, mine_json, theirs_json, kept, kind, created, resolved)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '') ON CONFLICT(id) DO NOTHING`, row.ID, row.RecordID, row.RecordType, row.Title, row.Field,
			row.Mine, row.Theirs, row.MineJSON, row.TheirsJSON, row.Kept, row.Kind, row.Created)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := tx.KeepInLocalCopy(localCopyConflict, row.ID, row); err != nil {
				return err
			}
		}
	}
	for _, s := range old {
		if in[s.ID] {
			continue
		}
		if _, err := tx.SQL().Exec("UPDATE sync_conflicts SET resolved = ? WHERE id = ? AND resolved = ''", now+" elsewhere", s.ID); err != nil {
			return err
		}
	}
	return nil
}

// getField is the JSON value at a field path such as "summary" or "name.it"
// (nil: absent).
func getField(body []byte, field string) json.RawMessage {
	v := json.RawMessage(body)
	for _, k := range strings.Split(field, ".") {
		var m map[string]json.RawMessage
		if json.Unmarshal(v, &m) != nil {
			return nil
		}
		var ok bool
		if v, ok = m[k]; !ok {
			return nil
		}
	}
	return v
}

// dropSettled leaves a resolved conflict out of its record (a record of this
// organisation: a local edit, signed at the next sync), so that the other
// laptops close it too.
func (e *Engine) dropSettled(tx *data.Tx, recordID, conflictID string) error {
	rec, err := tx.Get(recordID)
	if errors.Is(err, data.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	me, err := e.store.Identity()
	if err != nil {
		return err
	}
	m := rec.Base()
	if m.Org != me.Org {
		return nil
	}
	var keep []data.Settled
	for _, s := range m.Settled {
		if s.ID != conflictID {
			keep = append(keep, s)
		}
	}
	if len(keep) == len(m.Settled) {
		return nil
	}
	m.Settled = keep
	now := data.Now()
	if !now.After(m.Updated) {
		now = m.Updated.Add(time.Millisecond)
	}
	m.Updated, m.Sig = now, ""
	return tx.Put(rec, data.PutLocal)
}

// settledBy is whose value a conflict was, from its record's settled list.
func settledBy(rec data.Record, conflictID string) string {
	for _, s := range rec.Base().Settled {
		if s.ID == conflictID {
			return s.By
		}
	}
	return ""
}
