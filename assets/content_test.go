package assets

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"vademecum/data"
)

func TestToolkitContent(t *testing.T) {
	k, err := Toolkit()
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Tools) < 45 || len(k.Guides) < 12 {
		t.Errorf("want at least 45 tools and 12 guides, have %d and %d", len(k.Tools), len(k.Guides))
	}
	for _, err := range k.Check() {
		t.Error(err)
	}
	// Facts marked for review are listed for editors (go test -v), not failures.
	for _, tl := range k.Tools {
		if tl.Review != "" {
			t.Logf("to review: %s: %s", tl.ID, tl.Review)
		}
	}
}

// TestEveryCompetenceCovered: each of the 21 DigComp competences is trained by
// at least one tool or guide, so browsing by competence never ends empty.
func TestEveryCompetenceCovered(t *testing.T) {
	k, err := Toolkit()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, tl := range k.Tools {
		if tl.Retired == "" {
			for _, c := range tl.Competences {
				covered[c] = true
			}
		}
	}
	for _, g := range k.Guides {
		for _, c := range g.Competences {
			covered[c] = true
		}
	}
	for _, c := range k.DigComp.Competences {
		if !covered[c.Code] {
			t.Errorf("competence %s has no tool or guide", c.Code)
		}
	}
}

// TestStableIDs fails when a shipped id disappears or changes: installations and
// practices refer to tools by id, forever. A new record needs its id added to
// testdata/ids.txt, on purpose.
func TestStableIDs(t *testing.T) {
	k, err := Toolkit()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, tl := range k.Tools {
		have["tool "+tl.ID] = true
	}
	for _, g := range k.Guides {
		have["guide "+g.ID] = true
	}
	f, err := os.Open("testdata/ids.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		known[line] = true
		if !have[line] {
			t.Errorf("%s was shipped before and is gone: ids never change or disappear", line)
		}
	}
	for id := range have {
		if !known[id] {
			t.Errorf("%s is new: add it to assets/testdata/ids.txt", id)
		}
	}
}

// TestCheckCatchesProblems proves the content check fails on each kind of defect.
func TestCheckCatchesProblems(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(k *Kit)
		want   string
	}{
		{"missing field", func(k *Kit) { k.Tools[0].Licence = "" }, "licence is empty"},
		{"missing italian", func(k *Kit) { delete(k.Tools[0].Description, "it") }, "description has no it text"},
		{"missing english", func(k *Kit) { delete(k.Guides[0].Steps, "en") }, "steps has no en text"},
		{"http url", func(k *Kit) { k.Tools[0].Website = "http://example.org" }, "not a well-formed https"},
		{"malformed url", func(k *Kit) { k.Tools[0].Website = "https://exa mple" }, "not a well-formed https"},
		{"unknown competence", func(k *Kit) { k.Tools[0].Competences = []string{"6.1"} }, "unknown DigComp competence"},
		{"dangling alternative", func(k *Kit) { k.Tools[0].Alternatives = []string{"nope"} }, "alternative \"nope\""},
		{"duplicate id", func(k *Kit) { k.Tools[1].ID = k.Tools[0].ID }, "duplicate id"},
		{"unknown category", func(k *Kit) { k.Tools[0].Category = "misc" }, "unknown category"},
		{"guide tool", func(k *Kit) { k.Guides[0].Tools = []string{"nope"} }, "tool \"nope\""},
		{"missing polish description", func(k *Kit) { delete(k.Tools[0].Description, "pl") }, "description has no pl text"},
		{"missing czech use cases", func(k *Kit) { k.Tools[0].UseCases["cs"] = " " }, "use_cases has no cs text"},
		{"missing spanish data protection", func(k *Kit) { delete(k.Tools[0].DataProtection, "es") }, "data_protection has no es text"},
		{"missing french steps", func(k *Kit) { delete(k.Guides[0].Steps, "fr") }, "steps has no fr text"},
		{"missing czech guide summary", func(k *Kit) { delete(k.Guides[0].Summary, "cs") }, "summary has no cs text"},
		{"missing digcomp description", func(k *Kit) { delete(k.DigComp.Competences[0].Description, "es") }, "description has no es text"},
		{"no verified date", func(k *Kit) { k.Tools[0].Verified = "" }, "has no verified-on date"},
		{"bad verified date", func(k *Kit) { k.Tools[0].Verified = "28/11/2026" }, "has no verified-on date"},
		{"country not a partner's", func(k *Kit) { k.Tools[0].Countries = []string{"DE"} }, "country \"DE\" is not a partner country"},
		{"retired alternative", func(k *Kit) { k.Tools[0].Alternatives = []string{"skype"} }, "alternative \"skype\" is retired"},
		{"retired guide tool", func(k *Kit) { k.Guides[0].Tools = []string{"skype"} }, "tool \"skype\" is retired"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := freshKit(t)
			c.break_(k)
			errs := k.Check()
			for _, e := range errs {
				if strings.Contains(e.Error(), c.want) {
					return
				}
			}
			t.Fatalf("want an error containing %q, got %v", c.want, errs)
		})
	}
}

func freshKit(t *testing.T) *Kit {
	k, err := Load(toolkitFS, "toolkit")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestDigCompBrowsing(t *testing.T) {
	s, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Seed(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	k, _ := Toolkit()
	for _, want := range []struct {
		f    data.ToolFilter
		keep func(*data.Tool) bool
	}{
		{data.ToolFilter{Competence: "4.2"}, func(tl *data.Tool) bool { return contains(tl.Competences, "4.2") }},
		{data.ToolFilter{Offline: true}, func(tl *data.Tool) bool { return tl.Offline == data.OfflineYes }},
		{data.ToolFilter{Category: "messaging"}, func(tl *data.Tool) bool { return tl.Category == "messaging" }},
		{data.ToolFilter{OpenSource: true, Offline: true}, func(tl *data.Tool) bool { return tl.OpenSource && tl.Offline == data.OfflineYes }},
		{data.ToolFilter{Country: "PL"}, func(tl *data.Tool) bool { return tl.ServesCountry("PL") }},
		{data.ToolFilter{Country: "be", Category: "digital-identity"}, func(tl *data.Tool) bool {
			return len(tl.Countries) > 0 && tl.ServesCountry("BE") && tl.Category == "digital-identity"
		}},
	} {
		got, err := s.ListTools(t.Context(), want.f)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tl := range k.Tools {
			if want.keep(tl) && tl.Retired == "" { // retired tools are out of every listing
				n++
			}
		}
		if len(got) != n || n == 0 {
			t.Errorf("%+v: got %d tools, want %d", want.f, len(got), n)
		}
		for _, tl := range got {
			if !want.keep(tl) {
				t.Errorf("%+v let through %s", want.f, tl.ID)
			}
		}
	}
}

// TestRetiredToolsKeepTheirID: a retired tool is out of listings but can be
// listed on request and read by its id, so that old practices still link to it.
func TestRetiredToolsKeepTheirID(t *testing.T) {
	s, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Seed(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	k, _ := Toolkit()
	var retired []string
	for _, tl := range k.Tools {
		if tl.Retired != "" {
			retired = append(retired, tl.ID)
		}
	}
	if !contains(retired, "skype") {
		t.Fatalf("skype is not marked retired (retired: %v)", retired)
	}
	all, err := s.ListTools(t.Context(), data.ToolFilter{Retired: true})
	if err != nil {
		t.Fatal(err)
	}
	current, err := s.ListTools(t.Context(), data.ToolFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(k.Tools) || len(current) != len(k.Tools)-len(retired) {
		t.Errorf("listing with retired: %d (want %d), without: %d (want %d)", len(all), len(k.Tools), len(current), len(k.Tools)-len(retired))
	}
	for _, tl := range current {
		if tl.Retired != "" {
			t.Errorf("retired tool %s is listed", tl.ID)
		}
	}
	if tl, err := s.GetTool("skype"); err != nil || tl.Retired == "" {
		t.Errorf("skype by id: %v, %v", tl, err)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// TestSearchFindsNationalTools: the names people type find their tools, however
// they write them (case, diacritics, the @ of Cl@ve).
func TestSearchFindsNationalTools(t *testing.T) {
	s, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Seed(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ query, id string }{
		{"profil zaufany", "profil-zaufany"},
		{"Profil Zaufany", "profil-zaufany"},
		{"Cl@ve", "clave"},
		{"clave", "clave"},
		{"cl@ve pin", "clave"},
		{"itsme", "itsme"},
		{"Telegram", "telegram"},
		{"Viber", "viber"},
		{"SPID", "spid"},
		{"mObywatel", "mobywatel"},
		{"identita obcana", "identita-obcana"},
		{"eObčanka", "eobcanka"},
		{"BankID", "bankid-cz"},
		{"Carpeta Ciudadana", "carpeta-ciudadana"},
		{"FNMT", "certificado-fnmt"},
		{"CSAM", "csam-mygov"},
		{"DeepL", "deepl"},
		{"EURES", "eures"},
		{"Europass", "europass"},
		{"have i been pwned", "have-i-been-pwned"},
	} {
		hits, err := s.Search(t.Context(), data.Query{Text: c.query, Types: []string{data.TypeTool}, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || h.ID == c.id
		}
		if !found {
			t.Errorf("searching %q does not find %s (got %d hits)", c.query, c.id, len(hits))
		}
	}
}

// TestSeedOnceThenUpToDate: the first start seeds every toolkit record; a
// later start finds the version current and changes nothing; a database that
// holds an older version (an app update) is seeded again.
func TestSeedOnceThenUpToDate(t *testing.T) {
	s, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k, _ := Toolkit()
	if n, err := Seed(t.Context(), s); err != nil || n != len(k.Records()) {
		t.Fatalf("first seed: %d records (%v), want %d", n, err, len(k.Records()))
	}
	if n, err := Seed(t.Context(), s); err != nil || n != 0 {
		t.Fatalf("second seed: %d records (%v)", n, err)
	}
	if _, err := s.DB().Exec("UPDATE settings SET value = ? WHERE key = ?", strconv.Itoa(k.Version-1), data.SettingToolkit); err != nil {
		t.Fatal(err)
	}
	if _, err := Seed(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	if have, _ := s.Setting(data.SettingToolkit); have != strconv.Itoa(k.Version) {
		t.Fatalf("after an update the database says version %q, want %d", have, k.Version)
	}
}
