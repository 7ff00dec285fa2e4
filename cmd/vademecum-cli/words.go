package main

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"vademecum/data"
	"vademecum/data/trust"
	"vademecum/internal/reason"
	"vademecum/internal/words"
	vsync "vademecum/sync"
	"vademecum/sync/invite"
)

// said is a text worded from the catalogue, its values already made
// printable: fprintf and fprintln print it as it is.
type said string

// tr words the CLI's texts in one language, from the app's catalogue
// (assets/i18n): every text a person reads comes from there.
type tr struct{ w *words.Words }

// X is the text of key (english in the source), its {{.Values}} filled with
// args made printable (text from a hub never reaches the terminal raw).
func (t tr) X(key, english string, args ...words.Args) said {
	return said(t.w.X(key, english, printableArgs(args)...))
}

// N is the text of key for count (see words.Words.N).
func (t tr) N(key, one, other string, count int, args ...words.Args) said {
	return said(t.w.N(key, one, other, count, printableArgs(args)...))
}

// Lang is the language of the texts.
func (t tr) Lang() string { return t.w.Lang() }

func printableArgs(args []words.Args) []words.Args {
	out := make([]words.Args, len(args))
	for i, a := range args {
		m := make(words.Args, len(a))
		for k, v := range a {
			m[k] = printable([]any{v})[0]
		}
		out[i] = m
	}
	return out
}

// in is t in the language of the installation in dataDir when it has one,
// unless LC_ALL asks for another (see words.Forced).
func (t tr) in(dataDir string) tr {
	if _, forced := words.Forced(); forced {
		return t
	}
	if dataDir == "" {
		dataDir = data.DefaultDir()
	}
	if l := installationLanguage(dataDir); l != "" && l != t.Lang() {
		return tr{words.In(l)}
	}
	return t
}

// installationLanguage is the interface language set in the installation in
// dir (by the app, init or join), or "" when there is none: the database is
// only read, never created.
func installationLanguage(dir string) string {
	path := filepath.Join(dir, data.DBFile)
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	db, err := sql.Open("sqlite", data.ReadOnlyDSN(path))
	if err != nil {
		return ""
	}
	defer db.Close()
	var l string
	if db.QueryRow("SELECT value FROM settings WHERE key = ?", data.SettingUILang).Scan(&l) != nil || !words.Supported(l) {
		return ""
	}
	return l
}

// errorText words an error for the person typing: the CLI's own errors come
// from the catalogue; the typed errors of the layers below are worded here;
// any other keeps its English text, said to be a technical detail in the
// other languages.
func (t tr) errorText(err error) said {
	var se saidError
	if errors.As(err, &se) {
		return se.msg
	}
	if s, ok := t.wayOut(err); ok {
		return s
	}
	if t.Lang() == "en" {
		if errors.Is(err, vsync.ErrMassDeletion) {
			return said(data.Printable(oneLine(err))) + " " + t.X("cli.hint.allow_deletions", "(To allow them: vademecum-cli sync --allow-deletions.)")
		}
		return said(data.Printable(oneLine(err)))
	}
	var ve data.ValidationError
	if errors.As(err, &ve) {
		parts := make([]string, len(ve))
		for i, fe := range ve {
			parts[i] = fe.Field + ": " + string(t.fieldProblem(fe))
		}
		return said(data.Printable(strings.Join(parts, "; ")))
	}
	var ie *invite.Error
	if errors.As(err, &ie) {
		if s, ok := t.inviteProblem(ie); ok {
			return s
		}
	}
	if re := (*reason.Error)(nil); errors.As(err, &re) && re.Code == data.ErrNewerSchema {
		return t.X("cli.error.newer_schema", "this database was written by a newer Vademecum (schema {{.Have}}, this version knows {{.Know}}): update the app",
			words.Args{"Have": re.Values["Have"], "Know": re.Values["Know"]})
	}
	switch {
	case errors.Is(err, vsync.ErrNotConnected):
		return t.X("cli.error.not_connected", "The hub folder is not there: connect the USB stick or the disk that holds it, then sync again. Nothing was lost.")
	case errors.Is(err, vsync.ErrUnreachable):
		return t.X("sync.error.unreachable", "The hub cannot be reached (no network, or the folder or USB stick is not there). You are working offline: nothing was lost, and your changes are sent next time.")
	case errors.Is(err, vsync.ErrAuth):
		return t.X("sync.error.auth", "The hub did not let this computer in: the access token or key is wrong or has expired. Ask your coordinator for a new one.")
	case errors.Is(err, vsync.ErrHostKey):
		return t.X("sync.error.host_key", "The hub's identity could not be confirmed, so nothing was sent. Ask your coordinator before you sync again.")
	case errors.Is(err, vsync.ErrNewerHub):
		return t.X("sync.error.newer_hub", "This hub was set up by a newer version of Vademecum. Update the app to sync with it: nothing was lost, and your changes are sent once it is updated.")
	case errors.Is(err, vsync.ErrNotHub):
		return t.X("sync.error.not_hub", "This address or folder is not a Vademecum hub. Check the address, or choose an empty folder to start a new hub there.")
	case errors.Is(err, vsync.ErrDiskFull):
		return t.X("sync.error.disk_full", "The disk is full. Free some space and sync again: nothing was lost.")
	case errors.Is(err, vsync.ErrHubBusy):
		return t.X("sync.error.busy", "Partners were sending changes to the hub at the same time. Sync again in a few minutes.")
	case errors.Is(err, vsync.ErrNoRemote):
		return t.X("cli.error.no_hub", "No hub is set up yet: add one with 'vademecum-cli remote add NAME ADDRESS'.")
	case errors.Is(err, vsync.ErrMassDeletion):
		return t.X("cli.error.mass_deletion", "The hub would delete many shared practices here at once, so nothing was changed. If your partners really removed them, sync again with --allow-deletions.")
	case errors.Is(err, data.ErrNotYours):
		return t.X("cli.error.not_yours", "This belongs to another organisation: only that organisation can change it. Add a comment instead.")
	}
	return t.X("cli.error.technical", "{{.Detail}}", words.Args{"Detail": oneLine(err)})
}

// fieldProblem words a problem of one field of a practice or comment.
func (t tr) fieldProblem(fe data.FieldError) said {
	switch {
	case fe.Code == data.ProblemRequired && fe.Field == "title":
		return t.X("editor.error.title_required", "Please give the practice a title. It is the only field you must fill in.")
	case fe.Code == data.ProblemRequired:
		return t.X("editor.error.required", "Please fill this in.")
	case fe.Code == data.ProblemTooLong:
		return t.X("editor.error.too_long", "This text is too long: please shorten it.")
	case fe.Code == data.ProblemPersonal:
		return t.X("cli.error.personal", "This may contain personal data ({{.Detail}}): replace it, or mark it as not personal with --not-personal, or use --pseudonymise.",
			words.Args{"Detail": fe.Values["Kind"] + " " + strconv.Quote(fe.Values["Text"])})
	case fe.Code == data.ProblemPersonalInFile:
		return t.X("cli.error.personal_in_file", "{{.File}} may contain personal data ({{.Detail}}): mark it as not personal with 'practice edit ID --not-personal {{.Kind}}:TEXT', or attach a version without it.",
			words.Args{"File": fe.Values["File"], "Kind": fe.Values["Kind"], "Detail": fe.Values["Kind"] + " " + strconv.Quote(fe.Values["Text"])})
	case fe.Code == data.ProblemNotText:
		return t.X("editor.error.not_text", "This contains characters that are not text: please type it again.")
	case fe.Code == data.ProblemUnknownTool:
		return t.X("cli.error.unknown_tool", "No tool has the id {{.ID}} (see 'vademecum-cli tools').", words.Args{"ID": fe.Values["ID"]})
	}
	switch fe.Field {
	case "lang":
		return t.X("cli.error.lang", "Give the language it is written in: en, it, es, pl, cs or fr.")
	case "visibility":
		return t.X("cli.error.visibility", "Give who can read it: draft, org or shared.")
	case "tags":
		return t.X("editor.error.tags", "A tag may have letters, digits, spaces and dashes, up to 60 characters. Separate tags with commas.")
	case "attachments":
		return t.X("editor.error.attachments", "An attached file is not right (its name, size or kind): remove it and attach it again.")
	case "tools":
		return t.X("editor.error.tools", "A tool in this list is no longer in the toolkit: please remove it.")
	}
	return t.X("cli.error.technical", "{{.Detail}}", words.Args{"Detail": fe.Msg})
}

// U is the text of key as a plain string, for a flag's usage.
func (t tr) U(key, english string) string { return t.w.X(key, english) }

// text is a command's one-line help, worded when shown.
func text(key, english string) func(t tr) said {
	return func(t tr) said { return said(t.w.X(key, english)) }
}

// capitalise writes the first letter of s as a capital ("context and
// problem" as a heading).
func capitalise(s said) said {
	r := []rune(string(s))
	if len(r) == 0 {
		return s
	}
	return said(strings.ToUpper(string(r[0])) + string(r[1:]))
}

// syncErr is a sync's error on one line: several hubs may each have failed,
// and one line per hub would break scripts.
type syncErr struct{ err error }

func (e syncErr) Error() string { return strings.ReplaceAll(e.err.Error(), "\n", "; ") }
func (e syncErr) Unwrap() error { return e.err }

// refusedReason words why a sync set a file of the hub aside: in English the
// sync's own text, as scripts read it; in the other languages the catalogue's,
// or the English marked as a technical detail when the reason has no code.
func (t tr) refusedReason(reason string) said {
	s := t.X("cli.error.technical", "{{.Detail}}", words.Args{"Detail": reason})
	if t.Lang() == "en" {
		s = said(data.Printable(reason))
	} else if w, ok := t.w.Refusal(reason); ok {
		s = said(w)
	}
	// The way out of a key change is a command of the CLI: the layer below
	// does not name it.
	if code, v := trust.Explain(reason); code == trust.ReasonNeedsApproval || code == trust.ReasonNotInvitedKey {
		s += " " + t.X("cli.refusal.approve", "Run 'vademecum-cli keys approve {{.Org}}' once the fingerprint matches.", words.Args{"Org": v["Org"]})
	}
	return s
}

// failN is an error worded from the catalogue for a count (see tr.N).
func (t tr) failN(key, one, other string, count int, args ...words.Args) error {
	return saidError{t.N(key, one, other, count, args...)}
}

// keyStatus words a key's status (trust.StatusPinned...).
func (t tr) keyStatus(status string) said {
	switch status {
	case trust.StatusPinned:
		return t.X("cli.keys.status_pinned", "pinned")
	case trust.StatusRevoked:
		return t.X("cli.keys.status_revoked", "revoked")
	case trust.StatusPending:
		return t.X("cli.keys.status_pending", "waiting for approval")
	}
	return said(data.Printable(status))
}

// cliLanguage is the language of the texts before the installation is known:
// LC_ALL's when set, else the system's (LANGUAGE, LC_MESSAGES, LANG).
func cliLanguage() string {
	if l, ok := words.Forced(); ok {
		return l
	}
	return words.System()
}

// wayOut words, in every language, the typed errors of the layers below whose
// way out is a command of the CLI: the layers do not name it.
func (t tr) wayOut(err error) (said, bool) {
	var re *reason.Error
	var ie *invite.Error
	switch {
	case errors.As(err, &re) && re.Code == data.ErrNoDataDir:
		a := words.Args{"Dir": re.Values["Dir"]}
		return t.X("cli.error.no_data_dir", "data directory {{.Dir}} does not exist: run 'vademecum-cli init' or pass --data", a), true
	case errors.Is(err, data.ErrNoIdentity):
		return t.X("cli.error.no_identity", "this installation has no organisation yet: run 'vademecum-cli init' (or the app's first start)"), true
	case errors.Is(err, data.ErrDamaged):
		return t.X("cli.error.damaged", "{{.Detail}} (run 'vademecum-cli rebuild': it recreates the database from the local repository and the local copy)",
			words.Args{"Detail": oneLine(err)}), true
	case errors.Is(err, vsync.ErrTokenNeeded):
		return t.X("cli.error.token_needed", "{{.Detail}} (run 'vademecum-cli remote add NAME ADDRESS --token-env VAR')", words.Args{"Detail": oneLine(err)}), true
	case errors.As(err, &ie) && ie.Kind == invite.NotSetUp:
		return t.X("cli.error.join_not_set_up", "this installation has no organisation yet: run 'vademecum-cli init' first (or the app's first start), then join"), true
	case errors.As(err, &ie) && ie.Kind == invite.HubConfigured:
		return t.X("cli.error.join_hub_configured", "the hub of this invitation is configured here already, as \"{{.Hub}}\": nothing was changed (run 'vademecum-cli sync')", words.Args{"Hub": ie.Hub}), true
	case errors.As(err, &ie) && ie.Kind == invite.NoHub:
		return t.X("cli.error.invite_no_hub", "no hub is configured here: add one first ('vademecum-cli remote add'), the invitation hands it over"), true
	case errors.As(err, &ie):
		return t.inviteWayOut(ie)
	case errors.Is(err, vsync.ErrNoSSHKey):
		return t.X("cli.error.no_ssh_key", "{{.Detail}}, or give the key file with --ssh-key", words.Args{"Detail": oneLine(err)}), true
	case !errors.As(err, &re):
		return "", false
	}
	a := words.Args{}
	for k, v := range re.Values {
		a[k] = v
	}
	switch re.Code {
	case trust.ErrOrgFileMissing:
		return t.X("cli.error.org_file_missing", "the organisation file of {{.Org}} is missing here: run 'vademecum-cli init' again", a), true
	case trust.ErrKeyNotListedYet:
		return t.X("cli.error.key_not_listed_yet", "this installation's key {{.Key}} is not listed in the organisation file of {{.Org}} yet: run 'vademecum-cli keys show' (or restart the app) to add it", a), true
	case trust.ErrKeyNotListed:
		return t.X("cli.error.key_not_listed", "this installation's key is not listed for {{.Org}}: run 'vademecum-cli keys show' to add it, and sync, before changing keys", a), true
	case trust.ErrNotPublicKey:
		return t.X("cli.error.not_public_key", "\"{{.Value}}\" is not a public key: paste the whole line 'public:' of 'vademecum-cli keys show' on the other laptop", a), true
	case trust.ErrNotKeyID:
		return t.X("cli.error.not_key_id", "\"{{.Value}}\" is not a key ID: give the 16 hex digits that 'vademecum-cli keys' shows, or the whole fingerprint", a), true
	case trust.ErrNoSuchKey:
		return t.X("cli.error.no_such_key", "no key {{.Key}} is listed for {{.Org}} (see 'vademecum-cli keys')", a), true
	case trust.ErrNoPendingChange:
		return t.X("cli.error.no_pending_change", "no key change for {{.Org}} is waiting for approval (see 'vademecum-cli keys')", a), true
	case vsync.ErrNoSuchHub:
		return t.X("cli.error.no_such_hub", "no hub is named \"{{.Name}}\" (see 'vademecum-cli remote list')", a), true
	case vsync.ErrNoSuchConflict:
		return t.X("cli.error.no_such_conflict", "no conflict has the id {{.ID}} (see 'vademecum-cli conflicts')", a), true
	case vsync.ErrSSHKeyNotSSH:
		return t.X("cli.error.ssh_key_not_ssh", "--ssh-key is only for ssh:// or user@host:path hubs, not {{.URL}}", a), true
	case data.ErrNotWritable:
		return t.X("cli.error.not_writable", "data directory {{.Dir}} is not writable: {{.Cause}} (check its permissions or pass another --data)", a), true
	case vsync.ErrOrgUnknown:
		return t.X("cli.error.org_unknown", "the database was moved aside to {{.MovedTo}}, but which organisation this installation belongs to is written nowhere else: run 'vademecum-cli init' with your organisation's id, then 'vademecum-cli rebuild' again", a), true
	}
	return "", false
}

// inviteProblem words, in a language other than English (where scripts read
// sync/invite's own text), an invitation problem that has no way out by a
// flag: the app's words for it, from the same catalogue.
func (t tr) inviteProblem(e *invite.Error) (said, bool) {
	who := e.Org
	if e.OrgName != "" {
		who = e.OrgName
	}
	a := words.Args{"Org": who, "Fingerprint": e.Fingerprint, "Date": e.Date, "Hub": e.Hub}
	switch e.Kind {
	case invite.NotInvitation:
		return t.X("invite.error.not_invitation", "This file is not a Vademecum invitation. Ask your coordinator to send the invitation file again."), true
	case invite.Tampered:
		return t.X("invite.error.tampered", "This invitation was changed after it was signed, so it cannot be trusted. Ask your coordinator for a new one."), true
	case invite.WrongPassphrase:
		return t.X("invite.error.passphrase", "The passphrase was wrong three times. Nothing was changed. Ask your coordinator to read the passphrase again."), true
	case invite.Expired:
		return t.X("invite.error.expired", "This invitation expired on {{.Date}}. Ask {{.Org}} for a new one.", a), true
	case invite.RevokedSigner:
		return t.X("invite.error.revoked", "This invitation is signed with a key of {{.Org}} that was withdrawn on {{.Date}} (fingerprint {{.Fingerprint}}). It is refused and nothing was changed. Call {{.Org}}.", a), true
	case invite.OtherOrg:
		return t.X("invite.error.other_org", "This invitation is for a new computer of {{.Org}}, and this computer belongs to another organisation.", a), true
	case invite.KeyExists:
		return t.X("invite.error.key_exists", "This invitation is for a new computer of {{.Org}}, and this computer already has a key of its own.", a), true
	case invite.BadExpiry:
		return t.X("invite.create.error.expires", "Write a day in the future as year-month-day, e.g. 2027-01-31."), true
	case invite.ShortPassphrase:
		return t.X("invite.create.error.passphrase", "With a token or for a new computer, choose a passphrase of at least 10 characters."), true
	case invite.TokenNeedsHTTPS:
		return t.X("invite.create.error.token", "A token is only used with a web (https://) hub."), true
	case invite.NotListed:
		return t.X("invite.create.error.not_listed", "This computer's key is not listed for your organisation yet: sync first, or invite from a computer partners already know."), true
	case invite.TooLargeForQR:
		return t.X("invite.error.too_large_for_qr", "The invitation is too large for a QR code: give the file instead (it was saved)."), true
	}
	return "", false
}

// inviteWayOut words the invitation problems whose way out is a flag of the
// CLI (join's --signer and --user, invite create's --org and --remote, the
// passphrase's variable): sync/invite does not name them.
func (t tr) inviteWayOut(e *invite.Error) (said, bool) {
	who := e.Org
	if e.OrgName != "" {
		who = e.OrgName + " (" + e.Org + ")"
	}
	a := words.Args{"Who": who, "Org": e.Org, "Fingerprint": e.Fingerprint}
	switch e.Kind {
	case invite.NeedsPassphrase:
		return t.X("cli.error.invite_needs_passphrase", "this invitation is protected by a passphrase: type the one your coordinator gave you by phone (scripts: VADEMECUM_INVITE_PASSPHRASE)"), true
	case invite.UnknownSigner:
		return t.X("cli.error.invite_unknown_signer", "this invitation says it is from {{.Who}}, signed with the key {{.Fingerprint}}, which is not known here: compare that fingerprint by phone with {{.Org}}, then run join again with --signer followed by the fingerprint", a), true
	case invite.ManyHubs:
		return t.X("cli.error.invite_many_hubs", "several hubs are configured here: say which one with --remote NAME"), true
	case invite.NotOwnOrg:
		return t.X("cli.error.invite_not_own_org", "--org must be your own organisation ({{.Org}}): a laptop invites new laptops of its own organisation only", a), true
	case invite.UserRequired:
		return t.X("cli.error.invite_user_required", "a new laptop needs the name of the person using it: add --user NAME"), true
	case invite.SameOrg:
		return t.X("cli.error.invite_same_org", "this invitation is for another organisation joining the hub, and this installation belongs to {{.Who}}: a new laptop of {{.Org}} needs an invitation made with --org {{.Org}}", a), true
	}
	return "", false
}
