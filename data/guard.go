package data

import (
	"fmt"

	"vademecum/data/privacy"
)

// Finding is personal data found in one field of a record, before it is shared.
type Finding struct {
	Field string `json:"field"`
	privacy.Finding
}

// practiceTexts are the free-text fields of a practice, by field name.
func practiceTexts(p *Practice) []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{
		{"title", &p.Title}, {"summary", &p.Summary}, {"context", &p.Context}, {"target_group", &p.TargetGroup},
		{"objectives", &p.Objectives}, {"activities", &p.Activities}, {"resources", &p.Resources},
		{"results", &p.Results}, {"lessons", &p.Lessons}, {"transferability", &p.Transferability},
	}
}

// PrivacyFindings returns the personal data in a practice or comment that nobody
// has pseudonymised or marked as not personal (Cleared).
func PrivacyFindings(r Record) []Finding {
	var out []Finding
	switch v := r.(type) {
	case *Practice:
		for _, f := range practiceTexts(v) {
			for _, x := range privacy.Unhandled(*f.v, v.Cleared) {
				out = append(out, Finding{f.name, x})
			}
		}
	case *Comment:
		for _, x := range privacy.Unhandled(v.Text, v.Cleared) {
			out = append(out, Finding{"text", x})
		}
	}
	return out
}

// Pseudonymise replaces every unhandled finding of a practice or comment by its
// placeholder ("[phone]", "[email]"...).
func Pseudonymise(r Record) {
	switch v := r.(type) {
	case *Practice:
		for _, f := range practiceTexts(v) {
			*f.v = privacy.Redact(*f.v, v.Cleared)
		}
	case *Comment:
		v.Text = privacy.Redact(v.Text, v.Cleared)
	}
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
		ve = append(ve, FieldError{f.Field, fmt.Sprintf("may contain personal data (%s %q): replace it with %s or mark it as not personal before sharing",
			f.Kind, f.Text, privacy.Placeholder(f.Kind))})
	}
	return ve
}
