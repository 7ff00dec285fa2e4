package app

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/assets"
	"vademecum/data"
)

// partnerProposal makes a proposal in a partner's own store, as its
// installation would, and brings it into st as a sync would.
func partnerProposal(t *testing.T, st *data.Store, org, country, entry string) *data.Proposal {
	t.Helper()
	ctx := context.Background()
	ps, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	o := &data.Organisation{Name: org, Country: country, Languages: []string{"cs"}}
	o.ID, o.Lang = org, "cs"
	if err := ps.Init(o, "Jana"); err != nil {
		t.Fatal(err)
	}
	if _, err := assets.Seed(ctx, ps); err != nil {
		t.Fatal(err)
	}
	p, err := ps.Propose(ctx, data.KindTool, []byte(entry), "cs", nil)
	if err != nil {
		t.Fatal(err)
	}
	org2, _ := ps.Get(org)
	err = st.Tx(ctx, func(tx *data.Tx) error {
		if _, err := tx.Get(org); err != nil { // a partner not known here yet
			if err := tx.Put(org2, data.PutHub); err != nil {
				return err
			}
		}
		return tx.Put(p, data.PutHub)
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func labelWith(u *UI, text string) (*widget.Label, bool) {
	return find(u.Window().Content(), func(l *widget.Label) bool { return strings.Contains(l.Text, text) })
}

func buttonNamed(u *UI, text string) (*widget.Button, bool) {
	return find(u.Window().Content(), func(b *widget.Button) bool { return b.Text == text })
}

// TestSuggestChangeForm: "Suggest a change" beside a tool opens the form; a
// Czech summary typed there shows in the diff view, survives the app being
// closed and opened again, and is sent as a proposal of a translation.
func TestSuggestChangeForm(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.toolkit.showTool("kiwix")
	u.Wait()
	b, ok := buttonNamed(u, "Suggest a change")
	if !ok {
		t.Fatal("no 'Suggest a change' beside the tool")
	}
	test.Tap(b)
	f := u.toolkit.proposal
	if f == nil {
		t.Fatal("the form did not open")
	}
	if f.send.Disabled() == false {
		t.Error("the form can be sent before anything changed")
	}
	f.lang.SetSelected(languageName("cs"))
	summary := f.fields[1].entry
	summary.SetText("")
	test.Type(summary, "Wikipedie, mapy a návody bez internetu.")
	u.Wait()
	if _, ok := labelWith(u, "+ Wikipedie, mapy a návody bez internetu."); !ok {
		t.Error("the diff view does not show the new Czech summary")
	}
	if _, ok := labelWith(u, "− Offline čtečka Wikipedie"); !ok {
		t.Error("the diff view does not show the Czech summary it replaces")
	}
	if f.send.Disabled() {
		t.Errorf("the form cannot be sent: %q", f.problem.Text)
	}

	// Closed and opened again: the text typed is still there.
	u.Close()
	u.Wait()
	u2 := newTestUI(t, st, nil)
	u2.toolkit.showTool("kiwix")
	u2.Wait()
	b, _ = buttonNamed(u2, "Suggest a change")
	test.Tap(b)
	f = u2.toolkit.proposal
	u2.Wait()
	if f.shown != "cs" || f.fields[1].entry.Text != "Wikipedie, mapy a návody bez internetu." {
		t.Fatalf("after a restart the form shows %s %q", f.shown, f.fields[1].entry.Text)
	}
	test.Tap(f.send)
	u2.Wait()
	ps, err := st.Proposals(context.Background(), data.StatusOpen)
	if err != nil || len(ps) != 1 {
		t.Fatalf("proposals %v, %v", ps, err)
	}
	if p := ps[0]; p.Target != "kiwix" || p.New || p.Tool.Summary["cs"] != "Wikipedie, mapy a návody bez internetu." || p.Tool.Summary["en"] == "" {
		t.Errorf("proposal %+v", p.Proposal)
	}
	if u2.toolkit.selected != "tool:kiwix" || u2.toolkit.proposal != nil {
		t.Error("after sending, the tool is not shown again")
	}
	if s, _ := st.Setting(proposalDraftKey + "tool.kiwix"); s != "" {
		t.Errorf("the draft is still kept after sending: %s", s)
	}
}

// TestProposeNewToolNeedsBothLanguages: a new tool needs its texts in
// English and in the person's language; the form says which is missing.
func TestProposeNewToolNeedsBothLanguages(t *testing.T) {
	st := newTestStore(t)
	st.SetSetting(data.SettingUILang, "it")
	u := newTestUI(t, st, nil)
	u.lang = "it"
	f := newProposalForm(u, data.KindTool, "", nil)
	test.Type(f.id, "mapy-com")
	f.lang.SetSelected(languageName("en"))
	test.Type(f.fields[0].entry, "Mapy.com")
	test.Type(f.fields[1].entry, "Offline maps of Europe.")
	f.category.SetSelectedIndex(0)
	f.offline.SetSelectedIndex(0)
	u.Wait()
	if !f.send.Disabled() || f.problem.Text == "" {
		t.Fatalf("a new tool without Italian texts can be sent (%q)", f.problem.Text)
	}
	f.lang.SetSelected(languageName("it"))
	test.Type(f.fields[0].entry, "Mapy.com")
	test.Type(f.fields[1].entry, "Mappe offline dell'Europa.")
	u.Wait()
	if f.send.Disabled() {
		t.Fatalf("cannot send: %q", f.problem.Text)
	}
}

// TestEditorReviewScreen: an editor sees a partner's proposal with what it
// changes, accepts it (the tool joins the toolkit), and a rejection needs a
// reason, which the screen then shows.
func TestEditorReviewScreen(t *testing.T) {
	st := newTestStore(t)
	if err := st.FoundEditors(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	accept := partnerProposal(t, st, "streetwork-cz", "CZ", `{"id": "mapy-com", "name": {"en": "Mapy.com", "cs": "Mapy.com"}, "category": "maps", "summary": {"en": "Offline maps of Europe.", "cs": "Offline mapy Evropy."}, "offline": "yes"}`)
	reject := partnerProposal(t, st, "streetwork-cz", "CZ", `{"id": "whatsapp-groups", "name": {"en": "WhatsApp groups", "cs": "Skupiny WhatsApp"}, "category": "messaging", "summary": {"en": "Groups.", "cs": "Skupiny."}, "offline": "no"}`)
	u := newTestUI(t, st, nil)
	u.tabs.SelectIndex(5)
	u.Wait()
	n := u.network
	if len(n.proposals) != 2 || !n.editor {
		t.Fatalf("network screen: %d proposals, editor %v", len(n.proposals), n.editor)
	}
	n.show(accept.ID)
	if _, ok := labelWith(u, "+ Offline maps of Europe."); !ok {
		t.Error("the review screen does not show what the proposal adds")
	}
	b, ok := buttonNamed(u, "Accept")
	if !ok {
		t.Fatal("no Accept button for an editor")
	}
	test.Tap(b)
	u.Wait()
	if tl, err := st.GetTool("mapy-com"); err != nil || tl.Network == nil || tl.Network.ProposedBy != "streetwork-cz" {
		t.Fatalf("the accepted tool is not in the toolkit: %v %+v", err, tl)
	}
	if _, ok := labelWith(u, "Accepted by Open Group"); !ok {
		t.Error("the screen does not say who accepted it")
	}

	n.show(reject.ID)
	b, _ = buttonNamed(u, "Reject")
	test.Tap(b)
	if !strings.Contains(n.problem.Text, "Say why") {
		t.Errorf("a rejection without reason: %q", n.problem.Text)
	}
	test.Type(n.reason, "Signal already covers this.")
	test.Tap(b)
	u.Wait()
	if _, ok := labelWith(u, "Signal already covers this."); !ok {
		t.Error("the reason is not shown")
	}
	v, _ := st.GetProposal(context.Background(), reject.ID)
	if v.Status != data.Rejected || v.Review.Reason != "Signal already covers this." {
		t.Errorf("rejected proposal: %+v", v)
	}
}

// TestReviewScreenNotEditor: an organisation that is no editor sees the
// proposal but no buttons to accept or reject it.
func TestReviewScreenNotEditor(t *testing.T) {
	st := newTestStore(t)
	p := partnerProposal(t, st, "streetwork-cz", "CZ", `{"id": "mapy-com", "name": {"en": "Mapy.com", "cs": "Mapy.com"}, "category": "maps", "summary": {"en": "Offline maps of Europe.", "cs": "Offline mapy Evropy."}, "offline": "yes"}`)
	u := newTestUI(t, st, nil)
	u.tabs.SelectIndex(5)
	u.Wait()
	u.network.show(p.ID)
	if _, ok := buttonNamed(u, "Accept"); ok {
		t.Error("a non-editor is offered to accept")
	}
	if _, ok := labelWith(u, "Only the network's editors"); !ok {
		t.Error("no word on who reviews")
	}
}

// TestNetworkOverview: tools × organisations with their verdicts, narrowed
// by country and by category.
func TestNetworkOverview(t *testing.T) {
	st := newTestStore(t)
	putPartner(t, st, "streetwork-cz", "Czech Streetwork Association", "CZ", "signal", data.VerdictStopped, "", "")
	putPartner(t, st, "pmff-pl", "Polish Migration Forum Foundation", "PL", "kiwix", data.VerdictRecommended, "", "")
	u := newTestUI(t, st, nil)
	u.loadOrgs()
	u.tabs.SelectIndex(5)
	u.network.tabs.SelectIndex(1)
	u.Wait()
	if _, ok := labelWith(u, "stopped"); !ok {
		t.Error("the overview does not show the Czech verdict on Signal")
	}
	if _, ok := labelWith(u, "Polish Migration Forum Foundation"); !ok {
		t.Error("the overview has no column for the Polish partner")
	}
	u.network.country.SetSelected(countryName("CZ"))
	u.Wait()
	if _, ok := labelWith(u, "Polish Migration Forum Foundation"); ok {
		t.Error("the country filter keeps the Polish partner")
	}
	u.network.country.SetSelectedIndex(0)
	for i, c := range u.network.categories {
		if c == "messaging" {
			u.network.category.SetSelectedIndex(i)
		}
	}
	u.Wait()
	if _, ok := find(u.network.overview, func(h *widget.Hyperlink) bool { return h.Text == "Kiwix" }); ok {
		t.Error("the category filter keeps Kiwix among messaging tools")
	}
	if _, ok := find(u.network.overview, func(h *widget.Hyperlink) bool { return h.Text == "Signal" }); !ok {
		t.Error("the category filter drops Signal")
	}
}

// TestNetworkScreenshots renders the proposal form, the editors' review
// screen and the network overview (make screenshots).
func TestNetworkScreenshots(t *testing.T) {
	if *screenshotDir == "" {
		t.Skip("pass -screenshots=DIR to render the screens")
	}
	st := newTestStore(t)
	demoContent(t, st)
	if err := st.FoundEditors(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ org, tool, verdict, since, note string }{
		{"streetwork-cz", "signal", data.VerdictStopped, "2019-01", "Moved to Threema"},
		{"streetwork-cz", "kiwix", data.VerdictRecommended, "2022-09", ""},
		{"pmff-pl", "argos-translate", data.VerdictRecommended, "2023-02", ""},
		{"pmff-pl", "signal", data.VerdictReservations, "2021-04", ""},
		{"eapn-cantabria-es", "organic-maps", data.VerdictRecommended, "2020-11", ""},
		{"feantsa-be", "jitsi-meet", data.VerdictRecommended, "2020-03", ""},
	} {
		u := &data.Usage{Tool: m.tool, Verdict: m.verdict, Since: m.since, Note: m.note}
		u.ID, u.Claim = data.NewRecordID(m.org)
		u.Type, u.Org, u.Created, u.Updated = data.TypeUsage, m.org, data.Now(), data.Now()
		if err := st.Tx(context.Background(), func(tx *data.Tx) error { return tx.Put(u, data.PutHub) }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.MarkUsage(context.Background(), "kiwix", data.VerdictRecommended, "2021-06", "Offline library in the common room"); err != nil {
		t.Fatal(err)
	}
	p := partnerProposal(t, st, "streetwork-cz", "CZ", `{"id": "mapy-com", "name": {"en": "Mapy.com", "cs": "Mapy.com"}, "category": "maps", "summary": {"en": "Maps of Czechia and Europe that work offline on phones, with routes on foot and by public transport.", "cs": "Mapy Česka a Evropy, které v telefonu fungují i offline, s trasami pěšky i hromadnou dopravou."}, "offline": "yes", "competences": ["1.1"], "website": "https://mapy.com"}`)
	u := newTestUI(t, st, nil)
	u.loadOrgs()
	if err := u.SetTheme(ThemeLight); err != nil {
		t.Fatal(err)
	}
	shot := screenshotter(t, u)

	u.toolkit.showTool("kiwix")
	u.Wait()
	b, _ := buttonNamed(u, "Suggest a change")
	test.Tap(b)
	f := u.toolkit.proposal
	f.lang.SetSelected(languageName("cs"))
	f.fields[1].entry.SetText("Wikipedie, mapy a návody bez internetu, v počítači i v telefonu.")
	u.Wait()
	// Tall enough for the whole form and its diff view (multi-line fields
	// in a scrolled pane draw outside it on the test driver).
	u.Window().Resize(fyne.NewSize(1100, 1180))
	u.Wait()
	img := u.Window().Canvas().Capture()
	if f, err := os.Create(filepath.Join(*screenshotDir, "propose-change.png")); err == nil {
		png.Encode(f, img)
		f.Close()
	}
	u.Window().Resize(fyne.NewSize(1100, 720))

	u.tabs.SelectIndex(5)
	u.Wait()
	u.network.show(p.ID)
	shot("network-review")
	u.network.tabs.SelectIndex(1)
	u.Wait()
	shot("network-overview")
}
