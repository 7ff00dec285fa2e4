package main

import (
	"errors"
	"flag"
	"text/tabwriter"

	"vademecum/data"
	"vademecum/internal/words"
)

func init() {
	register(&command{name: "tool use", args: "ID --verdict recommended|reservations|stopped [--since YYYY-MM] [--note TEXT]",
		help: text("cli.cmd.tool_use", "mark a tool your organisation uses, with its verdict"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("verdict", "", t.U("cli.flag.verdict", "recommended, reservations or stopped"))
			fs.String("since", "", t.U("cli.flag.since", "in use since this month, YYYY-MM"))
			fs.String("note", "", t.U("cli.flag.note", "what for, and why this verdict (one line)"))
		},
		run: runToolUse})
	register(&command{name: "usage", args: "[--json]", help: text("cli.cmd.usage", "list which partner organisations use which tools"),
		flags: func(fs *flag.FlagSet, t tr) { fs.Bool("json", false, t.U("cli.flag.json", "print JSON")) },
		run:   runUsage})
}

func runToolUse(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.tool", "a tool id (see 'vademecum-cli tools')")); err != nil {
		return err
	}
	if str(c.fs, "verdict") == "" {
		return c.usage("cli.usage.verdict_required", "--verdict is required: recommended, reservations or stopped")
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	u, err := s.MarkUsage(c, c.args[0], str(c.fs, "verdict"), str(c.fs, "since"), str(c.fs, "note"))
	if err != nil {
		return c.usageProblem(err, c.args[0])
	}
	fprintln(c.stdout, c.X("cli.usage.marked", "Marked: {{.Org}} uses {{.Tool}} ({{.Verdict}}).",
		words.Args{"Org": u.Org, "Tool": u.Tool, "Verdict": c.verdictWord(u.Verdict)}))
	return nil
}

// usageProblem words what is wrong with a usage mark.
func (c *ctx) usageProblem(err error, tool string) error {
	switch {
	case errors.Is(err, data.ErrBadVerdict):
		return c.usage("cli.usage.bad_verdict", "--verdict must be recommended, reservations or stopped")
	case errors.Is(err, data.ErrBadSince):
		return c.usage("cli.usage.bad_since", "--since must be a month written YYYY-MM, e.g. 2024-03")
	case errors.Is(err, data.ErrNoteLong):
		return c.fail("cli.usage.note_long", "The note is too long: one line (at most 500 characters) is enough.")
	case errors.Is(err, data.ErrNoSuchTool):
		return c.fail("cli.no_tool", "no tool has the id \"{{.ID}}\" (see 'vademecum-cli tools')", words.Args{"ID": tool})
	}
	var ve data.ValidationError
	if errors.As(err, &ve) && len(ve) > 0 {
		return c.fail("cli.usage.personal", "The note may contain personal data: write it without names, phone numbers or e-mail addresses.")
	}
	return err
}

// verdictWord is a verdict in the installation's language.
func (t tr) verdictWord(v string) said {
	switch v {
	case data.VerdictRecommended:
		return t.X("usage.verdict.recommended", "recommended")
	case data.VerdictReservations:
		return t.X("usage.verdict.reservations", "with reservations")
	case data.VerdictStopped:
		return t.X("usage.verdict.stopped", "stopped")
	}
	return said(data.Printable(v))
}

// usageRow is one mark as `usage --json` prints it (the CLI contract).
type usageRow struct {
	Tool    string `json:"tool"`
	Org     string `json:"org"`
	Verdict string `json:"verdict"`
	Since   string `json:"since"`
	Note    string `json:"note"`
}

func runUsage(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	marks, err := s.ListUsage(c, "")
	if err != nil {
		return err
	}
	if on(c.fs, "json") {
		out := make([]usageRow, 0, len(marks))
		for _, u := range marks {
			out = append(out, usageRow{u.Tool, u.Org, u.Verdict, u.Since, u.Note})
		}
		return c.jsonOut(out)
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fprintln(w, c.X("cli.usage.header", "TOOL\tORGANISATION\tVERDICT\tSINCE\tNOTE"))
	for _, u := range marks {
		fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Tool, u.Org, c.verdictWord(u.Verdict), u.Since, clip(u.Note, 60))
	}
	return w.Flush()
}

// printUsers lists, under a tool, the partners that use it.
func (c *ctx) printUsers(s *data.Store, tool string) error {
	marks, err := s.ListUsage(c, tool)
	if err != nil || len(marks) == 0 {
		return err
	}
	fprintf(c.stdout, "\n%s\n", c.X("cli.tool.used_by", "Used by"))
	for _, u := range marks {
		line := c.X("cli.tool.used_by_line", "{{.Org}}: {{.Verdict}}", words.Args{"Org": u.Org, "Verdict": c.verdictWord(u.Verdict)})
		if u.Since != "" {
			line += " " + c.X("cli.tool.used_since", "(since {{.Since}})", words.Args{"Since": u.Since})
		}
		if u.Note != "" {
			line += " — " + said(data.Printable(u.Note))
		}
		fprintf(c.stdout, "  %s\n", line)
	}
	return nil
}
