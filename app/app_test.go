package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/internal/synccode"
)

// newTestStore opens an initialised store with the embedded toolkit in it.
func newTestStore(t testing.TB) *data.Store {
	t.Helper()
	st, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	org := &data.Organisation{Name: "Open Group", City: "Bologna", Country: "IT", Languages: []string{"it", "en"}}
	org.ID, org.Lang = "opengroup-it", "it"
	if err := st.Init(org, "Giulia Rossi"); err != nil {
		t.Fatal(err)
	}
	if _, err := assets.Seed(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(data.SettingUILang, "en"); err != nil {
		t.Fatal(err)
	}
	return st
}

// newTestUI builds the app on Fyne's headless test driver.
func newTestUI(t testing.TB, st *data.Store, hub Engine) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	u := New(a, Options{Store: st, Engine: hub})
	resize(u, fyne.NewSize(1100, 720))
	t.Cleanup(func() {
		u.Close()
		u.Wait()
	})
	return u
}

// fakeEngine is a sync engine in memory. Resolving a conflict writes the chosen
// value into the store, as the real engine does.
type fakeEngine struct {
	mu          sync.Mutex
	store       *data.Store
	status      HubStatus
	conflicts   []Conflict
	quarantined []HubQuarantined
	remotes     []Remote
	log         []LogLine
	changed     chan func(HubStatus) // Run's callback, once Run started
	result      SyncResult
	syncErr     error
	allowed     bool              // AllowMassDeletion was called
	tokens      map[string]string // by hub name, as AddRemote kept them
}

func (h *fakeEngine) AllowMassDeletion() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.allowed = true
}

// Run hands the app's callback to the test, and waits for the end.
func (h *fakeEngine) Run(ctx context.Context, changed func(HubStatus)) {
	if h.changed != nil {
		h.changed <- changed
	}
	<-ctx.Done()
}

func (h *fakeEngine) Status(context.Context) HubStatus {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.status
}

func (h *fakeEngine) SyncNow(ctx context.Context, progress func(string, int, int)) (SyncResult, error) {
	for i, stage := range []string{"commit", "fetch", "merge", "import", "push"} {
		progress(stage, i+1, 5)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, LogLine{At: time.Now(), Format: "sync: received 2, sent 1"})
	if h.syncErr == nil {
		h.status.State, h.status.LastSync = HubUpToDate, time.Now()
	}
	return h.result, h.syncErr
}

func (h *fakeEngine) Conflicts(context.Context) ([]Conflict, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Conflict{}, h.conflicts...), nil
}

func (h *fakeEngine) Resolve(ctx context.Context, id, keep string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, c := range h.conflicts {
		if c.ID != id {
			continue
		}
		p, err := h.store.GetPractice(c.RecordID)
		if err != nil {
			return err
		}
		v := c.Theirs
		if keep == "mine" {
			v = c.Mine
		}
		switch c.Field {
		case "title":
			p.Title = v
		case "summary":
			p.Summary = v
		default:
			return fmt.Errorf("fake hub cannot resolve field %s", c.Field)
		}
		if err := h.store.SavePractice(ctx, p); err != nil {
			return err
		}
		h.conflicts = append(h.conflicts[:i], h.conflicts[i+1:]...)
		return nil
	}
	return errors.New("no such conflict")
}

func (h *fakeEngine) Quarantined(context.Context) ([]HubQuarantined, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]HubQuarantined{}, h.quarantined...), nil
}

func (h *fakeEngine) Remotes() ([]Remote, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Remote{}, h.remotes...), nil
}

// AddRemote keeps the hub; like the engine, it takes a token pasted into an
// https address out of it (the engine's own rule is tested in
// cmd/vademecum/engine).
func (h *fakeEngine) AddRemote(name, address, token string) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	moved := false
	if u, err := url.Parse(address); err == nil && u.Scheme == "https" && u.User != nil {
		if token == "" {
			token = u.User.Username()
		}
		u.User, address, moved = nil, u.String(), true
	}
	h.remotes = append(h.remotes, Remote{Name: name, URL: address})
	if h.tokens == nil {
		h.tokens = map[string]string{}
	}
	h.tokens[name] = token
	h.status.State, h.status.Remote = HubUpToDate, address
	return moved, nil
}

func (h *fakeEngine) Log() []LogLine {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]LogLine{}, h.log...)
}

// resize gives the window a size once the work New started has reported back,
// with no result of background work being applied meanwhile (the test driver
// would lay the window out on two goroutines at once).
func resize(u *UI, size fyne.Size) {
	u.Wait()
	u.uiMu.Lock()
	defer u.uiMu.Unlock()
	u.Window().Resize(size)
}

func typeShortcut(u *UI, sc fyne.Shortcut) {
	u.Window().Canvas().(fyne.Shortcutable).TypedShortcut(sc)
}

// find returns the first object under o that is a T and satisfies ok.
func find[T fyne.CanvasObject](o fyne.CanvasObject, ok func(T) bool) (T, bool) {
	var zero T
	if x, is := o.(T); is && ok(x) {
		return x, true
	}
	var children []fyne.CanvasObject
	switch c := o.(type) {
	case *fyne.Container:
		children = c.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(c).Objects()
	}
	for _, ch := range children {
		if x, found := find(ch, ok); found {
			return x, true
		}
	}
	return zero, false
}

func button(o fyne.CanvasObject, text string) (*widget.Button, bool) {
	if b, ok := find(o, func(b *widget.Button) bool { return b.Text == text }); ok {
		return b, true
	}
	if b, ok := keyButtonNamed(o, text); ok {
		return &b.Button, true
	}
	return nil, false
}

// keyButtonNamed finds one of the app's own buttons (Enter presses them).
func keyButtonNamed(o fyne.CanvasObject, text string) (*keyButton, bool) {
	return find(o, func(b *keyButton) bool { return b.Text == text })
}

func practiceCount(t *testing.T, st *data.Store) int {
	t.Helper()
	n, err := st.Count(context.Background(), data.Query{Types: []string{data.TypePractice}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func addPractice(t testing.TB, st *data.Store, title, country, lang string, tools ...string) *data.Practice {
	t.Helper()
	p := &data.Practice{Title: title, Summary: "Summary of " + title, Country: country, Visibility: data.Shared, Tools: tools}
	p.Lang = lang
	if err := st.SavePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func itemTitles(s *toolkitScreen) []string {
	var out []string
	for _, it := range s.items {
		out = append(out, it.title)
	}
	return out
}

func TestSearchFiltersToolkit(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	all := len(u.toolkit.items)
	if all < 40 {
		t.Fatalf("toolkit shows %d entries, want the whole embedded toolkit", all)
	}
	test.Type(u.toolkit.search, "kiwix")
	u.Wait()
	got := itemTitles(u.toolkit)
	if len(got) == 0 || len(got) >= all {
		t.Fatalf("search kiwix: %d results of %d: %v", len(got), all, got)
	}
	if got[0] != "Kiwix" {
		t.Errorf("best result %q, want Kiwix (all: %v)", got[0], got)
	}
	if n := u.toolkit.list.Length(); n != len(got) {
		t.Errorf("list shows %d rows for %d results", n, len(got))
	}
	// Clearing the search brings the whole toolkit back.
	u.toolkit.search.SetText("")
	u.Wait()
	if len(u.toolkit.items) != all {
		t.Errorf("after clearing the search: %d entries, want %d", len(u.toolkit.items), all)
	}
}

func TestFilterNarrowsToolkit(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	all := len(u.toolkit.items)
	test.Tap(u.toolkit.offline)
	u.Wait()
	offline := u.toolkit.items
	if len(offline) == 0 || len(offline) >= all {
		t.Fatalf("works offline: %d of %d", len(offline), all)
	}
	for _, it := range offline {
		tool, err := st.GetTool(it.id)
		if err != nil || tool.Offline != data.OfflineYes {
			t.Errorf("%s listed under works offline (%v)", it.title, err)
		}
	}
	// A competence narrows further, to tools and guides that build it.
	u.toolkit.browseCompetence("4.2")
	u.Wait()
	for _, it := range u.toolkit.items {
		var comps []string
		if it.kind == data.TypeTool {
			tool, _ := st.GetTool(it.id)
			comps = tool.Competences
		} else {
			g, _ := st.GetGuide(it.id)
			comps = g.Competences
		}
		if !strings.Contains(strings.Join(comps, ","), "4.2") {
			t.Errorf("%s listed under 4.2 but builds %v", it.title, comps)
		}
	}
	u.toolkit.clearFilters()
	u.Wait()
	if len(u.toolkit.items) != all {
		t.Errorf("after clearing the filters: %d, want %d", len(u.toolkit.items), all)
	}
}

func TestToolDetail(t *testing.T) {
	st := newTestStore(t)
	p := addPractice(t, st, "Offline library in the common room", "IT", "en", "kiwix")
	u := newTestUI(t, st, nil)
	u.toolkit.showTool("kiwix")
	u.Wait()
	pane := u.toolkit.detail
	if _, ok := find(pane, func(l *widget.Label) bool { return l.Text == "Kiwix" }); !ok {
		t.Error("detail pane has no heading Kiwix")
	}
	alt, ok := find(pane, func(h *widget.Hyperlink) bool { return h.Text == "Kolibri" })
	if !ok {
		t.Fatal("no link to the alternative Kolibri")
	}
	practice, ok := find(pane, func(h *widget.Hyperlink) bool { return h.Text == p.Title })
	if !ok {
		t.Fatal("the practice using Kiwix is not listed")
	}
	alt.OnTapped()
	if u.toolkit.selected != "tool:kolibri" {
		t.Errorf("tapping the alternative shows %q", u.toolkit.selected)
	}
	u.toolkit.showTool("kiwix")
	u.Wait()
	practice, _ = find(u.toolkit.detail, func(h *widget.Hyperlink) bool { return h.Text == p.Title })
	practice.OnTapped()
	if u.tabs.SelectedIndex() != 1 || u.journal.selectedID != p.ID {
		t.Errorf("tapping the practice: tab %d, practice %q", u.tabs.SelectedIndex(), u.journal.selectedID)
	}
}

func TestEditorCtrlSSaves(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	typeShortcut(u, shortcutNew)
	e := u.editor
	if e == nil {
		t.Fatal("Ctrl+N did not open the editor")
	}
	test.Type(e.title, "Phone check-ins on night rounds")
	test.Type(e.summary, "Volunteers confirm each stop with a short message.")
	test.Type(e.tags, "streetwork, night")
	e.toolPick.setValue("signal")
	e.addTool("signal")
	e.vis.SetSelected(e.vis.Options[2])
	typeShortcut(u, shortcutSave)
	u.Wait()

	list, err := st.ListPractices(context.Background(), data.PracticeFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("store has %d practices (%v), want 1", len(list), err)
	}
	p, err := st.GetPractice(list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Phone check-ins on night rounds" || p.Summary != "Volunteers confirm each stop with a short message." ||
		p.Visibility != data.Shared || p.Lang != "en" || p.Country != "IT" || p.Org != "opengroup-it" || p.Author != "Giulia Rossi" {
		t.Errorf("stored practice: %+v", p)
	}
	if strings.Join(p.Tags, ",") != "night,streetwork" || strings.Join(p.Tools, ",") != "signal" {
		t.Errorf("tags %v tools %v", p.Tags, p.Tools)
	}
	if u.journal.model.len() != 1 {
		t.Errorf("journal shows %d practices", u.journal.model.len())
	}
	// Esc closes the editor once it is saved.
	test.Type(e.title, "")
	e.title.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if u.editor != nil {
		t.Error("Esc did not close the editor")
	}
}

func TestEditorRequiredTitle(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.newPractice()
	e := u.editor
	test.Type(e.summary, "A practice without a title")
	typeShortcut(u, shortcutSave)
	u.Wait()
	msg := e.errs["title"]
	if !msg.Visible() || !strings.Contains(msg.Text, "title") {
		t.Errorf("title error: visible=%v %q", msg.Visible(), msg.Text)
	}
	for name, l := range e.errs {
		if name != "title" && l.Visible() {
			t.Errorf("%s shows an error too: %q", name, l.Text)
		}
	}
	if n := practiceCount(t, st); n != 0 {
		t.Errorf("an invalid practice was stored: %d practices", n)
	}
	// The autosave does not store it either.
	e.autosave()
	if n := practiceCount(t, st); n != 0 {
		t.Errorf("autosave stored a practice without a title")
	}
	// A bad tag is shown under the tags, in plain words.
	test.Type(e.title, "Now with a title")
	test.Type(e.tags, "ok, <bad>")
	typeShortcut(u, shortcutSave)
	if !e.errs["tags"].Visible() || e.errs["title"].Visible() {
		t.Errorf("tags error %q, title error %q", e.errs["tags"].Text, e.errs["title"].Text)
	}
	if n := practiceCount(t, st); n != 0 {
		t.Errorf("a practice with a bad tag was stored")
	}
}

func TestDraftAutosaves(t *testing.T) {
	old := autosaveEvery
	autosaveEvery = 20 * time.Millisecond
	defer func() { autosaveEvery = old }()
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.newPractice()
	e := u.editor
	test.Type(e.summary, "Typed before the title")
	e.vis.SetSelected(e.vis.Options[2]) // shared: still kept only as a draft until Save
	time.Sleep(100 * time.Millisecond)
	pumpUI()
	if n := practiceCount(t, st); n != 0 {
		t.Fatalf("autosaved without a title")
	}
	test.Type(e.title, "Draft that saves itself")
	// The autosave may catch the title half typed; the next one has all of it.
	var list []data.Summary
	waitFor(t, "the draft autosaved with its whole title", func() bool {
		list, _ = st.ListPractices(context.Background(), data.PracticeFilter{})
		return len(list) == 1 && list[0].Title == "Draft that saves itself"
	})
	if len(list) != 1 || list[0].Title != "Draft that saves itself" || list[0].Visibility != data.Draft {
		t.Fatalf("autosaved: %+v", list)
	}
	// Closing keeps the draft, and does not publish it.
	fyne.DoAndWait(func() { u.escape() })
	if u.editor != nil {
		t.Fatal("Esc did not close the editor")
	}
	p, _ := st.GetPractice(list[0].ID)
	if p.Visibility != data.Draft || p.Summary != "Typed before the title" {
		t.Errorf("after close: %+v", p)
	}
}

func TestLanguageSwitchRelabels(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	defer UseLanguage("en")
	if got := u.tabs.Items[0].Text; got != "Toolkit" {
		t.Fatalf("first tab %q", got)
	}
	u.tabs.SelectIndex(3)
	u.settings.language.setValue("it")
	u.settings.language.Select.OnChanged("Italiano")
	u.Wait()
	want := map[int]string{0: "Strumenti", 1: "Diario delle pratiche", 3: "Impostazioni"}
	for i, w := range want {
		if got := u.tabs.Items[i].Text; got != w {
			t.Errorf("tab %d: %q, want %q", i, got, w)
		}
	}
	if u.tabs.SelectedIndex() != 3 {
		t.Errorf("the settings tab should stay open, got tab %d", u.tabs.SelectedIndex())
	}
	if v, _ := st.Setting(data.SettingUILang); v != "it" {
		t.Errorf("language setting %q", v)
	}
	// Untranslated texts fall back to English rather than to keys.
	if got := u.tabs.Items[2].Text; got != "Sincronizzazione" {
		t.Errorf("sync tab %q", got)
	}
	if u.toolkit.search.PlaceHolder == "" || strings.Contains(u.toolkit.search.PlaceHolder, "toolkit.") {
		t.Errorf("placeholder %q", u.toolkit.search.PlaceHolder)
	}
	// A new window on the same store starts in Italian.
	u2 := newTestUI(t, st, nil)
	if got := u2.tabs.Items[0].Text; got != "Strumenti" {
		t.Errorf("restarted in %q", got)
	}
	u2.SetLanguage("en")
	if got := u2.tabs.Items[0].Text; got != "Toolkit" {
		t.Errorf("back to English: %q", got)
	}
}

func conflictHub(t *testing.T, st *data.Store) (*fakeEngine, *data.Practice) {
	p := addPractice(t, st, "Shared phone for the shelter", "IT", "en")
	p.Summary = "Their summary"
	if err := st.SavePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	hub := &fakeEngine{store: st,
		status: HubStatus{State: HubUpToDate, LastSync: time.Now().Add(-time.Hour), Pending: 2, Remote: "https://hub.example.org/partners.git"},
		conflicts: []Conflict{{ID: "c1", RecordID: p.ID, Title: p.Title, Field: "summary",
			Mine: "My summary", Theirs: "Their summary", Kept: "theirs", Kind: ConflictField}},
		quarantined: []HubQuarantined{{Path: "practices/2026/11/x.json", Reason: "not valid JSON", Remote: "hub", Seen: time.Now()}},
		remotes:     []Remote{{Name: "hub", URL: "https://hub.example.org/partners.git"}},
		log:         []LogLine{{At: time.Now(), Format: "fetch: 3 new commits"}, {At: time.Now(), Format: "import: 3 records"}},
		result:      SyncResult{Received: 2, Sent: 1},
	}
	return hub, p
}

func TestSyncResolveConflict(t *testing.T) {
	st := newTestStore(t)
	hub, p := conflictHub(t, st)
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	s := u.syncs
	if len(s.conflicts) != 1 || !strings.Contains(s.conflictTab.Text, "1 conflict") {
		t.Fatalf("conflicts shown: %d, tab %q", len(s.conflicts), s.conflictTab.Text)
	}
	for _, text := range []string{"My summary", "Their summary"} {
		if _, ok := find(s.conflictBox, func(l *widget.Label) bool { return l.Text == text }); !ok {
			t.Errorf("conflict does not show %q", text)
		}
	}
	keep, ok := button(s.conflictBox, "Keep mine")
	if !ok {
		t.Fatal("no Keep mine button")
	}
	test.Tap(keep)
	u.Wait()
	got, err := st.GetPractice(p.ID)
	if err != nil || got.Summary != "My summary" {
		t.Fatalf("store after Keep mine: %q (%v)", got.Summary, err)
	}
	if len(s.conflicts) != 0 || !strings.Contains(s.conflictTab.Text, "0 conflicts") {
		t.Errorf("conflict still listed: %d, tab %q", len(s.conflicts), s.conflictTab.Text)
	}
	if len(s.quarantined) != 1 || s.quarList.Length() != 1 {
		t.Errorf("quarantine: %d", len(s.quarantined))
	}
	if !strings.Contains(u.statusBar.text.Text, "up to date") || !strings.Contains(u.statusBar.text.Text, "2 changes waiting") {
		t.Errorf("status bar: %q", u.statusBar.text.Text)
	}
}

func TestSyncNow(t *testing.T) {
	st := newTestStore(t)
	hub, _ := conflictHub(t, st)
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait() // the status refresh the tab starts, before tapping: the test driver runs both on separate goroutines
	test.Tap(u.syncs.syncBtn)
	u.Wait()
	if r := u.syncs.result.Text; !strings.Contains(r, "2 changes received") || !strings.Contains(r, "1 change sent") {
		t.Errorf("result %q", r)
	}
	if u.syncs.running || u.syncs.syncBtn.Disabled() {
		t.Error("sync still shown as running")
	}
	if len(u.syncs.log) != 3 {
		t.Errorf("log has %d lines", len(u.syncs.log))
	}
	hub.syncErr = fmt.Errorf("the hub refused the token for https://hub.example.org/partners.git: %w", synccode.ErrAuth)
	test.Tap(u.syncs.syncBtn)
	u.Wait()
	if r := u.syncs.result.Text; !strings.Contains(r, "access token or key is wrong") || strings.Contains(r, "refused") {
		t.Errorf("failure shown as %q", r)
	}
}

func TestHubSetUp(t *testing.T) {
	st := newTestStore(t)
	hub := &fakeEngine{store: st, status: HubStatus{State: HubNotSetUp}}
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	if u.syncs.tabs.Selected() != u.syncs.hubsTab || !u.syncs.syncBtn.Disabled() {
		t.Fatal("a hub not set up should open the hub form, with Sync now disabled")
	}
	address, ok := find(u.syncs.hubsTab.Content, func(e *entry) bool { return strings.Contains(e.PlaceHolder, "https://") })
	if !ok {
		t.Fatal("no address field")
	}
	test.Type(address, "/media/usb/hub.git")
	connect, _ := button(u.syncs.hubsTab.Content, "Connect")
	test.Tap(connect)
	u.Wait()
	if len(hub.remotes) != 1 || hub.remotes[0].URL != "/media/usb/hub.git" {
		t.Fatalf("remotes %v", hub.remotes)
	}
	if u.syncs.syncBtn.Disabled() {
		t.Error("Sync now still disabled after setting up the hub")
	}
}

func TestJournalFiltersAndComments(t *testing.T) {
	st := newTestStore(t)
	addPractice(t, st, "Help desk interpreting by video", "IT", "it")
	cz := addPractice(t, st, "Streetwork chat hours", "CZ", "cs", "signal")
	addPractice(t, st, "Housing search with a shared map", "ES", "es")
	u := newTestUI(t, st, nil)
	j := u.journal
	if j.model.len() != 3 {
		t.Fatalf("journal shows %d", j.model.len())
	}
	if sm, _ := j.model.get(0); sm.Title != "Housing search with a shared map" {
		t.Errorf("newest first: got %q", sm.Title)
	}
	j.country.SetSelected(countryName("CZ"))
	u.Wait()
	if j.model.len() != 1 {
		t.Fatalf("country filter: %d", j.model.len())
	}
	j.country.SetSelectedIndex(0)
	j.tool.setValue("signal")
	j.reload("")
	u.Wait()
	if sm, _ := j.model.get(0); j.model.len() != 1 || sm.ID != cz.ID {
		t.Fatalf("tool filter: %d", j.model.len())
	}
	j.visibility.setValue(data.Draft)
	j.reload("")
	u.Wait()
	if j.model.len() != 0 {
		t.Errorf("draft filter: %d", j.model.len())
	}
	j.list.Select(0)
	j.showPractice(cz.ID)
	text, ok := find(j.detail, func(e *entry) bool { return e.MultiLine })
	if !ok {
		t.Fatal("no comment field")
	}
	test.Type(text, "We tried this in Prague: it works.")
	add, _ := button(j.detail, "Add comment")
	test.Tap(add)
	cs, _ := st.ListComments(context.Background(), cz.ID)
	if len(cs) != 1 || cs[0].Text != "We tried this in Prague: it works." {
		t.Fatalf("comments %v", cs)
	}
	if _, ok := find(j.detail, func(l *widget.Label) bool { return l.Text == "We tried this in Prague: it works." }); !ok {
		t.Error("the new comment is not shown")
	}
}

func TestFirstStart(t *testing.T) {
	st, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.SetSetting(data.SettingUILang, "en")
	if _, err := assets.Seed(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, st, nil)
	f := u.first
	if f == nil || u.tabs != nil {
		t.Fatal("a new installation should show the first-start form")
	}
	start, _ := button(f.content, "Start using Vademecum")
	test.Tap(start)
	if !f.errs["partner"].Visible() {
		t.Error("no organisation chosen, but no message")
	}
	f.mode.SetSelected(f.mode.Options[1])
	test.Type(f.orgName, "Casa Aperta Łódź")
	f.country.setValue("PL")
	f.languages.SetSelected([]string{"Polski", "English"})
	test.Tap(start)
	if !f.errs["user"].Visible() || st.Initialised() {
		t.Fatalf("no name: error shown %v, initialised %v", f.errs["user"].Visible(), st.Initialised())
	}
	test.Type(f.user, "Anna Kowalska")
	test.Tap(start)
	u.Wait()
	me, err := st.Identity()
	if err != nil || me.Org != "casa-aperta-lodz-pl" || me.User != "Anna Kowalska" {
		t.Fatalf("identity %+v %v", me, err)
	}
	if u.tabs == nil || u.first != nil {
		t.Fatal("the main window did not open")
	}
	if !strings.Contains(u.win.Title(), "Anna Kowalska · Casa Aperta Łódź") {
		t.Errorf("window title: %q", u.win.Title())
	}
}

func TestPartners(t *testing.T) {
	ps := assets.Partners()
	if len(ps) != 10 || ps[0].ID != "opengroup-it" || ps[0].Languages[0] != "it" {
		t.Fatalf("partners %+v", ps)
	}
	for _, p := range ps {
		org := &data.Organisation{Name: p.Name, Country: p.Country, Languages: p.Languages}
		org.ID = p.ID
		if err := data.ValidateOrg(org); err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
	}
}

// TestLocaleCStartsInEnglish starts the UI in a child process with LANG=C and
// checks that it is English and that nothing was logged.
func TestLocaleCStartsInEnglish(t *testing.T) {
	if os.Getenv("VADEMECUM_LOCALE_CHILD") == "1" {
		st := newTestStore(t)
		st.SetSetting(data.SettingUILang, "")
		u := newTestUI(t, st, nil)
		fmt.Printf("language=%s tab=%s\n", u.Language(), u.tabs.Items[0].Text)
		return
	}
	for _, loc := range []string{"C", "POSIX"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLocaleCStartsInEnglish$", "-test.v")
		cmd.Env = []string{"VADEMECUM_LOCALE_CHILD=1", "LANG=" + loc, "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("LANG=%s: %v\n%s%s", loc, err, stdout.String(), stderr.String())
		}
		if !strings.Contains(stdout.String(), "language=en tab=Toolkit") {
			t.Errorf("LANG=%s: %s", loc, stdout.String())
		}
		if strings.Contains(stdout.String()+stderr.String(), "Fyne error") {
			t.Errorf("LANG=%s logged an error:\n%s%s", loc, stdout.String(), stderr.String())
		}
	}
}

func TestSystemLanguage(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "it_IT.UTF-8"}, "it"},
		{map[string]string{"LANG": "cs_CZ.UTF-8", "LANGUAGE": "pl:en"}, "pl"},
		{map[string]string{"LANG": "C"}, "en"},
		{map[string]string{"LANG": "POSIX", "LANGUAGE": "fr"}, "en"},
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "de_DE.UTF-8"}, "en"},
		{map[string]string{"LC_ALL": "es_ES.UTF-8", "LANG": "en_GB.UTF-8"}, "es"},
		{map[string]string{}, "en"},
	} {
		for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
			t.Setenv(v, c.env[v])
		}
		if got := SystemLanguage(); got != c.want {
			t.Errorf("%v: %s, want %s", c.env, got, c.want)
		}
	}
}

func TestOrgID(t *testing.T) {
	for name, want := range map[string]string{
		"Casa Aperta Łódź":   "casa-aperta-lodz-pl",
		"  Città & Società ": "citta-societa-pl",
	} {
		if got := orgID(name, "PL"); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
}

// A file name from a hub is data: on the Sync screen a newline or an escape
// sequence in it is shown escaped, never as a second line.
func TestSyncQuarantineShowsHubTextEscaped(t *testing.T) {
	st := newTestStore(t)
	hub, _ := conflictHub(t, st)
	hub.quarantined = []HubQuarantined{{Path: "evil.json\nall records verified", Reason: "bad \x1b[2Kname", Remote: "hub", Seen: time.Now()}}
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	item := u.syncs.quarList.CreateItem()
	u.syncs.quarList.UpdateItem(0, item)
	texts := []string{}
	for _, o := range item.(*fyne.Container).Objects {
		texts = append(texts, o.(*widget.Label).Text)
	}
	if texts[0] != `evil.json\nall records verified` || texts[1] != `bad \x1b[2Kname` {
		t.Errorf("shown: %q", texts)
	}
}

// A shared practice that still holds personal data (saved by an older version)
// is not sent: the Sync screen names it after each sync, never silently.
func TestSyncNamesWhatIsHeldBack(t *testing.T) {
	st := newTestStore(t)
	hub, _ := conflictHub(t, st)
	p := &data.Practice{Meta: data.Meta{Lang: "it"}, Title: "Vecchia nota", Visibility: data.Shared}
	if err := st.SavePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	p.Tags = []string{"RSSMRA85T10A562S"}
	if err := st.Tx(context.Background(), func(tx *data.Tx) error { return tx.Put(p, data.PutLocal) }); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	test.Tap(u.syncs.syncBtn)
	u.Wait()
	if r := u.syncs.result.Text; !strings.Contains(r, "1 shared practice or comment was not sent") || !strings.Contains(r, "“Vecchia nota”") {
		t.Errorf("result %q", r)
	}
}

// A token pasted into the hub address (as GitHub documents it) is taken out of
// it by the engine; the form says so once.
func TestHubFormSaysTokenWasMoved(t *testing.T) {
	st := newTestStore(t)
	hub := &fakeEngine{store: st, status: HubStatus{State: HubNotSetUp}}
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	address, _ := find(u.syncs.hubsTab.Content, func(e *entry) bool { return strings.Contains(e.PlaceHolder, "https://") })
	test.Type(address, "https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/network/practices.git")
	connect, _ := button(u.syncs.hubsTab.Content, "Connect")
	test.Tap(connect)
	u.Wait()
	l, ok := find(u.syncs.hubsTab.Content, func(l *widget.Label) bool { return strings.Contains(l.Text, "token in the address was taken out") })
	if !ok || !l.Visible() {
		t.Fatal("the form does not say that the token was taken out of the address")
	}
	if strings.Contains(l.Text, "ghp_") {
		t.Errorf("the note shows the token: %q", l.Text)
	}
}

// TestCountryFilterNarrowsToolkit: choosing Poland keeps the Polish national
// tools and the tools for everywhere, and drops other countries' national tools.
func TestCountryFilterNarrowsToolkit(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	all := len(u.toolkit.items)
	for i, v := range u.toolkit.country.values { // as a person picks "For Poland"
		if v == "PL" {
			u.toolkit.country.SetSelectedIndex(i)
		}
	}
	u.Wait()
	ids := map[string]bool{}
	for _, it := range u.toolkit.items {
		ids[it.id] = true
		if it.kind != data.TypeTool {
			continue
		}
		tool, err := st.GetTool(it.id)
		if err != nil || !tool.ServesCountry("PL") {
			t.Errorf("%s listed for Poland (countries %v, %v)", it.title, tool.Countries, err)
		}
	}
	for _, want := range []string{"profil-zaufany", "mobywatel", "signal"} {
		if !ids[want] {
			t.Errorf("%s is missing for Poland", want)
		}
	}
	for _, unwanted := range []string{"spid", "clave", "itsme", "skype"} {
		if ids[unwanted] {
			t.Errorf("%s is listed for Poland", unwanted)
		}
	}
	if len(u.toolkit.items) >= all {
		t.Errorf("for Poland: %d entries of %d", len(u.toolkit.items), all)
	}
	u.toolkit.clearFilters()
	u.Wait()
	if len(u.toolkit.items) != all {
		t.Errorf("after clearing the filters: %d entries, want %d", len(u.toolkit.items), all)
	}
}

// TestRetiredToolNamedNotOffered: Skype is retired: the editor names it in an old
// practice but does not offer it for new ones, and the journal can still filter by it.
func TestRetiredToolNamedNotOffered(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	typeShortcut(u, shortcutNew)
	e := u.editor
	if e == nil {
		t.Fatal("Ctrl+N did not open the editor")
	}
	if e.toolNames["skype"] != "Skype" {
		t.Errorf("the editor names skype %q, want Skype", e.toolNames["skype"])
	}
	for _, v := range e.toolPick.values {
		if v == "skype" {
			t.Error("the editor offers the retired Skype for a new practice")
		}
	}
	if !slices.Contains(u.journal.tool.values, "skype") {
		t.Error("the journal cannot filter old practices by Skype")
	}
}
