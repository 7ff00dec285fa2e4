package app

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/internal/atomicfile"
	"vademecum/sync/invite"
)

// inviteForm is Settings → Hub → "Invite…": a coordinator hands the hub, a
// token and the network's keys to a new organisation, or a laptop lists a new
// laptop of its own organisation, in one file and a QR code.
type inviteForm struct {
	u          *UI
	dlg        dialog.Dialog
	hub        *picker
	who        *widget.RadioGroup
	device     *entry
	token      *entry
	expires    *entry
	passphrase *entry
	problem    *widget.Label
	box        *fyne.Container
	remotes    []invite.Remote
	create     *widget.Button
}

// inviteButton opens the invitation form.
func (u *UI) inviteButton() *widget.Button {
	return widget.NewButtonWithIcon(lang.X("invite.create", "Invite…"), theme.MailSendIcon(), func() {
		if u.engine == nil {
			u.showError(lang.X("sync.hubs.unavailable", "This copy of Vademecum cannot sync: your practices stay on this computer. Ask your coordinator for a version with sync."), nil)
			return
		}
		u.background(func(ctx context.Context) func() {
			rs, err := u.engine.Remotes()
			return func() {
				if err != nil {
					u.showError(lang.X("invite.hub_failed", "The hub of the invitation could not be added."), err)
					return
				}
				if len(rs) == 0 {
					u.showError(lang.X("invite.create.no_hub", "Set up a hub first: the invitation hands it over."), nil)
					return
				}
				u.showInviteForm(hubRemotes(rs))
			}
		})
	})
}

func (u *UI) showInviteForm(remotes []invite.Remote) *inviteForm {
	f := &inviteForm{u: u, remotes: remotes, problem: errorText()}
	var names []string
	for _, r := range remotes {
		names = append(names, r.Name+" — "+r.URL)
	}
	f.hub = newPicker(names, names, nil)
	f.hub.SetSelectedIndex(0)
	f.who = widget.NewRadioGroup([]string{
		lang.X("invite.create.org", "A partner organisation"),
		lang.X("invite.create.laptop", "A new computer of {{.Org}}", map[string]any{"Org": u.orgName(u.me.Org)}),
	}, func(string) {
		if f.device == nil {
			return
		}
		if f.who.Selected == f.who.Options[1] {
			f.device.Enable()
		} else {
			f.device.Disable()
		}
	})
	f.who.Required = true
	f.device = newEntry(u)
	f.device.SetPlaceHolder(lang.X("invite.create.device.placeholder", "e.g. Anna's laptop"))
	f.who.SetSelected(f.who.Options[0])
	f.token = newPasswordEntry(u)
	f.token.SetPlaceHolder(lang.X("invite.create.token.placeholder", "The token made for them on the hub, if any"))
	f.expires = newEntry(u)
	f.expires.SetText(time.Now().Add(invite.DefaultValidity).Format(time.DateOnly))
	f.passphrase = newPasswordEntry(u)
	f.passphrase.SetPlaceHolder(lang.X("invite.create.passphrase.placeholder", "At least 10 characters; you will read it to them by phone"))
	form := widget.NewForm(
		widget.NewFormItem(lang.X("invite.create.hub", "Hub"), f.hub.Select),
		widget.NewFormItem(lang.X("invite.create.for", "For"), f.who),
		widget.NewFormItem(lang.X("invite.create.device", "Name of the new computer"), f.device),
		widget.NewFormItem(lang.X("hub.form.token", "Access token"), f.token),
		widget.NewFormItem(lang.X("invite.create.expires", "Valid until"), f.expires),
		widget.NewFormItem(lang.X("invite.passphrase", "Passphrase"), f.passphrase),
	)
	form.Items[4].HintText = lang.X("invite.create.expires.hint", "Year-month-day, e.g. 2027-01-31.")
	form.Items[5].HintText = lang.X("invite.create.passphrase.hint", "Needed with a token or for a new computer: the file is then encrypted.")
	f.create = widget.NewButtonWithIcon(lang.X("invite.create.save", "Save the invitation…"), theme.DocumentSaveIcon(), f.submit)
	f.create.Importance = widget.HighImportance
	f.box = container.NewVBox(
		paragraph(lang.X("invite.create.help", "The invitation holds this hub, the token and the keys of every organisation as this computer knows them, signed with this computer's key.")),
		form, f.problem)
	f.dlg = dialog.NewCustom(lang.X("invite.create.title", "Invite to the hub"), lang.X("dialog.close", "Close"),
		container.NewVBox(f.box, container.NewHBox(f.create)), u.win)
	f.dlg.Resize(fyne.NewSize(680, 560))
	u.showDialog(f.dlg)
	u.invites = f
	return f
}

// submit checks the form, asks for a folder, writes the file and its QR code.
func (f *inviteForm) submit() {
	setError(f.problem, "")
	opt := invite.Options{Hub: f.remotes[max(f.hub.SelectedIndex(), 0)], Token: strings.TrimSpace(f.token.Text),
		Passphrase: f.passphrase.Text, Device: strings.TrimSpace(f.device.Text)}
	if f.who.Selected == f.who.Options[1] {
		opt.Org = f.u.me.Org
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(f.expires.Text))
	if err != nil {
		f.fail(&invite.Error{Kind: invite.BadExpiry})
		return
	}
	opt.Expires = d
	if (opt.Token != "" || opt.Org != "") && opt.Passphrase == "" {
		f.fail(&invite.Error{Kind: invite.NeedsPassphrase})
		return
	}
	f.u.chooseFolder(f.u.defaultExportDir(), func(dir string) {
		f.create.Disable()
		f.u.background(func(ctx context.Context) func() {
			file, inv, err := invite.Create(f.u.store, opt, time.Now())
			var path string
			var png []byte
			if err == nil {
				path = filepath.Join(dir, opt.Hub.Name+"-"+inv.Expires+invite.FileExt)
				err = atomicfile.WriteFile(path, file, 0o600)
			}
			if err == nil {
				// A file too large for a QR code is still a good invitation.
				if png, _ = invite.QR(file); png != nil {
					atomicfile.WriteFile(strings.TrimSuffix(path, invite.FileExt)+".png", png, 0o600)
				}
			}
			return func() {
				f.create.Enable()
				if err != nil {
					f.fail(err)
					return
				}
				f.dlg.Hide()
				f.u.showInvitation(path, png, inv.Encrypted)
			}
		})
	})
}

func (f *inviteForm) fail(err error) {
	setError(f.problem, inviteCreateErrorText(err))
	f.box.Refresh()
}

// inviteCreateErrorText words what stops an invitation from being made.
func inviteCreateErrorText(err error) string {
	if invite.IsKind(err, invite.NeedsPassphrase) {
		return lang.X("invite.create.error.passphrase", "With a token or for a new computer, choose a passphrase of at least 10 characters.")
	}
	return invitationErrorText(err)
}

// showInvitation says where the invitation was saved and shows its QR code.
func (u *UI) showInvitation(path string, png []byte, encrypted bool) {
	objs := []fyne.CanvasObject{paragraph(lang.X("invite.created", "The invitation is saved as {{.Path}}. Send this file (or the QR code beside it) to the person you invite.", map[string]any{"Path": path}))}
	if encrypted {
		objs = append(objs, paragraph(lang.X("invite.created.passphrase", "Read them the passphrase by phone: never send it with the file.")))
	}
	if png != nil {
		img := canvas.NewImageFromReader(bytes.NewReader(png), "invitation.png")
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(300, 300))
		objs = append(objs, img)
	}
	d := dialog.NewCustom(lang.X("invite.created.title", "Invitation ready"), lang.X("dialog.close", "Close"), container.NewVBox(objs...), u.win)
	u.showDialog(d)
}
