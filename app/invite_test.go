package app

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/data/trust"
	"vademecum/sync/invite"
)

const testPassphrase = "tuesday lemon harbour"

// coordinatorInvite writes an invitation made by a coordinator's installation
// (Open Group) and returns its path. opt.Hub is filled in.
func coordinatorInvite(t *testing.T, opt invite.Options) (string, *data.Store) {
	t.Helper()
	coord := newTestStore(t)
	if err := trust.EnsureListed(coord, "office laptop"); err != nil {
		t.Fatal(err)
	}
	opt.Hub = invite.Remote{Name: "partners", URL: "https://hub.example.org/partners.git"}
	file, _, err := invite.Create(coord, opt, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "partners"+invite.FileExt)
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, coord
}

// freshUI is a new installation's first start, with a hub that opens once
// first start is done, as the desktop app wires it.
func freshUI(t *testing.T, langCode string) (*UI, *data.Store, *fakeEngine) {
	t.Helper()
	st, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.SetSetting(data.SettingUILang, langCode)
	st.SetSetting(SettingTheme, ThemeLight)
	if _, err := assets.Seed(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	hub := &fakeEngine{store: st, result: SyncResult{Received: 3}}
	a := test.NewTempApp(t)
	u := New(a, Options{Store: st, OpenEngine: func() (Engine, error) { return hub, nil }})
	u.Window().Resize(fyne.NewSize(1100, 760))
	u.Wait()
	t.Cleanup(func() {
		u.Close()
		u.Wait()
	})
	return u, st, hub
}

// typePassphrase types p in the open passphrase dialog and presses Open.
func typePassphrase(t *testing.T, u *UI, p string) {
	t.Helper()
	var pass *entry
	var open *widget.Button
	for _, o := range u.Window().Canvas().Overlays().List() {
		if e, ok := find(o, func(e *entry) bool { return e.Password }); ok {
			pass = e
		}
		if b, ok := button(o, "Open"); ok {
			open = b
		}
	}
	if pass == nil || open == nil {
		t.Fatalf("no passphrase dialog open; the window shows:\n%s", overlayText(u))
	}
	test.Type(pass, p)
	test.Tap(open)
	u.Wait()
}

func tapInvitation(t *testing.T, u *UI, root fyne.CanvasObject, path string) {
	t.Helper()
	u.chooseInvite = func(done func(string)) { done(path) }
	b, ok := button(root, lang.X("invite.have", "I have an invitation"))
	if !ok {
		t.Fatal("no 'I have an invitation' button")
	}
	test.Tap(b)
	u.Wait()
}

func TestFirstStartWithInvitation(t *testing.T) {
	path, _ := coordinatorInvite(t, invite.Options{Token: "newcomer-token", Passphrase: testPassphrase})
	u, st, hub := freshUI(t, "en")
	f := u.first
	tapInvitation(t, u, f.content, path)
	typePassphrase(t, u, testPassphrase)
	f = u.first
	if f.invite == nil {
		t.Fatalf("the invitation was not taken; dialogs:\n%s", overlayText(u))
	}
	if l, ok := find(f.content, func(l *widget.Label) bool {
		return strings.Contains(l.Text, "Invitation from Open Group to the hub \"partners\"")
	}); !ok {
		t.Error("the form does not say which invitation is used")
	} else if !l.Visible() {
		t.Error("the invitation banner is hidden")
	}
	if _, ok := button(f.content, "I have an invitation"); ok {
		t.Error("the invitation button is still offered once an invitation is chosen")
	}
	if st.Initialised() {
		t.Fatal("choosing an invitation set the installation up before Start")
	}
	f.mode.SetSelected(f.mode.Options[1])
	test.Type(f.orgName, "Casa Aperta")
	f.country.setValue("IT")
	test.Type(f.user, "Giulia Bianchi")
	start, _ := button(f.content, "Start using Vademecum")
	test.Tap(start)
	u.Wait()
	if u.tabs == nil {
		t.Fatal("the main window did not open")
	}
	if me, err := st.Identity(); err != nil || me.Org != "casa-aperta-it" {
		t.Fatalf("identity %+v %v", me, err)
	}
	hub.mu.Lock()
	remotes := append([]Remote(nil), hub.remotes...)
	hub.mu.Unlock()
	if len(remotes) != 1 || remotes[0].Name != "partners" || remotes[0].URL != "https://hub.example.org/partners.git" {
		t.Fatalf("hubs added: %+v", remotes)
	}
	if got := hub.tokens["partners"]; got != "newcomer-token" {
		t.Errorf("the hub was added with the token %q, want the invitation's", got)
	}
	pinned, err := trust.Invited(st)
	if err != nil || len(pinned["opengroup-it"].Keys) == 0 {
		t.Fatalf("the coordinator's keys are not pinned: %+v %v", pinned, err)
	}
	if u.tabs.Selected().Content != u.syncs.content {
		t.Error("the first sync does not show on the Sync screen")
	}
	if !strings.Contains(u.syncs.result.Text, "3 changes received") {
		t.Errorf("first sync result: %q", u.syncs.result.Text)
	}
}

func TestInvitationWrongPassphraseThreeTimes(t *testing.T) {
	path, _ := coordinatorInvite(t, invite.Options{Token: "newcomer-token", Passphrase: testPassphrase})
	u, st, _ := freshUI(t, "en")
	tapInvitation(t, u, u.first.content, path)
	typePassphrase(t, u, "wrong one")
	if msg := overlayText(u); !strings.Contains(msg, "Wrong passphrase: 2 tries left.") {
		t.Fatalf("after one wrong try:\n%s", msg)
	}
	typePassphrase(t, u, "wrong two")
	if msg := overlayText(u); !strings.Contains(msg, "Wrong passphrase: 1 try left.") {
		t.Fatalf("after two wrong tries:\n%s", msg)
	}
	typePassphrase(t, u, "wrong three")
	if msg := overlayText(u); !strings.Contains(msg, "The passphrase was wrong three times. Nothing was changed.") {
		t.Fatalf("after three wrong tries:\n%s", msg)
	}
	if u.first.invite != nil || st.Initialised() {
		t.Error("a wrong passphrase kept something")
	}
	if v, _ := st.Setting(trust.SettingInvited); v != "" {
		t.Errorf("keys pinned after a wrong passphrase: %s", v)
	}
}

func TestInvitationForNewLaptop(t *testing.T) {
	path, coord := coordinatorInvite(t, invite.Options{Org: "opengroup-it", Device: "Giulia's laptop", Token: "our-token", Passphrase: testPassphrase})
	u, st, hub := freshUI(t, "en")
	tapInvitation(t, u, u.first.content, path)
	typePassphrase(t, u, testPassphrase)
	f := u.first
	if f.invite == nil || !f.invite.ForNewLaptop() {
		t.Fatalf("the new-laptop invitation was not taken:\n%s", overlayText(u))
	}
	if f.mode.Visible() || f.newOrg.Visible() {
		t.Error("the organisation is asked although the invitation says it")
	}
	start, _ := button(f.content, "Start using Vademecum")
	test.Tap(start)
	if !f.errs["user"].Visible() || st.Initialised() {
		t.Fatal("no name: no message, or set up anyway")
	}
	test.Type(f.user, "Giulia Rossi")
	test.Tap(start)
	u.Wait()
	me, err := st.Identity()
	if err != nil || me.Org != "opengroup-it" || me.User != "Giulia Rossi" {
		t.Fatalf("identity %+v %v", me, err)
	}
	in, err := trust.LoadInstallation(st.Dir())
	if err != nil {
		t.Fatal(err)
	}
	r, err := coord.Get("opengroup-it")
	if err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, k := range r.(*data.Organisation).Keys {
		listed = listed || k.ID == in.ID() && k.Device == "Giulia's laptop"
	}
	if !listed {
		t.Error("the new laptop's key is not listed in the coordinator's organisation file")
	}
	if out, err := st.Pending(context.Background()); err != nil || len(out) != 0 {
		t.Errorf("the new laptop would send %d records (its organisation file must not go out from here): %v", len(out), err)
	}
	if hub.tokens["partners"] != "our-token" {
		t.Errorf("token %q", hub.tokens["partners"])
	}
}

func TestSettingsInvitationAsksToCompareFingerprint(t *testing.T) {
	path, coord := coordinatorInvite(t, invite.Options{})
	st, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	org := &data.Organisation{Name: "Casa Aperta", Country: "IT", Languages: []string{"it"}}
	org.ID, org.Lang = "casa-aperta-it", "it"
	if err := st.Init(org, "Giulia"); err != nil {
		t.Fatal(err)
	}
	st.SetSetting(data.SettingUILang, "en")
	hub := &fakeEngine{store: st}
	u := newTestUI(t, st, hub)
	settings := newSettingsScreen(u)
	tapInvitation(t, u, settings.content, path)
	msg := overlayText(u)
	in, _ := trust.LoadInstallation(coord.Dir())
	if !strings.Contains(msg, "says it comes from Open Group") || !strings.Contains(msg, in.Fingerprint()) {
		t.Fatalf("a plain invitation from someone never met does not ask to compare the fingerprint:\n%s", msg)
	}
	if len(hub.remotes) != 0 {
		t.Fatal("the hub was added before the fingerprint was compared")
	}
	var same *widget.Button
	for _, o := range u.Window().Canvas().Overlays().List() {
		if b, ok := button(o, "It is the same"); ok {
			same = b
		}
	}
	test.Tap(same)
	u.Wait()
	if len(hub.remotes) != 1 || hub.remotes[0].URL != "https://hub.example.org/partners.git" {
		t.Fatalf("hubs: %+v", hub.remotes)
	}
	// The same invitation again: the hub is set up already.
	tapInvitation(t, u, settings.content, path)
	for _, o := range u.Window().Canvas().Overlays().List() {
		if b, ok := button(o, "It is the same"); ok {
			test.Tap(b)
			u.Wait()
		}
	}
	if msg := overlayText(u); !strings.Contains(msg, "The hub of this invitation is already set up here, as \"partners\". Nothing was changed.") {
		t.Errorf("a second join of the same hub:\n%s", msg)
	}
	if len(hub.remotes) != 1 {
		t.Errorf("hubs after the second try: %+v", hub.remotes)
	}
}

func TestInvitationProblems(t *testing.T) {
	path, _ := coordinatorInvite(t, invite.Options{})
	b, _ := os.ReadFile(path)
	tampered := filepath.Join(t.TempDir(), "tampered"+invite.FileExt)
	s := string(b)
	i := len("vademecum-invite:1:") + 40
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	os.WriteFile(tampered, []byte(s[:i]+string(c)+s[i+1:]), 0o600)
	notOne := filepath.Join(t.TempDir(), "notes"+invite.FileExt)
	os.WriteFile(notOne, []byte("minutes of the meeting\n"), 0o600)
	for _, c := range []struct{ path, want string }{
		{tampered, "This invitation was changed after it was signed"},
		{notOne, "This file is not a Vademecum invitation"},
	} {
		u, st, _ := freshUI(t, "en")
		tapInvitation(t, u, u.first.content, c.path)
		if msg := overlayText(u); !strings.Contains(msg, c.want) {
			t.Errorf("%s: the dialog says:\n%s", filepath.Base(c.path), msg)
		}
		if u.first.invite != nil || st.Initialised() {
			t.Errorf("%s: taken anyway", filepath.Base(c.path))
		}
	}
}

// TestScreenshotsInvitation renders first start with an invitation, in Italian
// (make screenshots).
func TestScreenshotsInvitation(t *testing.T) {
	if *screenshotDir == "" {
		t.Skip("pass -screenshots=DIR to render the screens")
	}
	path, _ := coordinatorInvite(t, invite.Options{Token: "newcomer-token", Passphrase: testPassphrase})
	u, _, _ := freshUI(t, "it")
	tapInvitation(t, u, u.first.content, path)
	var pass *entry
	for _, o := range u.Window().Canvas().Overlays().List() {
		if e, ok := find(o, func(e *entry) bool { return e.Password }); ok {
			pass = e
		}
	}
	test.Type(pass, testPassphrase)
	shot := func(name string) {
		u.Wait()
		f, err := os.Create(filepath.Join(*screenshotDir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, u.Window().Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
	shot("first-start-invitation-passphrase-it")
	for _, o := range u.Window().Canvas().Overlays().List() {
		if b, ok := button(o, lang.X("invite.passphrase.open", "Open")); ok {
			test.Tap(b)
		}
	}
	u.Wait()
	u.first.mode.SetSelected(u.first.mode.Options[1])
	test.Type(u.first.orgName, "Casa Aperta")
	u.first.country.setValue("IT")
	test.Type(u.first.user, "Giulia Bianchi")
	u.first.content.Refresh()
	shot("first-start-invitation-it")

	st := newTestStore(t)
	trust.EnsureListed(st, "ufficio")
	st.SetSetting(data.SettingUILang, "it")
	st.SetSetting(SettingTheme, ThemeLight)
	u = newTestUI(t, st, &fakeEngine{store: st})
	f := u.showInviteForm([]invite.Remote{{Name: "partners", URL: "https://hub.example.org/partners.git"}})
	test.Type(f.token, "newcomer-token")
	test.Type(f.passphrase, testPassphrase)
	shot("settings-invite-it")
}

func TestCreateInvitationInApp(t *testing.T) {
	st := newTestStore(t)
	if err := trust.EnsureListed(st, "office laptop"); err != nil {
		t.Fatal(err)
	}
	hub := &fakeEngine{store: st, remotes: []Remote{{Name: "partners", URL: "https://hub.example.org/partners.git"}}}
	u := newTestUI(t, st, hub)
	dir := t.TempDir()
	u.chooseFolder = func(start string, done func(string)) { done(dir) }
	settings := newSettingsScreen(u)
	b, ok := button(settings.content, "Invite…")
	if !ok {
		t.Fatal("no Invite button in Settings")
	}
	test.Tap(b)
	u.Wait()
	var f *inviteForm
	f = u.invites
	if f == nil {
		t.Fatal("the invitation form did not open")
	}
	// A token needs a passphrase.
	test.Type(f.token, "newcomer-token")
	test.Tap(f.create)
	u.Wait()
	if !strings.Contains(f.problem.Text, "choose a passphrase of at least 10 characters") {
		t.Fatalf("no passphrase: %q", f.problem.Text)
	}
	f.expires.SetText("2020-01-01")
	test.Type(f.passphrase, testPassphrase)
	test.Tap(f.create)
	u.Wait()
	if !strings.Contains(f.problem.Text, "a day in the future") {
		t.Fatalf("a past date: %q", f.problem.Text)
	}
	f.expires.SetText("2099-12-31")
	test.Tap(f.create)
	u.Wait()
	path := filepath.Join(dir, "partners-2099-12-31"+invite.FileExt)
	b2, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the invitation was not saved: %v; form says %q", err, f.problem.Text)
	}
	inv, err := invite.Read(b2, func(int) (string, error) { return testPassphrase, nil })
	if err != nil || inv.Token != "newcomer-token" || inv.Hub.URL != "https://hub.example.org/partners.git" || inv.Expires != "2099-12-31" {
		t.Fatalf("saved invitation: %+v %v", inv, err)
	}
	if _, err := os.Stat(strings.TrimSuffix(path, invite.FileExt) + ".png"); err != nil {
		t.Errorf("no QR code beside it: %v", err)
	}
	if msg := overlayText(u); !strings.Contains(msg, "Read them the passphrase by phone") {
		t.Errorf("the result dialog says:\n%s", msg)
	}
}

func TestInvitationRefusesTheInvitersOwnOrganisation(t *testing.T) {
	path, _ := coordinatorInvite(t, invite.Options{Token: "tok", Passphrase: testPassphrase})
	u, st, _ := freshUI(t, "en")
	tapInvitation(t, u, u.first.content, path)
	typePassphrase(t, u, testPassphrase)
	f := u.first
	f.partner.setValue("opengroup-it")
	test.Type(f.user, "Marco")
	start, _ := button(f.content, "Start using Vademecum")
	test.Tap(start)
	u.Wait()
	if st.Initialised() || !strings.Contains(f.problem.Text, "ask Open Group for an invitation for a new computer") {
		t.Fatalf("set up as a second, unlisted laptop of the inviter: initialised %v, message %q", st.Initialised(), f.problem.Text)
	}
}

// TestEveryInvitationProblemWorded: each kind of invitation problem has words
// of the catalogue, in English and in Polish, never the English technical text
// of sync/invite (which the app would otherwise show as it is).
func TestEveryInvitationProblemWorded(t *testing.T) {
	defer UseLanguage("en")
	for _, l := range []string{"en", "pl"} {
		UseLanguage(l)
		for k := invite.NotInvitation; k <= invite.SameOrg; k++ {
			e := &invite.Error{Kind: k, Org: "shelter-it", Date: "2027-01-31", Fingerprint: "AB12 CD34", Hub: "network"}
			got := invitationErrorText(e)
			if got == "" || got == e.Error() || strings.Contains(got, "{{") {
				t.Errorf("%s: kind %d is worded %q", l, k, got)
			}
			if got := inviteCreateErrorText(e); got == e.Error() {
				t.Errorf("%s: kind %d is worded, when making an invitation, %q", l, k, got)
			}
		}
	}
}
