package export

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"vademecum/assets"
	"vademecum/data"
)

// content is what the booklet, the site and Markdown show, read once from the store.
type content struct {
	lang      string
	kit       *assets.Kit
	sections  []section // toolkit categories that have tools, in the toolkit's order
	tools     map[string]*data.Tool
	retired   map[string]*data.Tool // tools that no longer exist: named, never listed
	guides    []*data.Guide
	practices []*data.Practice
	comments  map[string][]*data.Comment // shared comments by practice id
	orgs      map[string]*data.Organisation
	fallback  bool // some toolkit text is given in English for want of a translation
	created   time.Time
}

// section is one toolkit category and its tools, by name.
type section struct {
	ID, Name string
	Tools    []*data.Tool
}

// loadContent reads the toolkit, the guides and, when asked, the shared
// practices with their shared comments.
func loadContent(ctx context.Context, s *data.Store, o Options) (*content, error) {
	lang, err := o.lang()
	if err != nil {
		return nil, err
	}
	kit, err := assets.Toolkit()
	if err != nil {
		return nil, fmt.Errorf("the embedded toolkit is damaged: %w", err)
	}
	c := &content{lang: lang, kit: kit, tools: map[string]*data.Tool{}, retired: map[string]*data.Tool{},
		comments: map[string][]*data.Comment{},
		orgs:     map[string]*data.Organisation{}, created: time.Now()}
	coll := collate.New(language.Make(lang), collate.IgnoreCase)
	tools, err := s.ListTools(ctx, data.ToolFilter{Retired: true, Country: o.Country})
	if err != nil {
		return nil, err
	}
	byCat := map[string][]*data.Tool{}
	for _, t := range tools {
		if t.Retired != "" {
			c.retired[t.ID] = t // old practices still name it
			continue
		}
		c.tools[t.ID] = t
		byCat[t.Category] = append(byCat[t.Category], t)
	}
	add := func(id, name string) {
		ts := byCat[id]
		if len(ts) == 0 {
			return
		}
		sort.SliceStable(ts, func(i, j int) bool { return coll.CompareString(c.name(ts[i]), c.name(ts[j])) < 0 })
		c.sections = append(c.sections, section{ID: id, Name: name, Tools: ts})
		delete(byCat, id)
	}
	for _, cat := range kit.Categories {
		add(cat.ID, c.in(cat.Name))
	}
	// Categories this build does not know (a newer partner's tool) come last.
	var rest []string
	for id := range byCat {
		rest = append(rest, id)
	}
	sort.Strings(rest)
	for _, id := range rest {
		name := id
		if name == "" {
			name = c.label("other")
		}
		add(id, name)
	}

	if c.guides, err = s.ListGuides(ctx, ""); err != nil {
		return nil, err
	}
	sort.SliceStable(c.guides, func(i, j int) bool {
		return coll.CompareString(c.in(c.guides[i].Title), c.in(c.guides[j].Title)) < 0
	})
	orgs, err := s.ListOrgs(ctx)
	if err != nil {
		return nil, err
	}
	for _, org := range orgs {
		c.orgs[org.ID] = org
	}
	c.fallback = c.anyFallback()
	if o.Practices {
		if c.practices, err = practices(ctx, s, false); err != nil {
			return nil, err
		}
		for _, p := range c.practices {
			cs, err := s.ListComments(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			for _, cm := range cs {
				if cm.Visibility == data.Shared {
					c.comments[p.ID] = append(c.comments[p.ID], cm)
				}
			}
		}
	}
	return c, nil
}

// practices returns the shared practices, oldest first; with own, also this
// organisation's drafts and organisation-only notes.
func practices(ctx context.Context, s *data.Store, own bool) ([]*data.Practice, error) {
	me := ""
	if own {
		if id, err := s.Identity(); err == nil {
			me = id.Org
		}
	}
	list, err := s.ListPractices(ctx, data.PracticeFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]*data.Practice, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- { // the list is newest first
		sm := list[i]
		if sm.Visibility != data.Shared && (me == "" || sm.Org != me) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := s.GetPractice(sm.ID)
		if err != nil {
			return nil, fmt.Errorf("read practice %s: %w", sm.ID, err)
		}
		// Re-check on the record itself: the listing column could lag a concurrent edit.
		if p.Visibility != data.Shared && (me == "" || p.Org != me) {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// in returns a text in the export's language (English when it has no translation).
func (c *content) in(t data.Text) string {
	s, _ := t.In(c.lang)
	return s
}

// inMarked is in, and whether the text is English standing in for a translation.
func (c *content) inMarked(t data.Text) (string, bool) {
	s, fb := t.In(c.lang)
	return s, fb && s != ""
}

// anyFallback reports whether some tool or guide text lacks a translation.
func (c *content) anyFallback() bool {
	var texts []data.Text
	for _, t := range c.tools {
		texts = append(texts, t.Name, t.Summary, t.Description, t.UseCases, t.DataProtection)
	}
	for _, g := range c.guides {
		texts = append(texts, g.Title, g.Summary, g.Steps)
	}
	for _, t := range texts {
		if _, fb := c.inMarked(t); fb {
			return true
		}
	}
	return false
}

func (c *content) name(t *data.Tool) string {
	n, _ := t.Name.In(c.lang)
	if n == "" {
		return t.ID
	}
	return n
}

func (c *content) label(key string) string { return label(c.lang, key) }

// toolName is the name of the tool with id, or the id when the tool is unknown here.
func (c *content) toolName(id string) string {
	if t, ok := c.tools[id]; ok {
		return c.name(t)
	}
	if t, ok := c.retired[id]; ok {
		return c.name(t)
	}
	return id
}

func (c *content) orgName(id string) string {
	if o, ok := c.orgs[id]; ok && o.Name != "" {
		return o.Name
	}
	return id
}

// competence is "2.1 Interacting through digital technologies".
func (c *content) competence(code string) string {
	if comp, ok := c.kit.DigComp.Competence(code); ok {
		return code + " " + c.in(comp.Name)
	}
	return code
}

func (c *content) offline(v string) string {
	switch v {
	case data.OfflineYes, data.OfflinePartly, data.OfflineNo:
		return c.label("offline_" + v)
	}
	return v
}

// cost is a tool's cost in the export's language: the toolkit words costs as
// " / "-separated terms ("free tier / paid"), each a label "cost: <term>".
func (c *content) cost(v string) string { return translateTerms(c.lang, "cost: ", v) }

// translateTerms translates each " / "-separated term of v that has a label
// prefix+term; a term with a parenthesised note translates the note. Other
// terms stay as written.
func translateTerms(lang, prefix, v string) string {
	parts := strings.Split(v, " / ")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if _, ok := labels[prefix+p]; ok {
			parts[i] = label(lang, prefix+p)
			continue
		}
		if open := strings.LastIndex(p, " ("); open > 0 && strings.HasSuffix(p, ")") {
			note := p[open+2 : len(p)-1]
			if _, ok := labels[prefix+note]; ok {
				parts[i] = p[:open] + " (" + label(lang, prefix+note) + ")"
				continue
			}
		}
		parts[i] = p
	}
	return strings.Join(parts, " / ")
}

// catalogue is the text of key in the export's language (assets/i18n).
func (c *content) catalogue(key, _ string) string { return assets.Translate(c.lang, key, nil) }

func (c *content) level(v string) string {
	for _, l := range data.Levels {
		if l == v {
			return c.label("level_" + v)
		}
	}
	return v
}

func (c *content) licence(t *data.Tool) string {
	l := assets.FactText(assets.FactLicence, t.Licence, c.catalogue)
	if t.OpenSource {
		return l + " (" + c.label("open_source") + ")"
	}
	return l
}

// upperFirst capitalises a fact that starts with a translated term ("bezpłatne").
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// fact is one line of a tool's facts box.
type fact struct{ Label, Value, Link string }

func (c *content) facts(t *data.Tool) []fact {
	fs := []fact{
		{c.label("licence"), upperFirst(c.licence(t)), ""},
		{c.label("cost"), upperFirst(c.cost(t.Cost)), ""},
		{c.label("platforms"), strings.Join(t.Platforms, ", "), ""},
		{c.label("offline"), c.offline(t.Offline), ""},
		{c.label("level"), c.level(t.Level), ""},
		{c.label("website"), strings.TrimPrefix(t.Website, "https://"), t.Website},
	}
	out := fs[:0]
	for _, f := range fs {
		if strings.TrimSpace(f.Value) != "" {
			out = append(out, f)
		}
	}
	return out
}

// practiceField is one titled text of a practice.
type practiceField struct{ Key, Label, Text string }

func (c *content) practiceFields(p *data.Practice) []practiceField {
	fs := []practiceField{
		{"summary", c.label("summary"), p.Summary},
		{"context", c.label("context"), p.Context},
		{"target_group", c.label("target_group"), p.TargetGroup},
		{"objectives", c.label("objectives"), p.Objectives},
		{"activities", c.label("activities"), p.Activities},
		{"resources", c.label("resources"), p.Resources},
		{"results", c.label("results"), p.Results},
		{"lessons", c.label("lessons"), p.Lessons},
		{"transferability", c.label("transferability"), p.Transferability},
	}
	out := fs[:0]
	for _, f := range fs {
		if strings.TrimSpace(f.Text) != "" {
			out = append(out, f)
		}
	}
	return out
}

// practiceByline is "Organisation · CZ · 2026-05-01".
func (c *content) practiceByline(p *data.Practice) string {
	parts := []string{c.orgName(p.Org)}
	if p.Country != "" {
		parts = append(parts, p.Country)
	}
	parts = append(parts, p.Updated.Format("2006-01-02"))
	return strings.Join(parts, " · ")
}

func (c *content) toolNames(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = c.toolName(id)
	}
	return out
}

// items is how many tools, guides and practices an export walks through.
func (c *content) items() int {
	return len(c.tools) + len(c.guides) + len(c.practices)
}
