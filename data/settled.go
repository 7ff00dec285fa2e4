package data

import "time"

// MaxSettled bounds how many settled values a record carries: the oldest go
// first (each stays listed where it was already seen until resolved there).
const MaxSettled = 20

// Settled is a value that a merge of two versions of a record, made by
// laptops of its organisation, did not keep. It travels inside the signed
// record, so every laptop of the organisation lists it as a conflict (and
// tells the person whose value it was) until one of them resolves it: the
// next version then leaves it out, and the other laptops close it too.
type Settled struct {
	ID    string `json:"id"`    // the conflict's id, the same on every laptop
	Field string `json:"field"` // the field whose value was not kept
	Kind  string `json:"kind"`  // "field" or "edit-delete"
	// Value is the value not kept, as it was in its version (absent: the
	// field was absent there).
	Value any `json:"value,omitempty"`
	// By says whose value it was: the person at the laptop that merged, or
	// the laptop (device name or key id) that signed the other version.
	By string    `json:"by,omitempty"`
	At time.Time `json:"at"` // when the merge settled it
}
