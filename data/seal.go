package data

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
)

// Sealing (hub format 4, docs/hub-format.md "Sealed records"): the file of a
// shared practice or comment in the hub holds its identity and order in the
// clear and everything else encrypted with the record's own random key, kept
// apart from the history (the key branch), so that deleting the key
// everywhere erases the record from every copy of the history.

// KeySize is the size of a record key (AES-256).
const KeySize = 32

// Sealed reports whether records of type typ travel sealed: the records that
// carry people's stories. Organisation files, the editor log, proposals,
// reviews, usage marks and erasure notices stay readable.
func Sealed(typ string) bool { return typ == TypePractice || typ == TypeComment }

// NewRecordKey returns a new random record key.
func NewRecordKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return k
}

// KeyCommitment is what a record signs about its key (Meta.KeyHash): a key
// offered by a hub for that record is used only when it matches.
func KeyCommitment(id string, key []byte) string {
	h := sha256.New()
	h.Write([]byte("vademecum record key\x00" + id + "\x00"))
	h.Write(key)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// envelope is a sealed record file: the fields of Meta that identify and
// order it, its key commitment and the sealed canonical record.
type envelope struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Org     string `json:"org"`
	Claim   string `json:"claim,omitempty"`
	Version int64  `json:"version,omitempty"`
	Prev    string `json:"prev,omitempty"`
	Deleted bool   `json:"deleted,omitempty"`
	Updated string `json:"updated"`
	KeyHash string `json:"key_hash"`
	Sealed  string `json:"sealed"`
	Sig     string `json:"sig,omitempty"`
}

// Problems with sealed files.
var (
	ErrNoKey    = errors.New("the key of this record is not here")
	ErrBadSeal  = errors.New("the sealed record does not open with its key")
	ErrNotSeal  = errors.New("not a sealed record")
	errSealMeta = errors.New("the sealed record does not match its clear fields")
)

// IsSealed reports whether b is a sealed record file.
func IsSealed(b []byte) bool {
	return bytes.Contains(b, []byte(`"sealed": "`)) && sealedID(b) != ""
}

func sealedID(b []byte) string {
	var e envelope
	if json.Unmarshal(b, &e) != nil || e.Sealed == "" || e.KeyHash == "" {
		return ""
	}
	return e.ID
}

// SealedRecordID returns the record id of a sealed file ("" when b is none).
func SealedRecordID(b []byte) (id, keyHash string) {
	var e envelope
	if json.Unmarshal(b, &e) != nil || e.Sealed == "" || e.KeyHash == "" {
		return "", ""
	}
	return e.ID, e.KeyHash
}

// Seal returns the hub file of the canonical record body plain, sealed with
// key. The result is deterministic (the nonce is derived from the key and the
// bytes, as in SIV), so an unchanged record is an unchanged file. Bodies of a
// type that travels in the clear, or without a key commitment, are returned
// as they are.
func Seal(plain, key []byte) ([]byte, error) {
	r, err := Decode(plain)
	if err != nil {
		return nil, err
	}
	m := r.Base()
	if !Sealed(m.Type) || m.KeyHash == "" {
		return plain, nil
	}
	if KeyCommitment(m.ID, key) != m.KeyHash {
		return nil, ErrBadSeal
	}
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("vademecum seal nonce\x00"))
	mac.Write(plain)
	nonce := mac.Sum(nil)[:gcm.NonceSize()]
	ct := gcm.Seal(append([]byte{}, nonce...), nonce, plain, []byte(m.ID))
	return Canonical(envelope{ID: m.ID, Type: m.Type, Org: m.Org, Claim: m.Claim, Version: m.Version, Prev: m.Prev,
		Deleted: m.Deleted, Updated: FormatTime(m.Updated), KeyHash: m.KeyHash, Sealed: base64.StdEncoding.EncodeToString(ct), Sig: m.Sig})
}

// OpenSealed returns the canonical record sealed in the hub file b, with the first
// of keys whose commitment the file names. The record must say what the
// clear fields say; its signature, checked by the caller as for any record,
// covers the key commitment.
func OpenSealed(b []byte, keys [][]byte) ([]byte, []byte, error) {
	return OpenSealedWith(b, func(string) [][]byte { return keys })
}

// OpenSealedWith is OpenSealed with the keys of the record the file names.
func OpenSealedWith(b []byte, keysOf func(id string) [][]byte) ([]byte, []byte, error) {
	var e envelope
	if err := json.Unmarshal(b, &e); err != nil || e.Sealed == "" {
		return nil, nil, ErrNotSeal
	}
	keys := keysOf(e.ID)
	var key []byte
	for _, k := range keys {
		if KeyCommitment(e.ID, k) == e.KeyHash {
			key = k
			break
		}
	}
	if key == nil {
		return nil, nil, ErrNoKey
	}
	ct, err := base64.StdEncoding.DecodeString(e.Sealed)
	if err != nil {
		return nil, nil, ErrBadSeal
	}
	gcm, err := newGCM(key)
	if err != nil {
		return nil, nil, err
	}
	if len(ct) < gcm.NonceSize() {
		return nil, nil, ErrBadSeal
	}
	plain, err := gcm.Open(nil, ct[:gcm.NonceSize()], ct[gcm.NonceSize():], []byte(e.ID))
	if err != nil {
		return nil, nil, ErrBadSeal
	}
	// The record must say what the clear fields say (its full checks come
	// after, when it is read as any record is).
	var m struct {
		ID      string    `json:"id"`
		Type    string    `json:"type"`
		Org     string    `json:"org"`
		Claim   string    `json:"claim"`
		Version int64     `json:"version"`
		Prev    string    `json:"prev"`
		Deleted bool      `json:"deleted"`
		Updated time.Time `json:"updated"`
		KeyHash string    `json:"key_hash"`
		Sig     string    `json:"sig"`
	}
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, nil, ErrBadSeal
	}
	if m.ID != e.ID || m.Type != e.Type || m.Org != e.Org || m.Claim != e.Claim || m.Version != e.Version ||
		m.Prev != e.Prev || m.Deleted != e.Deleted || FormatTime(m.Updated) != e.Updated || m.KeyHash != e.KeyHash || m.Sig != e.Sig {
		return nil, nil, errSealMeta
	}
	return plain, key, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
