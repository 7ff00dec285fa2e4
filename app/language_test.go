package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/data/privacy"
	"vademecum/internal/synccode"
)

// catalogueText is the text of key in the catalogue of code, as a translator wrote it.
func catalogueText(t *testing.T, code, key string) string {
	t.Helper()
	v, ok := readCatalogue(t, code)[key].(string)
	if !ok {
		t.Fatalf("%s.json has no text %q", code, key)
	}
	return v
}

func TestTranslatedSyncErrors(t *testing.T) {
	defer UseLanguage("en")
	UseLanguage("it")
	kinds := map[error]string{
		synccode.ErrUnreachable:  "sync.error.unreachable",
		synccode.ErrAuth:         "sync.error.auth",
		synccode.ErrHostKey:      "sync.error.host_key",
		synccode.ErrNotHub:       "sync.error.not_hub",
		synccode.ErrDiskFull:     "sync.error.disk_full",
		synccode.ErrHubBusy:      "sync.error.busy",
		synccode.ErrNoRemote:     "sync.error.no_hub",
		synccode.ErrMassDeletion: "sync.error.mass_deletion",
		synccode.ErrNewerHub:     "sync.error.newer_hub",
	}
	for kind, key := range kinds {
		err := fmt.Errorf("/media/usb/hub is not a vademecum hub (the folder holds other files; use an empty folder or a bare git repository): %w", kind)
		if got, want := syncErrorText(err), catalogueText(t, "it", key); got != want {
			t.Errorf("%v in Italian: %q, want %q", kind, got, want)
		}
	}
	if got := syncErrorText(fmt.Errorf("exit status 128")); got != catalogueText(t, "it", "sync.error.other") {
		t.Errorf("an unknown error in Italian: %q", got)
	}

	// On screen: the result of a sync, the status bar and the hub form.
	st := newTestStore(t)
	st.SetSetting("ui_lang", "it")
	hub, _ := conflictHub(t, st)
	hub.syncErr = fmt.Errorf("/media/usb/hub is not a vademecum hub (use an empty folder or a bare git repository): %w", synccode.ErrNotHub)
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	test.Tap(u.syncs.syncBtn)
	u.Wait()
	if r := u.syncs.result.Text; !strings.Contains(r, catalogueText(t, "it", "sync.error.not_hub")) || strings.Contains(r, "bare git") {
		t.Errorf("sync result in Italian: %q", r)
	}
	u.setHubStatus(HubStatus{State: HubFailed, LastError: hub.syncErr.Error(), Problem: hub.syncErr})
	if r := u.statusBar.text.Text; !strings.Contains(r, "non è un hub di Vademecum") || strings.Contains(r, "bare git") {
		t.Errorf("status bar in Italian: %q", r)
	}
	for _, l := range u.syncs.log {
		if strings.Contains(l, "bytes") {
			t.Errorf("log line in jargon: %q", l)
		}
	}
}

func TestTranslatedSyncLog(t *testing.T) {
	defer UseLanguage("en")
	UseLanguage("it")
	at := time.Date(2026, 11, 28, 10, 4, 5, 0, time.Local)
	lines := map[string]LogLine{
		"10:04:05  Inviate 4 modifiche a hub.":                                                                       {at, "sent %d records (%d bytes) to %s", []any{4, 2624, "hub"}},
		"10:04:05  Sincronizzazione terminata: 2 ricevute, 1 inviate, 0 conflitti, 0 messe da parte.":                {at, LogSynced, []any{2, 1, 0, 0}},
		"10:04:05  La sincronizzazione con hub non è terminata: " + catalogueText(t, "it", "sync.error.unreachable"): {at, "sync with %s: %v", []any{"hub", fmt.Errorf("cannot reach the hub at /media/usb: %w", synccode.ErrUnreachable)}},
	}
	for want, l := range lines {
		if got := l.Text(); got != want {
			t.Errorf("log line %q: %q, want %q", l.Format, got, want)
		}
	}
}

func TestFyneTextsTranslated(t *testing.T) {
	defer UseLanguage("en")
	want := map[string]map[string]string{
		"pl": {"Quit": "Wyjdź", "Yes": "Tak", "Cancel": "Anuluj", "Open": "Otwórz"},
		"it": {"Quit": "Esci", "Yes": "Sì", "No": "No", "Cancel": "Annulla", "Open": "Apri", "Show Hidden Files": "Mostra i file nascosti"},
		"cs": {"Quit": "Ukončit", "Yes": "Ano"},
	}
	for code, texts := range want {
		UseLanguage(code)
		for key, w := range texts {
			if got := lang.L(key); got != w {
				t.Errorf("%s: Fyne's %q is %q, want %q", code, key, got, w)
			}
		}
	}
	if n := len(fyneTexts()); n < 20 {
		t.Errorf("only %d of Fyne's texts listed", n)
	}
	// A dialog of Fyne's own, as the app shows it.
	UseLanguage("it")
	w := test.NewTempWindow(t, nil)
	d := dialog.NewConfirm("?", "?", nil, w)
	d.Show()
	if _, ok := button(w.Canvas().Overlays().Top(), "Sì"); !ok {
		t.Error("Fyne's confirm dialog does not say Sì")
	}
}

func TestPartnerCitiesAndPlaceholdersTranslated(t *testing.T) {
	defer UseLanguage("en")
	UseLanguage("it")
	if got := cityName("Rome") + "," + cityName("Prague") + "," + cityName("Bologna"); got != "Roma,Praga,Bologna" {
		t.Errorf("cities in Italian: %s", got)
	}
	f := newFirstStart(&UI{lang: "it"}, nil)
	labels := strings.Join(f.partner.Options, "\n")
	if !strings.Contains(labels, "fio.PSD — Roma (Italia)") || strings.Contains(labels, "Prague") {
		t.Errorf("partners in Italian:\n%s", labels)
	}
	UseLanguage("pl")
	if got := replaceLabel(privacy.KindPhone); !strings.Contains(got, "[telefon]") {
		t.Errorf("replace button in Polish: %q", got)
	}
	UseLanguage("it")
	if got := redact("Chiamare il 347 123 4567 o scrivere a anna@example.org", nil); got != "Chiamare il [telefono] o scrivere a [email]" {
		t.Errorf("redacted in Italian: %q", got)
	}
}

// Why a file of the hub was set aside is said in the interface language, on
// the Sync screen's list and in the result of a sync; a reason without a code
// (a signature check's) keeps its English, escaped.
func TestRefusalReasonsTranslated(t *testing.T) {
	defer UseLanguage("en")
	st := newTestStore(t)
	st.SetSetting("ui_lang", "pl")
	hub, _ := conflictHub(t, st)
	tooBig := "the file is too large (900 KB, at most 512 KB)"
	older := "an older version (version 2 of 2026-11-01T10:00:00Z) than the one held here (version 5): ignored"
	other := "signed with an unknown \x1b[2Kkey"
	hub.quarantined = []HubQuarantined{{Path: "practices/2026/11/a.json", Reason: tooBig, Remote: "hub", Seen: time.Now()},
		{Path: "orgs/x.json", Reason: other, Remote: "hub", Seen: time.Now()}}
	hub.result.Refused = []HubQuarantined{{Path: "practices/2026/11/b.json", Reason: older}}
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	label := func(i int) string {
		item := u.syncs.quarList.CreateItem()
		u.syncs.quarList.UpdateItem(i, item)
		return item.(*fyne.Container).Objects[1].(*widget.Label).Text
	}
	if got, want := label(0), "Plik jest za duży (900 KB; przyjmujemy najwyżej 512 KB)."; got != want {
		t.Errorf("set aside, in Polish: %q, want %q", got, want)
	}
	if got := label(1); got != `signed with an unknown \x1b[2Kkey` {
		t.Errorf("a reason without a code: %q", got)
	}
	test.Tap(u.syncs.syncBtn)
	u.Wait()
	if r := u.syncs.result.Text; !strings.Contains(r, "Starsza wersja (wersja 2 z 2026-11-01T10:00:00Z) niż ta na tym komputerze (wersja 5): odłożona.") || strings.Contains(r, "ignored") {
		t.Errorf("sync result in Polish: %q", r)
	}
}
