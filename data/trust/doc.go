// Package trust owns the signatures of shared records: this installation's ed25519
// key, the keys each organisation lists in its organisation file, and the rules that
// decide whether a record received from a hub may be imported.
//
// # Keys
//
// Each installation has an ed25519 key, made on first use and kept in
// <data dir>/installation.key (PKCS#8 PEM, mode 0600: readable by its user only).
// A key's ID is the first 16 hex digits of the SHA-256 of its public key; its
// fingerprint is the first 32, upper case in groups of four ("3F2A 9C01 …"), for
// reading aloud on the phone. The ID is the start of the fingerprint.
//
// # Signatures
//
// Meta.Sig is "<key id>:<base64 signature>" over the canonical encoding of the
// record (data.Encode) with Sig left empty: the file in the hub minus its "sig"
// line. Keyring.Sign and Keyring.Verify are the sync engine's Options.Sign and
// Options.Verify.
//
// # Rules on import (Keyring.Verify)
//
//   - Every shared record is signed by a key listed, and not revoked at the
//     record's "updated" time, in the organisation file of its owning organisation
//     (r.Org; a comment is owned by its author's organisation).
//   - A record whose version here belongs to another organisation is refused
//     ("changed by a non-owner"), and so is any record claiming to be toolkit
//     content (organisation "vademecum"), which never travels through a hub.
//   - A record id of hub format 2 (UUID version 8) must be bound to the record's
//     organisation by its claim (data.IDBelongsTo): nobody takes another's id.
//   - A record of this installation's own organisation signed by a key its file
//     does not list is refused outright (partners wait: the key may come).
//   - Organisation files: the first version seen is pinned (trust on first use) if
//     it is signed by one of the keys it lists, and, when an invitation pinned
//     keys for that organisation (Pin, invite.go), by one of those: a file that
//     contradicts the invitation is held like a key change, never pinned. Any
//     later version must be signed by a key already pinned for that organisation,
//     or by a key that pinned keys certified (Key.Cert, written by AddKey: a chain
//     of laptops listing laptops): an existing installation adds a new laptop
//     (AddKey) or revokes a stolen one (Revoke). A version signed by any
//     other key is held in the table trust_pending until a person compares the
//     fingerprint by phone and approves it (Approve). A revocation is never undone.
//     Lists tells the sync engine whether this laptop is listed in a version of its
//     own organisation's file signed by a key trusted here: until it is, the laptop
//     sends nothing.
//
// A revoked key signs nothing valid after its revocation time; what it signed
// before stays valid. Times are those the signer wrote, so a thief with a stolen
// laptop could still back-date records: revoking quickly narrows what they can do,
// it does not undo what was signed before.
//
// # Checks done ahead (Keyring.Precheck)
//
// A large sync reads the files of the hub ahead of its checks on another
// goroutine, and hands each record to Precheck, which verifies its ed25519
// signature with the key of that id listed in an organisation file the
// keyring has read (any version: it decides nothing) and keeps the
// verifications that passed, a bounded number, each taken once. Verify
// makes every check in the same order as without it, chooses the key
// itself, and takes a verification done ahead only for exactly the same key,
// signed bytes and signature: what ed25519.Verify would answer again. On two
// cores the signatures of a first sync are verified beside its checks and
// its writes.
package trust
