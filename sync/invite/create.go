package invite

import (
	"strings"
	"time"

	"vademecum/data"
	"vademecum/data/trust"
)

// Options are what an invitation is made of, besides what the store knows.
type Options struct {
	Hub        Remote    // the hub the invited joins (one configured here)
	Org        string    // "" for a new organisation; this installation's own to invite a new laptop
	Device     string    // the new laptop's name ("" = "new laptop")
	Token      string    // the invited's token for the hub, or ""
	Expires    time.Time // the last day it is valid; zero = DefaultValidity from now
	Passphrase string    // required with a token or for a new laptop
}

// ChooseHub picks the hub named name among remotes ("" = the only one).
func ChooseHub(remotes []Remote, name string) (Remote, error) {
	if name == "" {
		switch len(remotes) {
		case 0:
			return Remote{}, fail(NoHub)
		case 1:
			return remotes[0], nil
		}
		return Remote{}, fail(ManyHubs)
	}
	for _, r := range remotes {
		if r.Name == name {
			return r, nil
		}
	}
	return Remote{}, fail(NoHub)
}

// Create makes an invitation signed by this installation and returns the
// file's bytes. For a new laptop (opt.Org is this installation's organisation)
// it makes the laptop's key and lists it in the organisation file first: a
// signed local change, sent at the next sync.
func Create(store *data.Store, opt Options, now time.Time) ([]byte, *Invitation, error) {
	me, err := store.Identity()
	if err != nil {
		return nil, nil, fail(NotSetUp)
	}
	in, err := trust.LoadInstallation(store.Dir())
	if err != nil {
		return nil, nil, err
	}
	if opt.Org != "" && opt.Org != me.Org {
		return nil, nil, &Error{Kind: NotOwnOrg, Org: me.Org}
	}
	expires := opt.Expires
	today := now.UTC().Truncate(24 * time.Hour)
	if expires.IsZero() {
		expires = now.Add(DefaultValidity)
	} else if expires.UTC().Before(today) {
		return nil, nil, fail(BadExpiry)
	}
	if opt.Token != "" && !strings.HasPrefix(opt.Hub.URL, "https://") && !strings.HasPrefix(opt.Hub.URL, "http://") {
		return nil, nil, fail(TokenNeedsHTTPS)
	}
	secret := opt.Token != "" || opt.Org != ""
	if secret && opt.Passphrase == "" {
		return nil, nil, fail(NeedsPassphrase)
	}
	if secret && len([]rune(opt.Passphrase)) < MinPassphrase {
		return nil, nil, fail(ShortPassphrase)
	}
	orgs, err := trust.NetworkKeys(store)
	if err != nil {
		return nil, nil, err
	}
	if !lists(orgs, me.Org, in.Public()) {
		return nil, nil, &Error{Kind: NotListed, Org: me.Org}
	}
	inv := &Invitation{Version: 1, Hub: Hub{Name: opt.Hub.Name, URL: opt.Hub.URL}, Token: opt.Token,
		From: From{Org: me.Org, Key: in.Public()}, Created: now.UTC().Truncate(time.Second),
		Expires: expires.UTC().Format(time.DateOnly)}
	if r, err := store.Get(me.Org); err == nil {
		if o, ok := r.(*data.Organisation); ok {
			inv.From.OrgName = o.Name
			for _, k := range o.Keys {
				if k.Public == in.Public() {
					inv.From.Device = k.Device
				}
			}
		}
	}
	if opt.Org != "" {
		priv, pub, err := trust.NewLaptopKey()
		if err != nil {
			return nil, nil, err
		}
		device := strings.TrimSpace(opt.Device)
		if device == "" {
			device = "new laptop"
		}
		if _, err := trust.AddKey(store, pub, device); err != nil {
			return nil, nil, err
		}
		r, err := store.Get(me.Org)
		if err != nil {
			return nil, nil, err
		}
		body, err := data.Encode(r)
		if err != nil {
			return nil, nil, err
		}
		inv.Laptop = &Laptop{Key: string(priv), OrgFile: string(body)}
		if orgs, err = trust.NetworkKeys(store); err != nil {
			return nil, nil, err
		}
	}
	inv.Orgs = orgs
	pass := ""
	if secret {
		pass = opt.Passphrase
	}
	file, err := Encode(inv, in, pass)
	if err != nil {
		return nil, nil, err
	}
	inv.Encrypted = secret
	return file, inv, nil
}
