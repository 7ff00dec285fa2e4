package trust

import "vademecum/internal/reason"

// Why a signature check refused a record of a hub, as a code that front ends
// word in the person's language (internal/words). The English is the reason
// the sync keeps with the file set aside (the quarantine, sync --json's
// "reason"); Explain reads the code and its values back from it.
const (
	ReasonNoRecord         = "no_record"
	ReasonNoOwner          = "no_owner"
	ReasonClaimsToolkit    = "claims_toolkit"
	ReasonOrgClaims        = "org_claims"    // ID, Org
	ReasonNotRecordID      = "not_record_id" // ID
	ReasonLocalCheck       = "local_check"   // Error
	ReasonNonOwner         = "non_owner"     // Type, Owner, Claimed
	ReasonTypeChanged      = "type_changed"  // Type, NewType
	ReasonForeignID        = "foreign_id"    // ID, Org
	ReasonNotSigned        = "not_signed"
	ReasonBadSignature     = "bad_signature"
	ReasonOrgNotReceived   = "org_not_received" // Org
	ReasonMalformedKey     = "malformed_key"    // Org, Key
	ReasonTampered         = "tampered"
	ReasonRevoked          = "revoked"           // Org, Key, Revoked
	ReasonNonOwnerKey      = "non_owner_key"     // Signer, Owner
	ReasonUnknownOwnKey    = "unknown_own_key"   // Key, Org
	ReasonUnknownKey       = "unknown_key"       // Key, Org
	ReasonUnlistedSigner   = "unlisted_signer"   // Org, Key
	ReasonNeedsApproval    = "needs_approval"    // Org, Key, Fingerprint
	ReasonKeyTwice         = "key_twice"         // Org, Key
	ReasonUndoesRevocation = "undoes_revocation" // Org, Key
	ReasonOrgUnreadable    = "org_unreadable"    // Org, Error
	ReasonOrgDamaged       = "org_damaged"       // Org, Error
	ReasonNotInvitedKey    = "not_invited_key"   // Org, Key, Fingerprint
)

var reasons = reason.NewSet(map[string]reason.Format{
	ReasonNoRecord:         reason.F("no record"),
	ReasonNoOwner:          reason.F("the record names no owning organisation"),
	ReasonClaimsToolkit:    reason.F("the record claims to be toolkit content shipped with the app, which never comes from a hub"),
	ReasonOrgClaims:        reason.F("the organisation file %s claims to belong to %s", "ID", "Org"),
	ReasonNotRecordID:      reason.F("%q is not a record id", "ID"),
	ReasonLocalCheck:       reason.F("cannot check the record against the local database: %v", "Error"),
	ReasonNonOwner:         reason.F("changed by a non-owner: this %s belongs to %s, and this version claims %s", "Type", "Owner", "Claimed"),
	ReasonTypeChanged:      reason.F("the record is a %s here and this version makes it a %s", "Type", "NewType"),
	ReasonForeignID:        reason.F("the id %s does not belong to %s: it was made for another organisation's record", "ID", "Org"),
	ReasonNotSigned:        reason.F("not signed: every shared record must be signed by an installation of its organisation"),
	ReasonBadSignature:     reason.F("the signature is malformed (the file was changed by hand?)"),
	ReasonOrgNotReceived:   reason.F("signed for %s, whose organisation file (orgs/%s.json) has not been received here yet", "Org", "Org"),
	ReasonMalformedKey:     reason.F("the organisation file of %s lists a malformed key %s", "Org", "Key"),
	ReasonTampered:         reason.F("the signature does not match the content: the file was changed after it was signed"),
	ReasonRevoked:          reason.F("signed by %s with the key %s, revoked on %s: what it signed after that is refused", "Org", "Key", "Revoked"),
	ReasonNonOwnerKey:      reason.F("changed by a non-owner: signed with a key of %s, but the record belongs to %s (only %s can change it)", "Signer", "Owner", "Owner"),
	ReasonUnknownOwnKey:    reason.F("signed with the key %s, which is not one of the keys of %s (this organisation): refused", "Key", "Org"),
	ReasonUnknownKey:       reason.F("signed with the key %s, which is not one of the keys of %s", "Key", "Org"),
	ReasonUnlistedSigner:   reason.F("the organisation file of %s is signed with the key %s, which it does not list", "Org", "Key"),
	ReasonNeedsApproval:    reason.F("key change for %s needs approval: compare the fingerprint by phone (signed by the key %s, fingerprint %s)", "Org", "Key", "Fingerprint"),
	ReasonKeyTwice:         reason.F("the organisation file of %s lists the key %s twice", "Org", "Key"),
	ReasonUndoesRevocation: reason.F("this version of the organisation file of %s would undo the revocation of the key %s: refused", "Org", "Key"),
	ReasonOrgUnreadable:    reason.F("cannot read the organisation file of %s: %v", "Org", "Error"),
	ReasonOrgDamaged:       reason.F("the organisation file of %s here is damaged: %v", "Org", "Error"),
	ReasonNotInvitedKey:    reason.F("the organisation file of %s is signed with the key %s (fingerprint %s), which is not one of the keys your invitation pinned for %s: set aside; if %s really changed its keys, compare the fingerprint by phone, then approve the key change", "Org", "Key", "Fingerprint", "Org", "Org"),
})

// refuse is the refusal code with its values, as an error.
func refuse(code string, args ...any) error { return reasons.Error(code, args...) }

// Explain returns the code of a reason a signature check gave for refusing a
// record, with its values by name, or "" for a text that is none of them.
func Explain(reason string) (code string, values map[string]string) {
	return reasons.Explain(reason)
}
