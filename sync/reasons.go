package sync

import (
	"fmt"
	"regexp"
	"strings"
)

// Why a file of the hub was set aside, as a code that front ends word in the
// person's language. The English text stays the reason kept with the file (in
// the quarantine, the local copy and sync --json's "reason"); Explain reads
// the code and its values back from it.
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
	ReasonOutsideFolders  = "outside_folders"
	ReasonNeedsMonth      = "needs_month"   // Folder
	ReasonNoSubfolders    = "no_subfolders" // Folder
	ReasonFileName        = "file_name"
)

// reasonFormat is the English of a reason and the names of its values, in
// the order of its verbs.
type reasonFormat struct {
	english string
	names   []string
}

var reasonFormats = map[string]reasonFormat{
	ReasonUnreadable:      {"the file cannot be read from the repository", nil},
	ReasonTooLarge:        {"the file is too large (%d KB, at most %d KB)", []string{"Size", "Max"}},
	ReasonNotText:         {"the file is not valid UTF-8 text", nil},
	ReasonIDMismatch:      {"the record's id %s differs from its file name", []string{"ID"}},
	ReasonWrongFolder:     {"a %s record in the %s folder", []string{"Type", "Folder"}},
	ReasonToolkit:         {"toolkit content (organisation vademecum) ships with the app, never through a hub", nil},
	ReasonWrongMonth:      {"the record was created in %s but sits in the folder of %s", []string{"Created", "Folder"}},
	ReasonRemoved:         {"removed from the hub without a signed deletion: kept, and sent back to the hub", nil},
	ReasonOlder:           {"an older version (version %d of %s) than the one held here (version %d): ignored", []string{"Version", "Updated", "Held"}},
	ReasonOlderThan:       {"an older version (version %d of %s) than the one held here (version %d of %s): ignored", []string{"Version", "Updated", "Held", "HeldUpdated"}},
	ReasonIDTaken:         {"the id %s is already used by %s", []string{"ID", "Path"}},
	ReasonLocalUnreadable: {"the local copy of %s cannot be read: %v", []string{"ID", "Error"}},
	ReasonSymlink:         {"a symbolic link is not a record", nil},
	ReasonGitlink:         {"a gitlink (a submodule) is not a record", nil},
	ReasonOddMode:         {"a file of unknown kind (mode %o) is not a record", []string{"Mode"}},
	ReasonAttachmentName:  {"an attachment must be named by its SHA-256", nil},
	ReasonOutsideFolders:  {"the path is outside the known folders (orgs, tools, guides, practices, comments, attachments)", nil},
	ReasonNeedsMonth:      {"%s must be in %s/<year>/<month>/", []string{"Folder", "Folder"}},
	ReasonNoSubfolders:    {"%s holds files only, no sub-folders", []string{"Folder"}},
	ReasonFileName:        {"the file name must be <id>.json", nil},
}

// reasonf is the English reason of code with its values.
func reasonf(code string, args ...any) string {
	return fmt.Sprintf(reasonFormats[code].english, args...)
}

// reasonError is a reason returned as an error (a hub path that is not one).
func reasonError(code string, args ...any) error {
	return fmt.Errorf("%s", reasonf(code, args...))
}

var (
	reasonVerb     = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)
	reasonPatterns = map[string]*regexp.Regexp{}
)

func init() {
	for code, f := range reasonFormats {
		var b strings.Builder
		b.WriteString("^")
		last := 0
		for _, m := range reasonVerb.FindAllStringIndex(f.english, -1) {
			b.WriteString(regexp.QuoteMeta(f.english[last:m[0]]))
			switch f.english[m[1]-1] {
			case 'd':
				b.WriteString(`(-?\d+)`)
			case 'o':
				b.WriteString(`([0-7]+)`)
			default:
				b.WriteString(`(.+?)`)
			}
			last = m[1]
		}
		b.WriteString(regexp.QuoteMeta(f.english[last:]) + "$")
		reasonPatterns[code] = regexp.MustCompile(b.String())
	}
}

// Explain returns the code of a reason the sync gave for setting a file of
// the hub aside, with its values by name, or "" for a reason it did not word
// itself (a signature check's, a record that does not decode): those keep
// their English.
func Explain(reason string) (code string, values map[string]string) {
	for c, re := range reasonPatterns {
		m := re.FindStringSubmatch(reason)
		if m == nil {
			continue
		}
		values = map[string]string{}
		for i, name := range reasonFormats[c].names {
			values[name] = m[i+1]
		}
		return c, values
	}
	return "", nil
}
