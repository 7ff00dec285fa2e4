package main

import (
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"vademecum/data"
	"vademecum/data/trust"
	"vademecum/internal/words"
)

func init() {
	register(&command{name: "keys", args: "[--json]",
		help:  text("cli.cmd.keys", "organisations' signing keys: fingerprints, pinned, revoked, waiting for approval"),
		flags: func(fs *flag.FlagSet, t tr) { fs.Bool("json", false, t.U("cli.flag.json", "print JSON")) },
		run:   runKeys})
	register(&command{name: "keys show", args: "[--json] [--device NAME]",
		help: text("cli.cmd.keys_show", "this installation's public key and fingerprint, to give to a coordinator"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json", "print JSON"))
			fs.String("device", "", t.U("cli.flag.device.keys_show", "name of this computer when its key is first listed (default: its host name)"))
		},
		run: runKeysShow})
	register(&command{name: "keys add", args: "PUBLIC --device NAME",
		help: text("cli.cmd.keys_add", "list another laptop of your organisation (PUBLIC: its 'keys show')"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("device", "", t.U("cli.flag.device.keys_add", "a name people recognise, e.g. 'office laptop'"))
		},
		run: runKeysAdd})
	register(&command{name: "keys revoke", args: "KEYID", help: text("cli.cmd.keys_revoke", "revoke a key of your organisation (a lost or stolen laptop)"),
		run: runKeysRevoke})
	register(&command{name: "keys approve", args: "ORG",
		help: text("cli.cmd.keys_approve", "accept an organisation's key change, after comparing the fingerprint by phone"),
		run:  runKeysApprove})
}

func runKeys(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	s, err := c.openListed()
	if err != nil {
		return err
	}
	orgs, err := trust.Orgs(s)
	if err != nil {
		return err
	}
	// Organisations an invitation pinned, whose file has not been received yet.
	invited, err := trust.InvitedOrgs(s)
	if err != nil {
		return err
	}
	orgs = append(orgs, invited...)
	if on(c.fs, "json") {
		out := make([]map[string]any, 0, len(orgs))
		for _, o := range orgs {
			m := map[string]any{"id": o.ID, "type": data.TypeOrg, "org": o.ID, "lang": o.Lang, "updated": o.Updated,
				"name": o.Name, "title": o.Name, "country": o.Country, "keys": o.Keys}
			if o.Pending != nil {
				m["pending"] = o.Pending
			}
			out = append(out, m)
		}
		return c.jsonOut(out)
	}
	if len(orgs) == 0 {
		fprintln(c.stdout, c.X("cli.keys.none", "No organisation is known here yet."))
		return nil
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for i, o := range orgs {
		if i > 0 {
			fprintln(w)
		}
		switch {
		case o.Country != "":
			fprintf(w, "%s  %s (%s)\n", o.ID, o.Name, o.Country)
		default: // known only from an invitation so far
			fprintf(w, "%s  %s\n", o.ID, c.X("cli.keys.invited", "{{.Name}} (pinned by your invitation; its file has not been received yet)", words.Args{"Name": o.Name}))
		}
		if len(o.Keys) == 0 {
			fprintf(w, "  %s\t\n", c.X("cli.keys.no_keys", "no keys yet"))
		}
		for _, k := range o.Keys {
			status := c.keyStatus(k.Status)
			if k.Status == trust.StatusRevoked {
				status = c.X("cli.keys.revoked_date", "revoked {{.Date}}", words.Args{"Date": k.Revoked.Format(time.DateOnly)})
			}
			note := said("")
			if k.This {
				note = c.X("cli.keys.this", "(this installation)")
			}
			fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", k.Fingerprint, k.ID, status, k.Device, note)
		}
		if p := o.Pending; p != nil {
			fprintf(w, "  %s\n", c.X("cli.keys.pending", "key change waiting since {{.Since}}, signed by {{.Fingerprint}} \"{{.Device}}\": compare the fingerprint by phone, then run 'vademecum-cli keys approve {{.Org}}'",
				words.Args{"Since": p.Seen.Local().Format("2006-01-02 15:04"), "Fingerprint": p.Signer.Fingerprint, "Device": p.Signer.Device, "Org": o.ID}))
		}
	}
	return w.Flush()
}

func runKeysShow(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	in, err := trust.LoadInstallation(s.Dir())
	if err != nil {
		return err
	}
	if in.Tightened {
		fprintln(c.stderr, c.X("cli.keys.tightened", "vademecum-cli: the installation key could be read by other users of this computer: it is now private to you"))
	}
	// status is a public field of --json, kept in English; shown is the same, worded.
	org, status := "", "not set up: run 'vademecum-cli init'"
	shown := c.X("cli.keys.not_set_up", "not set up: run 'vademecum-cli init'")
	if me, err := s.Identity(); err == nil {
		org = me.Org
		if err := trust.EnsureListed(s, str(c.fs, "device")); err != nil {
			return err
		}
		status, shown = "not listed", c.X("cli.keys.not_listed", "not listed")
		if r, err := s.Get(me.Org); err == nil {
			if o, ok := r.(*data.Organisation); ok {
				for _, k := range o.Keys {
					if k.ID == in.ID() {
						status = fmt.Sprintf("listed as %q", k.Device)
						shown = c.X("cli.keys.listed_as", "listed as \"{{.Device}}\"", words.Args{"Device": k.Device})
						if !k.Revoked.IsZero() {
							status = "revoked on " + k.Revoked.Format(time.DateOnly)
							shown = c.X("cli.keys.revoked_on", "revoked on {{.Date}}", words.Args{"Date": k.Revoked.Format(time.DateOnly)})
						}
					}
				}
			}
		}
	}
	if on(c.fs, "json") {
		return c.jsonOut(map[string]any{"id": in.ID(), "type": "key", "org": org, "public": in.Public(),
			"fingerprint": in.Fingerprint(), "status": status})
	}
	fprintln(c.stdout, c.X("cli.keys.show", "public:       {{.Public}}\nfingerprint:  {{.Fingerprint}}\nkey id:       {{.ID}}",
		words.Args{"Public": in.Public(), "Fingerprint": in.Fingerprint(), "ID": in.ID()}))
	if org != "" {
		fprintln(c.stdout, c.X("cli.keys.show_org", "organisation: {{.Org}} ({{.Status}})", words.Args{"Org": org, "Status": shown}))
	}
	fprintln(c.stdout)
	fprintln(c.stdout, c.X("cli.keys.how_to_add", "To add this laptop, a coordinator runs on a laptop of the organisation that partners already trust:\n  vademecum-cli keys add {{.Public}} --device 'NAME'\nand reads the fingerprint back to you by phone.",
		words.Args{"Public": in.Public()}))
	return nil
}

func runKeysAdd(c *ctx) error {
	if len(c.args) == 0 {
		return c.usage("cli.keys.add_needs_key", "needs the public key that 'vademecum-cli keys show' prints on the other laptop")
	}
	device := strings.TrimSpace(str(c.fs, "device"))
	if device == "" {
		return c.usage("cli.keys.device_required", "--device is required: a name people recognise, e.g. 'office laptop'")
	}
	s, err := c.openListed()
	if err != nil {
		return err
	}
	k, err := trust.AddKey(s, strings.Join(c.args, ""), device)
	if err != nil {
		return err
	}
	me, _ := s.Identity()
	fprintln(c.stdout, c.X("cli.keys.added", "Added the key {{.ID}} ({{.Device}}) to {{.Org}}.\nRead this fingerprint back to the new laptop by phone: {{.Fingerprint}}\nSync to send the change to partners.",
		words.Args{"ID": k.ID, "Device": k.Device, "Org": me.Org, "Fingerprint": trust.FingerprintOf(k.Public)}))
	return nil
}

func runKeysRevoke(c *ctx) error {
	if len(c.args) == 0 {
		return c.usage("cli.keys.revoke_needs_id", "needs the key ID (see 'vademecum-cli keys')")
	}
	id, err := trust.NormalizeKeyID(strings.Join(c.args, ""))
	if err != nil {
		return c.usage("cli.keys.bad_id", "this is not a key ID: {{.Problem}} (see 'vademecum-cli keys')", words.Args{"Problem": err})
	}
	s, err := c.openListed()
	if err != nil {
		return err
	}
	k, err := trust.Revoke(s, id)
	if err != nil {
		return err
	}
	fprintln(c.stdout, c.X("cli.keys.revoked", "Revoked the key {{.ID}} ({{.Device}}) as of {{.Time}}: once you sync, partners refuse what it signs after that.",
		words.Args{"ID": k.ID, "Device": k.Device, "Time": k.Revoked.Format(time.RFC3339)}))
	return nil
}

func runKeysApprove(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.org", "the organisation id (see 'vademecum-cli keys')")); err != nil {
		return err
	}
	s, err := c.openListed()
	if err != nil {
		return err
	}
	o, err := trust.Approve(s, c.args[0])
	if err != nil {
		return err
	}
	fprintln(c.stdout, c.X("cli.keys.approved", "Approved the keys of {{.ID}} ({{.Name}}):", words.Args{"ID": o.ID, "Name": o.Name}))
	for _, k := range o.Keys {
		state := said("")
		if !k.Revoked.IsZero() {
			state = " " + c.X("cli.keys.revoked_date", "revoked {{.Date}}", words.Args{"Date": k.Revoked.Format(time.DateOnly)})
		}
		fprintf(c.stdout, "  %s  %s%s\n", trust.FingerprintOf(k.Public), k.Device, state)
	}
	return nil
}

// openListed opens an initialised store and makes sure this installation's key is
// in its organisation's file (an installation set up before keys existed).
func (c *ctx) openListed() (*data.Store, error) {
	s, err := c.openInit()
	if err != nil {
		return nil, err
	}
	return s, trust.EnsureListed(s, "")
}
