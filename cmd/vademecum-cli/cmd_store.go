package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/data/trust"
	"vademecum/internal/words"
)

func init() {
	register(&command{name: "init", args: "--org-id ID --org-name NAME --country CC --lang LL --user NAME",
		help: text("cli.cmd.init", "set up this installation: organisation and your name"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("org-id", "", t.U("cli.flag.org_id", "organisation id, e.g. opengroup-it"))
			fs.String("org-name", "", t.U("cli.flag.org_name", "organisation name"))
			fs.String("country", "", t.U("cli.flag.country.init", "country code, e.g. IT"))
			fs.String("lang", "en", t.U("cli.flag.lang.init", "your language: en, it, es, pl, cs, fr"))
			fs.String("user", "", t.U("cli.flag.user.init", "your name, recorded as author"))
		},
		run: runInit})
	register(&command{name: "tools", args: "[--json] [--lang LL] [--category C] [--competence 2.1] [--offline] [--country CC]",
		help: text("cli.cmd.tools", "list the toolkit"), flags: toolFlags, run: runTools})
	register(&command{name: "tool show", args: "ID [--json] [--lang LL]", help: text("cli.cmd.tool_show", "show one tool"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json", "print JSON"))
			fs.String("lang", "", t.U("cli.flag.lang.texts", "language of the texts"))
		},
		run: runToolShow})
	register(&command{name: "guides", args: "[--json] [--lang LL] [--competence 2.1]", help: text("cli.cmd.guides", "list the how-to guides"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json", "print JSON"))
			fs.String("lang", "", t.U("cli.flag.lang.texts", "language of the texts"))
			fs.String("competence", "", t.U("cli.flag.competence", "only guides training this DigComp competence"))
		},
		run: runGuides})
	register(&command{name: "guide show", args: "ID [--json] [--lang LL]", help: text("cli.cmd.guide_show", "show one guide"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json", "print JSON"))
			fs.String("lang", "", t.U("cli.flag.lang.texts", "language of the texts"))
		},
		run: runGuideShow})
	register(&command{name: "practice add", args: "--title T [--summary S ...] [--visibility draft|org|shared] [--lang LL] [--tag X] [--tool ID] | --from-json FILE|-",
		help: text("cli.cmd.practice_add", "write a new good-practice note"), flags: practiceFlags, run: runPracticeAdd})
	register(&command{name: "practice edit", args: "ID [same flags as add]", help: text("cli.cmd.practice_edit", "change a practice"),
		flags: practiceFlags, run: runPracticeEdit})
	register(&command{name: "practice delete", args: "ID", help: text("cli.cmd.practice_delete", "delete a practice"), run: runPracticeDelete})
	register(&command{name: "practice list", args: "[--json] [--org O] [--country CC] [--tag X] [--tool ID] [--lang LL] [--visibility V]",
		help: text("cli.cmd.practice_list", "list the journal, newest first"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json", "print JSON"))
			fs.String("org", "", t.U("cli.flag.list.org", "only practices of this organisation"))
			fs.String("country", "", t.U("cli.flag.list.country", "only practices of this country"))
			fs.String("tag", "", t.U("cli.flag.tag", "only practices with this tag"))
			fs.String("tool", "", t.U("cli.flag.list.tool", "only practices using this tool"))
			fs.String("lang", "", t.U("cli.flag.list.lang", "only practices written in this language"))
			fs.String("visibility", "", t.U("cli.flag.list.visibility", "only practices with this visibility: draft, org or shared"))
		},
		run: runPracticeList})
	register(&command{name: "practice show", args: "ID [--json]", help: text("cli.cmd.practice_show", "show a practice with its comments"),
		flags: func(fs *flag.FlagSet, t tr) { fs.Bool("json", false, t.U("cli.flag.json", "print JSON")) }, run: runPracticeShow})
	register(&command{name: "comment add", args: "PRACTICE_ID --text T [--lang LL] [--visibility shared|org|draft]",
		help: text("cli.cmd.comment_add", "comment on a practice"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("text", "", t.U("cli.flag.text", "the comment"))
			fs.String("lang", "", t.U("cli.flag.lang.comment_add", "language of the comment (default: yours)"))
			fs.String("visibility", data.Shared, t.U("cli.flag.visibility", "shared, org or draft"))
			privacyFlags(fs, t)
		},
		run: runCommentAdd})
	register(&command{name: "search", args: "QUERY [--json] [--type tool|guide|practice|comment] [--limit N]",
		help: text("cli.cmd.search", "search the toolkit and the journal"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json", "print JSON"))
			fs.String("type", "", t.U("cli.flag.type", "only this record type (comma-separated for several)"))
			fs.Int("limit", 20, t.U("cli.flag.limit", "at most N results"))
			fs.String("lang", "", t.U("cli.flag.lang.search", "only content in this language"))
			fs.String("competence", "", t.U("cli.flag.competence.search", "only records training this DigComp competence"))
			fs.String("category", "", t.U("cli.flag.category", "only tools of this category"))
			fs.String("org", "", t.U("cli.flag.org.search", "only records of this organisation"))
			fs.String("country", "", t.U("cli.flag.country.search", "only records of this country"))
			fs.String("tag", "", t.U("cli.flag.tag", "only practices with this tag"))
		},
		run: runSearch})
}

func str(fs *flag.FlagSet, name string) string { return fs.Lookup(name).Value.String() }
func on(fs *flag.FlagSet, name string) bool    { return fs.Lookup(name).Value.String() == "true" }

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

func runInit(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	for _, f := range []string{"org-id", "org-name", "country", "user"} {
		if strings.TrimSpace(str(c.fs, f)) == "" {
			return c.usage("cli.init.required", "--{{.Flag}} is required", words.Args{"Flag": f})
		}
	}
	if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
		return c.fail("cli.error.create_data", "cannot create the data folder {{.Dir}}: {{.Problem}}", words.Args{"Dir": c.dataDir, "Problem": rootErr(err)})
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	if me, err := s.Identity(); err == nil && me.Org != str(c.fs, "org-id") {
		return c.fail("cli.init.other_org", "{{.Dir}} is already set up for the organisation {{.Org}}: use another --data folder", words.Args{"Dir": c.dataDir, "Org": me.Org})
	}
	lang := strings.ToLower(str(c.fs, "lang"))
	org := &data.Organisation{Meta: data.Meta{ID: str(c.fs, "org-id"), Lang: lang},
		Name: str(c.fs, "org-name"), Country: strings.ToUpper(str(c.fs, "country")), Languages: []string{lang}}
	for _, p := range assets.Partners() {
		if p.ID == org.ID {
			org.City, org.Kind = p.City, p.Kind
		}
	}
	if err := s.Init(org, str(c.fs, "user")); err != nil {
		return err
	}
	if err := s.SetSetting(data.SettingUILang, lang); err != nil {
		return err
	}
	// The organisation's file lists this installation's signing key from the start.
	if err := trust.EnsureListed(s, ""); err != nil {
		return err
	}
	c.tr = c.tr.in(c.dataDir) // the language just set, unless LC_ALL says otherwise
	fprintln(c.stdout, c.X("cli.init.done", "Vademecum is set up in {{.Dir}} for {{.Name}} ({{.ID}}).", words.Args{"Dir": c.dataDir, "Name": org.Name, "ID": org.ID}))
	return nil
}

func toolFlags(fs *flag.FlagSet, t tr) {
	fs.Bool("json", false, t.U("cli.flag.json", "print JSON"))
	fs.String("lang", "", t.U("cli.flag.lang.tools", "language of the texts (default: yours)"))
	fs.String("category", "", t.U("cli.flag.category.tools", "only this category, e.g. messaging"))
	fs.String("competence", "", t.U("cli.flag.competence.tools", "only tools training this DigComp competence, e.g. 4.2"))
	fs.Bool("offline", false, t.U("cli.flag.offline", "only tools that work offline"))
	fs.Bool("free", false, t.U("cli.flag.free", "only free tools"))
	fs.Bool("open-source", false, t.U("cli.flag.open_source", "only open-source tools"))
	fs.String("country", "", t.U("cli.flag.country.tools", "only tools for this country (e.g. PL) and tools for everywhere"))
}

// uiLang is the language for texts: --lang, else the installation's, else English.
func (c *ctx) uiLang(s *data.Store) string {
	if f := c.fs.Lookup("lang"); f != nil && f.Value.String() != "" {
		return strings.ToLower(f.Value.String())
	}
	if l, _ := s.Setting(data.SettingUILang); l != "" {
		return l
	}
	return "en"
}

// listed is a record as --json listings print it: all its fields plus a plain
// "title" in the asked language (the contract's id, type, org, lang, updated, title).
func listed(r data.Record, title string) (map[string]any, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["title"] = title
	return m, nil
}

// printListed prints records as a --json listing, each titled in lang.
func printListed[R data.Record](c *ctx, recs []R, title func(R) data.Text, lang string) error {
	out := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		t, _ := title(r).In(lang)
		m, err := listed(r, t)
		if err != nil {
			return err
		}
		out = append(out, m)
	}
	return c.jsonOut(out)
}

// printOneListed prints one record as --json shows it, titled in lang.
func printOneListed(c *ctx, r data.Record, title data.Text, lang string) error {
	t, _ := title.In(lang)
	m, err := listed(r, t)
	if err != nil {
		return err
	}
	return c.jsonOut(m)
}

func runTools(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	comp := str(c.fs, "competence")
	if comp != "" && !data.IsCompetence(comp) {
		return c.usage("cli.not_competence", "\"{{.Code}}\" is not a DigComp competence code (1.1 to 5.4)", words.Args{"Code": comp})
	}
	country := strings.ToUpper(str(c.fs, "country"))
	if country != "" && !assets.IsPartnerCountry(country) {
		return c.usage("cli.not_partner_country", "\"{{.Code}}\" is not a partner country ({{.Countries}})", words.Args{"Code": country, "Countries": strings.Join(assets.PartnerCountries(), ", ")})
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	lang := c.uiLang(s)
	tools, err := s.ListTools(c, data.ToolFilter{Category: str(c.fs, "category"), Competence: comp,
		Offline: on(c.fs, "offline"), Free: on(c.fs, "free"), OpenSource: on(c.fs, "open-source"), Country: country})
	if err != nil {
		return err
	}
	if on(c.fs, "json") {
		return printListed(c, tools, func(t *data.Tool) data.Text { return t.Name }, lang)
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fprintln(w, c.X("cli.tools.header", "ID\tNAME\tCATEGORY\tOFFLINE\tSUMMARY"))
	for _, t := range tools {
		name, _ := t.Name.In(lang)
		sum, _ := t.Summary.In(lang)
		fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.ID, name, t.Category, c.offlineShort(t.Offline), clip(sum, 70))
	}
	return w.Flush()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func runToolShow(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.tool", "a tool id (see 'vademecum-cli tools')")); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	t, err := s.GetTool(c.args[0])
	if errors.Is(err, data.ErrNotFound) {
		return c.fail("cli.no_tool", "no tool has the id \"{{.ID}}\" (see 'vademecum-cli tools')", words.Args{"ID": c.args[0]})
	} else if err != nil {
		return err
	}
	lang := c.uiLang(s)
	if on(c.fs, "json") {
		return printOneListed(c, t, t.Name, lang)
	}
	in := func(tx data.Text) string {
		v, fb := tx.In(lang)
		if fb {
			return v + "\n" + string(c.X("cli.not_translated", "(English: not yet translated)"))
		}
		return v
	}
	fprintf(c.stdout, "%s\n%s\n\n", in(t.Name), paragraph(in(t.Summary)))
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fprintln(w, c.X("cli.tool.facts", "Category\t{{.Category}}\nLicence\t{{.Licence}}\nCost\t{{.Cost}}\nPlatforms\t{{.Platforms}}\nWorks offline\t{{.Offline}}\nCompetences\t{{.Competences}}\nLevel\t{{.Level}}\nWebsite\t{{.Website}}\nAlternatives\t{{.Alternatives}}",
		words.Args{"Category": c.categoryName(t.Category, lang), "Licence": assets.FactText(assets.FactLicence, t.Licence, c.U),
			"Cost": assets.FactText(assets.FactCost, t.Cost, c.U), "Platforms": c.platforms(t.Platforms), "Offline": assets.FactText(assets.FactOffline, t.Offline, c.U),
			"Competences": strings.Join(t.Competences, ", "), "Level": assets.FactText(assets.FactLevel, t.Level, c.U), "Website": t.Website, "Alternatives": strings.Join(t.Alternatives, ", ")}))
	w.Flush()
	fprintf(c.stdout, "\n%s\n\n%s\n%s\n\n%s\n%s\n", paragraph(in(t.Description)), c.X("cli.tool.use_cases", "Use cases"), paragraph(in(t.UseCases)),
		c.X("cli.tool.data_protection", "Data protection"), paragraph(in(t.DataProtection)))
	c.printProvenance(t.Network)
	return c.printUsers(s, t.ID)
}

// categoryName is the name of a toolkit category in lang (its id if the
// toolkit does not know it).
func (c *ctx) categoryName(id, lang string) string {
	if kit, err := assets.Toolkit(); err == nil {
		if cat, ok := kit.Category(id); ok {
			n, _ := cat.Name.In(lang)
			return n
		}
	}
	return id
}

// platforms words a tool's platforms, names kept as they are.
func (c *ctx) platforms(ps []string) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = assets.FactText(assets.FactPlatform, p, c.U)
	}
	return strings.Join(out, ", ")
}

// offlineShort is a tool's offline use in one word, for the tools table.
func (c *ctx) offlineShort(v string) string {
	switch v {
	case data.OfflineYes:
		return string(c.X("cli.offline.yes", "yes"))
	case data.OfflinePartly:
		return string(c.X("cli.offline.partly", "partly"))
	case data.OfflineNo:
		return string(c.X("cli.offline.no", "no"))
	}
	return v
}

func runGuides(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	comp := str(c.fs, "competence")
	if comp != "" && !data.IsCompetence(comp) {
		return c.usage("cli.not_competence", "\"{{.Code}}\" is not a DigComp competence code (1.1 to 5.4)", words.Args{"Code": comp})
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	lang := c.uiLang(s)
	guides, err := s.ListGuides(c, comp)
	if err != nil {
		return err
	}
	if on(c.fs, "json") {
		return printListed(c, guides, func(g *data.Guide) data.Text { return g.Title }, lang)
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fprintln(w, c.X("cli.guides.header", "ID\tTITLE\tLEVEL\tCOMPETENCES"))
	for _, g := range guides {
		title, _ := g.Title.In(lang)
		fprintf(w, "%s\t%s\t%s\t%s\n", g.ID, title, assets.FactText(assets.FactLevel, g.Level, c.U), strings.Join(g.Competences, ", "))
	}
	return w.Flush()
}

func runGuideShow(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.guide", "a guide id (see 'vademecum-cli guides')")); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	g, err := s.GetGuide(c.args[0])
	if errors.Is(err, data.ErrNotFound) {
		return c.fail("cli.no_guide", "no guide has the id \"{{.ID}}\" (see 'vademecum-cli guides')", words.Args{"ID": c.args[0]})
	} else if err != nil {
		return err
	}
	lang := c.uiLang(s)
	if on(c.fs, "json") {
		return printOneListed(c, g, g.Title, lang)
	}
	title, _ := g.Title.In(lang)
	sum, _ := g.Summary.In(lang)
	steps, _ := g.Steps.In(lang)
	fprintf(c.stdout, "%s\n%s\n\n%s\n\n%s\n", title, paragraph(sum), paragraph(steps),
		c.X("cli.guide.facts", "Tools: {{.Tools}}\nCompetences: {{.Competences}}", words.Args{"Tools": strings.Join(g.Tools, ", "), "Competences": strings.Join(g.Competences, ", ")}))
	c.printProvenance(g.Network)
	return nil
}

// practiceFields maps the flags of practice add/edit to the practice's fields.
var practiceFields = []struct {
	flag  string
	help  func(t tr) said
	field func(p *data.Practice) *string
}{
	{"title", text("cli.field.title", "title (required)"), func(p *data.Practice) *string { return &p.Title }},
	{"summary", text("cli.field.summary", "summary"), func(p *data.Practice) *string { return &p.Summary }},
	{"context", text("cli.field.context", "context and problem"), func(p *data.Practice) *string { return &p.Context }},
	{"target-group", text("cli.field.target_group", "target group"), func(p *data.Practice) *string { return &p.TargetGroup }},
	{"objectives", text("cli.field.objectives", "objectives"), func(p *data.Practice) *string { return &p.Objectives }},
	{"activities", text("cli.field.activities", "activities: how it works"), func(p *data.Practice) *string { return &p.Activities }},
	{"resources", text("cli.field.resources", "resources"), func(p *data.Practice) *string { return &p.Resources }},
	{"results", text("cli.field.results", "results"), func(p *data.Practice) *string { return &p.Results }},
	{"lessons", text("cli.field.lessons", "lessons learned"), func(p *data.Practice) *string { return &p.Lessons }},
	{"transferability", text("cli.field.transferability", "transferability"), func(p *data.Practice) *string { return &p.Transferability }},
	{"country", text("cli.field.country", "country code, e.g. CZ (default: your organisation's)"), func(p *data.Practice) *string { return &p.Country }},
	{"visibility", text("cli.field.visibility", "draft, org or shared (default draft)"), func(p *data.Practice) *string { return &p.Visibility }},
	{"lang", text("cli.field.lang", "language it is written in (default: yours)"), func(p *data.Practice) *string { return &p.Lang }},
}

func practiceFlags(fs *flag.FlagSet, t tr) {
	for _, f := range practiceFields {
		fs.String(f.flag, "", string(f.help(t)))
	}
	fs.Var(&listFlag{}, "tag", t.U("cli.flag.tag.practice", "a tag (repeat for several)"))
	fs.Var(&listFlag{}, "tool", t.U("cli.flag.tool", "a tool id it uses (repeat for several)"))
	fs.String("from-json", "", t.U("cli.flag.from_json", "read the practice from a JSON file, or - for standard input"))
	privacyFlags(fs, t)
	fs.Bool("json", false, t.U("cli.flag.json.practice", "print the saved practice as JSON"))
}

// applyFlags copies the flags given on the command line into p.
func applyFlags(c *ctx, p *data.Practice) {
	for _, f := range practiceFields {
		if isSet(c.fs, f.flag) {
			*f.field(p) = str(c.fs, f.flag)
		}
	}
	if isSet(c.fs, "tag") {
		p.Tags = *c.fs.Lookup("tag").Value.(*listFlag)
	}
	if isSet(c.fs, "tool") {
		p.Tools = *c.fs.Lookup("tool").Value.(*listFlag)
	}
	applyPrivacy(c, p, &p.Cleared)
}

func privacyFlags(fs *flag.FlagSet, t tr) {
	fs.Var(&listFlag{}, "not-personal", t.U("cli.flag.not_personal", "a finding of the privacy guard that is not personal data, as KIND:TEXT (e.g. 'phone:800 123 456' for a helpline); repeat for several"))
	fs.Bool("pseudonymise", false, t.U("cli.flag.pseudonymise", "replace every personal data finding by a placeholder such as [phone] before saving"))
}

// applyPrivacy records findings marked as not personal, then pseudonymises the
// rest when asked. Without either, sharing a text with findings is refused by the store.
func applyPrivacy(c *ctx, r data.Record, cleared *[]string) {
	if isSet(c.fs, "not-personal") {
		*cleared = append(*cleared, *c.fs.Lookup("not-personal").Value.(*listFlag)...)
	}
	if on(c.fs, "pseudonymise") {
		data.Pseudonymise(r)
	}
}

// readPracticeJSON reads a practice from --from-json; unknown fields are refused.
func readPracticeJSON(c *ctx, p *data.Practice) error {
	src := str(c.fs, "from-json")
	var r io.Reader = c.stdin
	if src != "-" {
		f, err := os.Open(src)
		if err != nil {
			return c.fail("cli.cannot_read", "cannot read {{.File}}: {{.Problem}}", words.Args{"File": src, "Problem": rootErr(err)})
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return err
	}
	if !utf8.Valid(b) {
		return c.fail("cli.practice.not_utf8", "{{.File}} contains bytes that are not text (invalid UTF-8): save it as UTF-8", words.Args{"File": src})
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return c.fail("cli.practice.not_json", "{{.File}} is not a practice in JSON: {{.Problem}}", words.Args{"File": src, "Problem": err})
	}
	return nil
}

func (c *ctx) defaults(s *data.Store, p *data.Practice) {
	if p.Lang == "" {
		p.Lang = c.uiLang(s)
	}
	if p.Country == "" {
		if me, err := s.Identity(); err == nil {
			if o, err := s.Get(me.Org); err == nil {
				p.Country = o.(*data.Organisation).Country
			}
		}
	}
	p.Country = strings.ToUpper(p.Country)
}

func runPracticeAdd(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	p := &data.Practice{}
	if isSet(c.fs, "from-json") {
		if err := readPracticeJSON(c, p); err != nil {
			return err
		}
		p.ID = ""
	}
	applyFlags(c, p)
	s, err := c.openInit()
	if err != nil {
		return err
	}
	c.defaults(s, p)
	if err := s.SavePractice(c, p); err != nil {
		return err
	}
	return c.printSaved(p)
}

func (c *ctx) printSaved(p *data.Practice) error {
	if on(c.fs, "json") {
		return c.jsonOut(p)
	}
	fprintln(c.stdout, p.ID)
	return nil
}

func runPracticeEdit(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.practice_edit", "the id of the practice to change")); err != nil {
		return err
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	p, err := s.GetPractice(c.args[0])
	if err != nil {
		return c.practiceErr(c.args[0], err)
	}
	if isSet(c.fs, "from-json") {
		id := p.ID
		if err := readPracticeJSON(c, p); err != nil {
			return err
		}
		p.ID = id
	}
	applyFlags(c, p)
	c.defaults(s, p)
	if err := s.SavePractice(c, p); err != nil {
		return err
	}
	return c.printSaved(p)
}

func runPracticeDelete(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.practice_delete", "the id of the practice to delete")); err != nil {
		return err
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	return s.DeletePractice(c, c.args[0])
}

func runPracticeList(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	f := data.PracticeFilter{Org: str(c.fs, "org"), Country: str(c.fs, "country"),
		Tag: str(c.fs, "tag"), Tool: str(c.fs, "tool"), Lang: str(c.fs, "lang"), Visibility: str(c.fs, "visibility")}
	if on(c.fs, "json") {
		return listPracticesJSON(c, s, f)
	}
	list, err := s.ListPractices(c, f)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fprintln(w, c.X("cli.practices.header", "ID\tUPDATED\tORG\tLANG\tVISIBILITY\tTITLE"))
	for _, p := range list {
		fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.Updated.Local().Format("2006-01-02 15:04"), p.Org, p.Lang,
			p.Visibility, clip(p.Title, 60))
	}
	return w.Flush()
}

// listPageSize is how many practices practice list --json reads at a time.
const listPageSize = 1000

// listPracticesJSON prints the journal as one JSON array, as jsonOut would,
// a page at a time: 100,000 practices are never all in memory at once.
func listPracticesJSON(c *ctx, s *data.Store, f data.PracticeFilter) error {
	w := bufio.NewWriter(c.stdout)
	var elem bytes.Buffer
	enc := json.NewEncoder(&elem)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	f.Limit = listPageSize
	n := 0
	for {
		page, err := s.ListPractices(c, f)
		if err != nil {
			return err
		}
		for i := range page {
			sep := ",\n  "
			if n == 0 {
				sep = "[\n  "
			}
			elem.Reset()
			if err := enc.Encode(&page[i]); err != nil {
				return err
			}
			w.WriteString(sep)
			w.Write(bytes.TrimSuffix(elem.Bytes(), []byte("\n")))
			n++
		}
		if len(page) < listPageSize {
			break
		}
		f.After = &page[len(page)-1]
	}
	if n == 0 {
		w.WriteString("[]\n")
	} else {
		w.WriteString("\n]\n")
	}
	return w.Flush()
}

func runPracticeShow(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.practice", "a practice id")); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	p, err := s.GetPractice(c.args[0])
	if err != nil {
		return c.practiceErr(c.args[0], err)
	}
	comments, err := s.ListComments(c, p.ID)
	if err != nil {
		return err
	}
	if on(c.fs, "json") {
		m, err := listed(p, p.Title)
		if err != nil {
			return err
		}
		m["comments"] = comments
		return c.jsonOut(m)
	}
	fprintf(c.stdout, "%s\n%s · %s · %s · %s · %s\n", p.Title, p.Org, p.Country, p.Lang, p.Visibility,
		p.Updated.Local().Format("2006-01-02 15:04"))
	for _, f := range practiceFields[1:10] {
		if v := *f.field(p); v != "" {
			fprintf(c.stdout, "\n%s\n%s\n", capitalise(f.help(c.tr)), paragraph(v))
		}
	}
	if len(p.Tools) > 0 {
		fprintf(c.stdout, "\n%s\n", c.X("cli.practice.tools", "Tools: {{.Tools}}", words.Args{"Tools": strings.Join(p.Tools, ", ")}))
	}
	if len(p.Tags) > 0 {
		fprintln(c.stdout, c.X("cli.practice.tags", "Tags: {{.Tags}}", words.Args{"Tags": strings.Join(p.Tags, ", ")}))
	}
	for _, cm := range comments {
		fprintf(c.stdout, "\n— %s (%s), %s:\n%s\n", cm.Author, cm.Org, cm.Created.Local().Format("2006-01-02"), paragraph(cm.Text))
	}
	return nil
}

func runCommentAdd(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.comment", "the id of the practice to comment on")); err != nil {
		return err
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	cm := &data.Comment{Practice: c.args[0], Text: str(c.fs, "text"), Visibility: str(c.fs, "visibility"),
		Meta: data.Meta{Lang: str(c.fs, "lang")}}
	if cm.Lang == "" {
		cm.Lang = c.uiLang(s)
	}
	applyPrivacy(c, cm, &cm.Cleared)
	if err := s.SaveComment(c, cm); err != nil {
		return err
	}
	fprintln(c.stdout, cm.ID)
	return nil
}

func runSearch(c *ctx) error {
	if len(c.args) == 0 {
		return c.usage("cli.search.needs_query", "needs words to search for")
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	q := data.Query{Text: strings.Join(c.args, " "), Limit: 20, Lang: str(c.fs, "lang"), Competence: str(c.fs, "competence"),
		Category: str(c.fs, "category"), Org: str(c.fs, "org"), Country: str(c.fs, "country"), Tag: str(c.fs, "tag")}
	if n := c.fs.Lookup("limit").Value.(flag.Getter).Get().(int); n > 0 {
		q.Limit = n
	}
	if t := str(c.fs, "type"); t != "" {
		for _, typ := range strings.Split(t, ",") {
			if data.New(typ) == nil {
				return c.usage("cli.search.type", "--type must be tool, guide, practice, comment or org")
			}
			q.Types = append(q.Types, typ)
		}
	}
	if l, _ := s.Setting(data.SettingUILang); l != "" {
		q.UILang = l
	}
	start := time.Now()
	hits, err := s.Search(c, q)
	if err != nil {
		return err
	}
	if on(c.fs, "json") {
		return c.jsonOut(hits)
	}
	for _, h := range hits {
		fprintf(c.stdout, "%s  %s  [%s, %s]\n    %s\n", h.ID, h.Title, h.Type, h.Org, highlight(h.Snippet, h.Matches))
	}
	fprintln(c.stderr, c.N("cli.search.results", "{{.Count}} result in {{.Time}}", "{{.Count}} results in {{.Time}}", len(hits), words.Args{"Time": time.Since(start).Round(time.Microsecond)}))
	return nil
}

// highlight marks matched words with *stars* for a terminal.
func highlight(s string, ms [][2]int) string {
	var b strings.Builder
	prev := 0
	for _, m := range ms {
		if m[0] < prev || m[1] > len(s) {
			continue
		}
		b.WriteString(s[prev:m[0]])
		b.WriteString("*" + s[m[0]:m[1]] + "*")
		prev = m[1]
	}
	b.WriteString(s[prev:])
	return b.String()
}
