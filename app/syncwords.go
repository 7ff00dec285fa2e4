package app

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"

	"vademecum/data"
	"vademecum/internal/synccode"
	"vademecum/internal/words"
)

// The sync engine words its errors and its log in English for the CLI and the
// logs; the app says the same in the person's language, from the kind of each
// error (internal/synccode's kinds) and the shape of each log line.

// syncErrorText says in plain words, in the interface language, why a sync or
// the set-up of a hub did not work, and what to do.
func syncErrorText(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, synccode.ErrUnreachable):
		return lang.X("sync.error.unreachable", "The hub cannot be reached (no network, or the folder or USB stick is not there). You are working offline: nothing was lost, and your changes are sent next time.")
	case errors.Is(err, synccode.ErrAuth):
		return lang.X("sync.error.auth", "The hub did not let this computer in: the access token or key is wrong or has expired. Ask your coordinator for a new one.")
	case errors.Is(err, synccode.ErrHostKey):
		return lang.X("sync.error.host_key", "The hub's identity could not be confirmed, so nothing was sent. Ask your coordinator before you sync again.")
	case errors.Is(err, synccode.ErrNewerHub):
		return lang.X("sync.error.newer_hub", "This hub was set up by a newer version of Vademecum. Update the app to sync with it: nothing was lost, and your changes are sent once it is updated.")
	case errors.Is(err, synccode.ErrNotHub):
		return lang.X("sync.error.not_hub", "This address or folder is not a Vademecum hub. Check the address, or choose an empty folder to start a new hub there.")
	case errors.Is(err, synccode.ErrDiskFull):
		return lang.X("sync.error.disk_full", "The disk is full. Free some space and sync again: nothing was lost.")
	case errors.Is(err, synccode.ErrHubBusy):
		return lang.X("sync.error.busy", "Partners were sending changes to the hub at the same time. Sync again in a few minutes.")
	case errors.Is(err, synccode.ErrNoRemote):
		return lang.X("sync.error.no_hub", "No hub is set up yet. Add one under Sync → Hubs.")
	case errors.Is(err, synccode.ErrMassDeletion):
		return lang.X("sync.error.mass_deletion", "The hub would delete many shared practices here at once, so nothing was changed. If your partners really removed them, allow it on the Sync screen.")
	}
	return lang.X("sync.error.other", "Something unexpected stopped the sync. Your practices are safe on this computer. The sync log has the details for your coordinator.")
}

// refusalText words why the sync set a file of the hub aside, in the
// interface language (internal/words, shared with the CLI); a reason without
// a code (a signature check's) keeps its English, made printable.
func refusalText(reason string) string {
	if t, ok := words.In(currentLanguage()).Refusal(reason); ok {
		return t
	}
	return data.Printable(reason)
}

// hubFormErrorText words why a hub could not be added.
func hubFormErrorText(err error) string {
	var he *synccode.HubError
	if errors.As(err, &he) {
		return syncErrorText(err)
	}
	return lang.X("hub.form.error", "This hub could not be added: check the name (letters and digits) and the address. A token is only for web (https://) addresses.")
}

// Text words a log line in the interface language. Lines the app does not
// know yet keep the engine's English, marked as a technical note.
func (l LogLine) Text() string {
	arg := func(i int) any {
		if i < len(l.Args) {
			return l.Args[i]
		}
		return ""
	}
	num := func(i int) int {
		n, _ := arg(i).(int)
		return n
	}
	str := func(i int) string { return fmt.Sprint(arg(i)) }
	var line string
	switch l.Format {
	case LogSynced:
		line = lang.X("sync.log.synced", "Sync finished: {{.Received}} received, {{.Sent}} sent, {{.Conflicts}} conflicts, {{.Quarantined}} set aside.",
			map[string]any{"Received": formatNumber(num(0)), "Sent": formatNumber(num(1)), "Conflicts": formatNumber(num(2)), "Quarantined": formatNumber(num(3))})
	case LogStopped:
		err, _ := arg(0).(error)
		line = lang.X("sync.log.stopped", "Sync stopped: {{.Reason}}", map[string]any{"Reason": syncErrorText(err)})
	case "sync with %s: %v":
		err, _ := arg(1).(error)
		line = lang.X("sync.log.failed", "The sync with {{.Hub}} did not finish: {{.Reason}}", map[string]any{"Hub": str(0), "Reason": syncErrorText(err)})
	case "sent %d records (%d bytes) to %s":
		line = plural("sync.log.sent", "Sent {{.Count}} change to {{.Hub}}.", "Sent {{.Count}} changes to {{.Hub}}.", num(0), map[string]any{"Hub": str(2)})
	case "the hub at %s moved during the sync: merging again in %v":
		line = lang.X("sync.log.moved", "A partner sent changes to {{.Hub}} at the same moment: combining them again.", map[string]any{"Hub": str(0)})
	case "the hub at %s went back in time (restored from an older copy?): sending the history it lost again":
		line = lang.X("sync.log.went_back", "The hub {{.Hub}} lost recent changes (restored from an older copy?): sending them again.", map[string]any{"Hub": str(0)})
	case "quarantined %s: %s":
		line = lang.X("sync.log.quarantined", "A file from the hub was set aside because something in it was wrong: {{.Path}}", map[string]any{"Path": str(0)})
	case "the sync would delete %d of %d shared records: stopped":
		line = lang.X("sync.log.mass_deletion", "The sync would delete {{.Deleted}} of {{.Total}} shared records here: stopped, to ask you first.",
			map[string]any{"Deleted": formatNumber(num(0)), "Total": formatNumber(num(1))})
	case "record %s not shared yet: %v", "record %s cannot be read, not shared: %v", "record %s not shared: cannot sign it: %v":
		line = lang.X("sync.log.not_shared", "A practice or comment was not sent this time ({{.ID}}); it is sent when the problem is solved.", map[string]any{"ID": str(0)})
	default:
		line = lang.X("sync.log.technical", "Technical note: {{.Text}}", map[string]any{"Text": fmt.Sprintf(l.Format, l.Args...)})
	}
	return l.At.Local().Format("15:04:05") + "  " + strings.TrimSpace(line)
}
