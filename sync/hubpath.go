package sync

import (
	"fmt"
	"regexp"
	"strings"

	"vademecum/data"
)

// FormatFile is the hub's format version file, at the root of branch main.
const FormatFile = "FORMAT"

// FormatVersion is the hub format this build writes. It reads format 1 and 2
// hubs too, and moves them to this format at the first sync
// (docs/hub-format.md): format 3 added attached files listed in practices and
// the living toolkit's folders; format 4 seals practices and comments with
// their own keys and adds erasure notices, which builds of format 3 would
// refuse and send back, so those stop and ask to be updated instead.
const FormatVersion = "4"

// formatLegacy is the first hub format: no version counters, no hub id.
const formatLegacy = "1"

// formatSigned is format 2: version counters, tombstones, a hub id; no
// attached files, no living toolkit.
const formatSigned = "2"

// formatAttached is format 3: attached files and the living toolkit; records
// in the clear, no erasure.
const formatAttached = "3"

// readsFormat reports whether this build syncs with a hub of format v (and
// moves it to FormatVersion).
func readsFormat(v string) bool {
	return v == FormatVersion || v == formatAttached || v == formatSigned || v == formatLegacy
}

// parseFormat reads a FORMAT file: its first line is the format version, and
// from format 2 a line "id <hub id>" names the hub.
func parseFormat(b []byte) (version, hubID string) {
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	version = strings.TrimSpace(lines[0])
	for _, l := range lines[1:] {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "id "); ok {
			hubID = strings.TrimSpace(v)
		}
	}
	return version, hubID
}

// formatFile is the FORMAT file of a hub this build starts or migrates: the
// format version and the hub's id, a new random one when it has none yet (a
// hub keeps its id through migrations: it is the same hub).
func formatFile(hubID string) []byte {
	if hubID == "" {
		hubID = data.NewID()
	}
	return []byte(FormatVersion + "\nid " + hubID + "\n")
}

// MaxBlob is the largest file a hub may hold for one record: bigger ones are
// quarantined before they are read.
const MaxBlob = 1 << 20

// folders maps a record type to its top-level folder in the hub.
var folders = map[string]string{
	data.TypeOrg:      "orgs",
	data.TypeTool:     "tools",
	data.TypeGuide:    "guides",
	data.TypePractice: "practices",
	data.TypeComment:  "comments",
	data.TypeUsage:    "usage",
	data.TypeProposal: "proposals",
	data.TypeReview:   "reviews",
	data.TypeEditors:  "editors",
	data.TypeErasure:  "erasures",
}

// HubPath returns where a record lives in the hub: practices and comments are
// sharded by creation month so that no tree grows too large.
func HubPath(r data.Record) string {
	m := r.Base()
	dir := folders[m.Type]
	if dir == "" {
		dir = m.Type
	}
	switch m.Type {
	case data.TypePractice, data.TypeComment:
		c := m.Created.UTC()
		return fmt.Sprintf("%s/%04d/%02d/%s.json", dir, c.Year(), int(c.Month()), m.ID)
	}
	return dir + "/" + m.ID + ".json"
}

var (
	idRe      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	yearRe    = regexp.MustCompile(`^[0-9]{4}$`)
	monthRe   = regexp.MustCompile(`^(0[1-9]|1[0-2])$`)
	sha256Re  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	typeOfDir = map[string]string{}
)

func init() {
	for t, d := range folders {
		typeOfDir[d] = t
	}
}

// hubFile is what a path in the hub says about the file it names.
type hubFile struct {
	Type  string // record type, "" for FORMAT and attachments
	ID    string
	Month string // "yyyy/mm" for practices and comments
	Skip  bool   // a known file that is not a record (FORMAT, attachments)
}

// parseHubPath checks a path against the hub format, returning why it is not
// one when it is not.
func parseHubPath(p string) (hubFile, error) {
	if p == FormatFile {
		return hubFile{Skip: true}, nil
	}
	parts := strings.Split(p, "/")
	if parts[0] == "attachments" {
		if len(parts) == 2 && sha256Re.MatchString(parts[1]) {
			return hubFile{Skip: true}, nil
		}
		return hubFile{}, reasonError(ReasonAttachmentName)
	}
	typ, ok := typeOfDir[parts[0]]
	if !ok {
		return hubFile{}, reasonError(ReasonOutsideFolders)
	}
	name := parts[len(parts)-1]
	id, isJSON := strings.CutSuffix(name, ".json")
	var month string
	switch typ {
	case data.TypePractice, data.TypeComment:
		if len(parts) != 4 || !yearRe.MatchString(parts[1]) || !monthRe.MatchString(parts[2]) {
			return hubFile{}, reasonError(ReasonNeedsMonth, parts[0], parts[0])
		}
		month = parts[1] + "/" + parts[2]
	default:
		if len(parts) != 2 {
			return hubFile{}, reasonError(ReasonNoSubfolders, parts[0])
		}
	}
	if !isJSON || !idRe.MatchString(id) {
		return hubFile{}, reasonError(ReasonFileName)
	}
	return hubFile{Type: typ, ID: id, Month: month}, nil
}
