package main

import (
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"vademecum/data"
	"vademecum/data/trust"
)

func init() {
	register(&command{name: "keys", args: "[--json]",
		help:  "organisations' signing keys: fingerprints, pinned, revoked, waiting for approval",
		flags: func(fs *flag.FlagSet) { fs.Bool("json", false, "print JSON") },
		run:   runKeys})
	register(&command{name: "keys show", args: "[--json] [--device NAME]",
		help: "this installation's public key and fingerprint, to give to a coordinator",
		flags: func(fs *flag.FlagSet) {
			fs.Bool("json", false, "print JSON")
			fs.String("device", "", "name of this computer when its key is first listed (default: its host name)")
		},
		run: runKeysShow})
	register(&command{name: "keys add", args: "PUBLIC --device NAME",
		help: "list another laptop of your organisation (PUBLIC: its 'keys show')",
		flags: func(fs *flag.FlagSet) {
			fs.String("device", "", "a name people recognise, e.g. 'office laptop'")
		},
		run: runKeysAdd})
	register(&command{name: "keys revoke", args: "KEYID", help: "revoke a key of your organisation (a lost or stolen laptop)",
		run: runKeysRevoke})
	register(&command{name: "keys approve", args: "ORG",
		help: "accept an organisation's key change, after comparing the fingerprint by phone",
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
		fprintln(c.stdout, "No organisation is known here yet.")
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
			fprintf(w, "%s  %s (pinned by your invitation; its file has not been received yet)\n", o.ID, o.Name)
		}
		if len(o.Keys) == 0 {
			fprintln(w, "  no keys yet\t")
		}
		for _, k := range o.Keys {
			status := k.Status
			if status == trust.StatusRevoked {
				status += " " + k.Revoked.Format(time.DateOnly)
			}
			note := ""
			if k.This {
				note = "(this installation)"
			}
			fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", k.Fingerprint, k.ID, status, k.Device, note)
		}
		if p := o.Pending; p != nil {
			fprintf(w, "  key change waiting since %s, signed by %s %q: compare the fingerprint by phone, then run 'vademecum-cli keys approve %s'\n",
				p.Seen.Local().Format("2006-01-02 15:04"), p.Signer.Fingerprint, p.Signer.Device, o.ID)
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
		fprintf(c.stderr, "vademecum-cli: the installation key could be read by other users of this computer: it is now private to you\n")
	}
	org, status := "", "not set up: run 'vademecum-cli init'"
	if me, err := s.Identity(); err == nil {
		org = me.Org
		if err := trust.EnsureListed(s, str(c.fs, "device")); err != nil {
			return err
		}
		status = "not listed"
		if r, err := s.Get(me.Org); err == nil {
			if o, ok := r.(*data.Organisation); ok {
				for _, k := range o.Keys {
					if k.ID == in.ID() {
						status = fmt.Sprintf("listed as %q", k.Device)
						if !k.Revoked.IsZero() {
							status = "revoked on " + k.Revoked.Format(time.DateOnly)
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
	fprintf(c.stdout, "public:       %s\nfingerprint:  %s\nkey id:       %s\n", in.Public(), in.Fingerprint(), in.ID())
	if org != "" {
		fprintf(c.stdout, "organisation: %s (%s)\n", org, status)
	}
	fprintln(c.stdout, "\nTo add this laptop, a coordinator runs on a laptop of the organisation that partners already trust:")
	fprintf(c.stdout, "  vademecum-cli keys add %s --device 'NAME'\nand reads the fingerprint back to you by phone.\n", in.Public())
	return nil
}

func runKeysAdd(c *ctx) error {
	if len(c.args) == 0 {
		return usagef("needs the public key that 'vademecum-cli keys show' prints on the other laptop")
	}
	device := strings.TrimSpace(str(c.fs, "device"))
	if device == "" {
		return usagef("--device is required: a name people recognise, e.g. 'office laptop'")
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
	fprintf(c.stdout, "Added the key %s (%s) to %s.\nRead this fingerprint back to the new laptop by phone: %s\nSync to send the change to partners.\n",
		k.ID, k.Device, me.Org, trust.FingerprintOf(k.Public))
	return nil
}

func runKeysRevoke(c *ctx) error {
	if len(c.args) == 0 {
		return usagef("needs the key ID (see 'vademecum-cli keys')")
	}
	id, err := trust.NormalizeKeyID(strings.Join(c.args, ""))
	if err != nil {
		return usageError{err.Error()}
	}
	s, err := c.openListed()
	if err != nil {
		return err
	}
	k, err := trust.Revoke(s, id)
	if err != nil {
		return err
	}
	fprintf(c.stdout, "Revoked the key %s (%s) as of %s: once you sync, partners refuse what it signs after that.\n",
		k.ID, k.Device, k.Revoked.Format(time.RFC3339))
	return nil
}

func runKeysApprove(c *ctx) error {
	if err := c.wantArgs(1, "the organisation id (see 'vademecum-cli keys')"); err != nil {
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
	fprintf(c.stdout, "Approved the keys of %s (%s):\n", o.ID, o.Name)
	for _, k := range o.Keys {
		state := ""
		if !k.Revoked.IsZero() {
			state = " revoked " + k.Revoked.Format(time.DateOnly)
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
