package data

import (
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldError is a problem with one field, worded for the person who typed it.
type FieldError struct {
	Field  string            `json:"field"`
	Msg    string            `json:"message"`          // in English
	Code   string            `json:"code,omitempty"`   // what is wrong (Problem...), for front ends to word
	Values map[string]string `json:"values,omitempty"` // the code's values by name
}

// ValidationError lists every problem found, so a form can show each next to its field.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Field + ": " + e.Msg
	}
	return strings.Join(parts, "; ")
}

// For returns the message for field, or "".
func (v ValidationError) For(field string) string {
	for _, e := range v {
		if e.Field == field {
			return e.Msg
		}
	}
	return ""
}

// Limits on what one record may hold: generous for writing, small enough for a hub.
const (
	MaxTitle = 300
	MaxField = 64 << 10 // 64 KiB of text per field
	MaxList  = 100
)

// Competences are the DigComp 2.2 codes.
var Competences = []string{
	"1.1", "1.2", "1.3",
	"2.1", "2.2", "2.3", "2.4", "2.5", "2.6",
	"3.1", "3.2", "3.3", "3.4",
	"4.1", "4.2", "4.3", "4.4",
	"5.1", "5.2", "5.3", "5.4",
}

// IsCompetence reports whether code is a DigComp 2.2 competence code.
func IsCompetence(code string) bool {
	for _, c := range Competences {
		if c == code {
			return true
		}
	}
	return false
}

var (
	langRe    = regexp.MustCompile(`^[a-z]{2}$`)
	countryRe = regexp.MustCompile(`^[A-Z]{2}$`)
	slugRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	tagRe     = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N} _-]{0,59}$`)
)

type checker struct{ errs ValidationError }

func (c *checker) add(field, code string, args ...any) {
	c.errs = append(c.errs, Problem(field, code, args...))
}

func (c *checker) text(field, v string, required bool, max int) {
	switch {
	case !utf8.ValidString(v):
		c.add(field, ProblemNotText)
	case required && strings.TrimSpace(v) == "":
		c.add(field, ProblemRequired)
	case len(v) > max:
		c.add(field, ProblemTooLong, len(v)>>10, max>>10)
	}
}

func (c *checker) list(field string, vs []string, ok func(string) bool, code string) {
	if len(vs) > MaxList {
		c.add(field, ProblemTooMany, MaxList)
		return
	}
	for _, v := range vs {
		if !ok(v) {
			c.add(field, code, v)
			return
		}
	}
}

func (c *checker) result() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}

// ValidatePractice checks a practice's content. Tool ids are checked by the store.
func ValidatePractice(p *Practice) error {
	var c checker
	c.text("title", p.Title, true, MaxTitle)
	c.text("summary", p.Summary, false, MaxField)
	for _, f := range []struct{ name, v string }{
		{"context", p.Context}, {"target_group", p.TargetGroup}, {"objectives", p.Objectives},
		{"activities", p.Activities}, {"resources", p.Resources}, {"results", p.Results},
		{"lessons", p.Lessons}, {"transferability", p.Transferability},
	} {
		c.text(f.name, f.v, false, MaxField)
	}
	if !langRe.MatchString(p.Lang) {
		c.add("lang", ProblemLang)
	}
	if p.Country != "" && !countryRe.MatchString(p.Country) {
		c.add("country", ProblemCountry)
	}
	switch p.Visibility {
	case Draft, OrgVis, Shared:
	default:
		c.add("visibility", ProblemVisibility)
	}
	c.list("tags", p.Tags, tagRe.MatchString, ProblemNotTag)
	c.list("tools", p.Tools, func(s string) bool { return s != "" && utf8.ValidString(s) }, ProblemNotToolID)
	c.attachments(p.Attachments)
	return c.result()
}

// ValidateComment checks a comment.
func ValidateComment(cm *Comment) error {
	var c checker
	c.text("text", cm.Text, true, MaxField)
	if cm.Practice == "" {
		c.add("practice", ProblemRequired)
	}
	switch cm.Visibility {
	case Draft, OrgVis, Shared:
	default:
		c.add("visibility", ProblemVisibility)
	}
	return c.result()
}

// ValidateOrg checks an organisation.
func ValidateOrg(o *Organisation) error {
	var c checker
	if !slugRe.MatchString(o.ID) {
		c.add("id", ProblemOrgID)
	}
	c.text("name", o.Name, true, MaxTitle)
	if !countryRe.MatchString(o.Country) {
		c.add("country", ProblemCountry)
	}
	c.list("languages", o.Languages, langRe.MatchString, ProblemNotLangCode)
	return c.result()
}

// Levels of a tool or guide.
var Levels = []string{"foundation", "intermediate", "advanced"}

func isLevel(s string) bool {
	for _, l := range Levels {
		if l == s {
			return true
		}
	}
	return false
}

func isHTTPS(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

func (c *checker) texts(field string, t Text, required bool, max int) {
	if required && strings.TrimSpace(t["en"]) == "" {
		c.add(field, ProblemNeedsEnglish)
	}
	for l, v := range t {
		if !langRe.MatchString(l) {
			c.add(field, ProblemVariant, l)
		}
		c.text(field+"."+l, v, false, max)
	}
}

// ValidateTool checks a toolkit entry. Alternatives are checked by the store.
func ValidateTool(t *Tool) error {
	var c checker
	c.texts("name", t.Name, true, MaxTitle)
	c.texts("summary", t.Summary, true, MaxField)
	c.texts("description", t.Description, false, MaxField)
	c.texts("use_cases", t.UseCases, false, MaxField)
	c.texts("data_protection", t.DataProtection, false, MaxField)
	if t.Category == "" {
		c.add("category", ProblemRequired)
	}
	switch t.Offline {
	case OfflineYes, OfflinePartly, OfflineNo:
	default:
		c.add("offline", ProblemOffline)
	}
	if t.Level != "" && !isLevel(t.Level) {
		c.add("level", ProblemLevel)
	}
	if t.Website != "" && !isHTTPS(t.Website) {
		c.add("website", ProblemWebsite)
	}
	c.list("competences", t.Competences, IsCompetence, ProblemNotCompetence)
	c.list("countries", t.Countries, countryRe.MatchString, ProblemNotCountryCode)
	if t.Verified != "" {
		if _, err := time.Parse(time.DateOnly, t.Verified); err != nil {
			c.add("verified", ProblemVerified)
		}
	}
	if t.Retired != "" {
		if _, err := time.Parse("2006-01", t.Retired); err != nil {
			c.add("retired", ProblemRetired)
		}
	}
	c.text("review", t.Review, false, MaxField)
	return c.result()
}

// ValidateGuide checks a guide.
func ValidateGuide(g *Guide) error {
	var c checker
	c.texts("title", g.Title, true, MaxTitle)
	c.texts("summary", g.Summary, false, MaxField)
	c.texts("steps", g.Steps, true, MaxField)
	if g.Level != "" && !isLevel(g.Level) {
		c.add("level", ProblemLevel)
	}
	c.list("competences", g.Competences, IsCompetence, ProblemNotCompetence)
	return c.result()
}
