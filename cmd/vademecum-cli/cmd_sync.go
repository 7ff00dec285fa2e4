package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"vademecum/data"
	vsync "vademecum/sync"
)

func init() {
	register(&command{name: "remote add", args: "NAME URL [--token-env VAR] [--ssh-key FILE]",
		help: "add a hub: https://host/path (token), user@host:path (SSH) or a folder (USB stick)",
		flags: func(fs *flag.FlagSet) {
			fs.String("token-env", "", "read the hub token from this environment variable now (kept in the keyring); at sync it overrides the kept token when set")
			fs.String("ssh-key", "", "SSH private key file (default: the SSH agent)")
		},
		run: runRemoteAdd})
	register(&command{name: "remote list", args: "[--json]", help: "the hubs this installation syncs with",
		flags: func(fs *flag.FlagSet) { fs.Bool("json", false, "print JSON") },
		run:   runRemoteList})
	register(&command{name: "sync", args: "[--remote NAME] [--allow-deletions] [--json]",
		help: "exchange shared records with the hubs: prints received, sent, conflicts, quarantined, and what is held back for personal data",
		flags: func(fs *flag.FlagSet) {
			fs.String("remote", "", "sync with this hub only (default: every hub)")
			fs.Bool("allow-deletions", false, "go ahead when a hub deletes more than half of the shared records (the sync stops and asks otherwise)")
			fs.Bool("json", false, `print {"received", "sent", "conflicts", "quarantined", "hub_head", "refused": [{"path", "reason"}], "unlisted", "held_back"}`)
		},
		run: runSync})
	register(&command{name: "conflicts", args: "[--json]", help: "fields edited in two places, with the value kept and the other one",
		flags: func(fs *flag.FlagSet) { fs.Bool("json", false, "print JSON") },
		run:   runConflicts})
	register(&command{name: "conflicts resolve", args: "ID --keep mine|theirs",
		help:  "settle a conflict: keep your value or the other one (shared at the next sync)",
		flags: func(fs *flag.FlagSet) { fs.String("keep", "", "mine or theirs") },
		run:   runConflictsResolve})
}

// engine opens the sync engine of the data directory. With trusted, records are
// signed on the way out and checked on the way in, and personal data is held back.
func (c *ctx) engine(trusted bool) (*vsync.Engine, func(), error) {
	s, err := c.openInit()
	if err != nil {
		return nil, nil, err
	}
	if !trusted {
		eng, err := vsync.Open(s, vsync.Options{})
		if err != nil {
			return nil, nil, err
		}
		return eng, func() { eng.Close() }, nil
	}
	var logf func(string, ...any)
	if os.Getenv("VADEMECUM_DEBUG") != "" {
		logf = func(format string, args ...any) { fprintf(c.stderr, format+"\n", args...) }
	}
	return vsync.OpenTrusted(s, logf)
}

func runRemoteAdd(c *ctx) error {
	if err := c.wantArgs(2, "a NAME and a URL"); err != nil {
		return err
	}
	env := str(c.fs, "token-env")
	if env != "" && os.Getenv(env) == "" {
		return fmt.Errorf("the environment variable %s is empty: set it to the hub token first", env)
	}
	eng, done, err := c.engine(false)
	if err != nil {
		return err
	}
	defer done()
	if err := eng.AddRemote(c.args[0], c.args[1], vsync.Auth{TokenEnv: env, SSHKey: str(c.fs, "ssh-key")}); err != nil {
		return err
	}
	if _, tok := vsync.SplitURLToken(c.args[1], env != ""); tok != "" {
		fprintln(c.stdout, "the token in the address was moved to the credential store (the OS keyring, or a file only you can read): it is not kept in the address, the database or the local repository")
	}
	fprintf(c.stdout, "hub %s added: run 'vademecum-cli sync' to exchange records\n", c.args[0])
	return nil
}

func runRemoteList(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	eng, done, err := c.engine(false)
	if err != nil {
		return err
	}
	defer done()
	rms, err := eng.Remotes()
	if err != nil {
		return err
	}
	if on(c.fs, "json") {
		return c.jsonOut(rms)
	}
	if len(rms) == 0 {
		fprintln(c.stdout, "no hub yet: add one with 'vademecum-cli remote add NAME URL'")
	}
	for _, rm := range rms {
		last := "never synced"
		if !rm.LastSync.IsZero() {
			last = "last sync " + rm.LastSync.Local().Format("2006-01-02 15:04")
		}
		fprintf(c.stdout, "%s\t%s\t%s\n", rm.Name, rm.URL, last)
		if rm.LastError != "" {
			fprintf(c.stdout, "\tlast error: %s\n", rm.LastError)
		}
	}
	return nil
}

func runSync(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	eng, done, err := c.engine(true)
	if err != nil {
		return err
	}
	defer done()
	if on(c.fs, "allow-deletions") {
		eng.AllowMassDeletion()
	}
	var progress func(vsync.Progress)
	if os.Getenv("VADEMECUM_DEBUG") != "" {
		// Each stage as it starts, for tests that kill a sync at a known moment.
		last := ""
		progress = func(p vsync.Progress) {
			if p.Stage != last {
				last = p.Stage
				fprintf(c.stderr, "stage %s\n", p.Stage)
			}
		}
	}
	before := c.orgsKnown()
	res, err := eng.Sync(c, str(c.fs, "remote"), progress)
	if err != nil {
		// Several hubs may each have failed: one line per hub would break scripts.
		return errors.New(strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	held, err := c.store.HeldBack(c)
	if err != nil {
		return err
	}
	if on(c.fs, "json") {
		return c.jsonOut(struct {
			vsync.Result
			HeldBack []data.Held `json:"held_back"`
		}{res, held})
	}
	c.printSyncResult(eng, res, held, before)
	return nil
}

// printSyncResult prints what a sync did: the counts, what was held back or
// set aside, and the partners it trusted on first sight (before: the
// organisations held before the sync).
func (c *ctx) printSyncResult(eng *vsync.Engine, res vsync.Result, held []data.Held, before map[string]bool) {
	fprintf(c.stdout, "received %d, sent %d, conflicts %d, quarantined %d\n", res.Received, res.Sent, res.Conflicts, res.Quarantined)
	if res.HubRepaired {
		fprintln(c.stdout, "the hub folder was damaged (a USB stick pulled out during a sync?) and has been repaired: what it lost was sent again from this computer or will be from the others")
	}
	printHeldBack(c, held)
	if res.Conflicts > 0 {
		fprintln(c.stdout, "see 'vademecum-cli conflicts' for the values that were not kept")
	}
	// What this sync refused, each reported once (all that is held: 'doctor').
	for _, r := range res.Refused {
		fprintf(c.stdout, "refused %s: %s\n", r.Path, r.Reason)
	}
	if res.Unlisted {
		fprintln(c.stdout, "this laptop is not listed in its organisation's file on the hub yet: nothing of it was sent. On a listed laptop run 'vademecum-cli keys add' with this laptop's key ('vademecum-cli keys show'), sync there, then here 'vademecum-cli keys approve ORG' after comparing the fingerprint by phone")
	}
	c.firstSight(before)
}

// printHeldBack says which shared records are not sent because they still hold
// personal data, and what to do: never held back silently.
func printHeldBack(c *ctx, held []data.Held) {
	if len(held) == 0 {
		return
	}
	fprintf(c.stdout, "held back %d shared records: they still contain personal data (replace each finding or mark it as not personal, e.g. 'vademecum-cli practice edit ID --pseudonymise')\n", len(held))
	for _, h := range held {
		var why []string
		for _, f := range h.Findings {
			why = append(why, fmt.Sprintf("%s: %s %q", f.Field, f.Kind, f.Text))
		}
		fprintf(c.stdout, "held back %s %s %q: %s\n", h.Type, h.ID, h.Title, strings.Join(why, "; "))
	}
}

func runConflicts(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	eng, done, err := c.engine(false)
	if err != nil {
		return err
	}
	defer done()
	cs, err := eng.Conflicts(c)
	if err != nil {
		return err
	}
	if on(c.fs, "json") {
		return c.jsonOut(cs)
	}
	if len(cs) == 0 {
		fprintln(c.stdout, "no conflicts")
	}
	for _, cf := range cs {
		fprintf(c.stdout, "%s  %s %q, %s (%s)\n  mine:   %s\n  theirs: %s\n  kept: %s (since %s)\n",
			cf.ID, cf.RecordType, cf.Title, cf.Field, cf.Kind, oneLineText(cf.Mine), oneLineText(cf.Theirs), cf.Kept,
			cf.Created.Local().Format(time.DateTime))
		if cf.By != "" {
			fprintf(c.stdout, "  the value not kept was %s's\n", cf.By)
		}
	}
	return nil
}

func oneLineText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = strings.ToValidUTF8(s[:100], "") + "…"
	}
	return s
}

func runConflictsResolve(c *ctx) error {
	if err := c.wantArgs(1, "a conflict ID (see 'vademecum-cli conflicts')"); err != nil {
		return err
	}
	keep := str(c.fs, "keep")
	if keep != "mine" && keep != "theirs" {
		return usagef("--keep must be mine or theirs")
	}
	eng, done, err := c.engine(false)
	if err != nil {
		return err
	}
	defer done()
	if err := eng.Resolve(c, c.args[0], keep); err != nil {
		return err
	}
	fprintf(c.stdout, "conflict %s resolved: kept %s (shared at the next sync)\n", c.args[0], keep)
	return nil
}

// orgsKnown are the organisations held here, for firstSight after a sync.
func (c *ctx) orgsKnown() map[string]bool {
	known := map[string]bool{}
	if orgs, err := c.store.ListOrgs(c); err == nil {
		for _, o := range orgs {
			known[o.ID] = true
		}
	}
	return known
}
