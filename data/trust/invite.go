package trust

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"vademecum/data"
	"vademecum/internal/atomicfile"
)

// What an invitation hands over (see package vademecum/sync/invite): the keys
// of the network's organisations as the inviter has them pinned, pinned here
// before the first sync, so that a file on the hub that contradicts them is set
// aside instead of being trusted on first sight.

// SettingInvited is the setting that keeps the keys invitations pinned.
const SettingInvited = "trust_invited"

// InvitedOrg is an organisation's keys as an invitation lists them.
type InvitedOrg struct {
	ID   string       `json:"id"`
	Name string       `json:"name,omitempty"`
	Keys []InvitedKey `json:"keys"`
}

// InvitedKey is a public key (base64, as organisation files list it) and, when
// revoked, since when.
type InvitedKey struct {
	Public  string    `json:"public"`
	Revoked time.Time `json:"revoked,omitzero"`
}

// NetworkKeys lists the organisations known here with their keys as pinned,
// for an invitation: toolkit content and organisations with no keys left out.
func NetworkKeys(store *data.Store) ([]InvitedOrg, error) {
	orgs, err := store.ListOrgs(context.Background())
	if err != nil {
		return nil, err
	}
	var out []InvitedOrg
	for _, o := range orgs {
		if o.ID == data.ToolkitOrg || len(o.Keys) == 0 {
			continue
		}
		io := InvitedOrg{ID: o.ID, Name: o.Name}
		for _, k := range o.Keys {
			io.Keys = append(io.Keys, InvitedKey{Public: k.Public, Revoked: k.Revoked})
		}
		out = append(out, io)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// CheckInvitedOrgs refuses a list of organisations that is malformed: a key that
// is not a key, an organisation twice.
func CheckInvitedOrgs(orgs []InvitedOrg) error {
	seen := map[string]bool{}
	for _, o := range orgs {
		if o.ID == "" || o.ID == data.ToolkitOrg || seen[o.ID] || len(o.Keys) == 0 {
			return fmt.Errorf("the organisation %q is listed wrongly", o.ID)
		}
		seen[o.ID] = true
		for _, k := range o.Keys {
			if _, err := ParsePublic(k.Public); err != nil {
				return fmt.Errorf("the organisation %q lists a malformed key", o.ID)
			}
		}
	}
	return nil
}

// Pin keeps the keys an invitation lists, for the organisations this
// installation holds no file of yet (a file held here is pinned already and
// wins). The first file of such an organisation received from a hub must be
// signed by one of them.
func Pin(store *data.Store, orgs []InvitedOrg) error {
	if err := CheckInvitedOrgs(orgs); err != nil {
		return err
	}
	have, err := Invited(store)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		have[o.ID] = o
	}
	b, err := json.Marshal(have)
	if err != nil {
		return err
	}
	return store.SetSetting(SettingInvited, string(b))
}

// Invited returns the keys invitations pinned, by organisation.
func Invited(store *data.Store) (map[string]InvitedOrg, error) { return invitedIn(store.DB()) }

func invitedIn(q data.Querier) (map[string]InvitedOrg, error) {
	v, err := data.SettingIn(q, SettingInvited)
	if err != nil {
		return nil, err
	}
	out := map[string]InvitedOrg{}
	if v == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, fmt.Errorf("the keys pinned by an invitation are damaged here: %v", err)
	}
	return out, nil
}

// InvitedOrgs lists, as 'keys' shows them, the organisations pinned by an
// invitation whose file has not been received yet.
func InvitedOrgs(store *data.Store) ([]OrgKeys, error) {
	inv, err := Invited(store)
	if err != nil {
		return nil, err
	}
	var out []OrgKeys
	for id, o := range inv {
		if _, err := store.Get(id); err == nil {
			continue
		}
		ok := OrgKeys{ID: id, Name: o.Name, Keys: []KeyInfo{}}
		for _, k := range o.Keys {
			pub, err := ParsePublic(k.Public)
			if err != nil {
				continue
			}
			ok.Keys = append(ok.Keys, keyInfo(data.Key{ID: KeyID(pub), Public: k.Public, Revoked: k.Revoked}, StatusPinned, ""))
		}
		out = append(out, ok)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ContradictsInvitation is the reason a hub's organisation file is set aside:
// an invitation pinned other keys for that organisation.
type ContradictsInvitation struct {
	Org         string
	KeyID       string
	Fingerprint string
	Pinned      []string // fingerprints the invitation pinned
}

func (e *ContradictsInvitation) Error() string {
	return reasons.Text(ReasonNotInvitedKey, e.Org, e.KeyID, e.Fingerprint, e.Org, e.Org)
}

// invitedSigner checks the first file seen of an organisation against the keys
// an invitation pinned for it: nil when none did, or when signer is one of
// them, not revoked at the file's time.
func (k *Keyring) invitedSigner(q data.Querier, o *data.Organisation, signer *data.Key) error {
	inv, err := invitedIn(q)
	if err != nil {
		return err
	}
	pinned, ok := inv[o.ID]
	if !ok {
		return nil
	}
	var fps []string
	for _, ik := range pinned.Keys {
		if ik.Public == signer.Public && (ik.Revoked.IsZero() || o.Updated.Before(ik.Revoked)) {
			return nil
		}
		fps = append(fps, FingerprintOf(ik.Public))
	}
	return &ContradictsInvitation{Org: o.ID, KeyID: signer.ID, Fingerprint: FingerprintOf(signer.Public), Pinned: fps}
}

// SignInvitation signs an invitation's payload with this installation's key:
// "<key id>:<base64 signature>".
func SignInvitation(in *Installation, payload []byte) string {
	return in.ID() + ":" + base64.StdEncoding.EncodeToString(in.sign(append([]byte("vademecum invitation\x00"), payload...)))
}

// VerifyInvitation checks sig (SignInvitation's) over payload with the public
// key public.
func VerifyInvitation(public string, payload []byte, sig string) bool {
	pub, err := ParsePublic(public)
	if err != nil {
		return false
	}
	// Strict base64: no other spelling of the same signature is accepted.
	id, b, ok := strings.Cut(sig, ":")
	s, err := base64.StdEncoding.Strict().DecodeString(b)
	return ok && err == nil && id == KeyID(pub) && ed25519.Verify(pub, append([]byte("vademecum invitation\x00"), payload...), s)
}

// NewLaptopKey makes the key of a new laptop of this organisation, for an
// invitation that carries it (encrypted): the private key (PKCS#8 PEM) and the
// public key as organisation files list it.
func NewLaptopKey() (privatePEM []byte, public string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, "", err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), encodePublic(pub), nil
}

// PublicOfPEM returns the public key of a private key in PEM, or an error.
func PublicOfPEM(privatePEM []byte) (string, error) {
	blk, _ := pem.Decode(privatePEM)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return "", errors.New("not a PEM private key")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return "", err
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return "", errors.New("not an ed25519 key")
	}
	return encodePublic(priv.Public().(ed25519.PublicKey)), nil
}

// ErrKeyExists: the data directory has an installation key already, other than
// the one an invitation for a new laptop brings.
var ErrKeyExists = errors.New("this data directory has an installation key already")

// InstallKey makes privatePEM this installation's key (the key an invitation
// for a new laptop brings). A data directory with the same key is fine; one
// with another key is refused (ErrKeyExists: it may have signed records),
// unless replace says that key never signed anything (no organisation yet).
func InstallKey(dir string, privatePEM []byte, replace bool) error {
	want, err := PublicOfPEM(privatePEM)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, KeyFile)
	if in, err := readKey(path); err == nil {
		if in.Public() == want {
			return nil
		}
		if !replace {
			return ErrKeyExists
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := atomicfile.WriteFile(path, privatePEM, 0o600); err != nil {
		return fmt.Errorf("cannot write this installation's key in %s: %s", dir, rootCause(err))
	}
	return nil
}

// CheckOrgFile checks that o (decoded from body) is an organisation file signed
// by one of the keys it lists, not revoked at its time; it returns the signer.
func CheckOrgFile(o *data.Organisation, body []byte) (*data.Key, error) {
	if err := checkKeys(o); err != nil {
		return nil, err
	}
	keyID, sig, err := parseSig(o.Sig)
	if err != nil {
		return nil, err
	}
	key := findKey(o.Keys, keyID)
	if key == nil {
		return nil, fmt.Errorf("the organisation file of %s is signed with the key %s, which it does not list", o.ID, keyID)
	}
	pub, _ := keyPublic(key)
	if revokedAt(key, o.Updated) {
		return nil, revokedError(o.ID, key)
	}
	if !verifySig(pub, o, body, sig) {
		return nil, errTampered
	}
	return key, nil
}

// JoinOrg sets up this installation as a new laptop of the organisation whose
// file o an invitation brings (signed by a laptop already listed, and listing
// this installation's key): that file is pinned and stored as received (never
// sent again from here), and user becomes the person writing here. The key must
// be installed first (InstallKey).
func JoinOrg(store *data.Store, o *data.Organisation, body []byte, user string) error {
	if _, err := CheckOrgFile(o, body); err != nil {
		return err
	}
	in, err := LoadInstallation(store.Dir())
	if err != nil {
		return err
	}
	if k := findKey(o.Keys, in.ID()); k == nil || !k.Revoked.IsZero() {
		return fmt.Errorf("the organisation file of %s does not list this installation's key %s", o.ID, in.ID())
	}
	if me, err := store.Identity(); err == nil && me.Org != o.ID {
		return fmt.Errorf("this installation belongs to %s, not %s", me.Org, o.ID)
	}
	err = store.Tx(context.Background(), func(tx *data.Tx) error {
		if r, err := tx.Get(o.ID); err == nil {
			if cur, ok := r.(*data.Organisation); ok && cur.Updated.After(o.Updated) {
				return nil // a newer version is here already
			}
		}
		if err := tx.Put(o, data.PutHub); err != nil {
			return err
		}
		if _, err := tx.MarkSent(o.ID, o.Updated); err != nil {
			return err
		}
		return tx.KeepRecord(o) // a rebuilt database trusts it again
	})
	if err != nil {
		return err
	}
	if err := store.SetSetting(data.SettingUser, user); err != nil {
		return err
	}
	return store.SetSetting(data.SettingOrg, o.ID)
}
