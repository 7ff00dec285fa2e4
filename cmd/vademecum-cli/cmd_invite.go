package main

import (
	"bufio"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"vademecum/data"
	"vademecum/data/trust"
	"vademecum/internal/atomicfile"
	"vademecum/internal/words"
	vsync "vademecum/sync"
	"vademecum/sync/invite"
)

// passphraseEnv gives the invitation passphrase to scripts.
const passphraseEnv = "VADEMECUM_INVITE_PASSPHRASE"

func init() {
	register(&command{name: "invite create",
		args: "--out FILE [--org ORG_ID] [--token-env VAR] [--expires 2027-01-31] [--qr PNG] [--remote NAME] [--device NAME]",
		help: text("cli.cmd.invite_create", "invite an organisation (or, with --org, a new laptop of yours) to the hub: a signed file and a QR code"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("out", "", t.U("cli.flag.out.invite", "write the invitation to this file (name it *.vademecum-invite)"))
			fs.String("org", "", t.U("cli.flag.org", "your own organisation's id: invite a new laptop of it, listed in the same step"))
			fs.String("token-env", "", t.U("cli.flag.token_env", "the environment variable holding the invited organisation's hub token (encrypts the invitation)"))
			fs.String("expires", "", t.U("cli.flag.expires", "last day the invitation is valid, e.g. 2027-01-31 (default: in 14 days)"))
			fs.String("qr", "", t.U("cli.flag.qr", "also write the invitation as a QR code image (PNG) to this file"))
			fs.String("remote", "", t.U("cli.flag.remote", "the hub to invite to, when several are configured"))
			fs.String("device", "", t.U("cli.flag.device", "with --org: a name people recognise for the new laptop"))
		},
		run: runInviteCreate})
	register(&command{name: "join", args: "FILE [--user NAME] [--signer FINGERPRINT]",
		help: text("cli.cmd.join", "join a hub's network with an invitation: adds the hub, pins the partners' keys, syncs"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("user", "", t.U("cli.flag.user", "your name, for an invitation of a new laptop of your organisation"))
			fs.String("signer", "", t.U("cli.flag.signer", "the fingerprint of the invitation's signer, once compared by phone"))
		},
		run: runJoin})
}

func runInviteCreate(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	out := str(c.fs, "out")
	if out == "" {
		return c.usage("cli.invite.out_required", "--out FILE is required")
	}
	opt := invite.Options{Org: str(c.fs, "org"), Device: str(c.fs, "device")}
	if e := str(c.fs, "expires"); e != "" {
		d, err := time.Parse(time.DateOnly, e)
		if err != nil {
			return c.usage("cli.invite.expires", "--expires must be a date written 2027-01-31")
		}
		opt.Expires = d
	}
	if env := str(c.fs, "token-env"); env != "" {
		if opt.Token = os.Getenv(env); opt.Token == "" {
			return c.fail("cli.invite.token_env_empty", "the environment variable {{.Var}} is empty: set it to the invited organisation's hub token first", words.Args{"Var": env})
		}
	}
	s, err := c.openListed()
	if err != nil {
		return err
	}
	eng, done, err := c.engine(false)
	if err != nil {
		return err
	}
	rms, err := eng.Remotes()
	done()
	if err != nil {
		return err
	}
	if opt.Hub, err = invite.ChooseHub(remotesOf(rms), str(c.fs, "remote")); err != nil {
		return err
	}
	if me, _ := s.Identity(); opt.Org != "" && opt.Org != me.Org {
		return &invite.Error{Kind: invite.NotOwnOrg, Org: me.Org}
	}
	if opt.Token != "" || opt.Org != "" {
		if opt.Passphrase, err = c.newPassphrase(); err != nil {
			return err
		}
	}
	file, inv, err := invite.Create(s, opt, time.Now())
	if err != nil {
		return err
	}
	if err := c.writeNew(out, file); err != nil {
		return err
	}
	fprintln(c.stdout, c.X("cli.invite.written", "Invitation to the hub {{.Hub}} written to {{.Out}}, valid through {{.Expires}}, signed with your key {{.Fingerprint}}.",
		words.Args{"Hub": inv.Hub.Name, "Out": out, "Expires": inv.Expires, "Fingerprint": inv.Fingerprint()}))
	if inv.Encrypted {
		fprintln(c.stdout, c.X("cli.invite.protected", "It is protected by the passphrase: give the passphrase by phone, never with the file."))
	}
	if inv.Laptop != nil {
		fprintln(c.stdout, c.X("cli.invite.laptop_listed", "The new laptop's key is listed for {{.Org}}: sync now so that partners know it before it sends anything.", words.Args{"Org": inv.From.Org}))
	}
	if qr := str(c.fs, "qr"); qr != "" {
		png, err := invite.QR(file)
		if err != nil {
			return err
		}
		if err := c.writeNew(qr, png); err != nil {
			return err
		}
		fprintln(c.stdout, c.X("cli.invite.qr_written", "QR code written to {{.File}}.", words.Args{"File": qr}))
	}
	return nil
}

// writeNew writes a file readable by its owner only: an invitation may carry
// a token, encrypted or not it is the keys of a network.
func (c *ctx) writeNew(path string, b []byte) error {
	if err := atomicfile.WriteFile(path, b, 0o600); err != nil {
		return c.fail("cli.cannot_write", "cannot write {{.File}}: {{.Problem}}", words.Args{"File": path, "Problem": rootErr(err)})
	}
	return nil
}

func remotesOf(rms []vsync.Remote) []invite.Remote {
	out := make([]invite.Remote, 0, len(rms))
	for _, r := range rms {
		out = append(out, invite.Remote{Name: r.Name, URL: r.URL})
	}
	return out
}

// newPassphrase asks for the passphrase that protects a new invitation:
// VADEMECUM_INVITE_PASSPHRASE, else typed twice on the terminal, else a line
// of standard input.
func (c *ctx) newPassphrase() (string, error) {
	if p := os.Getenv(passphraseEnv); p != "" {
		return p, nil
	}
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fprintf(c.stderr, "%s ", c.X("cli.invite.choose_passphrase", "Choose a passphrase for this invitation (at least {{.Min}} characters; you will read it to the invited by phone):", words.Args{"Min": invite.MinPassphrase}))
		a, err := term.ReadPassword(int(f.Fd()))
		fprintln(c.stderr)
		if err != nil {
			return "", err
		}
		fprintf(c.stderr, "%s ", c.X("cli.invite.passphrase_again", "The same passphrase again:"))
		b, err := term.ReadPassword(int(f.Fd()))
		fprintln(c.stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", c.fail("cli.invite.passphrases_differ", "the two passphrases differ: nothing was written")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	if line = strings.TrimRight(line, "\r\n"); line == "" {
		return "", c.fail("cli.invite.needs_passphrase", "a token or a new laptop's key goes in the invitation encrypted: give a passphrase in {{.Var}} or type it", words.Args{"Var": passphraseEnv})
	}
	return line, nil
}

// askPassphrase is invite.Read's passphrase: VADEMECUM_INVITE_PASSPHRASE (one
// try), else the terminal, else lines of standard input.
func (c *ctx) askPassphrase() func(try int) (string, error) {
	var lines *bufio.Reader
	return func(try int) (string, error) {
		if p := os.Getenv(passphraseEnv); p != "" {
			if try > 1 {
				return "", &invite.Error{Kind: invite.WrongPassphrase}
			}
			return p, nil
		}
		if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			if try > 1 {
				fprintln(c.stderr, c.X("cli.invite.wrong_passphrase", "Wrong passphrase, try again."))
			}
			fprintf(c.stderr, "%s ", c.X("cli.invite.ask_passphrase", "Passphrase of the invitation (your coordinator gives it by phone):"))
			b, err := term.ReadPassword(int(f.Fd()))
			fprintln(c.stderr)
			return string(b), err
		}
		if lines == nil {
			lines = bufio.NewReader(c.stdin)
		}
		line, err := lines.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" && try > 1 {
			return "", &invite.Error{Kind: invite.WrongPassphrase}
		}
		return line, nil
	}
}

func runJoin(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.invitation", "the invitation file")); err != nil {
		return err
	}
	b, err := os.ReadFile(c.args[0])
	if err != nil {
		return c.fail("cli.invite.cannot_read", "cannot read the invitation {{.File}}: {{.Problem}}", words.Args{"File": c.args[0], "Problem": rootErr(err)})
	}
	inv, err := invite.Read(b, c.askPassphrase())
	if err != nil {
		return err
	}
	fresh := false
	if _, err := os.Stat(c.dataDir); errors.Is(err, fs.ErrNotExist) {
		fresh = true
	}
	if fresh && inv.Laptop == nil {
		return &invite.Error{Kind: invite.NotSetUp}
	}
	// Everything is checked before anything is written.
	var s *data.Store
	var remotes []invite.Remote
	if !fresh {
		if s, err = c.open(); err != nil {
			return err
		}
		if inv.Laptop == nil {
			if _, err := s.Identity(); err != nil {
				return &invite.Error{Kind: invite.NotSetUp}
			}
		}
		if s.Initialised() {
			eng, done, err := c.engine(false)
			if err != nil {
				return err
			}
			rms, err := eng.Remotes()
			done()
			if err != nil {
				return err
			}
			remotes = remotesOf(rms)
		}
	}
	signer := str(c.fs, "signer")
	err = invite.Check(s, inv, time.Now(), remotes, signer)
	if invite.IsKind(err, invite.UnknownSigner) && c.confirmSigner(inv) {
		err = invite.Check(s, inv, time.Now(), remotes, inv.Fingerprint())
	}
	if err != nil {
		return err
	}
	if inv.Laptop != nil && strings.TrimSpace(str(c.fs, "user")) == "" && (s == nil || !s.Initialised()) {
		return &invite.Error{Kind: invite.UserRequired}
	}
	fprintln(c.stdout, c.X("cli.join.from", "Invitation from {{.Name}} ({{.Org}}), signed with the key {{.Fingerprint}}, valid through {{.Expires}}.",
		words.Args{"Name": inv.From.OrgName, "Org": inv.From.Org, "Fingerprint": inv.Fingerprint(), "Expires": inv.Expires}))
	if fresh {
		if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
			return c.fail("cli.error.create_data", "cannot create the data folder {{.Dir}}: {{.Problem}}", words.Args{"Dir": c.dataDir, "Problem": rootErr(err)})
		}
		if s, err = c.open(); err != nil {
			return err
		}
	}
	if err := invite.Accept(s, inv, str(c.fs, "user")); err != nil {
		return err
	}
	if inv.Laptop != nil {
		if r, err := s.Get(inv.From.Org); err == nil {
			if cur, _ := s.Setting(data.SettingUILang); cur == "" {
				s.SetSetting(data.SettingUILang, r.Base().Lang)
			}
		}
		fprintln(c.stdout, c.X("cli.join.laptop", "This laptop is set up for {{.Org}}, with its key listed.", words.Args{"Org": inv.From.Org}))
	}
	eng, done, err := c.engine(true)
	if err != nil {
		return err
	}
	defer done()
	name := invite.HubName(inv, remotes)
	if err := eng.AddRemote(name, inv.Hub.URL, vsync.Auth{Token: inv.Token}); err != nil {
		return err
	}
	fprintln(c.stdout, c.N("cli.join.hub_added", "Hub {{.Name}} added; the keys of {{.Count}} organisation are pinned as the invitation lists them.",
		"Hub {{.Name}} added; the keys of {{.Count}} organisations are pinned as the invitation lists them.", len(inv.Orgs), words.Args{"Name": name}))
	return c.syncReport(eng, name)
}

// syncReport runs a sync with one hub, printing its stages, then its result.
func (c *ctx) syncReport(eng *vsync.Engine, remote string) error {
	before := c.orgsKnown()
	stage := ""
	res, err := eng.Sync(c, remote, func(p vsync.Progress) {
		if p.Stage != stage && p.Stage != "" {
			stage = p.Stage
			fprintln(c.stdout, c.X("cli.join.stage", "sync: {{.Stage}}…", words.Args{"Stage": stage}))
		}
	})
	if err != nil {
		return syncErr{err}
	}
	held, err := c.store.HeldBack(c)
	if err != nil {
		return err
	}
	c.printSyncResult(eng, res, held, before)
	return nil
}

// firstSight names the organisations this sync trusted on first sight: their
// keys were pinned because the hub held them, so a person compares the
// fingerprints by phone (an invitation lists them instead).
func (c *ctx) firstSight(before map[string]bool) {
	s := c.store
	orgs, err := s.ListOrgs(c)
	if err != nil {
		return
	}
	invited, _ := trust.Invited(s)
	me, _ := s.Identity()
	for _, o := range orgs {
		if before[o.ID] || o.ID == me.Org || o.ID == data.ToolkitOrg || len(o.Keys) == 0 {
			continue
		}
		if _, ok := invited[o.ID]; ok {
			fprintln(c.stdout, c.X("cli.sync.pinned_invited", "keys of {{.Org}} pinned as your invitation lists them", words.Args{"Org": o.ID}))
			continue
		}
		var fps []string
		for _, k := range o.Keys {
			if k.Revoked.IsZero() {
				fps = append(fps, trust.FingerprintOf(k.Public))
			}
		}
		fprintln(c.stdout, c.X("cli.sync.new_partner", "new partner {{.Org}} ({{.Name}}): its keys were pinned on first sight, as the hub holds them: compare the fingerprint {{.Fingerprints}} by phone with {{.Org}} (or join with an invitation, which lists them)",
			words.Args{"Org": o.ID, "Name": o.Name, "Fingerprints": strings.Join(fps, ", ")}))
	}
}

// confirmSigner asks, on a terminal, whether the signer's fingerprint is the
// one its organisation reads out by phone.
func (c *ctx) confirmSigner(inv *invite.Invitation) bool {
	f, ok := c.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false
	}
	fprintf(c.stderr, "%s ", c.X("cli.join.confirm_signer", "This invitation says it is from {{.Name}} ({{.Org}}), signed with the key\n\n    {{.Fingerprint}}\n\nwhich is not known here. Call {{.Org}} and compare that fingerprint with theirs.\nIs it the same? [y/N]",
		words.Args{"Name": inv.From.OrgName, "Org": inv.From.Org, "Fingerprint": inv.Fingerprint()}))
	line, _ := bufio.NewReader(f).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes" || strings.EqualFold(a, string(c.X("cli.yes_short", "y"))) || strings.EqualFold(a, string(c.X("cli.yes", "yes")))
}
