package sync

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"vademecum/data"
)

// Conflict kinds.
const (
	KindField      = "field"
	KindEditDelete = "edit-delete"
)

// fieldConflict is a field both sides changed to different values.
type fieldConflict struct {
	Field        string
	Mine, Theirs json.RawMessage // nil: absent
	KeptMine     bool
	Kind         string
}

// recordSide is one version of a record file: nil body when the file is absent,
// obj nil when it is not a JSON object.
type recordSide struct {
	body []byte
	obj  map[string]json.RawMessage
}

func parseSide(b []byte) recordSide {
	s := recordSide{body: b}
	if b != nil {
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) == nil && m != nil {
			s.obj = m
		}
	}
	return s
}

func (s recordSide) updated() time.Time {
	var v string
	json.Unmarshal(s.obj["updated"], &v)
	t, _ := time.Parse(time.RFC3339Nano, v)
	return t
}

func (s recordSide) str(key string) string {
	var v string
	json.Unmarshal(s.obj[key], &v)
	return v
}

func (s recordSide) version() int64 {
	var v int64
	json.Unmarshal(s.obj["version"], &v)
	return v
}

// versionKey is where a version of a record stands in the total order of its
// versions: its signed version counter, then its time stamp, then its bytes
// (so that two laptops of one organisation that wrote the same version number
// at once still agree on which is greater).
type versionKey struct {
	version int64
	updated time.Time
	body    []byte
}

func keyOf(body []byte) versionKey {
	s := parseSide(body)
	return versionKey{s.version(), s.updated(), body}
}

// greater reports whether k comes after o in the total order.
func (k versionKey) greater(o versionKey) bool {
	if k.version != o.version {
		return k.version > o.version
	}
	if !k.updated.Equal(o.updated) {
		return k.updated.After(o.updated)
	}
	return bytes.Compare(k.body, o.body) > 0
}

// newerBody reports whether version a of a record is greater than version b.
func newerBody(a, b []byte) bool { return keyOf(a).greater(keyOf(b)) }

func (s recordSide) deleted() bool {
	var v bool
	json.Unmarshal(s.obj["deleted"], &v)
	return v
}

// mergeRecord merges two versions of one record file changed on both sides since
// base (nil: absent). The result does not depend on which side is "mine", so
// that every replica that merges the same pair reaches the same bytes; mine is
// only used to label the conflicts for this installation's user. A nil result
// means the file is removed.
func mergeRecord(baseB, mineB, theirsB []byte) ([]byte, []fieldConflict) {
	base, mine, theirs := parseSide(baseB), parseSide(mineB), parseSide(theirsB)
	switch {
	case mine.body == nil && theirs.body == nil:
		return nil, nil
	case mine.body == nil || theirs.body == nil:
		// A file removed on one side and edited on the other: keep the edit, flag it.
		keptMine := mine.body != nil
		return pick(mine, theirs, keptMine).body, []fieldConflict{{Field: "deleted", Mine: presence(mine), Theirs: presence(theirs), KeptMine: keptMine, Kind: KindEditDelete}}
	case mine.obj == nil || theirs.obj == nil:
		// Damaged content: a readable version beats an unreadable one; between two
		// unreadable ones, byte order decides.
		keptMine := theirs.obj == nil && (mine.obj != nil || bytes.Compare(mine.body, theirs.body) > 0)
		return pick(mine, theirs, keptMine).body, nil
	}
	b := base.obj
	if b == nil {
		b = map[string]json.RawMessage{}
	}
	// The side greater in the total order of versions (version, then updated,
	// then bytes) wins a field both changed, so every replica picks the same.
	laterMine := newerBody(mine.body, theirs.body)
	mineWins := func(mv, tv json.RawMessage) bool { return laterMine }
	isOrg := mine.str("type") == data.TypeOrg && theirs.str("type") == data.TypeOrg
	var conflicts []fieldConflict
	out := map[string]json.RawMessage{}
	for _, k := range unionKeys(b, mine.obj, theirs.obj) {
		if k == "updated" || k == "sig" || k == "version" || k == "prev" {
			continue
		}
		if k == "settled" { // values settled against travel with the record (settled.go)
			if v := mergeSettled(b[k], mine.obj[k], theirs.obj[k]); v != nil {
				out[k] = v
			}
			continue
		}
		if k == "attachments" { // files attached on two laptops all stay (attachments.go)
			if v, ok := mergeAttachments(b[k], mine.obj[k], theirs.obj[k], laterMine); ok {
				if v != nil {
					out[k] = v
				}
				continue
			}
		}
		if k == "keys" && isOrg {
			if v, ok := mergeKeys(mine.obj[k], theirs.obj[k], laterMine); ok {
				if v != nil {
					out[k] = v
				}
				continue
			}
		}
		v, cs := mergeValue(k, b[k], mine.obj[k], theirs.obj[k], true, mineWins)
		conflicts = append(conflicts, cs...)
		if v != nil {
			out[k] = v
		}
	}
	// Edit versus delete: a tombstone from one side and an edit from the other
	// keeps the record, so nobody's work disappears.
	var deleted bool
	json.Unmarshal(out["deleted"], &deleted)
	if deleted && mine.deleted() != theirs.deleted() {
		mineEdits := !mine.deleted()
		if editedBeyond(b, pick(mine, theirs, mineEdits).obj) {
			delete(out, "deleted")
			conflicts = append(conflicts, fieldConflict{Field: "deleted", Mine: mine.obj["deleted"], Theirs: theirs.obj["deleted"], KeptMine: mineEdits, Kind: KindEditDelete})
		}
	}
	// The merged record is as new as the newer side; its signature is the newer
	// side's (a merged record needs a new signature from its owner to verify).
	later := pick(mine, theirs, laterMine)
	for _, k := range []string{"updated", "sig", "prev"} { // prev: rewritten when signed
		if v, ok := later.obj[k]; ok {
			out[k] = v
		}
	}
	// The merged record is at least as new as both sides: its owner signs it
	// as the next version.
	if v := max(mine.version(), theirs.version()); v > 0 {
		out["version"] = json.RawMessage(strconv.FormatInt(v, 10))
	}
	body, err := data.Canonical(out)
	if err != nil {
		return later.body, conflicts
	}
	return body, conflicts
}

// mergeKeys merges the key lists of two signed versions of an organisation
// file (only an installation of that organisation merges them): every key
// listed on either side stays listed (laptops are added, never removed), and a
// revocation is never undone — the earliest revocation time of a key wins.
// Nothing comes from a merge base: a key is listed only when a signed version
// lists it. For a key on both sides the newer side's entry is taken, and the
// list keeps the newer side's order followed by the other side's new keys, so
// that two replicas merging the same pair write the same bytes. ok is false
// when a list is malformed (the field is then merged as any other).
func mergeKeys(mv, tv json.RawMessage, laterMine bool) (json.RawMessage, bool) {
	if jsonEqual(mv, tv) {
		return mv, true
	}
	parse := func(v json.RawMessage) ([]data.Key, bool) {
		var ks []data.Key
		if v == nil {
			return nil, true
		}
		return ks, json.Unmarshal(v, &ks) == nil
	}
	mk, ok2 := parse(mv)
	tk, ok3 := parse(tv)
	if !ok2 || !ok3 {
		return nil, false
	}
	first, second := tk, mk
	if laterMine {
		first, second = mk, tk
	}
	var out []data.Key
	at := map[string]int{}
	for _, list := range [][]data.Key{first, second} {
		for _, k := range list {
			i, seen := at[k.ID]
			if !seen {
				at[k.ID] = len(out)
				out = append(out, k)
				continue
			}
			if r := k.Revoked; !r.IsZero() && (out[i].Revoked.IsZero() || r.Before(out[i].Revoked)) {
				out[i].Revoked = r
			}
		}
	}
	if len(out) == 0 {
		return nil, true
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, false
	}
	return b, true
}

func pick(mine, theirs recordSide, keptMine bool) recordSide {
	if keptMine {
		return mine
	}
	return theirs
}

func presence(s recordSide) json.RawMessage {
	if s.body == nil {
		return json.RawMessage("true")
	}
	return json.RawMessage("false")
}

// editedBeyond reports whether a side changed anything but time stamps,
// signature and the tombstone since base.
func editedBeyond(base, side map[string]json.RawMessage) bool {
	for _, k := range unionKeys(base, side) {
		switch k {
		case "updated", "sig", "deleted":
			continue
		}
		if !jsonEqual(base[k], side[k]) {
			return true
		}
	}
	return false
}

// mergeValue merges one field. Objects (texts with per-language variants) merge
// one level deeper, so an Italian and a Polish edit of one summary both survive.
func mergeValue(key string, bv, mv, tv json.RawMessage, deep bool, mineWins func(mv, tv json.RawMessage) bool) (json.RawMessage, []fieldConflict) {
	switch {
	case jsonEqual(mv, tv):
		return mv, nil
	case jsonEqual(bv, mv):
		return tv, nil
	case jsonEqual(bv, tv):
		return mv, nil
	}
	if deep {
		var bo, mo, to map[string]json.RawMessage
		if json.Unmarshal(mv, &mo) == nil && json.Unmarshal(tv, &to) == nil && mo != nil && to != nil {
			json.Unmarshal(bv, &bo)
			out := map[string]json.RawMessage{}
			var cs []fieldConflict
			for _, k := range unionKeys(bo, mo, to) {
				v, c := mergeValue(key+"."+k, bo[k], mo[k], to[k], false, mineWins)
				cs = append(cs, c...)
				if v != nil {
					out[k] = v
				}
			}
			merged, err := json.Marshal(out)
			if err == nil {
				return merged, cs
			}
		}
	}
	keep := mineWins(mv, tv)
	c := fieldConflict{Field: key, Mine: mv, Theirs: tv, KeptMine: keep, Kind: KindField}
	if keep {
		return mv, []fieldConflict{c}
	}
	return tv, []fieldConflict{c}
}

func unionKeys(ms ...map[string]json.RawMessage) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// jsonEqual compares two JSON values by meaning, not spelling (absent = nil).
func jsonEqual(a, b json.RawMessage) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	cx, _ := data.Canonical(x)
	cy, _ := data.Canonical(y)
	return bytes.Equal(cx, cy)
}

// display turns a JSON value into what a person reads: text as text, lists
// joined, anything else as JSON.
func display(v json.RawMessage) string {
	if v == nil {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		return strings.Join(list, ", ")
	}
	return string(v)
}

// setField writes v (nil: remove) at a field path such as "summary" or "name.it".
func setField(body []byte, field string, v json.RawMessage) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	top, sub, nested := strings.Cut(field, ".")
	if !nested {
		if v == nil {
			delete(m, top)
		} else {
			m[top] = v
		}
		return data.Canonical(m)
	}
	inner := map[string]json.RawMessage{}
	json.Unmarshal(m[top], &inner)
	if inner == nil {
		inner = map[string]json.RawMessage{}
	}
	if v == nil {
		delete(inner, sub)
	} else {
		inner[sub] = v
	}
	ib, err := json.Marshal(inner)
	if err != nil {
		return nil, err
	}
	m[top] = ib
	return data.Canonical(m)
}

// recordTitle is what a listing shows for a record.
func recordTitle(r data.Record) string {
	switch v := r.(type) {
	case *data.Practice:
		return v.Title
	case *data.Comment:
		t := strings.TrimSpace(v.Text)
		if i := strings.IndexByte(t, '\n'); i >= 0 {
			t = t[:i]
		}
		if len(t) > 80 {
			t = strings.ToValidUTF8(t[:80], "") + "…"
		}
		return t
	case *data.Tool:
		s, _ := v.Name.In("en")
		return s
	case *data.Guide:
		s, _ := v.Title.In("en")
		return s
	case *data.Organisation:
		return v.Name
	}
	return ""
}
