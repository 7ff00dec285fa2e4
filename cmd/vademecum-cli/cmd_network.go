package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/internal/words"
)

func init() {
	proposeFlags := func(fs *flag.FlagSet, t tr) {
		fs.String("from-json", "", t.U("cli.flag.from_json.propose", "the entry as a JSON file, or - for standard input"))
	}
	register(&command{name: "tool propose", args: "--from-json FILE|-", help: text("cli.cmd.tool_propose", "propose a new tool, or a change or translation of one, to the network's editors"),
		flags: proposeFlags, run: func(c *ctx) error { return runPropose(c, data.KindTool) }})
	register(&command{name: "guide propose", args: "--from-json FILE|-", help: text("cli.cmd.guide_propose", "propose a new guide, or a change or translation of one, to the network's editors"),
		flags: proposeFlags, run: func(c *ctx) error { return runPropose(c, data.KindGuide) }})
	register(&command{name: "proposals", args: "[--json] [--status open|accepted|rejected]", help: text("cli.cmd.proposals", "list the proposals of the network"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json", "print JSON"))
			fs.String("status", "", t.U("cli.flag.status", "only proposals that are open, accepted or rejected"))
		},
		run: runProposals})
	register(&command{name: "proposal show", args: "ID [--json]", help: text("cli.cmd.proposal_show", "show a proposal: what it changes, and its review"),
		flags: func(fs *flag.FlagSet, t tr) { fs.Bool("json", false, t.U("cli.flag.json", "print JSON")) }, run: runProposalShow})
	register(&command{name: "proposal accept", args: "ID", help: text("cli.cmd.proposal_accept", "accept a proposal into the network's toolkit (editors only)"),
		run: func(c *ctx) error { return runReview(c, true) }})
	register(&command{name: "proposal reject", args: "ID --reason TEXT", help: text("cli.cmd.proposal_reject", "reject a proposal, saying why (editors only)"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("reason", "", t.U("cli.flag.reason", "why, for the organisation that proposed it"))
		},
		run: func(c *ctx) error { return runReview(c, false) }})
	register(&command{name: "editors", args: "[--json]", help: text("cli.cmd.editors", "list the organisations that review proposals"),
		flags: func(fs *flag.FlagSet, t tr) { fs.Bool("json", false, t.U("cli.flag.json", "print JSON")) }, run: runEditors})
	register(&command{name: "editors add", args: "ORG_ID", help: text("cli.cmd.editors_add", "make an organisation an editor (editors only)"),
		run: func(c *ctx) error { return runEditorsChange(c, true) }})
	register(&command{name: "editors remove", args: "ORG_ID", help: text("cli.cmd.editors_remove", "remove an editor (editors only)"),
		run: func(c *ctx) error { return runEditorsChange(c, false) }})
}

func runPropose(c *ctx, kind string) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	from := str(c.fs, "from-json")
	if from == "" {
		return c.usage("cli.propose.from_json", "--from-json is required: a JSON file with the entry, or - for standard input")
	}
	var raw []byte
	var err error
	if from == "-" {
		raw, err = io.ReadAll(io.LimitReader(c.stdin, 1<<20))
	} else {
		raw, err = os.ReadFile(from)
	}
	if err != nil {
		return c.fail("cli.propose.cannot_read", "cannot read {{.File}}: {{.Error}}", words.Args{"File": from, "Error": rootErr(err)})
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	kit, err := assets.Toolkit()
	if err != nil {
		return err
	}
	lang, _ := s.Setting(data.SettingUILang)
	if lang == "" {
		lang = "en"
	}
	p, err := s.Propose(c, kind, raw, lang, func(id string) bool { _, ok := kit.Category(id); return ok })
	if err != nil {
		return c.proposalProblem(err, lang)
	}
	fprintln(c.stdout, p.ID)
	return nil
}

// proposalProblem words what is wrong with a proposal or a review.
func (c *ctx) proposalProblem(err error, lang string) error {
	var mt *data.MissingTextError
	var taken *data.IDTakenError
	var pd *data.PersonalDataError
	var bad *data.InvalidEntryError
	switch {
	case errors.As(err, &mt):
		return c.fail("cli.propose.missing_text", "The entry needs its {{.Field}} in {{.Lang}}: every entry has English, and proposals carry the proposer's language too.",
			words.Args{"Field": mt.Field, "Lang": mt.Lang})
	case errors.As(err, &taken):
		return c.fail("cli.propose.id_taken", "The id \"{{.ID}}\" is already proposed by {{.Org}}: choose another id, or propose a change once theirs is accepted.",
			words.Args{"ID": taken.ID, "Org": taken.Org})
	case errors.As(err, &pd):
		return c.fail("cli.propose.personal", "{{.Field}} may contain personal data ({{.Kind}} \"{{.Text}}\"): proposals go to every partner, so remove it.",
			words.Args{"Field": pd.Field, "Kind": pd.Kind, "Text": pd.Text})
	case errors.Is(err, data.ErrUnknownCategory):
		return c.fail("cli.propose.category", "{{.Detail}} is not a category of the toolkit (see the categories in 'vademecum-cli tools').",
			words.Args{"Detail": strings.TrimPrefix(err.Error(), data.ErrUnknownCategory.Error()+" ")})
	case errors.Is(err, data.ErrUnknownCompetence):
		return c.fail("cli.propose.competence", "{{.Detail}} is not a DigComp competence code (1.1 to 5.4).",
			words.Args{"Detail": strings.TrimPrefix(err.Error(), data.ErrUnknownCompetence.Error()+" ")})
	case errors.As(err, &bad):
		return c.fail("cli.propose.invalid", "The entry is not valid JSON of a tool or guide: {{.Detail}}", words.Args{"Detail": oneLine(bad.Err)})
	case errors.Is(err, data.ErrBadEntryID):
		return c.fail("cli.propose.bad_id", "A new entry's id is written in lower-case letters, digits and dashes, e.g. mapy-com.")
	case errors.Is(err, data.ErrNoTarget):
		return c.fail("cli.propose.no_id", "The entry needs an \"id\": an existing one to change or translate it, a new one for a new entry.")
	case errors.Is(err, data.ErrNoChange):
		return c.fail("cli.propose.no_change", "The entry is the same as the toolkit's: there is nothing to propose.")
	case errors.Is(err, data.ErrNotEditor):
		return c.fail("cli.review.not_editor", "Only an editor of the network can do this: ask one of them (see 'vademecum-cli editors').")
	case errors.Is(err, data.ErrNoProposal):
		return c.fail("cli.review.no_proposal", "No proposal has this id (see 'vademecum-cli proposals').")
	case errors.Is(err, data.ErrAlreadyReviewed):
		return c.fail("cli.review.already", "This proposal was reviewed already.")
	case errors.Is(err, data.ErrReasonRequired):
		return c.usage("cli.review.reason", "--reason is required: say why, for the organisation that proposed it")
	}
	return err
}

// proposalRow is a proposal as the --json listings print it.
func proposalRow(v data.ProposalView, lang string) map[string]any {
	title := ""
	switch {
	case v.Tool != nil:
		title, _ = v.Tool.Name.In(lang)
	case v.Guide != nil:
		title, _ = v.Guide.Title.In(lang)
	}
	row := map[string]any{"id": v.ID, "type": v.Type, "org": v.Org, "lang": v.Lang, "updated": v.Updated, "created": v.Created,
		"author": v.Author, "title": title, "kind": v.Kind, "target": v.Target, "new": v.New, "status": v.Status}
	if v.Review != nil {
		row["reviewed_by"], row["reviewed"] = v.Review.Org, v.Review.Updated
		if v.Review.Reason != "" {
			row["reason"] = v.Review.Reason
		}
	}
	return row
}

func runProposals(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	status := str(c.fs, "status")
	switch status {
	case "", data.StatusOpen, data.Accepted, data.Rejected:
	default:
		return c.usage("cli.proposals.status", "--status must be open, accepted or rejected")
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	views, err := s.Proposals(c, status)
	if err != nil {
		return err
	}
	lang := c.uiLang(s)
	if on(c.fs, "json") {
		out := make([]map[string]any, 0, len(views))
		for _, v := range views {
			out = append(out, proposalRow(v, lang))
		}
		return c.jsonOut(out)
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fprintln(w, c.X("cli.proposals.header", "ID\tSTATUS\tBY\tENTRY\tTITLE"))
	for _, v := range views {
		row := proposalRow(v, lang)
		fprintf(w, "%s\t%s\t%s\t%s\t%s\n", v.ID, c.statusWord(v.Status), v.Org, string(c.kindWord(v.Kind))+" "+v.Target, clip(row["title"].(string), 50))
	}
	return w.Flush()
}

// kindWord is what a proposal is about, a tool or a guide, in the
// installation's language.
func (t tr) kindWord(kind string) said {
	if kind == data.TypeGuide {
		return t.X("cli.kind.guide", "guide")
	}
	return t.X("cli.kind.tool", "tool")
}

// statusWord is a proposal's status in the installation's language.
func (t tr) statusWord(st string) said {
	switch st {
	case data.Accepted:
		return t.X("proposal.status.accepted", "accepted")
	case data.Rejected:
		return t.X("proposal.status.rejected", "rejected")
	}
	return t.X("proposal.status.open", "open")
}

func runProposalShow(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.proposal", "a proposal id (see 'vademecum-cli proposals')")); err != nil {
		return err
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	v, err := s.GetProposal(c, c.args[0])
	if err != nil {
		return c.proposalProblem(err, "")
	}
	lang := c.uiLang(s)
	var entry data.Record = v.Tool
	if v.Guide != nil {
		entry = v.Guide
	}
	var cur data.Record
	if !v.New {
		if r, err := s.Get(v.Target); err == nil {
			cur = r
		}
	}
	changes := data.EntryChanges(cur, entry)
	if on(c.fs, "json") {
		row := proposalRow(v, lang)
		row["entry"] = entry
		row["changes"] = changes
		return c.jsonOut(row)
	}
	row := proposalRow(v, lang)
	fprintln(c.stdout, c.X("cli.proposal.head", "Proposal {{.ID}} by {{.Org}}: {{.Kind}} {{.Target}} ({{.Status}})",
		words.Args{"ID": v.ID, "Org": v.Org, "Kind": c.kindWord(v.Kind), "Target": v.Target, "Status": c.statusWord(v.Status)}))
	fprintln(c.stdout, said(data.Printable(row["title"].(string))))
	if v.New {
		fprintln(c.stdout, c.X("cli.proposal.new", "A new entry."))
	}
	for _, ch := range changes {
		fprintf(c.stdout, "\n%s\n", c.X("cli.proposal.change", "{{.Field}}:", words.Args{"Field": ch.Field}))
		if ch.Old != "" {
			fprintf(c.stdout, "- %s\n", paragraph(ch.Old))
		}
		fprintf(c.stdout, "+ %s\n", paragraph(ch.New))
	}
	if v.Review != nil {
		fprintln(c.stdout)
		if v.Review.Verdict == data.Accepted {
			fprintln(c.stdout, c.X("cli.proposal.accepted_by", "Accepted by {{.Org}} on {{.Date}}.", words.Args{"Org": v.Review.Org, "Date": v.Review.Updated.Format("2006-01-02")}))
		} else {
			fprintln(c.stdout, c.X("cli.proposal.rejected_by", "Rejected by {{.Org}} on {{.Date}}: {{.Reason}}",
				words.Args{"Org": v.Review.Org, "Date": v.Review.Updated.Format("2006-01-02"), "Reason": v.Review.Reason}))
		}
	}
	return nil
}

func runReview(c *ctx, accept bool) error {
	if err := c.wantArgs(1, c.X("cli.want.proposal", "a proposal id (see 'vademecum-cli proposals')")); err != nil {
		return err
	}
	if !accept && strings.TrimSpace(str(c.fs, "reason")) == "" {
		return c.usage("cli.review.reason", "--reason is required: say why, for the organisation that proposed it")
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	reason := ""
	if !accept {
		reason = str(c.fs, "reason")
	}
	rv, err := s.ReviewProposal(c, c.args[0], accept, reason)
	if err != nil {
		return c.proposalProblem(err, "")
	}
	if accept {
		fprintln(c.stdout, c.X("cli.review.accepted", "Accepted: {{.Kind}} {{.Target}} joins the toolkit of every installation at its next sync.",
			words.Args{"Kind": rv.Kind, "Target": rv.Target}))
	} else {
		fprintln(c.stdout, c.X("cli.review.rejected", "Rejected: {{.Org}} sees your reason at its next sync.", words.Args{"Org": rv.Proposer}))
	}
	return nil
}

func runEditors(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	eds, err := s.Editors(c)
	if err != nil {
		return err
	}
	sort.SliceStable(eds, func(i, j int) bool { return eds[i].Since.Before(eds[j].Since) })
	if on(c.fs, "json") {
		out := make([]map[string]any, 0, len(eds))
		for _, e := range eds {
			out = append(out, map[string]any{"org": e.Org, "since": e.Since, "added_by": e.AddedBy})
		}
		return c.jsonOut(out)
	}
	if len(eds) == 0 {
		fprintln(c.stdout, c.X("cli.editors.none", "No editor yet: the organisation that sets up the hub becomes its first editor at its first sync."))
		return nil
	}
	for _, e := range eds {
		fprintln(c.stdout, c.X("cli.editors.line", "{{.Org}}  since {{.Date}}  (added by {{.By}})",
			words.Args{"Org": e.Org, "Date": e.Since.Format("2006-01-02"), "By": e.AddedBy}))
	}
	return nil
}

func runEditorsChange(c *ctx, add bool) error {
	if err := c.wantArgs(1, c.X("cli.want.org", "the organisation id (see 'vademecum-cli keys')")); err != nil {
		return err
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	org := c.args[0]
	err = s.ChangeEditors(c, org, add)
	switch {
	case errors.Is(err, data.ErrNotEditor):
		return c.fail("cli.review.not_editor", "Only an editor of the network can do this: ask one of them (see 'vademecum-cli editors').")
	case errors.Is(err, data.ErrNoEditors):
		return c.fail("cli.editors.no_list", "This installation has no editor list yet: sync with the hub first.")
	case errors.Is(err, data.ErrAlreadyEditor):
		return c.fail("cli.editors.already", "{{.Org}} is an editor already.", words.Args{"Org": org})
	case errors.Is(err, data.ErrNotAnEditor):
		return c.fail("cli.editors.not_one", "{{.Org}} is not an editor.", words.Args{"Org": org})
	case errors.Is(err, data.ErrLastEditor):
		return c.fail("cli.editors.last", "{{.Org}} is the last editor: add another one first.", words.Args{"Org": org})
	case errors.Is(err, data.ErrNotOrg):
		return c.fail("cli.editors.no_org", "No organisation \"{{.Org}}\" is known here: sync first, or check the id (see 'vademecum-cli keys').", words.Args{"Org": org})
	case err != nil:
		return err
	}
	if add {
		fprintln(c.stdout, c.X("cli.editors.added", "{{.Org}} is now an editor; partners learn it at their next sync.", words.Args{"Org": org}))
	} else {
		fprintln(c.stdout, c.X("cli.editors.removed", "{{.Org}} is no longer an editor; partners learn it at their next sync.", words.Args{"Org": org}))
	}
	return nil
}

// printProvenance says, under an entry the network added or changed, who
// proposed it and who accepted it when.
func (c *ctx) printProvenance(p *data.Provenance) {
	if p == nil {
		return
	}
	fprintf(c.stdout, "\n%s\n", c.X("cli.tool.network", "Added or changed by the network: proposed by {{.By}}, accepted by {{.Editor}} on {{.Date}}.",
		words.Args{"By": p.ProposedBy, "Editor": p.AcceptedBy, "Date": p.Accepted.Format("2006-01-02")}))
}
