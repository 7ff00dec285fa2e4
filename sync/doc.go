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
// Bad content from a hub is quarantined with its reason, never imported.
package sync
