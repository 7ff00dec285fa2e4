package assets

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"vademecum/data"
)

// Languages are the interface languages: every toolkit text is written in each.
var Languages = data.Languages

// Check lists every problem of the toolkit content: missing fields or
// translations, bad URLs, unknown competence codes or categories, alternatives and
// tools that do not resolve or are retired, duplicate ids, a missing or malformed
// verified-on date, countries that are not a partner's. The shipped toolkit has none.
func (k *Kit) Check() []error {
	var errs []error
	bad := func(id, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", id, fmt.Sprintf(format, a...)))
	}
	texts := func(id, field string, t data.Text, langs []string) {
		for _, l := range langs {
			if strings.TrimSpace(t[l]) == "" {
				bad(id, "%s has no %s text", field, l)
			}
		}
	}
	ids := map[string]string{}
	for _, t := range k.Tools {
		if prev, dup := ids[t.ID]; dup {
			bad(t.ID, "duplicate id (also a %s)", prev)
		}
		ids[t.ID] = "tool"
	}
	for _, g := range k.Guides {
		if prev, dup := ids[g.ID]; dup {
			bad(g.ID, "duplicate id (also a %s)", prev)
		}
		ids[g.ID] = "guide"
	}
	isTool := func(id string) bool { return ids[id] == "tool" }
	retired := map[string]bool{}
	for _, t := range k.Tools {
		retired[t.ID] = t.Retired != ""
	}
	comps := func(id string, cs []string) {
		if len(cs) == 0 {
			bad(id, "has no DigComp competence")
		}
		for _, c := range cs {
			if _, ok := k.DigComp.Competence(c); !ok {
				bad(id, "unknown DigComp competence %q", c)
			}
		}
	}
	meta := func(m *data.Meta, typ string) {
		if m.Type != typ || m.Org != data.ToolkitOrg || m.Author == "" || m.Created.IsZero() || m.Updated.IsZero() || m.Lang != "en" {
			bad(m.ID, "type, org (%s), author, created, updated or lang (en) missing or wrong", data.ToolkitOrg)
		}
	}
	for _, t := range k.Tools {
		meta(&t.Meta, data.TypeTool)
		texts(t.ID, "name", t.Name, Languages)
		texts(t.ID, "summary", t.Summary, Languages)
		texts(t.ID, "description", t.Description, Languages)
		texts(t.ID, "use_cases", t.UseCases, Languages)
		texts(t.ID, "data_protection", t.DataProtection, Languages)
		if _, ok := k.Category(t.Category); !ok {
			bad(t.ID, "unknown category %q", t.Category)
		}
		for field, v := range map[string]string{"licence": t.Licence, "cost": t.Cost, "level": t.Level} {
			if strings.TrimSpace(v) == "" {
				bad(t.ID, "%s is empty", field)
			}
		}
		if len(t.Platforms) == 0 {
			bad(t.ID, "has no platforms")
		}
		if u, err := url.Parse(t.Website); err != nil || u.Scheme != "https" || !strings.Contains(u.Host, ".") || strings.ContainsAny(t.Website, " \t\n") {
			bad(t.ID, "website %q is not a well-formed https:// address", t.Website)
		}
		comps(t.ID, t.Competences)
		if len(t.Alternatives) == 0 {
			bad(t.ID, "has no alternatives")
		}
		for _, a := range t.Alternatives {
			if !isTool(a) || a == t.ID {
				bad(t.ID, "alternative %q is not another tool of the toolkit", a)
			} else if retired[a] && t.Retired == "" {
				bad(t.ID, "alternative %q is retired", a)
			}
		}
		if _, err := time.Parse(time.DateOnly, t.Verified); err != nil {
			bad(t.ID, "has no verified-on date (verified: YYYY-MM-DD, when its facts were last checked)")
		}
		for _, c := range t.Countries {
			if !IsPartnerCountry(c) {
				bad(t.ID, "country %q is not a partner country (%s)", c, strings.Join(PartnerCountries(), ", "))
			}
		}
		if err := data.ValidateTool(t); err != nil {
			bad(t.ID, "%v", err)
		}
	}
	for _, g := range k.Guides {
		meta(&g.Meta, data.TypeGuide)
		texts(g.ID, "title", g.Title, Languages)
		texts(g.ID, "summary", g.Summary, Languages)
		texts(g.ID, "steps", g.Steps, Languages)
		comps(g.ID, g.Competences)
		for _, tool := range g.Tools {
			if !isTool(tool) {
				bad(g.ID, "tool %q is not in the toolkit", tool)
			} else if retired[tool] {
				bad(g.ID, "tool %q is retired", tool)
			}
		}
		if err := data.ValidateGuide(g); err != nil {
			bad(g.ID, "%v", err)
		}
	}
	for _, c := range k.Categories {
		texts("category "+c.ID, "name", c.Name, Languages)
	}
	if len(k.DigComp.Areas) != 5 || len(k.DigComp.Competences) != 21 || len(k.DigComp.Levels) != 8 {
		bad("digcomp", "want 5 areas, 21 competences, 8 levels; have %d, %d, %d",
			len(k.DigComp.Areas), len(k.DigComp.Competences), len(k.DigComp.Levels))
	}
	for _, a := range k.DigComp.Areas {
		texts("area "+a.Code, "name", a.Name, Languages)
	}
	for _, c := range k.DigComp.Competences {
		texts("competence "+c.Code, "name", c.Name, Languages)
		texts("competence "+c.Code, "description", c.Description, Languages)
		if !data.IsCompetence(c.Code) {
			bad("competence "+c.Code, "is not a DigComp 2.2 code")
		}
	}
	for _, l := range k.DigComp.Levels {
		texts(fmt.Sprintf("level %d", l.Level), "name", l.Name, Languages)
	}
	return errs
}
