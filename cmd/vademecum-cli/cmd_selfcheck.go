package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/export"
	"vademecum/internal/words"
	"vademecum/selfcheck"
)

func init() {
	langFlag := func(fs *flag.FlagSet, t tr) {
		fs.String("lang", "", t.U("cli.flag.lang", "language of the texts: en, it, es, pl, cs, fr (default: yours)"))
	}
	register(&command{name: "selfcheck", args: "[--lang LL] [--json]",
		help: text("cli.cmd.selfcheck", "the DigComp self-check's questions (answers stay on this computer)"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json", "print JSON"))
			langFlag(fs, t)
		},
		run: runSelfCheck})
	register(&command{name: "selfcheck answer", args: "--from-json FILE|-",
		help: text("cli.cmd.selfcheck_answer", "answer self-check questions, all at once or a few at a time"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("from-json", "", t.U("cli.flag.from_json.selfcheck", `{"<question id>": value, ...}, from a file or - for standard input`))
		},
		run: runSelfCheckAnswer})
	register(&command{name: "selfcheck result", args: "[--json] [--lang LL]",
		help: text("cli.cmd.selfcheck_result", "your level per DigComp competence and area, and your learning path"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json", "print JSON"))
			langFlag(fs, t)
		},
		run: runSelfCheckResult})
	register(&command{name: "selfcheck delete", args: "",
		help: text("cli.cmd.selfcheck_delete", "delete all your self-check answers and results from this computer"),
		run:  runSelfCheckDelete})
	register(&command{name: "selfcheck summary", args: "--out FILE|- [--add FILE ...]",
		help: text("cli.cmd.selfcheck_summary", "write an anonymous summary (people per competence and level) for a coordinator"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("out", "", t.U("cli.flag.out.selfcheck_summary", "the file to write, or - for standard output"))
			var add listFlag
			fs.Var(&add, "add", t.U("cli.flag.add", "also count the people of this summary (a colleague's); repeat for several"))
			fs.Bool("mine", true, t.U("cli.flag.mine", "count your own latest self-check (--mine=false: only the added summaries)"))
		},
		run: runSelfCheckSummary})
}

// selfCheckLang is --lang, else the interface language, else English (the
// questions need no data directory).
func selfCheckLang(c *ctx) (string, error) {
	l := strings.ToLower(str(c.fs, "lang"))
	if l == "" {
		l = "en"
		if s, err := c.open(); err == nil {
			l = c.uiLang(s)
		}
	}
	if !exportLang(l) {
		return "", c.usage("cli.lang_one_of", "--lang must be one of {{.Languages}}", words.Args{"Languages": strings.Join(export.Languages, ", ")})
	}
	return l, nil
}

func runSelfCheck(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	lang, err := selfCheckLang(c)
	if err != nil {
		return err
	}
	qs, err := selfcheck.Questions(lang)
	if err != nil {
		return err
	}
	if on(c.fs, "json") {
		return c.jsonOut(qs)
	}
	for _, q := range qs {
		fprintf(c.stdout, "%s  %s\n", q.ID, q.Text)
		for _, a := range q.Answers {
			fprintf(c.stdout, "      %d  %s\n", a.Value, a.Text)
		}
	}
	fprintln(c.stdout)
	fprintln(c.stdout, c.X("cli.selfcheck.how_to_answer", "Answer with: vademecum-cli selfcheck answer --from-json FILE, where FILE holds {\"{{.ID}}\": 2, ...}", words.Args{"ID": qs[0].ID}))
	return nil
}

// openInput opens FILE, or standard input for "-".
func openInput(c *ctx, src string) (io.ReadCloser, error) {
	if src == "-" {
		return io.NopCloser(c.stdin), nil
	}
	f, err := os.Open(src)
	if err != nil {
		return nil, c.fail("cli.cannot_read", "cannot read {{.File}}: {{.Problem}}", words.Args{"File": src, "Problem": rootErr(err)})
	}
	return f, nil
}

func runSelfCheckAnswer(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	src := str(c.fs, "from-json")
	if src == "" {
		return c.usage("cli.selfcheck.from_json_required", "--from-json is required: a file (or -) holding {\"<question id>\": value, ...}")
	}
	r, err := openInput(c, src)
	if err != nil {
		return err
	}
	defer r.Close()
	var answers map[string]int
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&answers); err != nil {
		return c.fail("cli.selfcheck.not_json", "{{.File}} is not a JSON object of answers {\"<question id>\": value}: {{.Problem}}", words.Args{"File": src, "Problem": err})
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	a, err := selfcheck.Save(c, s, answers)
	if err != nil {
		return err
	}
	qs, err := selfcheck.Questions("en")
	if err != nil {
		return err
	}
	if !a.Finished.IsZero() {
		fprintln(c.stdout, c.X("cli.selfcheck.complete", "Self-check complete: see 'vademecum-cli selfcheck result'. Your answers stay on this computer."))
		return nil
	}
	fprintln(c.stdout, c.N("cli.selfcheck.saved", "Saved: {{.Answered}} of {{.Count}} question answered so far. Your answers stay on this computer.",
		"Saved: {{.Answered}} of {{.Count}} questions answered so far. Your answers stay on this computer.", len(qs), words.Args{"Answered": len(a.Answers)}))
	return nil
}

type jsonLevel = selfcheck.Level

type jsonRecommendation struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Competence string `json:"competence"`
	Title      string `json:"title"`
	Level      string `json:"level"`
	Why        string `json:"why"`
}

type jsonResult struct {
	Date        string               `json:"date,omitempty"`
	Complete    bool                 `json:"complete"`
	Answered    int                  `json:"answered"`
	Questions   int                  `json:"questions"`
	Competences []jsonLevel          `json:"competences"`
	Areas       []jsonLevel          `json:"areas"`
	Recommended []jsonRecommendation `json:"recommended"`
	Uncovered   []string             `json:"uncovered"`
	History     []jsonSnapshot       `json:"history"`
}

type jsonSnapshot struct {
	Date        string      `json:"date"`
	Competences []jsonLevel `json:"competences"`
}

// why says in lang why a step of the learning path was chosen, in the words
// the app uses.
func why(lang string, kit *assets.Kit, r selfcheck.Recommendation) string {
	c, _ := kit.DigComp.Competence(r.Competence)
	name, _ := c.Name.In(lang)
	key := "selfcheck.why.tool"
	if r.Type == data.TypeGuide {
		key = "selfcheck.why.guide"
	}
	return assets.Translate(lang, key, map[string]any{"Competence": r.Competence, "Name": name,
		"Level": levelName(lang, kit, r.Level), "ItemLevel": assets.Translate(lang, "tool.level."+r.ItemLevel, nil)})
}

// levelName is a DigComp level's name in lang ("Base 2").
func levelName(lang string, kit *assets.Kit, level int) string {
	for _, l := range kit.DigComp.Levels {
		if l.Level == level {
			n, _ := l.Name.In(lang)
			return n
		}
	}
	return fmt.Sprint(level)
}

func runSelfCheckResult(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	lang, err := selfCheckLang(c)
	if err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	kit, err := assets.Toolkit()
	if err != nil {
		return err
	}
	r, err := selfcheck.Current(c, s, kit)
	if err != nil {
		return err
	}
	hist, err := selfcheck.History(c, s)
	if err != nil {
		return err
	}
	out := jsonResult{Complete: r.Complete, Answered: r.Answered, Questions: r.Questions,
		Competences: r.Competences, Areas: r.Areas, Recommended: []jsonRecommendation{}, Uncovered: r.Uncovered, History: []jsonSnapshot{}}
	if !r.Date.IsZero() {
		out.Date = r.Date.Format(time.RFC3339)
	}
	for _, rec := range r.Recommended {
		title, _ := rec.Name.In(lang)
		out.Recommended = append(out.Recommended, jsonRecommendation{ID: rec.ID, Type: rec.Type, Competence: rec.Competence,
			Title: title, Level: rec.ItemLevel, Why: why(lang, kit, rec)})
	}
	for _, h := range hist {
		snap := jsonSnapshot{Date: h.Date.Format(time.RFC3339)}
		for _, comp := range kit.DigComp.Competences {
			if l, ok := h.Levels[comp.Code]; ok {
				snap.Competences = append(snap.Competences, jsonLevel{Code: comp.Code, Level: l, Group: selfcheck.Group(l)})
			}
		}
		out.History = append(out.History, snap)
	}
	if on(c.fs, "json") {
		return c.jsonOut(out)
	}
	if len(r.Competences) == 0 {
		fprintln(c.stdout, c.X("cli.selfcheck.none", "No self-check yet: see 'vademecum-cli selfcheck' for the questions."))
		return nil
	}
	if r.Complete {
		fprintln(c.stdout, c.X("cli.selfcheck.of", "Self-check of {{.Date}}", words.Args{"Date": r.Date.Local().Format("2006-01-02")}))
	} else {
		fprintln(c.stdout, c.N("cli.selfcheck.in_progress", "Self-check in progress: {{.Answered}} of {{.Count}} question answered", "Self-check in progress: {{.Answered}} of {{.Count}} questions answered",
			r.Questions, words.Args{"Answered": r.Answered}))
	}
	fprintln(c.stdout)
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, l := range r.Competences {
		comp, _ := kit.DigComp.Competence(l.Code)
		name, _ := comp.Name.In(lang)
		fprintf(w, "%s\t%s\t%s\n", l.Code, levelName(lang, kit, l.Level), name)
	}
	w.Flush()
	if len(r.Recommended) > 0 {
		fprintln(c.stdout)
		fprintln(c.stdout, c.X("cli.selfcheck.path", "Learning path:"))
		for i, rec := range out.Recommended {
			fprintf(c.stdout, "%2d. %s (%s %s)\n    %s\n", i+1, rec.Title, rec.Type, rec.ID, rec.Why)
		}
	}
	return nil
}

func runSelfCheckDelete(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	if err := s.DeleteSelfCheck(c); err != nil {
		return err
	}
	fprintln(c.stdout, c.X("cli.selfcheck.deleted", "Deleted all self-check answers and results from this computer."))
	return nil
}

func runSelfCheckSummary(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	out := str(c.fs, "out")
	if out == "" {
		return c.usage("cli.selfcheck.out_required", "--out is required: the file to write, or - for standard output")
	}
	kit, err := assets.Toolkit()
	if err != nil {
		return err
	}
	var sum selfcheck.Summary
	if on(c.fs, "mine") {
		s, err := c.open()
		if err != nil {
			return err
		}
		if sum, err = selfcheck.Latest(c, s, kit); err != nil {
			if errors.Is(err, selfcheck.ErrNothingToSummarise) {
				return c.fail("cli.selfcheck.nothing", "no self-check has been finished on this computer yet: finish it first, or pass --mine=false with --add")
			}
			return err
		}
	}
	for _, f := range *c.fs.Lookup("add").Value.(*listFlag) {
		b, err := os.ReadFile(f)
		if err != nil {
			return c.fail("cli.cannot_read", "cannot read {{.File}}: {{.Problem}}", words.Args{"File": f, "Problem": rootErr(err)})
		}
		o, err := selfcheck.ParseSummary(b)
		if err != nil {
			return c.fail("cli.selfcheck.bad_summary", "{{.File}} is not a self-check summary: {{.Problem}}", words.Args{"File": f, "Problem": err})
		}
		if sum.Kind == "" {
			sum = o
		} else {
			sum.Add(o)
		}
	}
	if sum.Kind == "" {
		return c.usage("cli.selfcheck.nothing_added", "nothing to summarise: pass --add FILE with --mine=false")
	}
	if out == "-" {
		_, err = c.stdout.Write(sum.Encode())
		return err
	}
	if err := export.WriteFile(out, "selfcheck-summary.json", sum.Encode()); err != nil {
		return err
	}
	fprintln(c.stdout, c.N("cli.selfcheck.summary_written", "Wrote an anonymous summary of {{.Count}} person to {{.Out}}", "Wrote an anonymous summary of {{.Count}} people to {{.Out}}",
		sum.People, words.Args{"Out": out}))
	return nil
}
