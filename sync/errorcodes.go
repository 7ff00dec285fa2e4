package sync

import "vademecum/internal/reason"

// What stops a command of the sync, as a code that front ends word with their
// own way out (*reason.Error's Code); the English names no front end.
const (
	ErrNoSuchHub      = "sync.no_such_hub"      // Name
	ErrNoSuchConflict = "sync.no_such_conflict" // ID
	ErrOrgUnknown     = "sync.org_unknown"      // MovedTo: a rebuild that cannot tell the organisation
	ErrSSHKeyNotSSH   = "sync.ssh_key_not_ssh"  // URL: an SSH key file given for a hub that is not an SSH one
)

var errs = reason.NewSet(map[string]reason.Format{
	ErrNoSuchHub:      reason.F("no hub is named %q", "Name"),
	ErrNoSuchConflict: reason.F("no conflict has the id %s", "ID"),
	ErrSSHKeyNotSSH:   reason.F("an SSH key file is only for ssh:// or user@host:path hubs, not %s", "URL"),
	ErrOrgUnknown:     reason.F("the database was moved aside to %s, but which organisation this installation belongs to is written nowhere else: set the installation up again with your organisation's id, then rebuild again", "MovedTo"),
})
