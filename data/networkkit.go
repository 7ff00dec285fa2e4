package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"
)

// The toolkit of an installation has three layers, each over the one below
// (issue 23):
//
//  1. the toolkit shipped with the app (the shipped table);
//  2. the network's accepted edits: the entry an editor accepted, N. The
//     fields N changed, compared with the shipped entry when N was applied
//     here (S_N), keep N's value even when an app update changes them too;
//     the others follow the app: layer 2 is MergeFields(S_N, S, N);
//  3. the user's own local edits (SaveTool): a field edited here keeps the
//     local value over both: the record is MergeFields(L2 before, L2 now,
//     record).
//
// What layer 2 was when last applied is kept under networkKey(id), so that
// the next application tells local edits from what it wrote itself.

// networkLayer is what ApplyNetwork keeps of one entry.
type networkLayer struct {
	N  json.RawMessage `json:"n"`  // the accepted entry
	SN json.RawMessage `json:"sn"` // the shipped entry when N was applied (null: a new entry)
	L2 json.RawMessage `json:"l2"` // layer 2 as last applied
}

func networkKey(id string) string { return "network:" + id }

const settingNetworkApplied = "network_applied"

// ApplyNetwork brings the accepted proposals held here into the toolkit, by
// the precedence above. It does nothing when neither the accepted reviews
// nor the shipped toolkit changed since it last ran.
func (s *Store) ApplyNetwork(ctx context.Context) error {
	recs, err := s.decodeAll(ctx, "SELECT body FROM records WHERE type = ? AND deleted = 0", TypeReview)
	if err != nil {
		return err
	}
	reviews, err := validReviews(ctx, s.db, recs)
	if err != nil {
		return err
	}
	latest := map[string]*Review{}
	for _, rv := range reviews {
		if rv.Verdict != Accepted || (rv.Tool == nil) == (rv.Guide == nil) {
			continue
		}
		if l := latest[rv.Target]; l == nil || rv.Updated.After(l.Updated) || rv.Updated.Equal(l.Updated) && rv.ID > l.ID {
			latest[rv.Target] = rv
		}
	}
	if len(latest) == 0 {
		return nil
	}
	targets := sortedKeys(latest)
	kit, _ := s.Setting(SettingToolkit)
	h := sha256.New()
	h.Write([]byte(kit + "\n"))
	for _, t := range targets {
		h.Write([]byte(t + " " + latest[t].ID + " " + fmtTime(latest[t].Updated) + "\n"))
	}
	mark := hex.EncodeToString(h.Sum(nil))
	if have, _ := s.Setting(settingNetworkApplied); have == mark {
		return nil
	}
	return s.Tx(ctx, func(tx *Tx) error {
		for _, t := range targets {
			if err := applyAccepted(tx, latest[t]); err != nil {
				return err
			}
		}
		return setSetting(tx, settingNetworkApplied, mark)
	})
}

func setSetting(tx *Tx, key, value string) error {
	_, err := tx.exec("INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value)
	return err
}

// applyAccepted makes one accepted entry part of the toolkit here.
func applyAccepted(tx *Tx, rv *Review) error {
	var entry Record
	var prov = &Provenance{Proposal: rv.Proposal, ProposedBy: rv.Proposer, AcceptedBy: rv.Org, Accepted: rv.Updated}
	switch {
	case rv.Tool != nil:
		t := *rv.Tool
		t.Network = prov
		entry = &t
	default:
		g := *rv.Guide
		g.Network = prov
		entry = &g
	}
	m := entry.Base()
	m.ID, m.Type, m.Org, m.Author, m.Lang = rv.Target, rv.Kind, ToolkitOrg, "", "en"
	m.Created, m.Updated, m.Version, m.Prev, m.Claim, m.Sig, m.Settled, m.Deleted = rv.Updated, rv.Updated, 0, "", "", "", nil, false
	n, err := Encode(entry)
	if err != nil {
		return err
	}
	var prev networkLayer
	if v, err := SettingIn(tx, networkKey(rv.Target)); err != nil {
		return err
	} else if v != "" {
		json.Unmarshal([]byte(v), &prev)
	}
	shipped, err := shippedBody(tx, rv.Target)
	if err != nil {
		return err
	}
	layer := networkLayer{N: n, SN: prev.SN}
	if !jsonEqual(prev.N, n) {
		layer.SN = shipped // a new accepted entry: compared with the app's entry of today
	}
	l2 := n
	if layer.SN != nil && shipped != nil {
		if l2, err = MergeFields(layer.SN, shipped, n); err != nil {
			return err
		}
	}
	layer.L2 = l2
	cur, err := tx.GetBody(rv.Target)
	var out []byte
	switch {
	case errors.Is(err, ErrNotFound):
		out = l2
	case err != nil:
		return err
	default:
		below := prev.L2
		if below == nil {
			below = shipped
		}
		if below == nil {
			below = cur
		}
		if out, err = MergeFields(below, l2, cur); err != nil {
			return err
		}
	}
	rec, err := Decode(out)
	if err != nil {
		return err
	}
	if r := rec.Base(); r.Type != rv.Kind || r.Org != ToolkitOrg {
		return nil // an id held by something else here: left alone
	}
	lb, err := json.Marshal(layer)
	if err != nil {
		return err
	}
	if err := setSetting(tx, networkKey(rv.Target), string(lb)); err != nil {
		return err
	}
	if string(out) == string(cur) {
		return nil
	}
	return tx.Put(rec, PutToolkit)
}

func shippedBody(tx *Tx, id string) (json.RawMessage, error) {
	var b string
	err := tx.tx.QueryRow("SELECT body FROM shipped WHERE id = ?", id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return json.RawMessage(b), err
}

// hasNetworkLayer reports whether the network changed an entry here: an app
// update then leaves it to ApplyNetwork (see seedOne).
func hasNetworkLayer(tx *Tx, id string) (bool, error) {
	v, err := SettingIn(tx, networkKey(id))
	return v != "", err
}

// NetworkEntries lists the toolkit entries the network added or changed
// here, by id.
func (s *Store) NetworkEntries(ctx context.Context) ([]Record, error) {
	recs, err := s.decodeAll(ctx, "SELECT r.body FROM records r JOIN settings s ON s.key = 'network:' || r.id WHERE r.deleted = 0")
	if err != nil {
		return nil, err
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Base().ID < recs[j].Base().ID })
	return recs, nil
}
