package invite

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"vademecum/data"
	"vademecum/data/trust"
)

const pass = "tuesday lemon harbour"

func newStore(t *testing.T, org string) *data.Store {
	t.Helper()
	st, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o := &data.Organisation{Meta: data.Meta{ID: org, Lang: "en"}, Name: "Org " + org, Country: "IT", Languages: []string{"en"}}
	if err := st.Init(o, "Staff"); err != nil {
		t.Fatal(err)
	}
	if err := trust.EnsureListed(st, "office"); err != nil {
		t.Fatal(err)
	}
	return st
}

var hub = Remote{Name: "partners", URL: "https://hub.example.org/partners.git"}

func create(t *testing.T, st *data.Store, opt Options) []byte {
	t.Helper()
	opt.Hub = hub
	b, _, err := Create(st, opt, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func once(p string) func(int) (string, error) {
	return func(try int) (string, error) {
		if try > 1 {
			return "", nil
		}
		return p, nil
	}
}

func wantKind(t *testing.T, err error, k Kind) {
	t.Helper()
	if !IsKind(err, k) {
		t.Fatalf("got %v, want kind %d", err, k)
	}
}

func TestRoundTrip(t *testing.T) {
	coord := newStore(t, "opengroup-it")
	b := create(t, coord, Options{Token: "tok-123", Passphrase: pass})
	if bytes.Contains(b, []byte("tok-123")) || !Encrypted(b) || bytes.Count(b, []byte("\n")) != 1 {
		t.Fatal("a token travels in clear")
	}
	inv, err := Read(b, once(pass))
	if err != nil {
		t.Fatal(err)
	}
	in, _ := trust.LoadInstallation(coord.Dir())
	if inv.Token != "tok-123" || inv.Hub != (Hub{"partners", hub.URL}) || inv.From.Org != "opengroup-it" ||
		inv.Fingerprint() != in.Fingerprint() || !inv.Encrypted || len(inv.Orgs) != 1 {
		t.Fatalf("read back %+v", inv)
	}
	if _, err := Read(b, nil); !IsKind(err, NeedsPassphrase) {
		t.Errorf("no passphrase: %v", err)
	}
	plain := create(t, coord, Options{})
	if Encrypted(plain) || !strings.HasPrefix(string(plain), magic) {
		t.Fatalf("a plain invitation: %q", plain)
	}
	png, err := QR(b)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("QR: %v", err)
	}
}

func TestWrongPassphraseThreeTries(t *testing.T) {
	coord := newStore(t, "opengroup-it")
	b := create(t, coord, Options{Token: "tok", Passphrase: pass})
	tries := 0
	_, err := Read(b, func(try int) (string, error) { tries = try; return "wrong " + string(rune('0'+try)), nil })
	wantKind(t, err, WrongPassphrase)
	if tries != Tries {
		t.Errorf("asked %d times", tries)
	}
	tries = 0
	if _, err := Read(b, func(try int) (string, error) {
		tries = try
		if try < 3 {
			return "wrong", nil
		}
		return pass, nil
	}); err != nil || tries != 3 {
		t.Errorf("right on the third try: %v after %d", err, tries)
	}
}

func TestTampered(t *testing.T) {
	coord := newStore(t, "opengroup-it")
	plain := create(t, coord, Options{})
	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		if c[i] == 'A' {
			c[i] = 'B'
		} else {
			c[i] = 'A'
		}
		return c
	}
	for i := len(magic); i < len(plain)-2; i += 7 {
		_, err := Read(flip(plain, i), nil)
		if err == nil {
			t.Fatalf("a change at byte %d was not noticed", i)
		}
		if !IsKind(err, Tampered) {
			t.Fatalf("a change at byte %d: %v", i, err)
		}
	}
	wantKind(t, func() error { _, err := Read([]byte("hello"), nil); return err }(), NotInvitation)

	// Re-signed by someone else, pretending to be the coordinator: the signer
	// must be one of the keys it lists for its organisation.
	inv, _ := Read(plain, nil)
	mallory := newStore(t, "mallory-it")
	min, _ := trust.LoadInstallation(mallory.Dir())
	inv.From.Key = min.Public()
	forged, _ := Encode(inv, min, "")
	_, err := Read(forged, nil)
	wantKind(t, err, Tampered)

	// In an encrypted one, the ciphertext (its end holds the last chunk and its
	// authentication tag); a change in the header reads as a wrong passphrase.
	secret := create(t, coord, Options{Token: "tok", Passphrase: pass})
	for _, back := range []int{3, 10, 30, 60} {
		_, err = Read(flip(secret, len(secret)-1-back), once(pass))
		wantKind(t, err, Tampered)
	}
}

func TestCheck(t *testing.T) {
	coord := newStore(t, "opengroup-it")
	plain, _ := Read(create(t, coord, Options{}), nil)
	secret, _ := Read(create(t, coord, Options{Token: "t", Passphrase: pass}), once(pass))
	newcomer := newStore(t, "casa-aperta-it")
	now := time.Now()

	wantKind(t, Check(newcomer, plain, now, nil, ""), UnknownSigner)
	wantKind(t, Check(newStore(t, "opengroup-it"), secret, now, nil, ""), SameOrg)
	if err := Check(newcomer, plain, now, nil, strings.ToLower(plain.Fingerprint())); err != nil {
		t.Errorf("fingerprint confirmed: %v", err)
	}
	if err := Check(newcomer, secret, now, nil, ""); err != nil {
		t.Errorf("a first contact through an encrypted invitation: %v", err)
	}
	wantKind(t, Check(newcomer, secret, now.AddDate(0, 0, 30), nil, ""), Expired)
	wantKind(t, Check(newcomer, secret, now, []Remote{{"national", hub.URL + "/"}}, ""), HubConfigured)

	// The newcomer knows Open Group with another key: the passphrase does not
	// vouch for a key its organisation does not list.
	other := newStore(t, "opengroup-it")
	r, _ := other.Get("opengroup-it")
	tx := func(fn func(tx *data.Tx) error) {
		if err := newcomer.Tx(t.Context(), fn); err != nil {
			t.Fatal(err)
		}
	}
	tx(func(tx *data.Tx) error { return tx.Put(r, data.PutHub) })
	err := Check(newcomer, secret, now, nil, "")
	wantKind(t, err, UnknownSigner)

	// ...and one whose key is revoked there.
	r, _ = coord.Get("opengroup-it")
	o := r.(*data.Organisation)
	o.Keys[0].Revoked = data.Now()
	tx(func(tx *data.Tx) error { return tx.Put(o, data.PutHub) })
	err = Check(newcomer, secret, now, nil, "")
	wantKind(t, err, RevokedSigner)
	if !strings.Contains(err.Error(), "revoked on "+time.Now().UTC().Format(time.DateOnly)) {
		t.Errorf("revoked: %v", err)
	}
}

func TestNewLaptop(t *testing.T) {
	coord := newStore(t, "opengroup-it")
	if _, _, err := Create(coord, Options{Hub: hub, Org: "opengroup-it"}, time.Now()); !IsKind(err, NeedsPassphrase) {
		t.Fatalf("a laptop's key without a passphrase: %v", err)
	}
	if _, _, err := Create(coord, Options{Hub: hub, Org: "other-org", Passphrase: pass}, time.Now()); !IsKind(err, NotOwnOrg) {
		t.Fatalf("another organisation's laptop: %v", err)
	}
	b := create(t, coord, Options{Org: "opengroup-it", Device: "Anna", Passphrase: pass})
	inv, err := Read(b, once(pass))
	if err != nil || !inv.ForNewLaptop() {
		t.Fatalf("%v %+v", err, inv)
	}
	if err := Check(nil, inv, time.Now(), nil, ""); err != nil {
		t.Fatalf("a new data directory: %v", err)
	}
	wantKind(t, Check(newStore(t, "casa-aperta-it"), inv, time.Now(), nil, ""), OtherOrg)
	wantKind(t, Check(coord, inv, time.Now(), nil, ""), KeyExists)

	st, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	wantKind(t, Accept(st, inv, " "), UserRequired)
	if st.Initialised() {
		t.Fatal("set up without a name")
	}
	if err := Accept(st, inv, "Anna"); err != nil {
		t.Fatal(err)
	}
	me, _ := st.Identity()
	in, _ := trust.LoadInstallation(st.Dir())
	r, _ := st.Get("opengroup-it")
	listed := false
	for _, k := range r.(*data.Organisation).Keys {
		listed = listed || k.ID == in.ID() && k.Device == "Anna"
	}
	if me.Org != "opengroup-it" || me.User != "Anna" || !listed {
		t.Fatalf("identity %+v, listed %v", me, listed)
	}
	if p, _ := st.Pending(t.Context()); len(p) != 0 {
		t.Errorf("the new laptop would publish %d records", len(p))
	}

	// The organisation file inside, changed and signed by the laptop's own
	// new key: refused (a laptop never lists itself).
	inv2, _ := Read(b, once(pass))
	o, _, _ := laptopOrg(inv2)
	o.Name = "Changed"
	cin, _ := trust.LoadInstallation(coord.Dir())
	enc, _ := data.Encode(o)
	inv2.Laptop.OrgFile = string(enc)
	again, _ := Encode(inv2, cin, pass)
	_, err = Read(again, once(pass))
	wantKind(t, err, Tampered)
}

func TestExpiryAndShortPassphrase(t *testing.T) {
	coord := newStore(t, "opengroup-it")
	if _, _, err := Create(coord, Options{Hub: hub, Expires: time.Now().AddDate(0, 0, -2)}, time.Now()); !IsKind(err, BadExpiry) {
		t.Errorf("a past date: %v", err)
	}
	if _, _, err := Create(coord, Options{Hub: hub, Token: "t", Passphrase: "short"}, time.Now()); !IsKind(err, ShortPassphrase) {
		t.Errorf("a short passphrase: %v", err)
	}
	if _, _, err := Create(coord, Options{Hub: Remote{"usb", "/media/usb/hub"}, Token: "t", Passphrase: pass}, time.Now()); !IsKind(err, TokenNeedsHTTPS) {
		t.Errorf("a token for a folder: %v", err)
	}
	b, inv, err := Create(coord, Options{Hub: hub, Expires: time.Date(2099, 1, 31, 0, 0, 0, 0, time.UTC)}, time.Now())
	if err != nil || inv.Expires != "2099-01-31" {
		t.Fatal(err)
	}
	back, _ := Read(b, nil)
	if err := Check(nil, back, time.Date(2099, 1, 31, 23, 59, 0, 0, time.UTC), nil, back.Fingerprint()); err != nil {
		t.Errorf("the last day: %v", err)
	}
	wantKind(t, Check(nil, back, time.Date(2099, 2, 1, 0, 0, 0, 0, time.UTC), nil, back.Fingerprint()), Expired)
}

func TestHubName(t *testing.T) {
	inv := &Invitation{Hub: Hub{Name: "partners"}}
	if n := HubName(inv, []Remote{{"partners", "x"}, {"partners-2", "y"}}); n != "partners-3" {
		t.Errorf("name %q", n)
	}
}
