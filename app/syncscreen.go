package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
	"vademecum/internal/synccode"
)

// syncScreen shows where this installation stands with its hub, syncs on
// demand, and lets people settle conflicts and see what was set aside.
type syncScreen struct {
	u       *UI
	content fyne.CanvasObject

	icon     *widget.Icon
	state    *widget.Label
	details  *widget.Label
	syncBtn  *widget.Button
	progress *widget.ProgressBar
	stage    *widget.Label
	result   *widget.Label

	tabs        *container.AppTabs
	conflictTab *container.TabItem
	quarTab     *container.TabItem
	hubsTab     *container.TabItem
	conflictBox *fyne.Container
	conflicts   []Conflict
	quarantined []HubQuarantined
	quarList    *widget.List
	log         []string
	logList     *widget.List
	remotesBox  *fyne.Container

	running bool
}

func newSyncScreen(u *UI) *syncScreen {
	s := &syncScreen{u: u}
	s.icon = widget.NewIcon(theme.InfoIcon())
	s.state = widget.NewLabel("")
	s.state.TextStyle.Bold = true
	s.state.Wrapping = fyne.TextWrapWord
	s.details = note("")
	s.syncBtn = widget.NewButtonWithIcon(lang.X("sync.now", "Sync now"), theme.ViewRefreshIcon(), s.syncNow)
	s.syncBtn.Importance = widget.HighImportance
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
	s.stage = note("")
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord
	s.result.Hide()

	s.conflictBox = container.NewVBox()
	s.quarList = widget.NewList(func() int { return len(s.quarantined) }, func() fyne.CanvasObject {
		path := widget.NewLabel("")
		path.TextStyle.Bold = true
		path.Truncation = fyne.TextTruncateEllipsis
		reason := widget.NewLabel("")
		reason.Truncation = fyne.TextTruncateEllipsis
		seen := widget.NewLabel("")
		seen.Truncation = fyne.TextTruncateEllipsis
		return container.NewVBox(path, reason, seen)
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id >= len(s.quarantined) {
			return
		}
		q := s.quarantined[id]
		box := o.(*fyne.Container)
		box.Objects[0].(*widget.Label).SetText(data.Printable(q.Path))
		box.Objects[1].(*widget.Label).SetText(refusalText(q.Reason))
		box.Objects[2].(*widget.Label).SetText(lang.X("sync.quarantine.seen", "From {{.Remote}}, {{.When}}",
			map[string]any{"Remote": q.Remote, "When": formatDateTime(q.Seen, u.lang)}))
	})
	s.logList = widget.NewList(func() int { return len(s.log) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		l.TextStyle.Monospace = true
		return l
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(s.log) {
			o.(*widget.Label).SetText(data.Printable(s.log[id]))
		}
	})
	s.remotesBox = container.NewVBox()

	quarHelp := note(lang.X("sync.quarantine.help", "These files came from a hub but were not taken in, because something in them was wrong. The rest of the sync went on. Tell the hub's coordinator if they stay here."))
	hubs := container.NewVScroll(container.NewVBox(s.remotesBox, widget.NewSeparator(),
		subheading(lang.X("sync.hub.add", "Connect to a hub")), u.hubForm()))
	s.conflictTab = container.NewTabItem("", container.NewVScroll(s.conflictBox))
	s.quarTab = container.NewTabItem("", container.NewBorder(quarHelp, nil, nil, nil, s.quarList))
	s.hubsTab = container.NewTabItem(lang.X("sync.tab.hubs", "Hubs"), hubs)
	s.tabs = container.NewAppTabs(s.conflictTab, s.quarTab,
		container.NewTabItem(lang.X("sync.tab.log", "Sync log"), s.logList), s.hubsTab)
	s.setTabTitles()

	// No heading above the state: the tab names the screen, and a netbook with
	// large text needs the height.
	top := container.NewVBox(
		container.NewBorder(nil, nil, s.icon, nil, s.state),
		s.details,
		container.NewBorder(nil, nil, s.syncBtn, nil, container.NewVBox(s.progress, s.stage)),
		s.result,
		widget.NewSeparator(),
	)
	s.content = container.NewBorder(top, nil, nil, nil, s.tabs)
	s.showStatus(u.hubStatus)
	if u.engine != nil {
		s.refresh()
	}
	return s
}

func (s *syncScreen) setTabTitles() {
	s.conflictTab.Text = plural("sync.tab.conflicts", "{{.Count}} conflict", "{{.Count}} conflicts", len(s.conflicts))
	s.quarTab.Text = plural("sync.tab.quarantined", "{{.Count}} file set aside", "{{.Count}} files set aside", len(s.quarantined))
	s.tabs.Refresh()
}

// showStatus shows the hub's state at the top of the screen.
func (s *syncScreen) showStatus(st HubStatus) {
	s.state.SetText(s.u.hubStateText(st))
	var parts []string
	if st.Remote != "" {
		parts = append(parts, lang.X("sync.details.remote", "Hub: {{.Remote}}", map[string]any{"Remote": st.Remote}))
	}
	if st.LastSync.IsZero() {
		if st.State != HubNotSetUp {
			parts = append(parts, lang.X("sync.details.never", "Never synced yet."))
		}
	} else {
		parts = append(parts, lang.X("status.last_sync", "Last sync: {{.When}}.", map[string]any{"When": formatDateTime(st.LastSync, s.u.lang)}))
	}
	if st.State != HubNotSetUp {
		if st.Pending > 0 {
			parts = append(parts, plural("status.pending", "{{.Count}} change waiting to be sent.", "{{.Count}} changes waiting to be sent.", st.Pending))
		} else {
			parts = append(parts, lang.X("sync.details.nothing_pending", "No local changes waiting."))
		}
	}
	s.details.SetText(strings.Join(parts, "  "))
	s.icon.SetResource(s.u.stateIcon(st))
	if s.u.engine == nil || st.State == HubNotSetUp || s.running {
		s.syncBtn.Disable()
	} else {
		s.syncBtn.Enable()
	}
	if st.State == HubNotSetUp && s.u.engine != nil && s.u.statusKnown {
		s.tabs.Select(s.hubsTab)
	}
}

// refresh reads the conflicts, the quarantine, the hubs and the log again.
func (s *syncScreen) refresh() {
	if s.u.engine == nil {
		s.showRemotes(nil, nil)
		return
	}
	s.u.refreshStatus()
	s.u.background(func(ctx context.Context) func() {
		conflicts, cerr := s.u.engine.Conflicts(ctx)
		quarantined, _ := s.u.engine.Quarantined(ctx)
		remotes, rerr := s.u.engine.Remotes()
		var log []string
		for _, l := range s.u.engine.Log() {
			log = append(log, l.Text())
		}
		return func() {
			s.conflicts = conflicts
			if cerr == nil && s.u.openConflicts != len(conflicts) {
				s.u.openConflicts = len(conflicts)
				s.u.statusBar.set(s.u.hubStatus)
				s.showStatus(s.u.hubStatus)
			}
			s.quarantined = quarantined
			s.log = log
			s.showConflicts(cerr)
			s.quarList.Refresh()
			s.logList.Refresh()
			if len(s.log) > 0 {
				s.logList.ScrollToBottom()
			}
			s.showRemotes(remotes, rerr)
			s.setTabTitles()
		}
	})
}

func (s *syncScreen) showRemotes(remotes []Remote, err error) {
	objs := []fyne.CanvasObject{subheading(lang.X("sync.hubs.title", "Hubs this computer syncs with"))}
	switch {
	case s.u.engine == nil:
		objs = append(objs, paragraph(lang.X("sync.hubs.unavailable", "This copy of Vademecum cannot sync: your practices stay on this computer. Ask your coordinator for a version with sync.")))
	case err != nil:
		objs = append(objs, paragraph(err.Error()))
	case len(remotes) == 0:
		objs = append(objs, paragraph(lang.X("sync.hubs.none", "None yet. Type the hub's address below: your coordinator can give it to you. It can be a web address, an SSH address, or a folder such as a USB stick.")))
	default:
		for _, r := range remotes {
			objs = append(objs, remoteRow(r))
		}
	}
	s.remotesBox.Objects = objs
	s.remotesBox.Refresh()
}

// fieldLabel names a practice field as the editor does.
func fieldLabel(field string) string {
	switch field {
	case "title":
		return lang.X("practice.title", "Title")
	case "summary":
		return lang.X("practice.summary", "Summary")
	case "context":
		return lang.X("practice.context", "Context and problem")
	case "target_group":
		return lang.X("practice.target_group", "Target group")
	case "objectives":
		return lang.X("practice.objectives", "Objectives")
	case "activities":
		return lang.X("practice.activities", "How it works")
	case "tools":
		return lang.X("practice.tools", "Tools used")
	case "resources":
		return lang.X("practice.resources", "Resources needed")
	case "results":
		return lang.X("practice.results", "Results")
	case "lessons":
		return lang.X("practice.lessons", "Lessons learned")
	case "transferability":
		return lang.X("practice.transferability", "How others can adopt it")
	case "tags":
		return lang.X("practice.tags", "Tags")
	case "visibility":
		return lang.X("practice.visibility", "Who can read it")
	case "country":
		return lang.X("editor.country", "Country")
	case "lang":
		return lang.X("editor.language", "Written in")
	case "deleted":
		return lang.X("history.field.deleted", "Deleted")
	case "cleared":
		return lang.X("history.field.cleared", "Marked as not personal")
	}
	return field
}

func (s *syncScreen) showConflicts(err error) {
	var objs []fyne.CanvasObject
	if err != nil {
		objs = append(objs, paragraph(err.Error()))
	}
	if len(s.conflicts) == 0 && err == nil {
		objs = append(objs, placeholder(lang.X("sync.conflicts.none", "No conflicts. When you and a partner change the same text differently, both versions appear here and you choose which one to keep.")))
	}
	for _, c := range s.conflicts {
		objs = append(objs, s.conflictCard(c), widget.NewSeparator())
	}
	s.conflictBox.Objects = objs
	s.conflictBox.Refresh()
}

func (s *syncScreen) conflictCard(c Conflict) fyne.CanvasObject {
	title := c.Title
	if title == "" {
		title = c.RecordID
	}
	// Only its organisation edits a record: the other version nearly always comes
	// from a colleague's computer, and the record says who wrote the version kept.
	var owner, keptAuthor string
	var keptWhen time.Time
	if r, err := s.u.store.Get(c.RecordID); err == nil {
		m := r.Base()
		owner, keptAuthor, keptWhen = m.Org, m.Author, m.Updated
	}
	colleague := owner == "" || owner == s.u.me.Org
	org := map[string]any{"Org": s.u.orgName(owner), "Field": fieldLabel(c.Field)}
	theirsLabel := lang.X("sync.conflict.theirs", "Partner's version")
	explain := lang.X("sync.conflict.field", "You and a partner both changed \"{{.Field}}\". Choose the version to keep.", org)
	if colleague {
		theirsLabel = lang.X("sync.conflict.colleague", "Version from another computer of {{.Org}}", map[string]any{"Org": s.u.orgName(s.u.me.Org)})
		explain = lang.X("sync.conflict.field_colleague", "You and a colleague changed \"{{.Field}}\" on two computers before they synced. Choose the version to keep.", org)
	}
	if c.Kind == ConflictEditDelete {
		explain = lang.X("sync.conflict.edit_delete", "One side deleted this practice while the other changed it. The changed version was kept; choose which one you want.")
	}
	if !c.Found.IsZero() {
		explain += " " + lang.X("sync.conflict.found", "Found by the sync of {{.When}}.", map[string]any{"When": formatDateTime(c.Found, s.u.lang)})
	}
	value := func(v string) string {
		if v == "" {
			return lang.X("sync.conflict.empty", "(empty or deleted)")
		}
		return v
	}
	side := func(label, v, keep string) fyne.CanvasObject {
		// Card titles do not wrap: the labels go inside, where long
		// translations and large text take a second line.
		name := subheading(label)
		body := container.NewVBox(name)
		if c.Kept == keep {
			inUse := note(lang.X("sync.conflict.kept", "In use now"))
			inUse.Importance = widget.SuccessImportance
			body.Add(inUse)
			if keptAuthor != "" && !keptWhen.IsZero() {
				body.Add(note(lang.X("sync.conflict.kept_by", "Written by {{.Author}}, {{.When}}",
					map[string]any{"Author": keptAuthor, "When": formatDateTime(keptWhen, s.u.lang)})))
			}
		}
		if c.Kept != keep && c.By != "" {
			// The value not kept: whose it was travels in the merged record.
			body.Add(note(lang.X("sync.conflict.other_by", "Written by {{.Author}}, not in use now", map[string]any{"Author": c.By})))
		}
		body.Add(paragraph(value(v)))
		btnText := lang.X("sync.conflict.keep_mine", "Keep mine")
		if keep == "theirs" {
			btnText = lang.X("sync.conflict.keep_theirs", "Keep theirs")
		}
		btn := widget.NewButtonWithIcon(btnText, theme.ConfirmIcon(), func() { s.resolve(c, keep) })
		if c.Kept != keep {
			btn.Importance = widget.HighImportance
		}
		body.Add(container.NewHBox(btn))
		return widget.NewCard("", "", body)
	}
	return container.NewVBox(
		subheading(title),
		note(explain),
		container.NewGridWithColumns(2,
			side(lang.X("sync.conflict.mine", "Your version"), c.Mine, "mine"),
			side(theirsLabel, c.Theirs, "theirs")),
	)
}

// resolve keeps one side of a conflict and shows the store's new state.
func (s *syncScreen) resolve(c Conflict, keep string) {
	s.u.background(func(ctx context.Context) func() {
		err := s.u.engine.Resolve(ctx, c.ID, keep)
		return func() {
			if err != nil {
				s.u.showError(lang.X("sync.conflict.failed", "The choice could not be saved."), err)
				return
			}
			s.refresh()
			s.u.journal.reload("")
		}
	})
}

// syncNow runs one sync round in the background, showing its progress.
func (s *syncScreen) syncNow() {
	if s.u.engine == nil || s.running {
		return
	}
	s.running = true
	s.syncBtn.Disable()
	s.progress.SetValue(0)
	s.progress.Show()
	s.stage.SetText(lang.X("sync.stage.start", "Starting…"))
	s.result.Hide()
	s.u.setHubStatus(HubStatus{State: HubSyncing, LastSync: s.u.hubStatus.LastSync, Pending: s.u.hubStatus.Pending, Remote: s.u.hubStatus.Remote})
	started := time.Now()
	s.u.background(func(ctx context.Context) func() {
		res, err := s.u.engine.SyncNow(ctx, func(stage string, done, total int) {
			s.u.onUI(func() {
				text := stageText(stage)
				if total > 0 {
					s.progress.SetValue(float64(done) / float64(total))
					text += " " + lang.X("sync.stage.count", "({{.Done}} of {{.Total}})", map[string]any{"Done": done, "Total": total})
				}
				s.stage.SetText(text)
			})
		})
		// Shared records the sync holds back for personal data are named, never
		// held silently.
		held, _ := s.u.store.HeldBack(ctx)
		return func() {
			s.running = false
			s.progress.Hide()
			s.stage.SetText("")
			s.syncBtn.Enable()
			if err != nil {
				s.result.SetText(lang.X("sync.result.failed", "The sync did not finish. {{.Error}}", map[string]any{"Error": syncErrorText(err)}))
				if errors.Is(err, synccode.ErrMassDeletion) {
					defer s.askMassDeletion()
				}
			} else {
				parts := []string{
					plural("sync.result.received", "{{.Count}} change received", "{{.Count}} changes received", res.Received),
					plural("sync.result.sent", "{{.Count}} change sent", "{{.Count}} changes sent", res.Sent),
					plural("sync.result.conflicts", "{{.Count}} conflict to look at", "{{.Count}} conflicts to look at", res.Conflicts),
					plural("sync.result.quarantined", "{{.Count}} file set aside", "{{.Count}} files set aside", res.Quarantined),
				}
				lines := []string{lang.X("sync.result.done", "Sync finished in {{.Seconds}} s: {{.Parts}}.",
					map[string]any{"Seconds": int(time.Since(started).Seconds() + 0.5), "Parts": strings.Join(parts, ", ")})}
				if res.AttachmentBytesReceived > 0 || res.AttachmentBytesSent > 0 { // attachments.go
					lines = append(lines, lang.X("sync.result.attachments", "Attached files: {{.Received}} received, {{.Sent}} sent.",
						map[string]any{"Received": fileSize(res.AttachmentBytesReceived), "Sent": fileSize(res.AttachmentBytesSent)}))
				}
				if len(held) > 0 {
					titles := make([]string, len(held))
					for i, h := range held {
						titles[i] = "“" + data.Printable(h.Title) + "”"
					}
					lines = append(lines, plural("sync.result.held", "{{.Count}} shared practice or comment was not sent because it still contains personal data: {{.Titles}}. Open it to replace each finding or mark it as not personal.",
						"{{.Count}} shared practices or comments were not sent because they still contain personal data: {{.Titles}}. Open them to replace each finding or mark it as not personal.",
						len(held), map[string]any{"Titles": strings.Join(titles, ", ")}))
				}
				if res.Unlisted {
					lines = append(lines, lang.X("sync.result.unlisted", "This laptop is not listed in your organisation's file on the hub yet, so nothing of yours was sent. On a laptop of your organisation that is already listed, add this laptop's key ('vademecum-cli keys add'), sync there, then approve here ('vademecum-cli keys approve') after comparing the fingerprint by phone."))
				}
				for _, r := range res.Refused {
					lines = append(lines, lang.X("sync.result.refused", "Refused from the hub: {{.Path}} — {{.Reason}}",
						map[string]any{"Path": data.Printable(r.Path), "Reason": refusalText(r.Reason)}))
				}
				s.result.SetText(strings.Join(lines, "\n"))
				if res.Conflicts > 0 {
					s.tabs.Select(s.conflictTab)
				}
			}
			s.result.Show()
			s.refresh()
			s.u.loadOrgs()
			s.u.journal.reload("")
		}
	})
}

// askMassDeletion asks whether the deletions the guard held back may go ahead,
// and syncs again if so.
func (s *syncScreen) askMassDeletion() {
	s.u.askSafe(lang.X("sync.mass_deletion.title", "Delete many shared practices?"),
		lang.X("sync.mass_deletion.message", "The hub says that many shared practices were deleted, more than half of those on this computer. This can be right (a partner tidied up their practices) or a mistake on the hub. If you are not sure, ask your coordinator first. Nothing was deleted yet."),
		lang.X("sync.mass_deletion.keep", "Keep them for now"),
		lang.X("sync.mass_deletion.allow", "Delete them and sync"),
		func() {
			s.u.engine.AllowMassDeletion()
			s.syncNow()
		})
}

// stageText translates the engine's stage names that people see most.
func stageText(stage string) string {
	switch strings.ToLower(stage) {
	case "commit", "committing":
		return lang.X("sync.stage.commit", "Preparing your changes…")
	case "fetch", "fetching":
		return lang.X("sync.stage.fetch", "Receiving partners' changes…")
	case "merge", "merging":
		return lang.X("sync.stage.merge", "Combining changes…")
	case "import", "importing":
		return lang.X("sync.stage.import", "Adding them to your journal…")
	case "push", "pushing":
		return lang.X("sync.stage.push", "Sending your changes…")
	case "wait":
		return lang.X("sync.stage.wait", "Waiting for another computer to finish with the hub…")
	}
	return stage
}

// hubForm asks for a hub's address and token; done runs after it is added.
func (u *UI) hubForm() fyne.CanvasObject {
	name := newEntry(u)
	name.SetText("hub")
	address := newEntry(u)
	address.SetPlaceHolder(lang.X("hub.form.address.placeholder", "https://hub.example.org/partners.git or /media/usb/hub.git"))
	token := newPasswordEntry(u)
	token.SetPlaceHolder(lang.X("hub.form.token.placeholder", "Leave empty for SSH or a folder"))
	problem := errorText()
	moved := note("")
	moved.Hide()
	var box *fyne.Container
	show := func(msg string) {
		setError(problem, msg)
		moved.Hide()
		box.Refresh()
	}
	var add *widget.Button
	add = widget.NewButtonWithIcon(lang.X("hub.form.add", "Connect"), theme.ConfirmIcon(), func() {
		if u.engine == nil {
			show(lang.X("sync.hubs.unavailable", "This copy of Vademecum cannot sync: your practices stay on this computer. Ask your coordinator for a version with sync."))
			return
		}
		n, a, t := strings.TrimSpace(name.Text), strings.TrimSpace(address.Text), token.Text
		if n == "" {
			n = "hub"
		}
		if a == "" {
			show(lang.X("hub.form.address.required", "Type the hub's address: your coordinator can give it to you."))
			return
		}
		add.Disable()
		show("")
		u.background(func(ctx context.Context) func() {
			tokenMoved, err := u.engine.AddRemote(n, a, t)
			return func() {
				add.Enable()
				if err != nil {
					show(hubFormErrorText(err))
					return
				}
				address.SetText("")
				token.SetText("")
				// A token pasted into the address was taken out of it: say so once.
				if tokenMoved {
					moved.SetText(lang.X("hub.form.token_moved", "The token in the address was taken out of it and kept in this computer's keyring, like the access token."))
					moved.Show()
					box.Refresh()
				}
				u.hubsChanged()
			}
		})
	})
	form := widget.NewForm(
		widget.NewFormItem(lang.X("hub.form.name", "Name"), name),
		widget.NewFormItem(lang.X("hub.form.address", "Hub address"), address),
		widget.NewFormItem(lang.X("hub.form.token", "Access token"), token),
	)
	form.Items[1].HintText = lang.X("hub.form.address.hint", "A web address, an SSH address, or a folder (USB stick, shared drive).")
	form.Items[2].HintText = lang.X("hub.form.token.hint", "Kept in this computer's keyring, never in the data folder.")
	box = container.NewVBox(form, problem, moved, container.NewHBox(add))
	return box
}
