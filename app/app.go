package app

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/assets"
	"vademecum/data"
)

// Options are what the desktop app is built from.
type Options struct {
	Store *data.Store
	// Engine is the sync engine; nil when this build or installation has none,
	// which the app shows as "sync not set up".
	Engine Engine
	// Kit is the toolkit shipped with the app (categories, DigComp names); nil
	// means assets.Toolkit().
	Kit *assets.Kit
	// StatusEvery is how often the status bar asks the hub for news; 0 means 30s.
	StatusEvery time.Duration
	// OpenEngine, when Engine is nil, opens the sync engine once first start has given
	// this installation its organisation (the engine needs it to sign records).
	OpenEngine func() (Engine, error)
}

// UI is the desktop app: one window with the toolkit, the journal, the sync
// screen and the settings, or the first-start form on a new installation.
type UI struct {
	// uiMu serialises the results that goroutines bring back to the widgets: the real
	// driver runs them all on its main goroutine, but Fyne's test driver runs each on
	// the goroutine that asked, where two could change one widget at once.
	uiMu   sync.Mutex
	app    fyne.App
	win    fyne.Window
	store  *data.Store
	engine Engine
	kit    *assets.Kit
	opts   Options
	lang   string
	me     data.Identity

	// shown is closed once the first screen shows what it is for: the
	// first-start form, or the toolkit with its tools listed.
	shown     chan struct{}
	shownOnce sync.Once
	orgs      map[string]*data.Organisation

	ctx    context.Context
	cancel context.CancelFunc
	jobs   sync.WaitGroup // background work that reports back to the window
	once   sync.Once      // background loops start once

	root      *fyne.Container // the window's content: the center above the status bar
	center    *fyne.Container // the tabs, or the editor while it is open
	tabs      *container.AppTabs
	toolkit   *toolkitScreen
	journal   *journalScreen
	editor    *editorScreen
	syncs     *syncScreen
	settings  *settingsScreen
	selfcheck *selfCheckScreen
	network   *networkScreen
	first     *firstStart
	statusBar *statusBar
	hubStatus HubStatus
	// statusKnown is set once the hub has answered: until then the status is a guess.
	statusKnown bool
	// openConflicts is how many conflicts wait for a choice, as last read.
	openConflicts int
	dialog        dialog.Dialog // the open dialog, closed by Esc
	drafts        *drafts       // comments being written, kept across reloads

	// chooseFolder and chooseCSV ask for a place on disk; tests replace them to
	// skip Fyne's file dialogs.
	chooseFolder func(start string, done func(path string))
	chooseCSV    func(done func(path string))
	chooseInvite func(done func(path string)) // an invitation file (invite.go)
	invites      *inviteForm                  // the open invitation form (invitecreate.go)
}

// New builds the main window, or the first-start form when the store has no
// identity yet. Call Window().ShowAndRun() to show it.
func New(a fyne.App, opts Options) *UI {
	if opts.Kit == nil {
		k, err := assets.Toolkit()
		if err != nil {
			k = &assets.Kit{}
		}
		opts.Kit = k
	}
	uiThread.claim()
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{app: a, store: opts.Store, engine: opts.Engine, kit: opts.Kit, opts: opts, ctx: ctx, cancel: cancel,
		shown: make(chan struct{})}
	u.chooseFolder, u.chooseCSV = u.chooseFolderDialog, u.chooseCSVDialog
	u.drafts = newDrafts(u)
	u.chooseInvite = u.chooseInviteDialog
	u.lang, _ = u.store.Setting(data.SettingUILang)
	if !supportedLanguage(u.lang) {
		u.lang = SystemLanguage()
	}
	UseLanguage(u.lang)
	u.applyTheme()
	u.win = a.NewWindow(lang.X("app.title", "Vademecum"))
	u.win.Resize(u.windowSize())
	u.win.Canvas().SetOnTypedKey(u.typedKey)
	u.win.SetCloseIntercept(u.closeWindow)
	if u.engine == nil {
		u.hubStatus = HubStatus{State: HubNotSetUp}
	}
	// Results of background work wait until the window is built (the real driver
	// queues them behind New on its goroutine; this makes the test driver do the same).
	u.uiMu.Lock()
	defer u.uiMu.Unlock()
	if u.store.Initialised() {
		u.showMain()
	} else {
		u.showFirstStart()
	}
	return u
}

// Window is the app's main window.
func (u *UI) Window() fyne.Window { return u.win }

// Language is the current interface language code.
func (u *UI) Language() string { return u.lang }

// Shown is closed once the first screen shows what it is for: the first-start
// form, or the toolkit with its tools listed (make bench times the app's start
// up to it).
func (u *UI) Shown() <-chan struct{} { return u.shown }

func (u *UI) markShown() { u.shownOnce.Do(func() { close(u.shown) }) }

// Wait blocks until the background work started so far has reported back.
func (u *UI) Wait() {
	done := make(chan struct{})
	go func() {
		u.jobs.Wait()
		close(done)
	}()
	uiThread.wait(done)
}

// uiThread is how results of background work reach the widgets. The real
// driver runs them one at a time on its main goroutine (fyne.Do). Fyne's test
// driver would run each on the goroutine that asked, beside the test's own
// steps on the same widgets; this package's tests replace these functions
// (uithread_test.go) so that the test's goroutine runs them all, queued, when it
// waits.
var uiThread = struct {
	do    func(f func(), wait bool)  // runs f on the UI goroutine
	wait  func(done <-chan struct{}) // blocks until done, on the UI goroutine
	claim func()                     // New: the calling goroutine is the UI goroutine
}{
	do: func(f func(), wait bool) {
		if wait {
			fyne.DoAndWait(f)
		} else {
			fyne.Do(f)
		}
	},
	wait:  func(done <-chan struct{}) { <-done },
	claim: func() {},
}

// Close stops background work, keeping a draft being edited.
func (u *UI) Close() {
	if u.editor != nil {
		u.editor.autosave()
		u.editor.stop()
	}
	u.drafts.flush()
	u.keepWindowSize()
	u.cancel()
}

// onUI runs f on the UI goroutine, without waiting.
func (u *UI) onUI(f func()) {
	uiThread.do(func() {
		u.uiMu.Lock()
		defer u.uiMu.Unlock()
		langMu.RLock()
		defer langMu.RUnlock()
		f()
	}, false)
}

// onUIWait runs f on the UI goroutine and waits for it.
func (u *UI) onUIWait(f func()) {
	uiThread.do(func() {
		u.uiMu.Lock()
		defer u.uiMu.Unlock()
		langMu.RLock()
		defer langMu.RUnlock()
		f()
	}, true)
}

// background runs work off the UI goroutine; the function it returns, if any,
// then runs on the UI goroutine to show the result.
func (u *UI) background(work func(ctx context.Context) func()) {
	u.jobs.Add(1)
	go func() {
		defer u.jobs.Done()
		apply := work(u.ctx)
		if apply != nil && u.ctx.Err() == nil {
			u.onUIWait(apply)
		}
	}()
}

// later runs work after delay, replacing work still waiting on t (search as you type).
func (u *UI) later(t **time.Timer, delay time.Duration, work func(ctx context.Context) func()) {
	if *t != nil && (*t).Stop() {
		u.jobs.Done()
	}
	u.jobs.Add(1)
	*t = time.AfterFunc(delay, func() {
		defer u.jobs.Done()
		apply := work(u.ctx)
		if apply != nil && u.ctx.Err() == nil {
			u.onUIWait(apply)
		}
	})
}

func (u *UI) showMain() {
	me, err := u.store.Identity()
	if err != nil {
		u.showFirstStart()
		return
	}
	u.me = me
	u.first = nil
	if u.engine == nil && u.opts.OpenEngine != nil {
		if h, err := u.opts.OpenEngine(); err == nil {
			u.engine = h
			u.hubStatus = HubStatus{State: HubNotSetUp}
		} else {
			fyne.LogError("sync is not available", err)
		}
	}
	u.loadOrgs()
	u.build()
	u.once.Do(u.startLoops)
}

func (u *UI) loadOrgs() {
	u.orgs = map[string]*data.Organisation{}
	orgs, err := u.store.ListOrgs(u.ctx)
	if err != nil {
		return
	}
	for _, o := range orgs {
		u.orgs[o.ID] = o
	}
}

// orgName is an organisation's name, or its id when it is not known here.
func (u *UI) orgName(id string) string {
	if o, ok := u.orgs[id]; ok && o.Name != "" {
		return o.Name
	}
	if id == data.ToolkitOrg {
		return lang.X("org.toolkit", "Vademecum toolkit")
	}
	return id
}

// build makes the main window's content; it runs again when the language changes.
func (u *UI) build() {
	tab := 0
	if u.tabs != nil {
		tab = u.tabs.SelectedIndex()
	}
	var tool, practice string
	if u.toolkit != nil {
		tool = u.toolkit.selected
	}
	if u.journal != nil {
		practice = u.journal.selectedID
	}
	u.toolkit = newToolkitScreen(u)
	u.journal = newJournalScreen(u)
	u.syncs = newSyncScreen(u)
	u.settings = newSettingsScreen(u)
	u.selfcheck = newSelfCheckScreen(u)
	u.network = newNetworkScreen(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.X("tab.toolkit", "Toolkit"), theme.SearchIcon(), u.toolkit.content),
		container.NewTabItemWithIcon(lang.X("tab.journal", "Practices journal"), theme.DocumentIcon(), u.journal.content),
		container.NewTabItemWithIcon(lang.X("tab.sync", "Sync"), theme.ViewRefreshIcon(), u.syncs.content),
		container.NewTabItemWithIcon(lang.X("tab.settings", "Settings"), theme.SettingsIcon(), u.settings.content),
		container.NewTabItemWithIcon(lang.X("tab.selfcheck", "Self-check"), theme.QuestionIcon(), u.selfcheck.content),
		container.NewTabItemWithIcon(lang.X("tab.network", "Network"), theme.AccountIcon(), u.network.content),
	)
	u.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Content {
		case u.syncs.content:
			u.syncs.refresh()
		case u.settings.content:
			u.settings.loadRemotes()
		case u.network.content:
			u.network.load()
			u.network.loadOverview()
		}
	}
	u.tabs.SelectIndex(tab)
	u.statusBar = newStatusBar(u)
	u.statusBar.set(u.hubStatus)
	u.center = container.NewStack(u.tabs)
	u.setTitle()
	u.root = container.New(footerLayout{}, u.center, u.statusBar.content)
	u.win.SetContent(u.root)
	u.win.SetMainMenu(u.menu())
	u.addShortcuts()
	if tool != "" {
		u.toolkit.showByKey(tool)
	}
	if practice != "" {
		u.journal.showPractice(practice)
	}
}

var (
	shortcutFind = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutNew  = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSave = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
)

// addShortcuts makes Ctrl+F, Ctrl+N, Ctrl+S and Ctrl+1…5 work when no field has
// the focus; the menu below carries the same shortcuts for when one has.
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	c.AddShortcut(shortcutFind, func(fyne.Shortcut) { u.focusSearch() })
	c.AddShortcut(shortcutNew, func(fyne.Shortcut) { u.newPractice() })
	c.AddShortcut(shortcutSave, func(fyne.Shortcut) { u.save() })
	for i := range u.tabs.Items {
		c.AddShortcut(shortcutTab(i), func(fyne.Shortcut) { u.selectTab(i) })
	}
}

func (u *UI) menu() *fyne.MainMenu {
	item := func(label string, sc fyne.Shortcut, action func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, action)
		it.Shortcut = sc
		return it
	}
	practice := fyne.NewMenu(lang.X("menu.practice", "Practice"),
		item(lang.X("menu.new", "New practice"), shortcutNew, u.newPractice),
		item(lang.X("menu.save", "Save"), shortcutSave, u.save),
		fyne.NewMenuItemSeparator(),
		item(lang.X("menu.sync", "Sync now"), nil, func() { u.selectTab(2); u.syncs.syncNow() }),
	)
	view := fyne.NewMenu(lang.X("menu.view", "View"),
		item(lang.X("menu.find", "Search the toolkit"), shortcutFind, u.focusSearch),
		fyne.NewMenuItemSeparator(),
		item(lang.X("tab.toolkit", "Toolkit"), shortcutTab(0), func() { u.selectTab(0) }),
		item(lang.X("tab.journal", "Practices journal"), shortcutTab(1), func() { u.selectTab(1) }),
		item(lang.X("tab.sync", "Sync"), shortcutTab(2), func() { u.selectTab(2) }),
		item(lang.X("tab.settings", "Settings"), shortcutTab(3), func() { u.selectTab(3) }),
		item(lang.X("tab.selfcheck", "Self-check"), shortcutTab(4), func() { u.selectTab(4) }),
		item(lang.X("tab.network", "Network"), shortcutTab(5), func() { u.selectTab(5) }),
	)
	file := fyne.NewMenu(lang.X("menu.file", "File"),
		item(lang.X("menu.export", "Export…"), nil, func() { u.showExport() }),
		item(lang.X("menu.import", "Import practices from CSV…"), nil, u.showImport),
	)
	return fyne.NewMainMenu(file, practice, view)
}

// selectTab shows one of the main screens, closing the editor first if needed.
func (u *UI) selectTab(i int) {
	if u.tabs == nil {
		return
	}
	if u.editor != nil {
		u.editor.requestClose(func() { u.tabs.SelectIndex(i) })
		return
	}
	u.tabs.SelectIndex(i)
}

func (u *UI) focusSearch() {
	if u.tabs == nil {
		return
	}
	if u.editor != nil {
		u.editor.requestClose(u.focusSearch)
		return
	}
	if u.tabs.SelectedIndex() == 1 {
		u.win.Canvas().Focus(u.journal.search) // on the journal, its own search
		return
	}
	u.tabs.SelectIndex(0)
	u.win.Canvas().Focus(u.toolkit.search)
}

// newPractice opens the editor on an empty practice.
func (u *UI) newPractice() {
	if u.tabs == nil {
		return
	}
	if u.editor != nil {
		u.editor.requestClose(u.newPractice)
		return
	}
	u.openEditor(nil)
}

// editPractice opens the editor on a practice of this organisation.
func (u *UI) editPractice(p *data.Practice) {
	if u.editor != nil {
		u.editor.requestClose(func() { u.editPractice(p) })
		return
	}
	u.openEditor(p)
}

func (u *UI) openEditor(p *data.Practice) {
	u.editor = newEditorScreen(u, p)
	u.center.Objects = []fyne.CanvasObject{u.editor.content}
	u.center.Refresh()
	u.win.Canvas().Focus(u.editor.title)
}

// closeEditor goes back to the screen the editor was opened from.
func (u *UI) closeEditor() {
	if u.editor == nil {
		return
	}
	id := u.editor.id()
	u.editor.stop()
	u.editor = nil
	u.center.Objects = []fyne.CanvasObject{u.tabs}
	u.center.Refresh()
	u.journal.reload(id)
}

// save saves the practice being edited (Ctrl+S).
func (u *UI) save() {
	if u.editor != nil {
		u.editor.save()
	}
}

// escape closes the open dialog, else the editor.
func (u *UI) escape() {
	if u.dialog != nil {
		d := u.dialog
		u.dialog = nil
		d.Hide()
		return
	}
	if u.editor != nil {
		u.editor.requestClose(nil)
	}
}

// showDialog shows d and lets Esc close it.
func (u *UI) showDialog(d dialog.Dialog) {
	u.dialog = d
	d.SetOnClosed(func() {
		if u.dialog == d {
			u.dialog = nil
		}
	})
	d.Show()
}

// confirm asks a yes/no question; yes runs only when the person agrees.
func (u *UI) confirm(title, message, yesLabel, noLabel string, yes func()) {
	d := dialog.NewConfirm(title, message, func(ok bool) {
		if ok {
			yes()
		}
	}, u.win)
	d.SetConfirmText(yesLabel)
	d.SetDismissText(noLabel)
	u.showDialog(d)
}

// askKeepWriting asks before closing what is being written; discard runs only
// when the person chooses "Close without saving".
func (u *UI) askKeepWriting(message string, discard func()) {
	u.askSafe(lang.X("editor.close.title", "Close the editor?"), message,
		lang.X("editor.close.keep", "Keep writing"), lang.X("editor.close.lose", "Close without saving"), discard)
}

// askSafe asks before something that cannot be undone. The safe answer is the
// highlighted one and has the focus (Enter); Esc is the safe answer too; risky
// runs only when the person chooses riskyLabel.
func (u *UI) askSafe(title, message, safeLabel, riskyLabel string, risky func()) {
	var d *dialog.CustomDialog
	safe := newKeyButton(u, safeLabel, theme.ConfirmIcon(), func() { d.Hide() })
	safe.Importance = widget.HighImportance
	act := newKeyButton(u, riskyLabel, theme.WarningIcon(), func() {
		d.Hide()
		risky()
	})
	d = dialog.NewCustomWithoutButtons(title, paragraph(message), u.win)
	d.SetButtons([]fyne.CanvasObject{act, safe})
	u.showDialog(d)
	u.win.Canvas().Focus(safe)
}

// showError tells about a failure in words people can act on.
func (u *UI) showError(what string, err error) {
	msg := what
	if err != nil {
		msg += "\n\n" + err.Error()
	}
	d := dialog.NewInformation(lang.X("dialog.problem", "Something went wrong"), msg, u.win)
	u.showDialog(d)
}

func (u *UI) closeWindow() {
	if u.editor != nil {
		u.editor.requestClose(func() { u.Close(); u.win.Close() })
		return
	}
	u.Close()
	u.win.Close()
}

// SetLanguage switches the interface language at once and remembers it.
func (u *UI) SetLanguage(code string) error {
	if !supportedLanguage(code) {
		code = "en"
	}
	if err := u.store.SetSetting(data.SettingUILang, code); err != nil {
		return err
	}
	// Results of background work wait until the window is rebuilt, as in New.
	u.uiMu.Lock()
	defer u.uiMu.Unlock()
	u.lang = code
	if err := UseLanguage(code); err != nil {
		return err
	}
	if u.first != nil {
		u.first.rebuild()
		return nil
	}
	if u.tabs != nil && u.editor == nil {
		u.build()
	}
	return nil
}

// SetTheme switches between light, dark and the system's choice, and remembers it.
func (u *UI) SetTheme(choice string) error {
	if err := u.store.SetSetting(SettingTheme, choice); err != nil {
		return err
	}
	u.applyTheme()
	return nil
}

// SetTextSize sets the text size as a percentage of the normal one.
func (u *UI) SetTextSize(percent int) error {
	if err := u.store.SetSetting(SettingTextSize, strconv.Itoa(percent)); err != nil {
		return err
	}
	u.applyTheme()
	return nil
}

// syncFromStatusBar syncs now; with no hub yet, it opens the Sync screen to set one up.
func (u *UI) syncFromStatusBar() {
	if u.engine == nil || u.hubStatus.State == HubNotSetUp || u.syncs == nil {
		u.selectTab(2)
		return
	}
	u.syncs.syncNow()
}

// stateIcon is the coloured icon of the hub's state; conflicts waiting warn.
func (u *UI) stateIcon(st HubStatus) fyne.Resource {
	if st.State == HubUpToDate && (u.openConflicts > 0 || st.LastSync.IsZero()) {
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return stateIcon(st.State)
}

// hubsChanged shows a hub just added or changed on both screens that list hubs.
func (u *UI) hubsChanged() {
	u.refreshStatus()
	if u.syncs != nil {
		u.syncs.refresh()
	}
	if u.settings != nil {
		u.settings.loadRemotes()
	}
}

// startLoops starts the engine's background syncs, whose changes of state
// come back through fyne.Do, and asks the engine for its status every
// StatusEvery (local edits change what waits to be sent).
func (u *UI) startLoops() {
	if u.engine == nil {
		return
	}
	go u.engine.Run(u.ctx, func(st HubStatus) {
		if u.ctx.Err() == nil {
			u.onUI(func() { u.setHubStatus(st) })
		}
	})
	every := u.opts.StatusEvery
	if every <= 0 {
		every = 30 * time.Second
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			u.pollStatus()
			select {
			case <-u.ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// pollStatus asks the hub for its status and shows it; it runs off the UI goroutine.
func (u *UI) pollStatus() {
	if u.engine == nil {
		return
	}
	ctx, cancel := context.WithTimeout(u.ctx, 10*time.Second)
	st := u.engine.Status(ctx)
	cancel()
	if u.ctx.Err() != nil {
		return
	}
	u.onUI(func() { u.setHubStatus(st) })
}

// refreshStatus asks the hub for news now, from the UI goroutine.
func (u *UI) refreshStatus() {
	if u.engine == nil {
		return
	}
	u.background(func(ctx context.Context) func() {
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		st := u.engine.Status(c)
		return func() { u.setHubStatus(st) }
	})
}

func (u *UI) setHubStatus(st HubStatus) {
	u.hubStatus = st
	u.statusKnown = true
	if u.statusBar != nil {
		u.statusBar.set(st)
	}
	if u.syncs != nil {
		u.syncs.showStatus(st)
	}
}

// hubStateText says in a sentence where this installation stands with its hub,
// and with the conflicts that wait for a choice.
func (u *UI) hubStateText(st HubStatus) string {
	if st.State == HubUpToDate && u.openConflicts > 0 {
		return plural("hub.conflicts", "Synced, but {{.Count}} conflict waits for your choice on the Sync screen.",
			"Synced, but {{.Count}} conflicts wait for your choice on the Sync screen.", u.openConflicts)
	}
	if st.State == HubUpToDate && st.LastSync.IsZero() {
		return lang.X("hub.connected", "A hub is set up, but this computer has not synced with it yet: press Sync to exchange practices with partners.")
	}
	switch st.State {
	case HubOffline:
		return lang.X("hub.offline", "The hub cannot be reached: you are working offline. Your changes wait here and are sent later.")
	case HubSyncing:
		return lang.X("hub.syncing", "Syncing with the hub…")
	case HubUpToDate:
		return lang.X("hub.uptodate", "The hub is reachable and everything is up to date.")
	case HubFailed:
		if st.Problem != nil {
			return lang.X("hub.failed.reason", "The last sync did not finish: {{.Reason}}", map[string]any{"Reason": syncErrorText(st.Problem)})
		}
		return lang.X("hub.failed", "The last sync did not finish.")
	}
	return lang.X("hub.notsetup", "Sync is not set up: your practices stay on this computer.")
}

// statusBar is the line at the bottom of the window: the hub's state, and Sync.
// Who is writing is in the window's title, so the state keeps the width it needs
// on a netbook with large text.
type statusBar struct {
	u       *UI
	icon    *widget.Icon
	text    *widget.Label
	content fyne.CanvasObject
}

func newStatusBar(u *UI) *statusBar {
	b := &statusBar{u: u, icon: widget.NewIcon(theme.InfoIcon()), text: widget.NewLabel("")}
	// Long translations wrap onto a second line rather than lose their end.
	b.text.Wrapping = fyne.TextWrapWord
	open := widget.NewButtonWithIcon(lang.X("status.open_sync", "Sync"), theme.ViewRefreshIcon(), u.syncFromStatusBar)
	open.Importance = widget.LowImportance
	b.content = container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, b.icon, open, b.text))
	return b
}

// setTitle names the window with who is writing: "Vademecum — Giulia Rossi · Open Group".
func (u *UI) setTitle() {
	title := lang.X("app.title", "Vademecum")
	who := u.me.User
	if org := u.orgName(u.me.Org); org != "" {
		who = strings.TrimSpace(who + " · " + org)
	}
	if who != "" {
		title += " — " + who
	}
	u.win.SetTitle(title)
}

func (b *statusBar) set(st HubStatus) {
	text := b.u.hubStateText(st)
	if !st.LastSync.IsZero() {
		text += " " + lang.X("status.last_sync", "Last sync: {{.When}}.", map[string]any{"When": formatDateTime(st.LastSync, b.u.lang)})
	}
	if st.Pending > 0 {
		text += " " + plural("status.pending", "{{.Count}} change waiting to be sent.", "{{.Count}} changes waiting to be sent.", st.Pending)
	}
	b.text.SetText(text)
	b.icon.SetResource(b.u.stateIcon(st))
	// A long translation may now take one line more or less: lay the window out again.
	if r := b.u.root; r != nil && b.content.Size().Width > 0 && b.content.MinSize().Height != b.content.Size().Height {
		r.Refresh()
	}
}
