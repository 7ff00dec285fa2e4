// Package invite owns invitations: joining a hub's network in one step.
//
// A coordinator (any organisation, or a laptop of an organisation for its own
// new laptops) writes an invitation: the hub's name and address, optionally a
// token for the invited organisation, the public keys of the network's
// organisations as the coordinator has them pinned, an expiry date, all signed
// by the coordinator's installation key. It is a small text file
// (.vademecum-invite) that also fits in a QR code, one line:
//
//	vademecum-invite:1:<base64url of the deflated JSON payload>:<key id>:<base64 signature>
//	vademecum-invite:1:age:<base64url of an age file (scrypt) holding the signature line and the deflated payload>
//
// The second form is for invitations that carry a secret (a token, or the key
// of a new laptop), encrypted with a passphrase the coordinator gives by phone.
// Reading checks, before anything is changed here: the
// passphrase (three tries), the signature over the payload (a changed byte is
// "tampered"), the expiry date, what this installation knows of the signer
// (revoked: refused; a key its organisation does not list here, or a first
// contact through a plain, unencrypted invitation: the person must confirm the
// fingerprint), and whether the hub is configured already.
//
// Accepting pins the listed keys (trust.Pin) before the first sync: a file on
// the hub that contradicts them is set aside and reported, never trusted on
// first sight; then the hub is added with its token in the credential store.
//
// A new laptop of an organisation already in the network: the inviting laptop
// makes the new laptop's key, lists it in its organisation file (signed with its
// own key, which partners have pinned) and puts both the private key and that
// signed file in the invitation, which is therefore always encrypted. The new
// laptop installs the key and the file as received: it starts listed, sends
// nothing its partners would reject, and needs no 'keys add' / 'keys approve'.
// Until the inviting laptop syncs, partners hold what the new laptop sends as
// "key not received yet" and accept it once the file arrives.
package invite
