package synccode

import "vademecum/internal/reason"

// Why the sync set a file of a hub aside, as a code that front ends word in
// the person's language. The English text stays the reason kept with the file
// (in the quarantine, the local copy and sync --json's "reason"); Explain
// reads the code and its values back from it.
const (
	ReasonUnreadable      = "unreadable"       // the file cannot be read from the repository
	ReasonTooLarge        = "too_large"        // Size, Max (KB)
	ReasonNotText         = "not_text"         // not valid UTF-8
	ReasonIDMismatch      = "id_mismatch"      // ID: the record's id differs from its file name
	ReasonWrongFolder     = "wrong_folder"     // Type, Folder
	ReasonToolkit         = "toolkit"          // toolkit content never comes through a hub
	ReasonWrongMonth      = "wrong_month"      // Created, Folder (2026/11)
	ReasonRemoved         = "removed"          // removed without a signed deletion
	ReasonOlder           = "older"            // Version, Updated, Held
	ReasonOlderThan       = "older_than"       // Version, Updated, Held, HeldUpdated
	ReasonIDTaken         = "id_taken"         // ID, Path
	ReasonLocalUnreadable = "local_unreadable" // ID, Error
	ReasonSymlink         = "symlink"
	ReasonGitlink         = "gitlink"
	ReasonOddMode         = "odd_mode" // Mode
	ReasonAttachmentName  = "attachment_name"
	// ReasonAttachmentUnlisted: an attachment no practice lists.
	ReasonAttachmentUnlisted = "attachment_unlisted"
	// ReasonAttachmentContent: an attachment whose bytes do not hash to its name.
	ReasonAttachmentContent = "attachment_content"
	// ReasonAttachmentList: a practice listing files the app would not attach.
	ReasonAttachmentList = "attachment_list"
	ReasonOutsideFolders = "outside_folders"
	ReasonNeedsMonth     = "needs_month"   // Folder
	ReasonNoSubfolders   = "no_subfolders" // Folder
	ReasonFileName       = "file_name"
	// ReasonErased: a version of a record erased here (hub format 4).
	ReasonErased = "erased" // ID
	// ReasonNoKey: a sealed record whose key has not been received.
	ReasonNoKey = "no_key"
	// ReasonBadSeal: a sealed record that does not open with its key.
	ReasonBadSeal = "bad_seal"
)

// Reasons words each code in English (Reasons.Text) and reads it back.
var Reasons = reason.NewSet(map[string]reason.Format{
	ReasonUnreadable:         reason.F("the file cannot be read from the repository"),
	ReasonTooLarge:           reason.F("the file is too large (%d KB, at most %d KB)", "Size", "Max"),
	ReasonNotText:            reason.F("the file is not valid UTF-8 text"),
	ReasonIDMismatch:         reason.F("the record's id %s differs from its file name", "ID"),
	ReasonWrongFolder:        reason.F("a %s record in the %s folder", "Type", "Folder"),
	ReasonToolkit:            reason.F("toolkit content (organisation vademecum) ships with the app, never through a hub"),
	ReasonWrongMonth:         reason.F("the record was created in %s but sits in the folder of %s", "Created", "Folder"),
	ReasonRemoved:            reason.F("removed from the hub without a signed deletion: kept, and sent back to the hub"),
	ReasonOlder:              reason.F("an older version (version %d of %s) than the one held here (version %d): ignored", "Version", "Updated", "Held"),
	ReasonOlderThan:          reason.F("an older version (version %d of %s) than the one held here (version %d of %s): ignored", "Version", "Updated", "Held", "HeldUpdated"),
	ReasonIDTaken:            reason.F("the id %s is already used by %s", "ID", "Path"),
	ReasonLocalUnreadable:    reason.F("the local copy of %s cannot be read: %v", "ID", "Error"),
	ReasonSymlink:            reason.F("a symbolic link is not a record"),
	ReasonGitlink:            reason.F("a gitlink (a submodule) is not a record"),
	ReasonOddMode:            reason.F("a file of unknown kind (mode %o) is not a record", "Mode"),
	ReasonAttachmentName:     reason.F("an attachment must be named by its SHA-256"),
	ReasonAttachmentUnlisted: reason.F("an attachment that no practice lists"),
	ReasonAttachmentContent:  reason.F("an attachment whose content does not match its name (SHA-256)"),
	ReasonAttachmentList:     reason.F("the practice lists files that cannot be attached (a name, size or kind out of bounds)"),
	ReasonOutsideFolders:     reason.F("the path is outside the known folders (orgs, tools, guides, practices, comments, attachments)"),
	ReasonNeedsMonth:         reason.F("%s must be in %s/<year>/<month>/", "Folder", "Folder"),
	ReasonNoSubfolders:       reason.F("%s holds files only, no sub-folders", "Folder"),
	ReasonFileName:           reason.F("the file name must be <id>.json"),
	ReasonErased:             reason.F("the record %s was erased: no version of it is taken any more", "ID"),
	ReasonNoKey:              reason.F("the key of this sealed record has not been received yet"),
	ReasonBadSeal:            reason.F("the sealed record does not open with its key: it was changed after it was signed"),
})

// Explain returns the code of a reason the sync gave for setting a file of
// the hub aside, with its values by name, or "" for a reason it did not word
// itself (a signature check's: see trust.Explain; a record that does not
// decode): those keep their English.
func Explain(reason string) (code string, values map[string]string) {
	return Reasons.Explain(reason)
}
