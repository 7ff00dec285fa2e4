// Package sync owns the exchange of shared records with hubs: git repositories
// that partner organisations push to and fetch from.
//
// It keeps a bare repository next to the database (hub.git in the data directory)
// whose branch main holds one canonical JSON file per shared record, laid out as
// the hub format (HubPath; docs/hub-format.md). Commits, trees and merges are
// built with go-git plumbing; there is no work tree. A sync round commits the
// pending shared records (each one the next signed version of its record),
// fetches the hub, decides every file that differs between the local branch and
// the hub on its own — the valid version greatest in the total order (signed
// version counter, time, bytes) is kept, an older one is refused as a rollback,
// a file missing from the hub is sent back rather than deleted, and only an
// installation of a record's own organisation merges two of its laptops'
// versions field by field and signs the result as the next version — imports
// the files that changed into SQLite in one transaction, and pushes only the
// objects the round created. Nothing the hub's history says (merge bases,
// merge commits) makes a version acceptable.
//
// Transports: HTTPS with a token, SSH with a key file or agent (known_hosts
// checked), and a local folder (USB stick, shared folder) served in-process.
// Bad content from a hub is quarantined with its reason, never imported; a
// reason that may pass (a key not received yet, an approval) is checked again
// at every sync.
//
// Reliability (DESIGN.md invariants 1, 2 and 5): every write is a rename or one
// database transaction, so a round killed anywhere is completed by the next;
// one round runs at a time per data directory (lock.go); a laptop not yet
// listed in its organisation's file sends nothing (Result.Unlisted); a hub that
// lost history gets it pushed back; a mass deletion stops and asks
// (ErrMassDeletion); what is refused is reported once (Result.Refused). Diagnose
// (the doctor) checks a data directory; Rebuild recreates a damaged database
// from the local repository and the local copy (data.LocalCopyFile).
package sync
