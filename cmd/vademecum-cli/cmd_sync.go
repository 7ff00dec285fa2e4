package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"vademecum/data"
	"vademecum/internal/words"
	vsync "vademecum/sync"
)

func init() {
	register(&command{name: "remote add", args: "NAME URL [--token-env VAR] [--ssh-key FILE]",
		help: text("cli.cmd.remote_add", "add a hub: https://host/path (token), user@host:path (SSH) or a folder (USB stick)"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("token-env", "", t.U("cli.flag.token_env.remote_add", "read the hub token from this environment variable now (kept in the keyring); at sync it overrides the kept token when set"))
			fs.String("ssh-key", "", t.U("cli.flag.ssh_key", "SSH private key file (default: the SSH agent)"))
		},
		run: runRemoteAdd})
	register(&command{name: "remote list", args: "[--json]", help: text("cli.cmd.remote_list", "the hubs this installation syncs with"),
		flags: func(fs *flag.FlagSet, t tr) { fs.Bool("json", false, t.U("cli.flag.json", "print JSON")) },
		run:   runRemoteList})
	register(&command{name: "sync", args: "[--remote NAME] [--allow-deletions] [--json]",
		help: text("cli.cmd.sync", "exchange shared records with the hubs: prints received, sent, conflicts, quarantined, and what is held back for personal data"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("remote", "", t.U("cli.flag.remote.sync", "sync with this hub only (default: every hub)"))
			fs.Bool("allow-deletions", false, t.U("cli.flag.allow_deletions", "go ahead when a hub deletes more than half of the shared records (the sync stops and asks otherwise)"))
			fs.Bool("json", false, t.U("cli.flag.json.sync", `print {"received", "sent", "conflicts", "quarantined", "hub_head", "refused": [{"path", "reason"}], "unlisted", "held_back"}`))
		},
		run: runSync})
	register(&command{name: "conflicts", args: "[--json]", help: text("cli.cmd.conflicts", "fields edited in two places, with the value kept and the other one"),
		flags: func(fs *flag.FlagSet, t tr) { fs.Bool("json", false, t.U("cli.flag.json", "print JSON")) },
		run:   runConflicts})
	register(&command{name: "conflicts resolve", args: "ID --keep mine|theirs",
		help:  text("cli.cmd.conflicts_resolve", "settle a conflict: keep your value or the other one (shared at the next sync)"),
		flags: func(fs *flag.FlagSet, t tr) { fs.String("keep", "", t.U("cli.flag.keep", "mine or theirs")) },
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
	// This process's heap is the round's: a large one runs under a soft
	// memory limit (sync/memory.go).
	vsync.SetRoundMemory(cliRoundMemory)
	return vsync.OpenTrusted(s, logf)
}

// cliRoundMemory is the soft memory limit of a large sync round of the CLI:
// the first sync of a 100,000-practice hub peaked at 269 MB resident with it,
// 322 MB without.
const cliRoundMemory = 160 << 20

func runRemoteAdd(c *ctx) error {
	if err := c.wantArgs(2, c.X("cli.want.remote", "a NAME and an ADDRESS")); err != nil {
		return err
	}
	env := str(c.fs, "token-env")
	if env != "" && os.Getenv(env) == "" {
		return c.fail("cli.remote.token_env_empty", "the environment variable {{.Var}} is empty: set it to the hub token first", words.Args{"Var": env})
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
		fprintln(c.stdout, c.X("cli.remote.token_moved", "the token in the address was moved to the credential store (the system's keyring, or a file only you can read): it is not kept in the address, the database or the local repository"))
	}
	fprintln(c.stdout, c.X("cli.remote.added", "hub {{.Name}} added: run 'vademecum-cli sync' to exchange records", words.Args{"Name": c.args[0]}))
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
		fprintln(c.stdout, c.X("cli.remote.none", "no hub yet: add one with 'vademecum-cli remote add NAME ADDRESS'"))
	}
	for _, rm := range rms {
		last := c.X("cli.remote.never", "never synced")
		if !rm.LastSync.IsZero() {
			last = c.X("cli.remote.last_sync", "last sync {{.Time}}", words.Args{"Time": rm.LastSync.Local().Format("2006-01-02 15:04")})
		}
		fprintf(c.stdout, "%s\t%s\t%s\n", rm.Name, rm.URL, last)
		if rm.LastError != "" {
			fprintf(c.stdout, "\t%s\n", c.X("cli.remote.last_error", "last error: {{.Error}}", words.Args{"Error": rm.LastError}))
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
				fprintln(c.stderr, c.X("cli.sync.stage", "stage {{.Stage}}", words.Args{"Stage": p.Stage}))
			}
		}
	}
	before := c.orgsKnown()
	res, err := eng.Sync(c, str(c.fs, "remote"), progress)
	if err != nil {
		return syncErr{err}
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
	fprintln(c.stdout, c.X("cli.sync.result", "received {{.Received}}, sent {{.Sent}}, conflicts {{.Conflicts}}, quarantined {{.Quarantined}}",
		words.Args{"Received": res.Received, "Sent": res.Sent, "Conflicts": res.Conflicts, "Quarantined": res.Quarantined}))
	if res.AttachmentBytesReceived > 0 || res.AttachmentBytesSent > 0 {
		fprintln(c.stdout, c.X("cli.sync.attachment_bytes", "attached files: received {{.Received}} bytes, sent {{.Sent}} bytes",
			words.Args{"Received": res.AttachmentBytesReceived, "Sent": res.AttachmentBytesSent}))
	}
	if res.HubRepaired {
		fprintln(c.stdout, c.X("cli.sync.hub_repaired", "the hub folder was damaged (a USB stick pulled out during a sync?) and has been repaired: what it lost was sent again from this computer or will be from the others"))
	}
	printHeldBack(c, held)
	if res.Conflicts > 0 {
		fprintln(c.stdout, c.X("cli.sync.see_conflicts", "see 'vademecum-cli conflicts' for the values that were not kept"))
	}
	// What this sync refused, each reported once (all that is held: 'doctor').
	for _, r := range res.Refused {
		fprintln(c.stdout, c.X("cli.sync.refused", "refused {{.Path}}: {{.Reason}}", words.Args{"Path": r.Path, "Reason": c.refusedReason(r.Reason)}))
	}
	if res.Unlisted {
		fprintln(c.stdout, c.X("cli.sync.unlisted", "this laptop is not listed in its organisation's file on the hub yet: nothing of it was sent. On a listed laptop run 'vademecum-cli keys add' with this laptop's key ('vademecum-cli keys show'), sync there, then here 'vademecum-cli keys approve ORG' after comparing the fingerprint by phone"))
	}
	c.firstSight(before)
}

// printHeldBack says which shared records are not sent because they still hold
// personal data, and what to do: never held back silently.
func printHeldBack(c *ctx, held []data.Held) {
	if len(held) == 0 {
		return
	}
	fprintln(c.stdout, c.N("cli.sync.held_back", "held back {{.Count}} shared records: they still contain personal data (replace each finding or mark it as not personal, e.g. 'vademecum-cli practice edit ID --pseudonymise')",
		"held back {{.Count}} shared records: they still contain personal data (replace each finding or mark it as not personal, e.g. 'vademecum-cli practice edit ID --pseudonymise')", len(held)))
	for _, h := range held {
		var why []string
		for _, f := range h.Findings {
			why = append(why, fmt.Sprintf("%s: %s %q", f.Field, f.Kind, f.Text))
		}
		fprintln(c.stdout, c.X("cli.sync.held_back_one", "held back {{.Type}} {{.ID}} \"{{.Title}}\": {{.Findings}}",
			words.Args{"Type": h.Type, "ID": h.ID, "Title": h.Title, "Findings": strings.Join(why, "; ")}))
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
		fprintln(c.stdout, c.X("cli.conflicts.none", "no conflicts"))
	}
	for _, cf := range cs {
		fprintln(c.stdout, c.X("cli.conflicts.one", "{{.ID}}  {{.Type}} \"{{.Title}}\", {{.Field}} ({{.Kind}})\n  mine:   {{.Mine}}\n  theirs: {{.Theirs}}\n  kept: {{.Kept}} (since {{.Since}})",
			words.Args{"ID": cf.ID, "Type": cf.RecordType, "Title": cf.Title, "Field": cf.Field, "Kind": cf.Kind, "Mine": oneLineText(cf.Mine),
				"Theirs": oneLineText(cf.Theirs), "Kept": cf.Kept, "Since": cf.Created.Local().Format(time.DateTime)}))
		if cf.By != "" {
			fprintln(c.stdout, c.X("cli.conflicts.by", "  the value not kept was written by {{.By}}", words.Args{"By": cf.By}))
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
	if err := c.wantArgs(1, c.X("cli.want.conflict", "a conflict ID (see 'vademecum-cli conflicts')")); err != nil {
		return err
	}
	keep := str(c.fs, "keep")
	if keep != "mine" && keep != "theirs" {
		return c.usage("cli.conflicts.keep", "--keep must be mine or theirs")
	}
	eng, done, err := c.engine(false)
	if err != nil {
		return err
	}
	defer done()
	if err := eng.Resolve(c, c.args[0], keep); err != nil {
		return err
	}
	fprintln(c.stdout, c.X("cli.conflicts.resolved", "conflict {{.ID}} resolved: kept {{.Keep}} (shared at the next sync)", words.Args{"ID": c.args[0], "Keep": keep}))
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
