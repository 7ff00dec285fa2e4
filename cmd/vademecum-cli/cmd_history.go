package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"vademecum/data"
	vsync "vademecum/sync"
)

func init() {
	register(&command{name: "practice history", args: "ID [--json]",
		help: "the versions of a practice, newest first: who, when, which fields changed",
		flags: func(fs *flag.FlagSet) {
			fs.Bool("json", false, `print [{"version","updated","author","org","changed":[fields],"unsent"}]`)
		},
		run: runPracticeHistory})
	register(&command{name: "practice restore", args: "ID --version N",
		help:  "make an earlier version of a practice the current one (a new edit, shared at the next sync)",
		flags: func(fs *flag.FlagSet) { fs.String("version", "", "the version to restore (see 'practice history')") },
		run:   runPracticeRestore})
}

// practiceErr words the errors of history and restore for the person typing.
func practiceErr(id string, err error) error {
	switch {
	case errors.Is(err, data.ErrNotFound):
		return fmt.Errorf("no practice has the id %s (see 'vademecum-cli practice list')", id)
	case errors.Is(err, data.ErrNotYours):
		return fmt.Errorf("practice %s belongs to another organisation: only its organisation can restore a version (add a comment instead)", id)
	case errors.Is(err, vsync.ErrNoVersion):
		return fmt.Errorf("practice %s has no such version here (see 'vademecum-cli practice history %s')", id, id)
	}
	return err
}

func runPracticeHistory(c *ctx) error {
	if err := c.wantArgs(1, "a practice id"); err != nil {
		return err
	}
	eng, done, err := c.engine(false)
	if err != nil {
		return err
	}
	defer done()
	if _, err := c.store.GetPractice(c.args[0]); err != nil {
		return practiceErr(c.args[0], err)
	}
	vs, err := eng.History(c, c.args[0])
	if err != nil {
		return practiceErr(c.args[0], err)
	}
	if on(c.fs, "json") {
		return c.jsonOut(vs)
	}
	for _, v := range vs {
		state := ""
		if v.Unsent {
			state = " (not sent yet)"
		}
		fprintf(c.stdout, "version %d%s  %s  %s (%s)\n  changed: %s\n", v.Version, state,
			v.Updated.Local().Format(time.DateTime), v.Author, v.Org, strings.Join(v.Changed, ", "))
	}
	return nil
}

func runPracticeRestore(c *ctx) error {
	if err := c.wantArgs(1, "a practice id"); err != nil {
		return err
	}
	n, err := strconv.ParseInt(str(c.fs, "version"), 10, 64)
	if err != nil || n < 0 {
		return usagef("--version needs a version number (see 'vademecum-cli practice history ID')")
	}
	eng, done, err := c.engine(false)
	if err != nil {
		return err
	}
	defer done()
	if _, err := eng.Restore(c, c.args[0], n); err != nil {
		return practiceErr(c.args[0], err)
	}
	fprintf(c.stdout, "version %d of %s restored as a new edit (shared at the next sync)\n", n, c.args[0])
	return nil
}
