package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"vademecum/data"
	vsync "vademecum/sync"
)

func init() {
	register(&command{name: "doctor", args: "[--json]",
		help:  "check the database, the local repository and the keys, and say what to do about anything wrong",
		flags: func(fs *flag.FlagSet) { fs.Bool("json", false, "print the findings as JSON") },
		run:   runDoctor})
	register(&command{name: "rebuild", args: "[--force] [--json]",
		help: "recreate a damaged database from the local repository and the local copy (the old file is kept aside)",
		flags: func(fs *flag.FlagSet) {
			fs.Bool("force", false, "rebuild even though the database looks healthy")
			fs.Bool("json", false, "print what was done as JSON")
		},
		run: runRebuild})
}

// errUnhealthy makes doctor exit 1 after printing its findings.
var errUnhealthy = errors.New("something needs your attention (see above)")

func runDoctor(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	d := vsync.Diagnose(c, c.dataDir)
	if on(c.fs, "json") {
		if err := c.jsonOut(d); err != nil {
			return err
		}
	} else {
		for _, f := range d.Findings {
			label := "ok"
			switch {
			case f.Problem:
				label = "PROBLEM"
			case f.Warning:
				label = "note"
			}
			fprintf(c.stdout, "%-8s %s: %s\n", label, f.Check, f.What)
			if f.Fix != "" {
				fprintf(c.stdout, "%-8s what to do: %s\n", "", f.Fix)
			}
		}
	}
	if !d.Healthy() {
		return errUnhealthy
	}
	return nil
}

func runRebuild(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	if err := vsync.VerifyDatabase(c, c.dataDir); err == nil && !on(c.fs, "force") {
		return fmt.Errorf("the database in %s looks healthy ('vademecum-cli doctor' says more): rebuild it anyway with --force", c.dataDir)
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
		fprintf(c.stdout, "the old database was kept as %s\n", rep.MovedTo)
	}
	fprintf(c.stdout, "rebuilt %s: %d records from the local repository, %d from the local copy (%s)",
		data.DBFile, rep.FromRepo, rep.FromLocalCopy, data.LocalCopyFile)
	if rep.Quarantined > 0 {
		fprintf(c.stdout, ", %d files held in quarantine", rep.Quarantined)
	}
	fprintln(c.stdout)
	if len(rep.Salvaged) > 0 {
		fprintf(c.stdout, "read back from the old database: %s\n", strings.Join(rep.Salvaged, ", "))
	}
	fprintln(c.stdout, "run 'vademecum-cli sync' to send what was not sent yet")
	return nil
}
