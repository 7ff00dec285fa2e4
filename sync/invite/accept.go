package invite

import (
	"fmt"
	"strings"
	"time"

	"vademecum/data"
	"vademecum/data/trust"
)

// Check decides whether inv may be accepted here, changing nothing: not
// expired, not signed by a key revoked here, the signer known here or its
// fingerprint confirmed by the person (confirmed: the fingerprint they
// compared by phone, "" when none), the hub not configured already, and for a
// new laptop, a data directory that is new or of the same organisation. store
// is nil for a data directory that does not exist yet.
func Check(store *data.Store, inv *Invitation, now time.Time, remotes []Remote, confirmed string) error {
	who := &Error{Org: inv.From.Org, OrgName: inv.From.OrgName, Device: inv.From.Device, Fingerprint: inv.Fingerprint()}
	if !now.Before(inv.expiresAt()) {
		who.Kind, who.Date = Expired, inv.Expires
		return who
	}
	if inv.Laptop == nil && store != nil {
		if me, err := store.Identity(); err == nil && me.Org == inv.From.Org {
			who.Kind = SameOrg
			return who
		}
	}
	held, listed := false, false
	if store == nil {
		// A new data directory knows nobody.
	} else if r, err := store.Get(inv.From.Org); err == nil {
		if o, ok := r.(*data.Organisation); ok && len(o.Keys) > 0 {
			held = true
			for _, k := range o.Keys {
				if k.Public != inv.From.Key {
					continue
				}
				listed = true
				if !k.Revoked.IsZero() {
					who.Kind, who.Date, who.Device = RevokedSigner, k.Revoked.UTC().Format(time.DateOnly), k.Device
					return who
				}
			}
		}
	}
	// A first contact is vouched for by the passphrase given by phone; a plain
	// file, or a key its organisation does not list here, is not: the person
	// compares the fingerprint.
	if !listed && (held || !inv.Encrypted) && !sameFingerprint(confirmed, who.Fingerprint) {
		who.Kind = UnknownSigner
		return who
	}
	if inv.Laptop != nil && store != nil {
		if me, err := store.Identity(); err == nil {
			if me.Org != inv.From.Org {
				who.Kind = OtherOrg
				return who
			}
			who.Kind = KeyExists
			pub, _ := trust.PublicOfPEM([]byte(inv.Laptop.Key))
			in, err := trust.LoadInstallation(store.Dir())
			if err != nil || in.Public() != pub {
				return who
			}
		}
	}
	for _, r := range remotes {
		if sameURL(r.URL, inv.Hub.URL) {
			who.Kind, who.Hub = HubConfigured, r.Name
			return who
		}
	}
	return nil
}

func sameFingerprint(a, b string) bool {
	norm := func(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }
	return a != "" && norm(a) == norm(b)
}

func sameURL(a, b string) bool {
	norm := func(s string) string { return strings.TrimSuffix(strings.TrimSpace(s), "/") }
	return norm(a) == norm(b)
}

// Accept sets this installation up as inv says, after Check: for a new laptop
// its key and its organisation's file (user is the person writing here); then
// the listed keys are pinned. The hub is added by the caller (with inv.Token),
// under HubName's name, and the first sync follows.
func Accept(store *data.Store, inv *Invitation, user string) error {
	if inv.Laptop != nil {
		user = strings.TrimSpace(user)
		if user == "" {
			if me, err := store.Identity(); err == nil {
				user = me.User
			}
		}
		if user == "" {
			return fail(UserRequired)
		}
		o, body, err := laptopOrg(inv)
		if err != nil {
			return fail(Tampered)
		}
		if err := trust.InstallKey(store.Dir(), []byte(inv.Laptop.Key), !store.Initialised()); err != nil {
			return err
		}
		if err := trust.JoinOrg(store, o, body, user); err != nil {
			return err
		}
	}
	return trust.Pin(store, inv.Orgs)
}

// HubName is the name the invitation's hub gets here: the inviter's, or with a
// number when that name is taken.
func HubName(inv *Invitation, remotes []Remote) string {
	taken := map[string]bool{}
	for _, r := range remotes {
		taken[r.Name] = true
	}
	name := inv.Hub.Name
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s-%d", inv.Hub.Name, i)
	}
	return name
}
