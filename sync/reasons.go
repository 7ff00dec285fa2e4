package sync

import "vademecum/internal/synccode"

// Why a file of the hub was set aside: internal/synccode's codes (front ends
// word them without importing sync), named here for the sync's own use.
const (
	ReasonUnreadable         = synccode.ReasonUnreadable
	ReasonTooLarge           = synccode.ReasonTooLarge
	ReasonNotText            = synccode.ReasonNotText
	ReasonIDMismatch         = synccode.ReasonIDMismatch
	ReasonWrongFolder        = synccode.ReasonWrongFolder
	ReasonToolkit            = synccode.ReasonToolkit
	ReasonWrongMonth         = synccode.ReasonWrongMonth
	ReasonRemoved            = synccode.ReasonRemoved
	ReasonOlder              = synccode.ReasonOlder
	ReasonOlderThan          = synccode.ReasonOlderThan
	ReasonIDTaken            = synccode.ReasonIDTaken
	ReasonLocalUnreadable    = synccode.ReasonLocalUnreadable
	ReasonSymlink            = synccode.ReasonSymlink
	ReasonGitlink            = synccode.ReasonGitlink
	ReasonOddMode            = synccode.ReasonOddMode
	ReasonAttachmentName     = synccode.ReasonAttachmentName
	ReasonAttachmentUnlisted = synccode.ReasonAttachmentUnlisted
	ReasonAttachmentContent  = synccode.ReasonAttachmentContent
	ReasonAttachmentList     = synccode.ReasonAttachmentList
	ReasonOutsideFolders     = synccode.ReasonOutsideFolders
	ReasonNeedsMonth         = synccode.ReasonNeedsMonth
	ReasonNoSubfolders       = synccode.ReasonNoSubfolders
	ReasonFileName           = synccode.ReasonFileName
	ReasonErased             = synccode.ReasonErased
	ReasonNoKey              = synccode.ReasonNoKey
	ReasonBadSeal            = synccode.ReasonBadSeal
)

// reasonf is the English reason of code with its values.
func reasonf(code string, args ...any) string { return synccode.Reasons.Text(code, args...) }

// reasonError is a reason returned as an error (a hub path that is not one).
func reasonError(code string, args ...any) error { return synccode.Reasons.Error(code, args...) }

// Explain returns the code of a reason the sync gave for setting a file of
// the hub aside, with its values by name (synccode.Explain).
func Explain(reason string) (code string, values map[string]string) {
	return synccode.Explain(reason)
}
