// Package sync owns the exchange of shared records with hubs: git repositories
// that partner organisations push to and fetch from.
//
// It keeps a bare repository next to the database (hub.git in the data directory)
// whose branch main holds one canonical JSON file per shared record, laid out as
// the hub format of DESIGN.md (HubPath). Commits, trees and merges are built with
// go-git plumbing; there is no work tree. A sync round commits the pending shared
// records, fetches the hub, merges three-way record by record and field by field
// (conflicts get a deterministic winner so that every replica converges, and the
// other value is kept for the user), imports the files that changed into SQLite
// in one transaction, and pushes only the objects the round created.
//
// Transports: HTTPS with a token, SSH with a key file or agent (known_hosts
// checked), and a local folder (USB stick, shared folder) served in-process.
// Bad content from a hub is quarantined with its reason, never imported; a
// reason that may pass (a key not received yet, an approval) is checked again
// at every sync.
//
// Reliability (DESIGN.md invariants 1, 2 and 5): every write is a rename or one
// database transaction, so a round killed anywhere is completed by the next;
// one round runs at a time per data directory (lock.go); a field-level merge of
// a signed record is re-signed by its owner and, until then, accepted by anyone
// who redoes the merge from its two signed parents; a hub that lost history gets
// it pushed back; a mass deletion stops and asks (ErrMassDeletion). Diagnose
// (the doctor) checks a data directory; Rebuild recreates a damaged database
// from the local repository and the local copy (data.LocalCopyFile).
package sync
