package main

import (
	"errors"
	"flag"
	"time"

	"vademecum/data"
	"vademecum/internal/words"
	vsync "vademecum/sync"
)

func init() {
	register(&command{name: "practice erase", args: "ID --reason TEXT",
		help: text("cli.cmd.practice_erase", "erase a shared practice everywhere (right to erasure): its owner, or an editor for any practice"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("reason", "", t.U("cli.flag.erase_reason", "why it is erased (shown on every installation; no personal data)"))
		},
		run: runPracticeErase})
	register(&command{name: "erasures", args: "[--json]",
		help: text("cli.cmd.erasures", "the erasures this installation carried out: which record, by whom, when, why"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json.erasures", `print [{"id","by","org","when","reason"}]`))
		},
		run: runErasures})
}

func runPracticeErase(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.practice", "a practice id")); err != nil {
		return err
	}
	id := c.args[0]
	st, err := c.openInit()
	if err != nil {
		return err
	}
	_, err = st.Erase(c, id, str(c.fs, "reason"), vsync.HubPath)
	switch {
	case errors.Is(err, data.ErrEraseReason):
		return c.usage("cli.erase.reason", "--reason is required: say why the practice is erased (every installation shows it)")
	case errors.Is(err, data.ErrNotEraser):
		return c.fail("cli.erase.not_yours", "practice {{.ID}} belongs to another organisation: only its organisation or an editor of the network can erase it", words.Args{"ID": id})
	case errors.Is(err, data.ErrErased):
		return c.fail("cli.erase.already", "practice {{.ID}} was erased already (see 'vademecum-cli erasures')", words.Args{"ID": id})
	case errors.Is(err, data.ErrNothingToErase):
		return c.fail("cli.no_practice", "no practice has the id {{.ID}} (see 'vademecum-cli practice list')", words.Args{"ID": id})
	case err != nil:
		return err
	}
	fprintln(c.stdout, c.X("cli.erase.done", "practice {{.ID}} erased here; every installation erases it at its next sync", words.Args{"ID": id}))
	return nil
}

func runErasures(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	st, err := c.openInit()
	if err != nil {
		return err
	}
	es, err := st.Erasures(c)
	if err != nil {
		return err
	}
	if on(c.fs, "json") {
		return c.jsonOut(es)
	}
	if len(es) == 0 {
		fprintln(c.stdout, c.X("cli.erasures.none", "no erasures"))
		return nil
	}
	for _, e := range es {
		fprintln(c.stdout, c.X("cli.erasures.row", "{{.ID}}  erased {{.Time}} by {{.By}} ({{.Org}}): {{.Reason}}",
			words.Args{"ID": e.ID, "Time": e.When.Local().Format(time.DateTime), "By": e.By, "Org": e.Org, "Reason": e.Reason}))
	}
	fprintln(c.stdout, c.X("cli.erasures.limit", "Practices shared before hub format 4 were in the clear: their text stays in the hub's history until the hub is recreated."))
	return nil
}
