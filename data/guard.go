package data

import (
	"context"
	"database/sql"
	"strings"

	"vademecum/data/privacy"
)

// Finding is personal data found in one field of a record, before it is shared.
// For a list field (tags, tools) Start and End point into the entries joined
// as JoinList joins them, which is how the editor shows them.
type Finding struct {
	Field string `json:"field"`
	privacy.Finding
}

// ListSep joins the entries of a list field (tags) where people read or type
// them as one line.
const ListSep = ", "

// JoinList writes a list field as one line, entries separated by ListSep.
func JoinList(vs []string) string { return strings.Join(vs, ListSep) }

// namedText is a free-text field of a record, by field name.
type namedText struct {
	name string
	v    *string
}

// namedList is a list field of a record, by field name.
type namedList struct {
	name string
	v    *[]string
}

// guarded lists every field of a practice or comment that leaves the device
// with it and that people type: the free texts and the lists. Codes the
// validation restricts (language, country, visibility) and the clearances
// themselves are not scanned.
func guarded(r Record) ([]namedText, []namedList) {
	switch v := r.(type) {
	case *Practice:
		return []namedText{
				{"title", &v.Title}, {"summary", &v.Summary}, {"context", &v.Context}, {"target_group", &v.TargetGroup},
				{"objectives", &v.Objectives}, {"activities", &v.Activities}, {"resources", &v.Resources},
				{"results", &v.Results}, {"lessons", &v.Lessons}, {"transferability", &v.Transferability},
			}, []namedList{
				{"tags", &v.Tags}, {"tools", &v.Tools},
			}
	case *Comment:
		return []namedText{{"text", &v.Text}}, nil
	case *Usage:
		return []namedText{{"note", &v.Note}}, nil
	}
	return nil, nil
}

func clearedOf(r Record) []string {
	switch v := r.(type) {
	case *Practice:
		return v.Cleared
	case *Comment:
		return v.Cleared
	}
	return nil
}

// PrivacyFindings returns the personal data in a practice or comment that nobody
// has pseudonymised or marked as not personal (Cleared).
// SoftFindings returns what in r's guarded texts looks like a person (a name
// with an initial, a name with an age or where the person sleeps): a hint for
// the editor, which never holds sharing back (privacy.ScanSoft).
func SoftFindings(r Record) []Finding {
	var out []Finding
	texts, _ := guarded(r)
	for _, f := range texts {
		for _, x := range privacy.ScanSoft(*f.v) {
			out = append(out, Finding{f.name, x})
		}
	}
	return out
}

func PrivacyFindings(r Record) []Finding {
	var out []Finding
	cleared := clearedOf(r)
	texts, lists := guarded(r)
	for _, f := range texts {
		for _, x := range privacy.Unhandled(*f.v, cleared) {
			out = append(out, Finding{f.name, x})
		}
	}
	for _, l := range lists {
		// Each entry on its own, so that no finding spans two entries.
		off := 0
		for _, e := range *l.v {
			for _, x := range privacy.Unhandled(e, cleared) {
				x.Start, x.End = x.Start+off, x.End+off
				out = append(out, Finding{l.name, x})
			}
			off += len(e) + len(ListSep)
		}
	}
	if p, ok := r.(*Practice); ok {
		// File names travel with the record ("consent Maria Rossi 333 1234567.pdf").
		for _, a := range p.Attachments {
			for _, x := range privacy.Unhandled(a.Name, cleared) {
				out = append(out, Finding{"attachments", x})
			}
		}
	}
	return out
}

// Pseudonymise replaces every unhandled finding of a practice or comment by its
// placeholder ("[phone]", "[email]"...). An entry of a list (a tag) that holds
// one is dropped: a placeholder is no tag.
func Pseudonymise(r Record) {
	cleared := clearedOf(r)
	texts, lists := guarded(r)
	for _, f := range texts {
		*f.v = privacy.Redact(*f.v, cleared)
	}
	for _, l := range lists {
		*l.v = RedactList(*l.v, cleared)
	}
	if p, ok := r.(*Practice); ok {
		for i := range p.Attachments {
			p.Attachments[i].Name = privacy.Redact(p.Attachments[i].Name, cleared)
		}
	}
}

// RedactList returns the entries of a list that hold no unhandled personal data.
func RedactList(vs []string, cleared []string) []string {
	out := vs[:0:0]
	for _, e := range vs {
		if len(privacy.Unhandled(e, cleared)) == 0 {
			out = append(out, e)
		}
	}
	return out
}

// checkShareable refuses to share a record that still holds personal data: the
// guard runs on every save, so no path (app, CLI, import) can skip it.
func checkShareable(r Record, visibility string) error {
	if visibility != Shared {
		return nil
	}
	fs := PrivacyFindings(r)
	if len(fs) == 0 {
		return nil
	}
	var ve ValidationError
	for _, f := range fs {
		ve = append(ve, Problem(f.Field, ProblemPersonal, f.Kind, f.Text, privacy.Placeholder(f.Kind)))
	}
	return ve
}

// Held is a shared record waiting to be sent that the sync holds back because
// the privacy guard still finds personal data in it (saved before the guard
// covered a field, or by an older version).
type Held struct {
	ID       string    `json:"id"`
	Type     string    `json:"type"`
	Title    string    `json:"title"`
	Findings []Finding `json:"findings"`
}

// HeldBack lists the shared records of this database waiting to be sent that
// hold unhandled personal data, so that front ends say why they are not sent
// instead of holding them silently. db is the store's database (the doctor
// passes a read-only one).
func HeldBack(ctx context.Context, db *sql.DB) ([]Held, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, type, title, body FROM records
		WHERE dirty = 1 AND visibility = 'shared' AND org != ? AND type IN (?, ?) ORDER BY rid`, ToolkitOrg, TypePractice, TypeComment)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Held{}
	for rows.Next() {
		var h Held
		var body string
		if err := rows.Scan(&h.ID, &h.Type, &h.Title, &body); err != nil {
			return nil, err
		}
		r, err := Decode([]byte(body))
		if err != nil {
			continue // the doctor reports records that do not decode
		}
		if h.Findings = PrivacyFindings(r); len(h.Findings) > 0 {
			out = append(out, h)
		}
	}
	return out, rows.Err()
}

// HeldBack lists the shared records the sync holds back for personal data.
func (s *Store) HeldBack(ctx context.Context) ([]Held, error) { return HeldBack(ctx, s.db) }
