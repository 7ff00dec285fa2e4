package app

import (
	"context"
	"errors"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/sync/invite"
)

// Joining by invitation (package sync/invite): the person picks the file their
// coordinator sent, types the passphrase read to them by phone when the file
// has one (three tries), and compares the signer's fingerprint when this
// installation cannot vouch for it. Nothing is changed until then; accepting
// pins the network's keys, adds the hub with its token, and runs the first
// sync on the Sync screen, with its progress.

// errTryAgain stops invite.Read after one try: the dialog asks for the next.
var errTryAgain = errors.New("wrong passphrase")

// invitationButton is the "I have an invitation" button; chosen receives the
// invitation once read and checked against this installation.
// remotes lists the hubs configured here; it runs off the UI goroutine.
func (u *UI) invitationButton(remotes func() []invite.Remote, chosen func(inv *invite.Invitation)) *widget.Button {
	return widget.NewButtonWithIcon(lang.X("invite.have", "I have an invitation"), theme.MailComposeIcon(), func() {
		u.chooseInvite(func(path string) {
			u.background(func(ctx context.Context) func() {
				rs := remotes()
				return func() { u.readInvitation(path, rs, chosen) }
			})
		})
	})
}

// chooseInviteDialog asks for an invitation file with Fyne's file chooser.
func (u *UI) chooseInviteDialog(done func(path string)) {
	u.chooseFileDialog([]string{invite.FileExt}, lang.X("invite.open_failed", "The invitation could not be opened."), done)
}

// readInvitation opens the file at path: passphrase, signature, then the checks
// against this installation.
func (u *UI) readInvitation(path string, remotes []invite.Remote, chosen func(inv *invite.Invitation)) {
	b, err := os.ReadFile(path)
	if err != nil {
		u.showError(lang.X("invite.open_failed", "The invitation could not be opened."), err)
		return
	}
	if !invite.Encrypted(b) {
		inv, err := invite.Read(b, nil)
		if err != nil {
			u.invitationProblem(err)
			return
		}
		u.checkInvitation(inv, remotes, "", chosen)
		return
	}
	u.askPassphrase(b, 1, remotes, chosen)
}

// askPassphrase asks for the passphrase, try of invite.Tries.
func (u *UI) askPassphrase(file []byte, try int, remotes []invite.Remote, chosen func(inv *invite.Invitation)) {
	pass := newPasswordEntry(u)
	pass.SetPlaceHolder(lang.X("invite.passphrase.placeholder", "The passphrase your coordinator read to you"))
	items := []*widget.FormItem{widget.NewFormItem(lang.X("invite.passphrase", "Passphrase"), pass)}
	if try > 1 {
		left := plural("invite.passphrase.wrong", "Wrong passphrase: {{.Count}} try left.", "Wrong passphrase: {{.Count}} tries left.", invite.Tries-try+1)
		items = append(items, widget.NewFormItem("", errorLine(left)))
	}
	d := dialog.NewForm(lang.X("invite.passphrase.title", "This invitation is protected"),
		lang.X("invite.passphrase.open", "Open"), lang.X("dialog.cancel", "Cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			p := pass.Text
			u.background(func(ctx context.Context) func() {
				inv, err := invite.Read(file, func(n int) (string, error) {
					if n > 1 {
						return "", errTryAgain
					}
					return p, nil
				})
				return func() {
					switch {
					case errors.Is(err, errTryAgain) && try < invite.Tries:
						u.askPassphrase(file, try+1, remotes, chosen)
					case errors.Is(err, errTryAgain):
						u.invitationProblem(&invite.Error{Kind: invite.WrongPassphrase})
					case err != nil:
						u.invitationProblem(err)
					default:
						u.checkInvitation(inv, remotes, "", chosen)
					}
				}
			})
		}, u.win)
	d.Resize(fyne.NewSize(520, 220))
	u.showDialog(d)
	u.win.Canvas().Focus(pass)
}

// checkInvitation checks inv against this installation; a signer it cannot
// vouch for is shown with its fingerprint, for the person to compare.
func (u *UI) checkInvitation(inv *invite.Invitation, remotes []invite.Remote, confirmed string, chosen func(inv *invite.Invitation)) {
	err := invite.Check(u.store, inv, time.Now(), remotes, confirmed)
	if invite.IsKind(err, invite.UnknownSigner) {
		msg := lang.X("invite.signer.unknown", "This invitation says it comes from {{.Org}}, signed with the key\n\n{{.Fingerprint}}\n\nwhich this computer does not know. Call {{.Org}} and compare this fingerprint with theirs. Go ahead only if it is the same.",
			map[string]any{"Org": orgLabel(inv), "Fingerprint": inv.Fingerprint()})
		u.confirm(lang.X("invite.signer.title", "Compare the fingerprint"), msg,
			lang.X("invite.signer.same", "It is the same"), lang.X("dialog.cancel", "Cancel"), func() {
				u.checkInvitation(inv, remotes, inv.Fingerprint(), chosen)
			})
		return
	}
	if err != nil {
		u.invitationProblem(err)
		return
	}
	chosen(inv)
}

func orgLabel(inv *invite.Invitation) string {
	if inv.From.OrgName == "" {
		return inv.From.Org
	}
	return inv.From.OrgName
}

// invitationProblem shows why an invitation cannot be used, in one sentence.
func (u *UI) invitationProblem(err error) {
	d := dialog.NewInformation(lang.X("invite.problem", "This invitation cannot be used"), invitationErrorText(err), u.win)
	u.showDialog(d)
}

// invitationErrorText words an invitation problem for people.
func invitationErrorText(err error) string {
	var e *invite.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	args := map[string]any{"Org": e.Org, "Fingerprint": e.Fingerprint, "Date": e.Date, "Hub": e.Hub}
	if e.OrgName != "" {
		args["Org"] = e.OrgName
	}
	switch e.Kind {
	case invite.NotInvitation:
		return lang.X("invite.error.not_invitation", "This file is not a Vademecum invitation. Ask your coordinator to send the invitation file again.")
	case invite.Tampered:
		return lang.X("invite.error.tampered", "This invitation was changed after it was signed, so it cannot be trusted. Ask your coordinator for a new one.")
	case invite.WrongPassphrase:
		return lang.X("invite.error.passphrase", "The passphrase was wrong three times. Nothing was changed. Ask your coordinator to read the passphrase again.")
	case invite.NeedsPassphrase:
		return lang.X("invite.error.needs_passphrase", "This invitation is protected: type the passphrase your coordinator gave you by phone.")
	case invite.Expired:
		return lang.X("invite.error.expired", "This invitation expired on {{.Date}}. Ask {{.Org}} for a new one.", args)
	case invite.RevokedSigner:
		return lang.X("invite.error.revoked", "This invitation is signed with a key of {{.Org}} that was withdrawn on {{.Date}} (fingerprint {{.Fingerprint}}). It is refused and nothing was changed. Call {{.Org}}.", args)
	case invite.UnknownSigner:
		return lang.X("invite.error.unknown", "This invitation says it comes from {{.Org}}, but its key (fingerprint {{.Fingerprint}}) is not known here. Call {{.Org}} and compare the fingerprint.", args)
	case invite.HubConfigured:
		return lang.X("invite.error.hub_configured", "The hub of this invitation is already set up here, as \"{{.Hub}}\". Nothing was changed.", args)
	case invite.OtherOrg:
		return lang.X("invite.error.other_org", "This invitation is for a new computer of {{.Org}}, and this computer belongs to another organisation.", args)
	case invite.SameOrg:
		return lang.X("invite.error.same_org", "This invitation is for another organisation joining the hub. For a new computer of {{.Org}}, ask {{.Org}} for an invitation for a new computer.", args)
	case invite.KeyExists:
		return lang.X("invite.error.key_exists", "This invitation is for a new computer of {{.Org}}, and this computer already has a key of its own.", args)
	case invite.NotSetUp:
		return lang.X("invite.error.not_set_up", "This computer has no organisation yet: finish the first start, then use the invitation.")
	case invite.NoHub:
		return lang.X("invite.create.no_hub", "Set up a hub first: the invitation hands it over.")
	case invite.ManyHubs:
		return lang.X("invite.error.many_hubs", "Several hubs are set up here: choose the one the invitation is for.")
	case invite.NotOwnOrg:
		return lang.X("invite.error.not_own_org", "A computer invites new computers of its own organisation ({{.Org}}) only.", map[string]any{"Org": e.Org})
	case invite.TooLargeForQR:
		return lang.X("invite.error.too_large_for_qr", "The invitation is too large for a QR code: give the file instead (it was saved).")
	case invite.UserRequired:
		return lang.X("invite.error.user_required", "A new computer needs the name of the person using it.")
	case invite.BadExpiry:
		return lang.X("invite.create.error.expires", "Write a day in the future as year-month-day, e.g. 2027-01-31.")
	case invite.ShortPassphrase:
		return lang.X("invite.create.error.passphrase", "With a token or for a new computer, choose a passphrase of at least 10 characters.")
	case invite.TokenNeedsHTTPS:
		return lang.X("invite.create.error.token", "A token is only used with a web (https://) hub.")
	case invite.NotListed:
		return lang.X("invite.create.error.not_listed", "This computer's key is not listed for your organisation yet: sync first, or invite from a computer partners already know.")
	}
	return err.Error()
}

// invitationBanner says, on the first-start form, which invitation is in use.
func (u *UI) invitationBanner(inv *invite.Invitation) fyne.CanvasObject {
	args := map[string]any{"Org": orgLabel(inv), "Hub": inv.Hub.Name, "Date": inv.Expires}
	if d, err := time.Parse(time.DateOnly, inv.Expires); err == nil {
		args["Date"] = formatDate(d, u.lang)
	}
	text := lang.X("invite.banner", "Invitation from {{.Org}} to the hub \"{{.Hub}}\", valid until {{.Date}}. Once you start, the hub is added and your first sync begins.", args)
	if inv.ForNewLaptop() {
		text += "\n" + lang.X("invite.banner.laptop", "This computer becomes a new computer of {{.Org}}: only your name is needed.", args)
	}
	return container.NewBorder(nil, nil, widget.NewIcon(theme.MailComposeIcon()), nil, paragraph(text))
}

// joinHub adds the invitation's hub with its token, then runs the first sync
// on the Sync screen, where its progress shows.
func (u *UI) joinHub(inv *invite.Invitation, done func()) {
	if u.engine == nil {
		u.showError(lang.X("sync.hubs.unavailable", "This copy of Vademecum cannot sync: your practices stay on this computer. Ask your coordinator for a version with sync."), nil)
		return
	}
	u.background(func(ctx context.Context) func() {
		rs, err := u.engine.Remotes()
		var name string
		if err == nil {
			name = invite.HubName(inv, hubRemotes(rs))
			_, err = u.engine.AddRemote(name, inv.Hub.URL, inv.Token)
		}
		return func() {
			if err != nil {
				u.showError(lang.X("invite.hub_failed", "The hub of the invitation could not be added."), err)
				return
			}
			u.refreshStatus()
			if done != nil {
				done()
			}
			if u.syncs != nil {
				u.selectTab(2)
				u.syncs.syncNow()
			}
		}
	})
}

func hubRemotes(rs []Remote) []invite.Remote {
	out := make([]invite.Remote, 0, len(rs))
	for _, r := range rs {
		out = append(out, invite.Remote{Name: r.Name, URL: r.URL})
	}
	return out
}

// settingsInvitation is Settings → Hub's "I have an invitation": the
// installation is set up already, so the invitation adds a hub and the keys.
func (u *UI) settingsInvitation(done func()) *widget.Button {
	remotes := func() []invite.Remote {
		if u.engine == nil {
			return nil
		}
		rs, _ := u.engine.Remotes()
		return hubRemotes(rs)
	}
	return u.invitationButton(remotes, func(inv *invite.Invitation) {
		if err := invite.Accept(u.store, inv, u.me.User); err != nil {
			u.invitationProblem(err)
			return
		}
		u.joinHub(inv, done)
	})
}

func errorLine(text string) *widget.Label {
	l := errorText()
	setError(l, text)
	return l
}

// invitationRows are the first-start form's invitation button, or once one is
// chosen, what it says.
func (f *firstStart) invitationRows() fyne.CanvasObject {
	if f.invite != nil {
		return f.u.invitationBanner(f.invite)
	}
	btn := f.u.invitationButton(func() []invite.Remote { return nil }, func(inv *invite.Invitation) {
		f.invite = inv
		f.rebuild()
	})
	return container.NewBorder(nil, nil, nil, btn, hint(lang.X("invite.have.hint", "If your coordinator sent you an invitation file, open it here: it sets up the hub for you.")))
}

// inviterIsOwnOrg refuses an organisation invitation for the inviting
// organisation itself: a new computer of it needs an invitation for a new
// computer, which lists its key (otherwise its own file would be one partners
// refuse).
func (f *firstStart) inviterIsOwnOrg(org string) bool {
	if f.invite == nil || f.invite.ForNewLaptop() || org != f.invite.From.Org {
		return false
	}
	setError(f.problem, invitationErrorText(&invite.Error{Kind: invite.SameOrg, Org: f.invite.From.Org, OrgName: f.invite.From.OrgName}))
	return true
}

// submitNewLaptop sets this computer up as a new laptop of the inviting
// organisation; it reports whether the invitation was one.
func (f *firstStart) submitNewLaptop() bool {
	if f.invite == nil || !f.invite.ForNewLaptop() {
		return false
	}
	if err := invite.Accept(f.u.store, f.invite, f.user.Text); err != nil {
		if invite.IsKind(err, invite.UserRequired) {
			setError(f.errs["user"], lang.X("first.error.user", "Please type your name."))
		} else {
			setError(f.problem, invitationErrorText(err))
		}
		return true
	}
	f.started()
	return true
}

// started opens the main window; with an invitation, its keys are pinned and
// its hub joined, and the first sync runs.
func (f *firstStart) started() {
	u, inv := f.u, f.invite
	var err error
	if inv != nil && !inv.ForNewLaptop() {
		err = invite.Accept(u.store, inv, "")
	}
	// Results of background work wait until the main window is built, as in New.
	u.uiMu.Lock()
	u.showMain()
	u.uiMu.Unlock()
	switch {
	case err != nil:
		u.invitationProblem(err)
	case inv != nil:
		u.joinHub(inv, nil)
	}
}
