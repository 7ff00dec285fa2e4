package app

import (
	"context"
	"time"
)

// HubState says where this installation stands with its hub.
type HubState int

// The states a hub can be in, as the status bar and the sync screen show them.
const (
	HubNotSetUp HubState = iota // no hub address yet
	HubOffline                  // set up, but the hub does not answer
	HubSyncing                  // a sync round is running
	HubUpToDate                 // the last sync went through
	HubFailed                   // the last sync stopped with an error
)

// HubStatus is what the app shows about the hub without asking it anything slow.
type HubStatus struct {
	State     HubState
	LastSync  time.Time // zero: never synced
	Pending   int       // local changes waiting to be sent
	LastError string    // why the last sync failed, in the engine's English
	Problem   error     // the same with its kind (internal/synccode's kinds), worded by syncErrorText
	Remote    string    // the hub's address, as typed (never with a token)
}

// SyncResult is the outcome of one sync round.
type SyncResult struct {
	Received, Sent, Conflicts, Quarantined int
	// Refused is what this round refused from the hubs for the first time.
	Refused []HubQuarantined
	// Unlisted: this laptop is not listed in its organisation's file on the
	// hub yet, so nothing of it was sent.
	Unlisted bool
	// AttachmentBytesReceived and AttachmentBytesSent are what attached
	// files added to the round (slow connections).
	AttachmentBytesReceived, AttachmentBytesSent int64
}

// Kinds of Conflict.
const (
	ConflictField      = "field"       // both sides changed one field differently
	ConflictEditDelete = "edit-delete" // one side edited a record the other deleted
)

// Conflict is a field both sides changed: sync kept one value (Kept) so every
// installation agrees, and the person may choose the other one.
type Conflict struct {
	ID       string    // the conflict's id, passed to Resolve
	RecordID string    // the practice (or other record) concerned
	Title    string    // the record's title, to recognise it
	Field    string    // "summary", "title", ... ("" for edit-delete)
	Mine     string    // this installation's value
	Theirs   string    // the partner's value
	Kept     string    // "mine" or "theirs": the value in the store now
	Kind     string    // ConflictField or ConflictEditDelete
	Found    time.Time // when the sync met it
	By       string    // whose value was not kept, when another laptop settled it ("" unknown)
}

// HubQuarantined is a file from a hub that was not imported, with the reason.
type HubQuarantined struct {
	Path   string // path inside the hub repository
	Reason string // why it was set aside, worded for people
	Remote string // which hub sent it
	Seen   time.Time
}

// Remote is a configured hub. The token is never read back.
type Remote struct {
	Name string
	URL  string
}

// Engine is all the app needs from the sync engine (cmd/vademecum/engine
// wires the real one). Implementations must be safe to call from any
// goroutine; the app never calls them on the UI goroutine.
//
// The words: a hub is a shared repository partners sync through; a Remote is
// a hub as configured on this computer; the Engine is what syncs with them.
type Engine interface {
	// Status reports the current state; it must answer quickly (no network round trip
	// longer than ctx allows).
	Status(ctx context.Context) HubStatus
	// Run is the one background schedule of syncs (every so often while a
	// hub answers, less often while offline) until ctx ends. changed is
	// called, from any goroutine, with the new state each time it changes.
	Run(ctx context.Context, changed func(HubStatus))
	// SyncNow runs one sync round, reporting progress as it goes (stage is a short
	// English description such as "fetching"; done/total may be 0 when unknown).
	SyncNow(ctx context.Context, progress func(stage string, done, total int)) (SyncResult, error)
	// Conflicts lists the conflicts still open.
	Conflicts(ctx context.Context) ([]Conflict, error)
	// Resolve keeps "mine" or "theirs" for a conflict, writing that value to the store.
	Resolve(ctx context.Context, conflictID, keep string) error
	// Quarantined lists what was set aside from the hubs.
	Quarantined(ctx context.Context) ([]HubQuarantined, error)
	// Remotes lists the configured hubs.
	Remotes() ([]Remote, error)
	// AddRemote sets up a hub; token may be empty (SSH, a folder, a USB stick) and is
	// kept in the credential store, never in the data directory. tokenMoved
	// says a token pasted into the address was taken out of it (and kept
	// with the other tokens).
	AddRemote(name, url, token string) (tokenMoved bool, err error)
	// Log returns the recent sync log, oldest first, as the engine wrote it:
	// LogLine.Text words each line in the interface language.
	Log() []LogLine
	// AllowMassDeletion lets the next sync apply a mass deletion the guard held
	// back (synccode.ErrMassDeletion), once the person has agreed.
	AllowMassDeletion()
}

// LogLine is one line of the sync log as the engine wrote it: kept with its
// parts, so that it is worded in the language shown when it is read.
type LogLine struct {
	At     time.Time
	Format string // the engine's fmt format, or LogSynced, LogStopped
	Args   []any
}

// The log lines an Engine adds itself after a sync the person asked for.
const (
	LogSynced  = "sync: %d received, %d sent, %d conflicts, %d set aside" // received, sent, conflicts, set aside
	LogStopped = "sync stopped: %v"                                       // the error
)

// RebuildReport is what a rebuild of a damaged database brought back.
type RebuildReport struct {
	Records int    // records in the rebuilt database
	MovedTo string // where the damaged file was kept ("" when there was none)
}

// Rebuilder rebuilds the damaged database of the data directory dir from its
// local repository and local copy, reporting progress (total 0 when
// unknown). cmd/vademecum gives the sync's.
type Rebuilder func(dir string, progress func(done, total int)) (RebuildReport, error)
