package main

import (
	"errors"
	"flag"
	"strconv"
	"strings"
	"time"

	"vademecum/data"
	"vademecum/internal/words"
	vsync "vademecum/sync"
)

func init() {
	register(&command{name: "practice history", args: "ID [--json]",
		help: text("cli.cmd.practice_history", "the versions of a practice, newest first: who, when, which fields changed"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json.history", `print [{"version","updated","author","org","changed":[fields],"unsent"}]`))
		},
		run: runPracticeHistory})
	register(&command{name: "practice restore", args: "ID --version N",
		help: text("cli.cmd.practice_restore", "make an earlier version of a practice the current one (a new edit, shared at the next sync)"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("version", "", t.U("cli.flag.version", "the version to restore (see 'practice history')"))
		},
		run: runPracticeRestore})
}

// practiceErr words the errors of history and restore for the person typing.
func (c *ctx) practiceErr(id string, err error) error {
	switch {
	case errors.Is(err, data.ErrNotFound):
		return c.fail("cli.no_practice", "no practice has the id {{.ID}} (see 'vademecum-cli practice list')", words.Args{"ID": id})
	case errors.Is(err, data.ErrNotYours):
		return c.fail("cli.practice.not_yours", "practice {{.ID}} belongs to another organisation: only its organisation can restore a version (add a comment instead)", words.Args{"ID": id})
	case errors.Is(err, vsync.ErrNoVersion):
		return c.fail("cli.practice.no_version", "practice {{.ID}} has no such version here (see 'vademecum-cli practice history {{.ID}}')", words.Args{"ID": id})
	}
	return err
}

func runPracticeHistory(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.practice", "a practice id")); err != nil {
		return err
	}
	eng, done, err := c.engine(false)
	if err != nil {
		return err
	}
	defer done()
	if _, err := c.store.GetPractice(c.args[0]); err != nil {
		return c.practiceErr(c.args[0], err)
	}
	vs, err := eng.History(c, c.args[0])
	if err != nil {
		return c.practiceErr(c.args[0], err)
	}
	if on(c.fs, "json") {
		return c.jsonOut(vs)
	}
	for _, v := range vs {
		args := words.Args{"Version": v.Version, "Time": v.Updated.Local().Format(time.DateTime), "Author": v.Author, "Org": v.Org,
			"Changed": strings.Join(v.Changed, ", ")}
		if v.Unsent {
			fprintln(c.stdout, c.X("cli.history.version_unsent", "version {{.Version}} (not sent yet)  {{.Time}}  {{.Author}} ({{.Org}})\n  changed: {{.Changed}}", args))
		} else {
			fprintln(c.stdout, c.X("cli.history.version", "version {{.Version}}  {{.Time}}  {{.Author}} ({{.Org}})\n  changed: {{.Changed}}", args))
		}
	}
	return nil
}

func runPracticeRestore(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.practice", "a practice id")); err != nil {
		return err
	}
	n, err := strconv.ParseInt(str(c.fs, "version"), 10, 64)
	if err != nil || n < 0 {
		return c.usage("cli.restore.version", "--version needs a version number (see 'vademecum-cli practice history ID')")
	}
	eng, done, err := c.engine(false)
	if err != nil {
		return err
	}
	defer done()
	if _, err := eng.Restore(c, c.args[0], n); err != nil {
		return c.practiceErr(c.args[0], err)
	}
	fprintln(c.stdout, c.X("cli.restore.done", "version {{.Version}} of {{.ID}} restored as a new edit (shared at the next sync)", words.Args{"Version": n, "ID": c.args[0]}))
	return nil
}
