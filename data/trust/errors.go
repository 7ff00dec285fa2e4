package trust

import "vademecum/internal/reason"

// What stops signing or a change of keys, as a code that front ends word with
// their own way out (*reason.Error's Code); the English names no front end.
const (
	ErrOrgFileMissing  = "trust.org_file_missing"   // Org
	ErrKeyNotListedYet = "trust.key_not_listed_yet" // Key, Org: the installation's key, when signing
	ErrKeyNotListed    = "trust.key_not_listed"     // Org: the installation's key, when changing keys
	ErrNotPublicKey    = "trust.not_public_key"     // Value
	ErrNotKeyID        = "trust.not_key_id"         // Value
	ErrNoSuchKey       = "trust.no_such_key"        // Key, Org
	ErrNoPendingChange = "trust.no_pending_change"  // Org
)

var errs = reason.NewSet(map[string]reason.Format{
	ErrOrgFileMissing:  reason.F("the organisation file of %s is missing here: set this installation up again", "Org"),
	ErrKeyNotListedYet: reason.F("this installation's key %s is not listed in the organisation file of %s yet: it is added when the keys are shown or the app starts", "Key", "Org"),
	ErrKeyNotListed:    reason.F("this installation's key is not listed for %s: add it, and sync, before changing keys", "Org"),
	ErrNotPublicKey:    reason.F("%q is not a public key: paste the whole line 'public:' that the other laptop shows", "Value"),
	ErrNotKeyID:        reason.F("%q is not a key ID: give the 16 hex digits of the key, or the whole fingerprint", "Value"),
	ErrNoSuchKey:       reason.F("no key %s is listed for %s", "Key", "Org"),
	ErrNoPendingChange: reason.F("no key change for %s is waiting for approval", "Org"),
})
