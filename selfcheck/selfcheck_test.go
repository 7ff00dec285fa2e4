package selfcheck

import (
	"context"
	"errors"
	"math/rand"
	"testing"

	"vademecum/assets"
	"vademecum/data"
)

func setup(t *testing.T) (*data.Store, *assets.Kit, []assets.SelfCheckQuestion) {
	t.Helper()
	s, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	kit, err := assets.Toolkit()
	if err != nil {
		t.Fatal(err)
	}
	qs, err := assets.SelfCheck()
	if err != nil {
		t.Fatal(err)
	}
	return s, kit, qs
}

// answersWith answers every question with def, except the competences in low,
// whose questions get the values of low.
func answersWith(qs []assets.SelfCheckQuestion, def int, low map[string][]int) map[string]int {
	a := map[string]int{}
	seen := map[string]int{}
	for _, q := range qs {
		a[q.ID] = def
		if vs, ok := low[q.Competence]; ok {
			a[q.ID] = vs[seen[q.Competence]%len(vs)]
			seen[q.Competence]++
		}
	}
	return a
}

// TestWeakCompetencesLeadThePath: the lowest answers on some competences give
// lower levels there than elsewhere, and a learning path that trains exactly
// those competences, easiest first.
func TestWeakCompetencesLeadThePath(t *testing.T) {
	cases := []struct {
		name string
		def  int
		low  map[string][]int
	}{
		{"three foundation among advanced", AnswerAdvanced(), map[string][]int{"1.2": {1}, "4.1": {1}, "5.1": {1}}},
		{"one foundation among intermediate", 2, map[string][]int{"2.6": {1}}},
		{"mixed answers among advanced", AnswerAdvanced(), map[string][]int{"4.2": {1, 2}, "2.2": {1}}},
		{"intermediate among advanced", AnswerAdvanced(), map[string][]int{"1.3": {2}, "3.1": {2}}},
		{"weak where the toolkit has little", 2, map[string][]int{"3.4": {1}, "4.3": {1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, kit, qs := setup(t)
			ctx := context.Background()
			a, err := Save(ctx, s, answersWith(qs, tc.def, tc.low))
			if err != nil {
				t.Fatal(err)
			}
			if a.Finished.IsZero() {
				t.Fatal("every question answered, but the self-check is not finished")
			}
			r, err := Current(ctx, s, kit)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Complete || len(r.Competences) != 21 || len(r.Areas) != 5 {
				t.Fatalf("result: complete %v, %d competences, %d areas", r.Complete, len(r.Competences), len(r.Areas))
			}
			maxWeak, minOther := 0, 99
			for _, l := range r.Competences {
				if _, weak := tc.low[l.Code]; weak {
					maxWeak = max(maxWeak, l.Level)
				} else {
					minOther = min(minOther, l.Level)
				}
			}
			if maxWeak >= minOther {
				t.Fatalf("weak competences reach level %d, the others start at %d: %+v", maxWeak, minOther, r.Competences)
			}
			for _, ar := range r.Areas {
				hasWeak := false
				for _, c := range kit.DigComp.Competences {
					if _, w := tc.low[c.Code]; w && c.Area == ar.Code {
						hasWeak = true
					}
				}
				if hasWeak && ar.Level > minOther || !hasWeak && ar.Level < minOther {
					t.Errorf("area %s level %d (others at %d, weak area %v)", ar.Code, ar.Level, minOther, hasWeak)
				}
			}
			trained := map[string]bool{}
			for i, rec := range r.Recommended {
				if _, weak := tc.low[rec.Competence]; !weak {
					t.Errorf("recommended %s for %s, which is not weak", rec.ID, rec.Competence)
				}
				if !trains(kit, rec) {
					t.Errorf("%s %s does not train %s", rec.Type, rec.ID, rec.Competence)
				}
				if i > 0 && rank(rec.ItemLevel) < rank(r.Recommended[i-1].ItemLevel) {
					t.Errorf("path not easiest first: %s (%s) after %s (%s)", rec.ID, rec.ItemLevel, r.Recommended[i-1].ID, r.Recommended[i-1].ItemLevel)
				}
				trained[rec.Competence] = true
			}
			for c := range tc.low {
				covered := false
				for _, u := range r.Uncovered {
					covered = covered || u == c
				}
				if trained[c] == covered {
					t.Errorf("competence %s: trained %v, listed uncovered %v", c, trained[c], covered)
				}
				if !trained[c] && anyTrains(kit, c) {
					t.Errorf("competence %s is weak and the toolkit trains it, but the path has nothing for it", c)
				}
			}
		})
	}
}

// AnswerAdvanced keeps the cases table short.
func AnswerAdvanced() int { return assets.AnswerAdvanced }

func trains(kit *assets.Kit, rec Recommendation) bool {
	for _, t := range kit.Tools {
		if t.ID == rec.ID && rec.Type == data.TypeTool && contains(t.Competences, rec.Competence) && t.Level == rec.ItemLevel {
			return true
		}
	}
	for _, g := range kit.Guides {
		if g.ID == rec.ID && rec.Type == data.TypeGuide && contains(g.Competences, rec.Competence) && g.Level == rec.ItemLevel {
			return true
		}
	}
	return false
}

func anyTrains(kit *assets.Kit, c string) bool {
	for _, t := range kit.Tools {
		if contains(t.Competences, c) {
			return true
		}
	}
	for _, g := range kit.Guides {
		if contains(g.Competences, c) {
			return true
		}
	}
	return false
}

// TestPathOnlyForLowestGroup: for any answers, the path trains only competences
// of the person's lowest group, never an advanced one, and no item twice.
func TestPathOnlyForLowestGroup(t *testing.T) {
	kit, _ := assets.Toolkit()
	qs, _ := assets.SelfCheck()
	rng := rand.New(rand.NewSource(20))
	for i := 0; i < 300; i++ {
		a := map[string]int{}
		for _, q := range qs {
			if rng.Intn(4) > 0 {
				a[q.ID] = 1 + rng.Intn(3)
			}
		}
		levels := Levels(a)
		path, _ := Recommend(kit, levels)
		lowest := 9
		for _, l := range levels {
			lowest = min(lowest, rank(Group(l)))
		}
		seen := map[string]bool{}
		for _, r := range path {
			if rank(Group(levels[r.Competence])) != lowest || r.Group == Advanced {
				t.Fatalf("answers %v: path trains %s at %s, lowest group is %s", a, r.Competence, r.Group, Groups[lowest])
			}
			if seen[r.ID] {
				t.Fatalf("%s recommended twice", r.ID)
			}
			seen[r.ID] = true
		}
		if lowest == rank(Advanced) && len(path) > 0 {
			t.Fatalf("all advanced, yet a path of %d", len(path))
		}
	}
}

func TestLevels(t *testing.T) {
	qs, _ := assets.SelfCheck()
	var a, b string
	for _, q := range qs {
		if q.Competence == "1.1" {
			if a == "" {
				a = q.ID
			} else {
				b = q.ID
			}
		}
	}
	for _, c := range []struct{ x, y, want int }{{1, 1, 1}, {1, 2, 2}, {2, 2, 3}, {2, 3, 4}, {3, 3, 5}, {1, 3, 3}} {
		got := Levels(map[string]int{a: c.x, b: c.y})["1.1"]
		if got != c.want {
			t.Errorf("answers %d and %d give level %d, want %d", c.x, c.y, got, c.want)
		}
	}
	if l := Levels(map[string]int{a: 3}); l["1.1"] != 5 || len(l) != 1 {
		t.Errorf("one answer: %v", l)
	}
}

// TestResumeInParts: answers given in parts make one self-check, shown as in
// progress until the last answer finishes it; a later one shows progress.
func TestResumeInParts(t *testing.T) {
	s, kit, qs := setup(t)
	ctx := context.Background()
	all := answersWith(qs, 1, nil)
	part := map[string]int{}
	for _, q := range qs[:10] {
		part[q.ID] = all[q.ID]
	}
	if _, err := Save(ctx, s, part); err != nil {
		t.Fatal(err)
	}
	r, err := Current(ctx, s, kit)
	if err != nil {
		t.Fatal(err)
	}
	if r.Complete || r.Answered != 10 || r.Questions != len(qs) || len(r.Competences) == 0 || len(r.Competences) >= 21 {
		t.Fatalf("in progress: %+v", r)
	}
	if _, err := Save(ctx, s, all); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(ctx, s, answersWith(qs, 3, nil)); err != nil {
		t.Fatal(err)
	}
	h, err := History(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Levels["2.1"] != 1 || h[1].Levels["2.1"] != 5 {
		t.Fatalf("history: %+v", h)
	}
	r, _ = Current(ctx, s, kit)
	if !r.Complete || r.Competences[0].Level != 5 || len(r.Recommended) != 0 {
		t.Fatalf("after the second self-check: %+v", r)
	}
}

func TestSaveRefusesWrongAnswers(t *testing.T) {
	s, _, qs := setup(t)
	ctx := context.Background()
	var ue *UnknownQuestionError
	if _, err := Save(ctx, s, map[string]int{qs[0].ID: 1, "9.9z": 1}); !errors.As(err, &ue) || ue.ID != "9.9z" {
		t.Fatalf("unknown question: %v", err)
	}
	var be *BadValueError
	if _, err := Save(ctx, s, map[string]int{qs[0].ID: 4}); !errors.As(err, &be) {
		t.Fatalf("bad value: %v", err)
	}
	if _, err := Save(ctx, s, nil); !errors.Is(err, ErrNoAnswers) {
		t.Fatalf("no answers: %v", err)
	}
	if a, _ := s.OpenSelfCheck(ctx); a != nil {
		t.Fatalf("a refused answer was saved: %+v", a)
	}
}

func TestSummary(t *testing.T) {
	s, kit, qs := setup(t)
	ctx := context.Background()
	if _, err := Latest(ctx, s, kit); !errors.Is(err, ErrNothingToSummarise) {
		t.Fatalf("no self-check: %v", err)
	}
	if _, err := Save(ctx, s, answersWith(qs, 3, map[string][]int{"1.1": {1}, "1.2": {2}})); err != nil {
		t.Fatal(err)
	}
	sum, err := Latest(ctx, s, kit)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSummary(sum.Encode())
	if err != nil {
		t.Fatal(err)
	}
	back.Add(sum)
	if back.People != 2 || len(back.Competences) != 21 {
		t.Fatalf("two people: %+v", back)
	}
	want := map[string][3]int{"1.1": {2, 0, 0}, "1.2": {0, 2, 0}, "5.4": {0, 0, 2}}
	for _, r := range back.Competences {
		if w, ok := want[r.Code]; ok && [3]int{r.Foundation, r.Intermediate, r.Advanced} != w {
			t.Errorf("%s: %+v, want %v", r.Code, r, w)
		}
	}
	for _, bad := range []string{
		`{"kind":"vademecum-selfcheck-summary","version":1,"month":"2026-11","people":1,"name":"Giulia","competences":[]}`,
		`{"kind":"vademecum-selfcheck-summary","version":1,"month":"2026-11","people":1,"competences":[{"code":"1.1","foundation":2,"intermediate":0,"advanced":0}]}`,
		`{"kind":"something else","version":1,"people":1}`,
	} {
		if _, err := ParseSummary([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

// TestConcurrentAnswers: answers saved at once from several places (the app and
// a script) make consistent self-checks: every finished one has all its
// answers and a level for each competence, and nothing fails.
func TestConcurrentAnswers(t *testing.T) {
	s, _, qs := setup(t)
	ctx := context.Background()
	all := answersWith(qs, 2, nil)
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for i, q := range qs {
				if (i+g)%3 == 0 {
					if _, err := Save(ctx, s, map[string]int{q.ID: all[q.ID]}); err != nil {
						errs <- err
						return
					}
				}
			}
			errs <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.SelfCheckHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) == 0 {
		t.Fatal("every question was answered, yet no self-check is finished")
	}
	for _, a := range h {
		if len(a.Answers) != len(qs) || len(a.Levels) != 21 {
			t.Fatalf("finished attempt %d: %d answers, %d levels", a.ID, len(a.Answers), len(a.Levels))
		}
	}
}

// TestRetiredToolsNeverRecommended: a tool that no longer exists (Skype) is not
// on anyone's learning path, even when it is the only item for a weak competence.
func TestRetiredToolsNeverRecommended(t *testing.T) {
	kit, _ := assets.Toolkit()
	var retired *data.Tool
	for _, tl := range kit.Tools {
		if tl.Retired != "" {
			retired = tl
		}
	}
	if retired == nil {
		t.Fatal("the toolkit has no retired tool to test with")
	}
	only := &assets.Kit{Tools: []*data.Tool{retired}, DigComp: kit.DigComp}
	levels := map[string]int{}
	for _, c := range kit.DigComp.Competences {
		levels[c.Code] = 6
	}
	weak := retired.Competences[0]
	levels[weak] = 1
	path, uncovered := Recommend(only, levels)
	for _, r := range path {
		if r.ID == retired.ID {
			t.Errorf("retired tool %s recommended", r.ID)
		}
	}
	if !contains(uncovered, weak) {
		t.Errorf("%s should be uncovered when only a retired tool trains it; uncovered: %v", weak, uncovered)
	}
}
