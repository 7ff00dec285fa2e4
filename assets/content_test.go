package assets

import (
	"bufio"
	"os"
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
	} {
		got, err := s.ListTools(t.Context(), want.f)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tl := range k.Tools {
			if want.keep(tl) {
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

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
