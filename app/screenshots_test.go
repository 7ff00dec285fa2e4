package app

import (
	"context"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"vademecum/assets"
	"vademecum/data"
)

var screenshotDir = flag.String("screenshots", "", "render every main screen to PNG files in this directory (make screenshots)")

// demoPractice is a realistic journal entry for screenshots.
type demoPractice struct {
	org, country, lang, title, summary, context, target, objectives, activities, results, lessons string
	tools, tags                                                                                   []string
	comments                                                                                      [][2]string // org, text
}

var demoPractices = []demoPractice{
	{org: "pmff-pl", country: "PL", lang: "pl", title: "Tłumaczenie na żywo w punkcie informacyjnym",
		summary: "Wolontariusze tłumaczą rozmowy w punkcie informacyjnym przez telefon, a trudne słowa sprawdzają w aplikacji działającej bez internetu.",
		tools:   []string{"argos-translate"}, tags: []string{"tłumaczenie", "migranci"}},
	{org: "streetwork-cz", country: "CZ", lang: "cs", title: "Noční terénní služba s jedním sdíleným telefonem",
		summary: "Tým v terénu sdílí jeden pracovní telefon; klienti píší přes Signal a zprávy se po směně mažou.",
		tools:   []string{"signal"}, tags: []string{"terénní práce", "mládež"}},
	{org: "opengroup-it", country: "IT", lang: "en", title: "Offline library in the common room",
		summary:    "An old laptop runs Kiwix with Wikipedia in Arabic, Tigrinya, French and Italian, so residents read and study without mobile data.",
		context:    "The reception centre has no guest Wi-Fi and residents spend most of their phone credit on calls home.",
		target:     "Adult residents of a reception centre for asylum seekers and their children (about 60 people).",
		objectives: "Give residents free access to information in their languages; support children's homework.",
		activities: "1. Download the ZIM files at the office (Wikipedia, Wiktionary, Wikivoyage).\n2. Install Kiwix on a donated laptop in the common room.\n3. Run kiwix-serve so residents open the library from their own phones over the local Wi-Fi.\n4. Update the files every three months from a USB stick.",
		results:    "Used every evening; teachers noticed homework done with Wiktionary. Mobile data costs fell for several families.",
		lessons:    "Choose the versions without pictures when storage is short. Put a printed how-to next to the laptop, in four languages.",
		tools:      []string{"kiwix", "kolibri"}, tags: []string{"reception centre", "offline", "education"},
		comments: [][2]string{
			{"fiopsd-it", "We copied this in two night shelters in Rome: the USB-stick update works well where there is no internet at all."},
			{"streetwork-cz", "Tried it in our drop-in centre in Prague with Czech and Ukrainian Wikipedia. Young people used it more than we expected."},
		}},
	{org: "eapn-cantabria-es", country: "ES", lang: "es", title: "Mapa compartido de recursos para personas sin hogar",
		summary: "Un mapa de comedores, duchas y albergues que mantienen juntas varias entidades de Santander.",
		tools:   []string{"openstreetmap", "organic-maps"}, tags: []string{"sinhogarismo", "mapas"}},
	{org: "opengroup-it", country: "IT", lang: "it", title: "Password del servizio in una cassaforte condivisa",
		summary: "Le password del servizio sono in KeePassXC, con un file condiviso in Nextcloud e una chiave per ogni operatore.",
		tools:   []string{"keepassxc", "nextcloud"}, tags: []string{"sicurezza", "password"}},
	{org: "feantsa-be", country: "BE", lang: "fr", title: "Formation en ligne des bénévoles avant l'hiver",
		summary: "Trois courtes sessions vidéo et un quiz pour préparer les bénévoles du plan hiver.",
		tools:   []string{"jitsi-meet", "moodle"}, tags: []string{"bénévoles", "formation"}},
}

// demoContent fills a store with the partners, practices and comments the
// screenshots show.
func demoContent(t testing.TB, st *data.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	err := st.Tx(ctx, func(tx *data.Tx) error {
		for _, p := range assets.Partners() {
			if p.ID == "opengroup-it" {
				continue
			}
			o := &data.Organisation{Name: p.Name, City: p.City, Country: p.Country, Kind: p.Kind, Languages: p.Languages}
			o.ID, o.Type, o.Org, o.Lang = p.ID, data.TypeOrg, p.ID, p.Languages[0]
			o.Created, o.Updated = data.Now(), data.Now()
			if err := tx.Put(o, data.PutHub); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	when := time.Now().Add(-30 * 24 * time.Hour)
	for _, d := range demoPractices {
		when = when.Add(4 * 24 * time.Hour)
		p := &data.Practice{Title: d.title, Summary: d.summary, Context: d.context, TargetGroup: d.target,
			Objectives: d.objectives, Activities: d.activities, Results: d.results, Lessons: d.lessons,
			Tools: d.tools, Tags: d.tags, Country: d.country, Visibility: data.Shared}
		p.Lang = d.lang
		if d.org == "opengroup-it" {
			if err := st.SavePractice(ctx, p); err != nil {
				t.Fatal(err)
			}
		} else {
			p.ID, p.Type, p.Org, p.Author = data.NewID(), data.TypePractice, d.org, "Partner"
			p.Created, p.Updated = when.UTC().Truncate(time.Millisecond), when.UTC().Truncate(time.Millisecond)
			if err := st.Tx(ctx, func(tx *data.Tx) error { return tx.Put(p, data.PutHub) }); err != nil {
				t.Fatal(err)
			}
		}
		ids[d.title] = p.ID
		for i, c := range d.comments {
			cm := &data.Comment{Practice: p.ID, Text: c[1], Visibility: data.Shared}
			cm.ID, cm.Type, cm.Org, cm.Author, cm.Lang = data.NewID(), data.TypeComment, c[0], []string{"Marco", "Petra"}[i%2], "en"
			cm.Created = time.Now().Add(-time.Duration(48-i*20) * time.Hour).UTC().Truncate(time.Millisecond)
			cm.Updated = cm.Created
			if err := st.Tx(ctx, func(tx *data.Tx) error { return tx.Put(cm, data.PutHub) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids
}

// TestScreenshots renders every main screen to PNG, light theme, 1100x720:
// go test -tags ci ./app -run TestScreenshots -screenshots=../docs/screenshots
func TestScreenshots(t *testing.T) {
	if *screenshotDir == "" {
		t.Skip("pass -screenshots=DIR to render the screens")
	}
	if err := os.MkdirAll(*screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	st := newTestStore(t)
	ids := demoContent(t, st)
	mine := ids["Password del servizio in una cassaforte condivisa"]
	p, _ := st.GetPractice(mine)
	at := time.Date(2026, 11, 28, 10, 2, 0, 0, time.Local)
	hub := &fakeEngine{store: st,
		status: HubStatus{State: HubUpToDate, LastSync: time.Now().Add(-25 * time.Minute), Pending: 1,
			Remote: "https://hub.vademecum.example/partners.git"},
		conflicts: []Conflict{{ID: "c1", RecordID: mine, Title: p.Title, Field: "summary", Kind: ConflictField, Kept: "theirs",
			Mine:   p.Summary,
			Theirs: "Le password del servizio sono in KeePassXC. Il file è in Nextcloud e ogni operatore ha la propria chiave, che si revoca quando lascia il servizio."}},
		quarantined: []HubQuarantined{{Path: "practices/2026/10/0192f1c4-7d3e-7b1a-9a55-3c1e8f0a2b6d.json",
			Reason: "the file is not valid JSON (unexpected end of input)", Remote: "hub", Seen: time.Now().Add(-26 * time.Minute)}},
		remotes: []Remote{{Name: "hub", URL: "https://hub.vademecum.example/partners.git"}},
		log: []LogLine{
			{At: at, Format: "sent %d records (%d bytes) to %s", Args: []any{1, 2048, "hub"}},
			{At: at, Format: "quarantined %s: %s", Args: []any{"practices/2026/10/0192f1c4….json", "the file is not valid JSON"}},
			{At: at, Format: LogSynced, Args: []any{3, 1, 1, 1}},
		},
	}
	u := newTestUI(t, st, hub)
	if err := u.SetTheme(ThemeLight); err != nil {
		t.Fatal(err)
	}
	shot := screenshotter(t, u)

	test.Type(u.toolkit.search, "translat")
	u.Wait()
	u.toolkit.list.Select(0)
	shot("toolkit")

	u.toolkit.search.SetText("")
	u.Wait()
	for i, it := range u.toolkit.items {
		if it.id == "kiwix" {
			u.toolkit.list.Select(i)
			u.toolkit.list.ScrollTo(i)
		}
	}
	shot("tool-detail")
	u.toolkit.scroll.ScrollToBottom()
	shot("tool-detail-practices")

	u.toolkit.left.SelectIndex(1)
	u.toolkit.showGuide("translating-at-the-help-desk")
	shot("toolkit-competences")

	u.selectTab(1)
	u.journal.showPractice(ids["Offline library in the common room"])
	shot("journal")
	u.journal.scroll.ScrollToBottom()
	shot("journal-comments")
	u.journal.search.SetText("phone")
	u.Wait()
	u.journal.list.Select(0)
	u.Wait()
	u.journal.scroll.ScrollToTop()
	shot("journal-search")
	u.journal.search.SetText("")
	u.Wait()

	own, _ := st.GetPractice(ids["Offline library in the common room"])
	u.editPractice(own)
	shot("editor")
	u.closeEditor()
	u.newPractice()
	test.Type(u.editor.summary, "Residents book appointments at the town hall from the centre's computer, with a volunteer.")
	u.save()
	shot("editor-error")
	u.editor.dirty = false
	u.closeEditor()

	u.selectTab(2)
	shot("sync")

	u.selectTab(3)
	shot("settings")

	// The toolkit and the editor in every interface language whose translation
	// is complete, with personal data waiting in the editor's summary.
	defer UseLanguage("en")
	en := readCatalogue(t, "en")
	for _, l := range Languages {
		if problems := catalogueProblems(en, readCatalogue(t, l.Code), l.Code); len(problems) > 0 {
			t.Logf("%s: translation incomplete (%d problems), no screenshots", l.Code, len(problems))
			continue
		}
		u.Wait() // the journal reloading after the editor closed
		if err := u.SetLanguage(l.Code); err != nil {
			t.Fatal(err)
		}
		u.Wait()
		u.selectTab(0)
		for i, it := range u.toolkit.items {
			if it.id == "kiwix" {
				u.toolkit.list.Select(i)
				u.toolkit.list.ScrollTo(i)
			}
		}
		shot("toolkit-" + l.Code)
		u.editPractice(own)
		u.editor.summary.SetText(own.Summary + " Ask at the desk: +39 347 123 4567.")
		u.Wait()
		shot("editor-" + l.Code)
		u.editor.dirty = false
		u.closeEditor()
	}

	// A 1024×600 netbook with the largest text, in Italian and Polish (long words).
	if err := u.SetTextSize(textSizes[len(textSizes)-1]); err != nil {
		t.Fatal(err)
	}
	resize(u, netbook)
	for _, code := range []string{"it", "pl"} {
		u.Wait()
		if err := u.SetLanguage(code); err != nil {
			t.Fatal(err)
		}
		u.Wait()
		u.selectTab(0)
		u.toolkit.search.SetText("")
		u.Wait()
		for i, it := range u.toolkit.items {
			if it.id == "kiwix" {
				u.toolkit.list.Select(i)
				u.toolkit.list.ScrollTo(i)
			}
		}
		shot("netbook-toolkit-" + code)
		u.selectTab(1)
		u.journal.showPractice(ids["Offline library in the common room"])
		shot("netbook-journal-" + code)
		u.editPractice(own)
		shot("netbook-editor-" + code)
		u.editor.dirty = false
		u.closeEditor()
		u.selectTab(2)
		shot("netbook-sync-" + code)
	}
	u.SetTextSize(100)

	fresh, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	fresh.SetSetting(data.SettingUILang, "en")
	fresh.SetSetting(SettingTheme, ThemeLight)
	u2 := newTestUI(t, fresh, nil)
	u2.Window().Resize(fyne.NewSize(1100, 720))
	u2.Wait()
	img := u2.Window().Canvas().Capture()
	f, err := os.Create(filepath.Join(*screenshotDir, "first-start.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// screenshotter renders u's window at 1100×720 to DIR/NAME.png.
func screenshotter(t *testing.T, u *UI) func(name string) {
	w := u.Window()
	w.Resize(fyne.NewSize(1100, 720))
	if err := os.MkdirAll(*screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	return func(name string) {
		t.Helper()
		u.Wait()
		img := w.Canvas().Capture()
		f, err := os.Create(filepath.Join(*screenshotDir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}
}
