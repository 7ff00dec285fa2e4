package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"
)

// Now is the time stamp for a change: UTC, millisecond precision, so that it
// survives a round trip through RFC 3339 text unchanged.
func Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// NewID returns a new record id (UUIDv7: time-ordered, unique across installations).
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

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
