package synccode

import "errors"

// Kinds of hub errors, for errors.Is: the scheduler goes offline on
// ErrUnreachable, the front ends point at the remote's settings on the others.
var (
	ErrUnreachable = errors.New("hub unreachable")
	ErrAuth        = errors.New("hub refused the credentials")
	ErrHostKey     = errors.New("hub SSH host key not trusted")
	ErrNotHub      = errors.New("not a vademecum hub")
	ErrDiskFull    = errors.New("disk full")
	ErrHubBusy     = errors.New("hub kept changing")
	ErrNoRemote    = errors.New("no hub set up")
	// ErrNotConnected: a hub folder this installation synced with before is
	// missing (a USB stick not plugged in, a share not mounted). Nothing is
	// created in its place; it also counts as ErrUnreachable (offline).
	ErrNotConnected = errors.New("hub folder not connected")
	// ErrMassDeletion: the hub would delete more than half of the shared records
	// here (and more than 20). Nothing was changed; the engine's
	// AllowMassDeletion lets the next sync go ahead once the person confirms.
	ErrMassDeletion = errors.New("mass deletion")
	// ErrNewerHub: the hub was written by a newer version of Vademecum (a hub
	// format this build does not know). Nothing was synced; it also counts as
	// ErrNotHub.
	ErrNewerHub = errors.New("hub of a newer format")
)

// Causes of an ErrAuth whose way out a front end names (errors.Is).
var (
	// ErrTokenNeeded: a hub asks for a token and none is set.
	ErrTokenNeeded = errors.New("the hub asks for a token")
	// ErrNoSSHKey: an SSH hub, and neither an SSH agent nor a key file.
	ErrNoSSHKey = errors.New("no SSH key")
)

// HubError is an error worded for the person at the keyboard: one sentence that
// says what happened and what to do. It never carries a token.
type HubError struct {
	Kind  error
	msg   string
	cause error
}

// New is a HubError of kind with its English sentence msg; cause, when not
// nil, is what went wrong below (errors.Unwrap).
func New(kind, cause error, msg string) *HubError {
	return &HubError{Kind: kind, msg: msg, cause: cause}
}

func (e *HubError) Error() string { return e.msg }

// Is reports the error's kind, and the wider kind it also counts as.
func (e *HubError) Is(target error) bool {
	return target == e.Kind || (e.Kind == ErrNotConnected && target == ErrUnreachable) ||
		(e.Kind == ErrNewerHub && target == ErrNotHub)
}

func (e *HubError) Unwrap() error { return e.cause }
