package data

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"
)

// Now is the time stamp for a change: UTC, millisecond precision, so that it
// survives a round trip through RFC 3339 text unchanged.
func Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// NewID returns a new id (UUIDv7: time-ordered, unique across installations)
// for local rows that never travel; shared records take NewRecordID.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// NewRecordID returns a new record id bound to its owning organisation, and
// the claim that proves the binding (kept in Meta.Claim): the id is a UUID
// (version 8) whose first 48 bits are the time in milliseconds and next 12 a
// sequence within the millisecond, so that ids still sort by creation as
// UUIDv7 ones do, and whose last 62 bits are the start of SHA-256(org, claim)
// for a random claim. Nobody can make a record of another organisation with
// that id: it would take a claim whose hash with their own organisation
// matches 62 given bits.
func NewRecordID(org string) (id, claim string) {
	var nonce [16]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	claim = base64.RawURLEncoding.EncodeToString(nonce[:])
	ms, seq := nextIDTime()
	return recordID(ms, seq, org, claim).String(), claim
}

var idClock struct {
	sync.Mutex
	ms  uint64
	seq uint16
}

// nextIDTime is the time and sequence of the next id: always after the last
// one made by this process, even within one millisecond.
func nextIDTime() (uint64, uint16) {
	idClock.Lock()
	defer idClock.Unlock()
	now := uint64(time.Now().UnixMilli())
	switch {
	case now > idClock.ms:
		idClock.ms, idClock.seq = now, 0
	case idClock.seq < 0xfff:
		idClock.seq++
	default:
		idClock.ms, idClock.seq = idClock.ms+1, 0
	}
	return idClock.ms, idClock.seq
}

func recordID(ms uint64, seq uint16, org, claim string) uuid.UUID {
	h := sha256.Sum256([]byte("vademecum record id\x00" + org + "\x00" + claim))
	var u uuid.UUID
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	u[6] = 0x80 | byte(seq>>8)&0x0f // version 8
	u[7] = byte(seq)
	copy(u[8:], h[:8])
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u
}

// IDBelongsTo reports whether id was made by NewRecordID for org with claim.
// Ids made before hub format 2 (UUIDv7, no claim) are not bound: false.
func IDBelongsTo(id, org, claim string) bool {
	u, err := uuid.Parse(id)
	if err != nil || claim == "" || u.Version() != 8 || u.String() != id {
		return false
	}
	var ms uint64
	for i := range 6 {
		ms = ms<<8 | uint64(u[i])
	}
	seq := uint16(u[6]&0x0f)<<8 | uint16(u[7])
	return recordID(ms, seq, org, claim) == u
}

// BoundID reports whether id is of the kind NewRecordID makes (UUID version 8),
// which must come with a claim.
func BoundID(id string) bool {
	u, err := uuid.Parse(id)
	return err == nil && u.Version() == 8
}

// Canonical encodes v as canonical JSON: sorted keys, two-space indent, LF line ends,
// a trailing newline, NFC text, no HTML escaping. Encoding an unchanged value always
// yields the same bytes, so the hub never sees spurious diffs.
func Canonical(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	tree = nfc(tree)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(tree); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func nfc(v any) any {
	switch t := v.(type) {
	case string:
		return norm.NFC.String(t)
	case []any:
		for i := range t {
			t[i] = nfc(t[i])
		}
		return t
	case map[string]any:
		out := make(map[string]any, len(t))
		from := make(map[string]string, len(t))
		for k, x := range t {
			nk := norm.NFC.String(k)
			// Two keys that differ only in normalisation ("é" composed and
			// decomposed) become one: the same one on every run and replica —
			// the one already in NFC, else the greater.
			if prev, dup := from[nk]; dup && (prev == nk || (k != nk && k < prev)) {
				continue
			}
			from[nk] = k
			out[nk] = nfc(x)
		}
		return out
	}
	return v
}

// Encode returns the canonical JSON of a record.
func Encode(r Record) ([]byte, error) {
	if b, ok, err := encodeRecord(r); ok {
		return b, err
	}
	return Canonical(r)
}

// New returns an empty record of the given type, or nil for an unknown type.
func New(typ string) Record {
	switch typ {
	case TypeOrg:
		return &Organisation{}
	case TypeTool:
		return &Tool{}
	case TypeGuide:
		return &Guide{}
	case TypePractice:
		return &Practice{}
	case TypeComment:
		return &Comment{}
	case TypeUsage:
		return &Usage{}
	case TypeProposal:
		return &Proposal{}
	case TypeReview:
		return &Review{}
	case TypeEditors:
		return &EditorChange{}
	case TypeErasure:
		return &Erasure{}
	}
	return nil
}

// Decode parses a record strictly: valid UTF-8, a known type, no unknown fields,
// an id. It does not check the content rules of Validate.
func Decode(b []byte) (Record, error) {
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("record is not valid UTF-8")
	}
	var head struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("record is not valid JSON: %v", err)
	}
	r := New(head.Type)
	if r == nil {
		return nil, fmt.Errorf("record has unknown type %q", head.Type)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		return nil, fmt.Errorf("record %s: %v", head.ID, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("record %s: trailing data after the JSON object", head.ID)
	}
	if head.ID == "" {
		return nil, fmt.Errorf("record has no id")
	}
	m := r.Base()
	m.Created = m.Created.UTC()
	m.Updated = m.Updated.UTC()
	return r, nil
}
