package main

import (
	"flag"
	"strings"

	"vademecum/data"
	"vademecum/internal/words"
	vsync "vademecum/sync"
)

func init() {
	register(&command{name: "doctor", args: "[--json]",
		help: text("cli.cmd.doctor", "check the database, the local repository and the keys, and say what to do about anything wrong"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json.doctor", "print the findings as JSON"))
		},
		run: runDoctor})
	register(&command{name: "rebuild", args: "[--force] [--json]",
		help: text("cli.cmd.rebuild", "recreate a damaged database from the local repository and the local copy (the old file is kept aside)"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("force", false, t.U("cli.flag.force", "rebuild even though the database looks healthy"))
			fs.Bool("json", false, t.U("cli.flag.json.rebuild", "print what was done as JSON"))
		},
		run: runRebuild})
}

func runDoctor(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	d := vsync.Diagnose(c, c.dataDir)
	if on(c.fs, "json") {
		if err := c.jsonOut(tr{words.In("en")}.diagnosisJSON(d)); err != nil {
			return err
		}
	} else {
		for _, f := range d.Findings {
			label := c.X("cli.doctor.ok", "ok")
			switch {
			case f.Problem:
				label = c.X("cli.doctor.problem", "PROBLEM")
			case f.Warning:
				label = c.X("cli.doctor.note", "note")
			}
			what, fix := c.finding(f)
			fprintf(c.stdout, "%-8s %s: %s\n", label, c.doctorCheck(f.Check), what)
			if fix != "" {
				fprintf(c.stdout, "%-8s %s\n", "", c.X("cli.doctor.fix", "what to do: {{.Fix}}", words.Args{"Fix": fix}))
			}
		}
	}
	if !d.Healthy() {
		return c.fail("cli.doctor.unhealthy", "something needs your attention (see above)")
	}
	return nil
}

func runRebuild(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	if err := vsync.VerifyDatabase(c, c.dataDir); err == nil && !on(c.fs, "force") {
		return c.fail("cli.rebuild.healthy", "the database in {{.Dir}} looks healthy ('vademecum-cli doctor' says more): rebuild it anyway with --force", words.Args{"Dir": c.dataDir})
	}
	rep, err := vsync.Rebuild(c.dataDir, nil)
	if err != nil {
		return err
	}
	// The toolkit shipped with the app comes back as on a first start.
	if _, err := c.open(); err != nil {
		return err
	}
	if on(c.fs, "json") {
		return c.jsonOut(rep)
	}
	if rep.MovedTo != "" {
		fprintln(c.stdout, c.X("cli.rebuild.moved", "the old database was kept as {{.File}}", words.Args{"File": rep.MovedTo}))
	}
	args := words.Args{"File": data.DBFile, "FromRepo": rep.FromRepo, "FromCopy": rep.FromLocalCopy, "Copy": data.LocalCopyFile}
	if rep.Quarantined > 0 {
		fprintln(c.stdout, c.N("cli.rebuild.done_quarantine", "rebuilt {{.File}}: {{.FromRepo}} records from the local repository, {{.FromCopy}} from the local copy ({{.Copy}}), {{.Count}} file held in quarantine",
			"rebuilt {{.File}}: {{.FromRepo}} records from the local repository, {{.FromCopy}} from the local copy ({{.Copy}}), {{.Count}} files held in quarantine", rep.Quarantined, args))
	} else {
		fprintln(c.stdout, c.X("cli.rebuild.done", "rebuilt {{.File}}: {{.FromRepo}} records from the local repository, {{.FromCopy}} from the local copy ({{.Copy}})", args))
	}
	if len(rep.Salvaged) > 0 {
		fprintln(c.stdout, c.X("cli.rebuild.salvaged", "read back from the old database: {{.What}}", words.Args{"What": strings.Join(rep.Salvaged, ", ")}))
	}
	fprintln(c.stdout, c.X("cli.rebuild.sync", "run 'vademecum-cli sync' to send what was not sent yet"))
	return nil
}
