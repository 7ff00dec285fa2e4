package trust

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
	"unicode"

	"vademecum/data"
)

// Key statuses, as listings show them.
const (
	StatusPinned  = "pinned"  // listed in the organisation file here: its signatures count
	StatusRevoked = "revoked" // signs nothing valid after its revocation time
	StatusPending = "pending" // in a key change waiting for approval
)

// later returns a time stamp after prev, so that every change is newer than the
// last one even when the clock is coarse or went back.
func later(prev time.Time) time.Time {
	now := data.Now()
	if !now.After(prev) {
		now = prev.Add(time.Millisecond)
	}
	return now
}

// cleanDevice keeps a device name to one short printable line; "" becomes the
// computer's name.
func cleanDevice(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		if h, err := os.Hostname(); err == nil {
			s = h
		} else {
			s = "this computer"
		}
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60])
	}
	return s
}

// changeMyOrg runs fn on this installation's organisation file inside one
// transaction and, when fn changed it, stores it signed as a local change.
func changeMyOrg(store *data.Store, fn func(in *Installation, o *data.Organisation) (bool, error)) error {
	in, err := LoadInstallation(store.Dir())
	if err != nil {
		return err
	}
	me, err := store.Identity()
	if err != nil {
		return err
	}
	return store.Tx(context.Background(), func(tx *data.Tx) error {
		r, err := tx.Get(me.Org)
		if errors.Is(err, data.ErrNotFound) {
			return errs.Error(ErrOrgFileMissing, me.Org)
		} else if err != nil {
			return err
		}
		o, ok := r.(*data.Organisation)
		if !ok {
			return fmt.Errorf("the record %s is a %s, not an organisation file", me.Org, r.Base().Type)
		}
		changed, err := fn(in, o)
		if err != nil || !changed {
			return err
		}
		o.Updated = later(o.Updated)
		if err := signRecord(in, o); err != nil {
			return err
		}
		return tx.Put(o, data.PutLocal)
	})
}

// EnsureListed adds this installation's public key to its organisation's file
// (a signed local change, sent at the next sync) unless it is listed already. The
// app and the CLI call it after Init; device names the computer for people ("" =
// its host name). A revoked key stays revoked.
func EnsureListed(store *data.Store, device string) error {
	return changeMyOrg(store, func(in *Installation, o *data.Organisation) (bool, error) {
		if findKey(o.Keys, in.ID()) != nil {
			return false, nil
		}
		o.Keys = append(o.Keys, data.Key{ID: in.ID(), Public: in.Public(), Device: cleanDevice(device), Added: data.Now()})
		return true, nil
	})
}

// mustBeTrusted refuses key changes from an installation partners would not
// accept them from: one whose key is not listed, or revoked.
func mustBeTrusted(in *Installation, o *data.Organisation) error {
	key := findKey(o.Keys, in.ID())
	if key == nil {
		return errs.Error(ErrKeyNotListed, o.ID)
	}
	if !key.Revoked.IsZero() {
		return fmt.Errorf("this installation's key was revoked on %s: keys can only be changed from a laptop of %s that partners still trust",
			key.Revoked.Format(time.DateOnly), o.ID)
	}
	return nil
}

// AddKey lists another laptop of this organisation: public is its key as 'keys
// show' prints it there. The organisation file is signed with this installation's
// key, which partners have pinned, so they accept the new key without asking.
func AddKey(store *data.Store, public, device string) (data.Key, error) {
	pub, err := ParsePublic(public)
	if err != nil {
		return data.Key{}, err
	}
	added := data.Key{ID: KeyID(pub), Public: encodePublic(pub), Device: cleanDevice(device)}
	err = changeMyOrg(store, func(in *Installation, o *data.Organisation) (bool, error) {
		if err := mustBeTrusted(in, o); err != nil {
			return false, err
		}
		if k := findKey(o.Keys, added.ID); k != nil {
			if !k.Revoked.IsZero() {
				return false, fmt.Errorf("the key %s%s was revoked on %s and cannot be listed again: make a new key on that laptop (a new data directory)",
					k.ID, deviceOf(k), k.Revoked.Format(time.DateOnly))
			}
			return false, fmt.Errorf("the key %s is already listed for %s%s", k.ID, o.ID, deviceOf(k))
		}
		added.Added = data.Now()
		added.Cert = certify(in, o.ID, added)
		o.Keys = append(o.Keys, added)
		return true, nil
	})
	return added, err
}

// NormalizeKeyID accepts a key ID or a fingerprint as people type them (any
// case, with or without spaces) and returns the key ID.
func NormalizeKeyID(s string) (string, error) {
	id := strings.ToLower(strings.Join(strings.Fields(s), ""))
	if len(id) == 32 {
		id = id[:16]
	}
	if !keyIDRe.MatchString(id) {
		return "", errs.Error(ErrNotKeyID, s)
	}
	return id, nil
}

// Revoke marks a key of this organisation revoked from now on (a lost or stolen
// laptop): partners refuse what it signs after this time, and keep what it
// signed before. This installation's own key cannot be revoked from here.
func Revoke(store *data.Store, keyID string) (data.Key, error) {
	id, err := NormalizeKeyID(keyID)
	if err != nil {
		return data.Key{}, err
	}
	var revoked data.Key
	err = changeMyOrg(store, func(in *Installation, o *data.Organisation) (bool, error) {
		if err := mustBeTrusted(in, o); err != nil {
			return false, err
		}
		if id == in.ID() {
			return false, errors.New("this is this installation's own key: revoke it from another laptop of your organisation")
		}
		k := findKey(o.Keys, id)
		if k == nil {
			return false, errs.Error(ErrNoSuchKey, id, o.ID)
		}
		if !k.Revoked.IsZero() {
			return false, fmt.Errorf("the key %s%s was already revoked on %s", k.ID, deviceOf(k), k.Revoked.Format(time.DateOnly))
		}
		k.Revoked = later(o.Updated)
		revoked = *k
		return true, nil
	})
	return revoked, err
}

type pendingRow struct{ org, updated, signer, body, seen string }

// savePending keeps the newest waiting version of each organisation.
func savePending(q data.Querier, p pendingRow) error {
	_, err := q.Exec(`INSERT INTO trust_pending(org, updated, signer, body, seen) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(org) DO UPDATE SET updated = excluded.updated, signer = excluded.signer, body = excluded.body, seen = excluded.seen
		WHERE excluded.updated >= trust_pending.updated`, p.org, p.updated, p.signer, p.body, p.seen)
	return err
}

// PendingChange is a version of an organisation file signed by a key not pinned
// here, waiting for a person to approve it.
type PendingChange struct {
	Org     string    `json:"org"`
	Updated time.Time `json:"updated"` // of the organisation file held
	Seen    time.Time `json:"seen"`
	Signer  KeyInfo   `json:"signer"`
	Keys    []KeyInfo `json:"keys"` // the keys it lists, with what they would be
	file    *data.Organisation
	body    []byte
}

// KeyInfo is a key as listings show it.
type KeyInfo struct {
	ID          string    `json:"id"`
	Fingerprint string    `json:"fingerprint"`
	Public      string    `json:"public"`
	Device      string    `json:"device,omitempty"`
	Added       time.Time `json:"added"`
	Revoked     time.Time `json:"revoked,omitzero"`
	Status      string    `json:"status"` // pinned | revoked | pending
	This        bool      `json:"this_installation,omitempty"`
}

func keyInfo(k data.Key, status, this string) KeyInfo {
	if !k.Revoked.IsZero() {
		status = StatusRevoked
	}
	return KeyInfo{ID: k.ID, Fingerprint: FingerprintOf(k.Public), Public: k.Public, Device: k.Device,
		Added: k.Added, Revoked: k.Revoked, Status: status, This: k.ID == this}
}

// errDamaged: a row of trust_pending fails its checks (edited by hand?).
var errDamaged = errors.New("damaged")

// loadPending reads the waiting change of org (nil when none) and checks it is
// still what was received: signed by the key it names, one it lists.
func loadPending(q interface {
	QueryRow(string, ...any) *sql.Row
}, org string) (*PendingChange, error) {
	var updated, signer, body, seen string
	err := q.QueryRow("SELECT updated, signer, body, seen FROM trust_pending WHERE org = ?", org).Scan(&updated, &signer, &body, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	damaged := errDamaged
	r, err := data.Decode([]byte(body))
	if err != nil {
		return nil, damaged
	}
	o, ok := r.(*data.Organisation)
	if !ok || o.ID != org || checkKeys(o) != nil {
		return nil, damaged
	}
	keyID, sig, err := parseSig(o.Sig)
	key := findKey(o.Keys, keyID)
	if err != nil || keyID != signer || key == nil {
		return nil, damaged
	}
	pub, _ := keyPublic(key)
	if !verifySig(pub, o, []byte(body), sig) {
		return nil, damaged
	}
	p := &PendingChange{Org: org, Updated: o.Updated, Signer: keyInfo(*key, StatusPending, ""), file: o, body: []byte(body)}
	p.Seen, _ = time.Parse(time.RFC3339Nano, seen)
	return p, nil
}

// Approve accepts the key change waiting for org, after a person compared its
// signer's fingerprint by phone: that version of the organisation file is pinned
// and stored. It returns the file approved.
func Approve(store *data.Store, org string) (*data.Organisation, error) {
	var approved *data.Organisation
	damaged, superseded := false, false
	err := store.Tx(context.Background(), func(tx *data.Tx) error {
		forget := func() error {
			_, err := tx.SQL().Exec("DELETE FROM trust_pending WHERE org = ?", org)
			return err
		}
		p, err := loadPending(tx.SQL(), org)
		if errors.Is(err, errDamaged) {
			if err := forget(); err != nil {
				return err
			}
			damaged = true
			return nil
		}
		if err != nil {
			return err
		}
		if p == nil {
			return errs.Error(ErrNoPendingChange, org)
		}
		o := p.file
		if r, err := tx.Get(org); err == nil {
			cur, ok := r.(*data.Organisation)
			if !ok {
				return fmt.Errorf("the record %s is a %s, not an organisation file", org, r.Base().Type)
			}
			if cur.Updated.After(o.Updated) {
				superseded = true // a newer version was accepted meanwhile (a tie, same millisecond on two laptops, is not newer)
				return forget()
			}
			if err := keepsRevocations(cur, o); err != nil {
				return err
			}
		} else if !errors.Is(err, data.ErrNotFound) {
			return err
		}
		if err := tx.Put(o, data.PutHub); err != nil {
			return err
		}
		// This installation's own organisation: the approved version replaces
		// the one 'init' made here, which is never sent (the hub's lists this
		// laptop already).
		if _, err := tx.MarkSent(o.ID, o.Updated); err != nil {
			return err
		}
		// A rebuilt database trusts it again (see data.LocalCopyFile).
		if err := tx.KeepRecord(o); err != nil {
			return err
		}
		approved = o
		return forget()
	})
	if err == nil && superseded {
		return nil, fmt.Errorf("the key change for %s was overtaken by a newer organisation file, signed by a key trusted here: nothing left to approve", org)
	}
	if err == nil && damaged {
		return nil, fmt.Errorf("the key change held for %s does not check out any more (was the database edited?): it was discarded, nothing was approved", org)
	}
	return approved, err
}

// OrgKeys is an organisation with its keys, as the Sync screen and 'keys' show it.
type OrgKeys struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	Country string         `json:"country"`
	Lang    string         `json:"lang"`
	Updated time.Time      `json:"updated"`
	Keys    []KeyInfo      `json:"keys"`
	Pending *PendingChange `json:"pending,omitempty"`
}

// Orgs lists the organisations known here with their keys and any key change
// waiting for approval, this installation's organisation first, then by name.
func Orgs(store *data.Store) ([]OrgKeys, error) {
	in, err := LoadInstallation(store.Dir())
	if err != nil {
		return nil, err
	}
	me, _ := store.Identity()
	orgs, err := store.ListOrgs(context.Background())
	if err != nil {
		return nil, err
	}
	pend, err := Pending(store)
	if err != nil {
		return nil, err
	}
	byOrg := map[string]*PendingChange{}
	for i := range pend {
		byOrg[pend[i].Org] = &pend[i]
	}
	var out []OrgKeys
	for _, o := range orgs {
		if o.ID == data.ToolkitOrg {
			continue
		}
		ok := OrgKeys{ID: o.ID, Name: o.Name, Country: o.Country, Lang: o.Lang, Updated: o.Updated, Keys: []KeyInfo{}}
		for _, k := range o.Keys {
			ok.Keys = append(ok.Keys, keyInfo(k, StatusPinned, in.ID()))
		}
		if p := byOrg[o.ID]; p != nil {
			for i := range p.Keys {
				if findKey(o.Keys, p.Keys[i].ID) == nil && p.Keys[i].Status == StatusPending {
					ok.Keys = append(ok.Keys, p.Keys[i])
				}
			}
			ok.Pending = p
		}
		out = append(out, ok)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID == me.Org && out[j].ID != me.Org })
	return out, nil
}

// Pending lists the key changes waiting for approval that are newer than the
// organisation file here.
func Pending(store *data.Store) ([]PendingChange, error) {
	rows, err := store.DB().Query("SELECT org FROM trust_pending ORDER BY org")
	if err != nil {
		return nil, err
	}
	var orgs []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return nil, err
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	in, err := LoadInstallation(store.Dir())
	if err != nil {
		return nil, err
	}
	var out []PendingChange
	for _, org := range orgs {
		p, err := loadPending(store.DB(), org)
		if errors.Is(err, errDamaged) {
			continue // 'keys approve' discards a damaged one and says so
		}
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue
		}
		var cur *data.Organisation
		if r, err := store.Get(org); err == nil {
			cur, _ = r.(*data.Organisation)
		}
		if cur != nil && !p.Updated.After(cur.Updated) {
			continue // superseded by a version accepted since
		}
		for _, k := range p.file.Keys {
			status := StatusPending
			if cur != nil && findKey(cur.Keys, k.ID) != nil {
				status = StatusPinned
			}
			p.Keys = append(p.Keys, keyInfo(k, status, in.ID()))
		}
		out = append(out, *p)
	}
	return out, nil
}

func encodePublic(pub []byte) string { return base64.StdEncoding.EncodeToString(pub) }
