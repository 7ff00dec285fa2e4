package data

import (
	"vademecum/internal/reason"
)

// What can be wrong with a field, in FieldError.Code: front ends word it
// from the catalogue; FieldError.Msg keeps the English.
const (
	ProblemNotText        = "not_text"
	ProblemRequired       = "required"
	ProblemTooLong        = "too_long"       // Size, Max (KB)
	ProblemTooMany        = "too_many"       // Max
	ProblemNotTag         = "not_tag"        // Value
	ProblemNotToolID      = "not_tool"       // Value
	ProblemNotLangCode    = "not_lang"       // Value
	ProblemNotCountryCode = "not_country"    // Value
	ProblemNotCompetence  = "not_competence" // Value
	ProblemLang           = "lang"
	ProblemCountry        = "country"
	ProblemVisibility     = "visibility"
	ProblemOrgID          = "org_id"
	ProblemNeedsEnglish   = "needs_english"
	ProblemVariant        = "variant" // Lang
	ProblemOffline        = "offline"
	ProblemLevel          = "level"
	ProblemWebsite        = "website"
	ProblemVerified       = "verified"
	ProblemRetired        = "retired"
	ProblemPersonal       = "personal"     // Kind, Text, Placeholder
	ProblemUnknownTool    = "unknown_tool" // ID
	// An attached file (attachments.go).
	ProblemAttachmentName  = "attachment_name"  // Value
	ProblemAttachmentTwice = "attachment_twice" // Value
	ProblemAttachmentHash  = "attachment_hash"  // Value
	ProblemAttachmentSize  = "attachment_size"  // Value, Max (MB)
	ProblemAttachmentKind  = "attachment_kind"  // Value
	ProblemPersonalInFile  = "personal_in_file" // Kind, Text, File
)

var problems = reason.NewSet(map[string]reason.Format{
	ProblemNotText:         reason.F("contains bytes that are not text (invalid UTF-8)"),
	ProblemRequired:        reason.F("is required"),
	ProblemTooLong:         reason.F("is too long (%d KB, at most %d KB)", "Size", "Max"),
	ProblemTooMany:         reason.F("has more than %d entries", "Max"),
	ProblemNotTag:          reason.F("%q is not a tag (letters, digits, spaces or dashes, up to 60)", "Value"),
	ProblemNotToolID:       reason.F("%q is not a tool id", "Value"),
	ProblemNotLangCode:     reason.F("%q is not a two-letter language code", "Value"),
	ProblemNotCountryCode:  reason.F("%q is not a two-letter country code such as IT, ES, PL, CZ, BE", "Value"),
	ProblemNotCompetence:   reason.F("%q is not a DigComp 2.2 competence code (1.1 to 5.4)", "Value"),
	ProblemLang:            reason.F("must be a two-letter language code such as en, it, es, pl, cs, fr"),
	ProblemCountry:         reason.F("must be a two-letter country code such as IT, ES, PL, CZ, BE"),
	ProblemVisibility:      reason.F("must be draft, org or shared"),
	ProblemOrgID:           reason.F("must be a short name of lower-case letters, digits and dashes, such as opengroup-it"),
	ProblemNeedsEnglish:    reason.F("needs an English text"),
	ProblemVariant:         reason.F("has a variant for %q, which is not a language code", "Lang"),
	ProblemOffline:         reason.F("must be yes, partly or no"),
	ProblemLevel:           reason.F("must be foundation, intermediate or advanced"),
	ProblemWebsite:         reason.F("must be an https:// address"),
	ProblemVerified:        reason.F("must be a date such as 2026-11-28"),
	ProblemRetired:         reason.F("must be a month such as 2025-05"),
	ProblemPersonal:        reason.F("may contain personal data (%s %q): replace it with %s or mark it as not personal before sharing", "Kind", "Text", "Placeholder"),
	ProblemUnknownTool:     reason.F("no tool has the id %q", "ID"),
	ProblemAttachmentName:  reason.F("%q is not a file name", "Value"),
	ProblemAttachmentTwice: reason.F("two files are named %q", "Value"),
	ProblemAttachmentHash:  reason.F("%q has no valid SHA-256", "Value"),
	ProblemAttachmentSize:  reason.F("%q has a size out of range (at most %d MB)", "Value", "Max"),
	ProblemAttachmentKind:  reason.F("%q is of a kind that cannot be attached", "Value"),
	ProblemPersonalInFile:  reason.F("may contain personal data (%s %q in %s): mark it as not personal or attach a version without it before sharing", "Kind", "Text", "File"),
})

// Problem is what is wrong with field, as code with its values (Problem...).
func Problem(field, code string, args ...any) FieldError {
	return FieldProblem(field, problems.Error(code, args...))
}

// FieldProblem is a coded problem of another layer (a CSV import's) as the
// problem of field, "" for the whole record.
func FieldProblem(field string, e *reason.Error) FieldError {
	return FieldError{Field: field, Msg: e.Error(), Code: e.Code, Values: e.Values}
}
