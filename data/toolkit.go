package data

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// SeedToolkit brings the toolkit shipped with this build (content version
// `version`) into the store. On first start it inserts everything. When a newer
// build ships changed content, each record is merged field by field against the
// content as last shipped: a field edited locally keeps the local value, any
// other field takes the new one, and new records are added. Older or equal
// versions change nothing. It returns how many records were added or changed.
func (s *Store) SeedToolkit(ctx context.Context, version int, recs []Record) (int, error) {
	have, err := s.Setting(SettingToolkit)
	if err != nil {
		return 0, err
	}
	if v, _ := strconv.Atoi(have); have != "" && v >= version {
		return 0, nil
	}
	changed := 0
	err = s.Tx(ctx, func(tx *Tx) error {
		for _, r := range recs {
			n, err := seedOne(tx, r)
			if err != nil {
				return fmt.Errorf("toolkit record %s: %w", r.Base().ID, err)
			}
			changed += n
		}
		_, err := tx.exec("INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			SettingToolkit, strconv.Itoa(version))
		return err
	})
	return changed, err
}

func seedOne(tx *Tx, r Record) (int, error) {
	id := r.Base().ID
	shipped, err := Encode(r)
	if err != nil {
		return 0, err
	}
	var base []byte
	st, err := tx.stmt("SELECT body FROM shipped WHERE id = ?")
	if err != nil {
		return 0, err
	}
	var b string
	if err := st.QueryRow(id).Scan(&b); err == nil {
		base = []byte(b)
	}
	if _, err := tx.exec("INSERT INTO shipped(id, body) VALUES(?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body", id, string(shipped)); err != nil {
		return 0, err
	}
	if net, err := hasNetworkLayer(tx, id); err != nil || net {
		// Changed by the network: ApplyNetwork merges the new shipped entry in.
		return 0, err
	}
	local, err := tx.GetBody(id)
	if errors.Is(err, ErrNotFound) {
		return 1, tx.Put(r, PutToolkit)
	} else if err != nil {
		return 0, err
	}
	if bytes.Equal(local, shipped) {
		return 0, nil
	}
	if base == nil {
		// Known here before it shipped (it came from a hub): the local record wins.
		return 0, nil
	}
	merged, err := MergeFields(base, local, shipped)
	if err != nil {
		return 0, err
	}
	if bytes.Equal(merged, local) {
		return 0, nil
	}
	rec, err := Decode(merged)
	if err != nil {
		return 0, err
	}
	return 1, tx.Put(rec, PutToolkit)
}

// MergeFields merges two changed versions of a JSON object against their common
// base, top-level field by field: a field changed on one side only takes that
// side; a field changed on both sides takes theirs. Text variants (objects such as
// {"en": ..., "it": ...}) merge per language the same way. The result is canonical.
func MergeFields(base, mine, theirs []byte) ([]byte, error) {
	var b, m, t map[string]json.RawMessage
	for _, p := range []struct {
		src []byte
		dst *map[string]json.RawMessage
	}{{base, &b}, {mine, &m}, {theirs, &t}} {
		if err := json.Unmarshal(p.src, p.dst); err != nil {
			return nil, err
		}
	}
	out := mergeObjects(b, m, t, true)
	return Canonical(out)
}

func mergeObjects(b, m, t map[string]json.RawMessage, deep bool) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	keys := map[string]bool{}
	for _, mm := range []map[string]json.RawMessage{b, m, t} {
		for k := range mm {
			keys[k] = true
		}
	}
	for k := range keys {
		bv, mv, tv := b[k], m[k], t[k]
		var v json.RawMessage
		switch {
		case jsonEqual(mv, tv):
			v = mv
		case jsonEqual(bv, mv):
			v = tv
		case jsonEqual(bv, tv):
			v = mv
		default:
			v = tv
			if deep {
				var bo, mo, to map[string]json.RawMessage
				if json.Unmarshal(mv, &mo) == nil && json.Unmarshal(tv, &to) == nil && mo != nil && to != nil {
					json.Unmarshal(bv, &bo)
					merged, _ := json.Marshal(mergeObjects(bo, mo, to, false))
					v = merged
				}
			}
		}
		if v != nil {
			out[k] = v
		}
	}
	return out
}

func jsonEqual(a, b json.RawMessage) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	cx, _ := json.Marshal(x)
	cy, _ := json.Marshal(y)
	return bytes.Equal(cx, cy)
}
