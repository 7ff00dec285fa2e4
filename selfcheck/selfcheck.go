package selfcheck

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"vademecum/assets"
	"vademecum/data"
)

// Groups of DigComp proficiency levels a self-check can tell apart.
const (
	Foundation   = "foundation"
	Intermediate = "intermediate"
	Advanced     = "advanced"
)

// Groups lists them from the lowest.
var Groups = []string{Foundation, Intermediate, Advanced}

func rank(group string) int {
	for i, g := range Groups {
		if g == group {
			return i
		}
	}
	return len(Groups)
}

// Question is a self-check question in one language.
type Question struct {
	ID         string   `json:"id"`
	Competence string   `json:"competence"`
	Text       string   `json:"text"`
	Answers    []Answer `json:"answers"`
}

// Answer is one of a question's answers; Value is what is stored.
type Answer struct {
	Value int    `json:"value"`
	Text  string `json:"text"`
}

// Questions returns the questions in lang (English where a text is missing),
// in the order they are asked, each with its answers in the order shown.
func Questions(lang string) ([]Question, error) {
	qs, err := assets.SelfCheck()
	if err != nil {
		return nil, err
	}
	out := make([]Question, len(qs))
	for i, q := range qs {
		text, _ := q.Text.In(lang)
		out[i] = Question{ID: q.ID, Competence: q.Competence, Text: text}
		for _, v := range q.Order {
			t, _ := q.Answers[v].In(lang)
			out[i].Answers = append(out[i].Answers, Answer{Value: v, Text: t})
		}
	}
	return out, nil
}

// UnknownQuestionError: an answer names a question the self-check does not have.
type UnknownQuestionError struct{ ID string }

func (e *UnknownQuestionError) Error() string {
	return fmt.Sprintf("%q is not a self-check question (see 'vademecum-cli selfcheck --json')", e.ID)
}

// BadValueError: an answer's value is not one the question offers.
type BadValueError struct {
	ID    string
	Value int
}

func (e *BadValueError) Error() string {
	return fmt.Sprintf("question %s has no answer worth %d (use 1, 2 or 3)", e.ID, e.Value)
}

// ErrNoAnswers: nothing to save.
var ErrNoAnswers = errors.New("no answers given")

// Save checks answers (question id → value) and keeps them in the attempt
// being answered; when that attempt then has an answer for every question, it
// is finished with its levels, dated now. Nothing is saved when any answer is wrong.
func Save(ctx context.Context, s *data.Store, answers map[string]int) (*data.SelfCheckAttempt, error) {
	if len(answers) == 0 {
		return nil, ErrNoAnswers
	}
	qs, err := assets.SelfCheck()
	if err != nil {
		return nil, err
	}
	byID := map[string]assets.SelfCheckQuestion{}
	for _, q := range qs {
		byID[q.ID] = q
	}
	ids := make([]string, 0, len(answers))
	for id := range answers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		q, ok := byID[id]
		if !ok {
			return nil, &UnknownQuestionError{id}
		}
		if _, ok := q.Answers[answers[id]]; !ok {
			return nil, &BadValueError{id, answers[id]}
		}
	}
	a, err := s.SaveSelfCheckAnswers(ctx, answers)
	if err != nil {
		return nil, err
	}
	if len(a.Answers) < len(qs) {
		return a, nil
	}
	for _, q := range qs {
		if _, ok := a.Answers[q.ID]; !ok {
			return a, nil
		}
	}
	a.Levels = Levels(a.Answers)
	if err := s.FinishSelfCheck(ctx, a.ID, a.Levels); err != nil {
		return nil, err
	}
	a.Finished = data.Now()
	return a, nil
}

// Levels gives each competence with at least one answer its DigComp level:
// the mean answer m (1 foundation .. 3 advanced) becomes 2m-1, so all-foundation
// answers give level 1, all-intermediate 3 and all-advanced 5. A self-check
// cannot show the levels above: those show in what a person does.
func Levels(answers map[string]int) map[string]int {
	qs, _ := assets.SelfCheck()
	sum, n := map[string]int{}, map[string]int{}
	for _, q := range qs {
		if v, ok := answers[q.ID]; ok {
			sum[q.Competence] += v
			n[q.Competence]++
		}
	}
	out := map[string]int{}
	for c, s := range sum {
		out[c] = int(math.Round(2*float64(s)/float64(n[c]) - 1))
	}
	return out
}

// Group is the proficiency group of a DigComp level.
func Group(level int) string {
	switch {
	case level <= 2:
		return Foundation
	case level <= 4:
		return Intermediate
	}
	return Advanced
}

// Level is the level of a competence or an area.
type Level struct {
	Code  string `json:"code"`
	Level int    `json:"level"`
	Group string `json:"group"`
}

// Result is where a person stands: from their latest finished self-check, or,
// before they ever finished one, from the answers given so far.
type Result struct {
	Date        time.Time // when it was finished; zero for answers in progress
	Complete    bool
	Answered    int // answers in the attempt shown
	Questions   int
	Competences []Level // in the framework's order; only competences answered
	Areas       []Level
	Recommended []Recommendation
	// Uncovered are weak competences that no tool or guide of the toolkit trains yet.
	Uncovered []string
	// Open is the number of answers of an attempt started after Date (0: none).
	Open int
}

// Snapshot is a finished self-check: its date and levels.
type Snapshot struct {
	Date   time.Time
	Levels map[string]int
}

// History returns the finished self-checks, oldest first.
func History(ctx context.Context, s *data.Store) ([]Snapshot, error) {
	h, err := s.SelfCheckHistory(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Snapshot, len(h))
	for i, a := range h {
		out[i] = Snapshot{Date: a.Finished, Levels: a.Levels}
	}
	return out, nil
}

// Current returns the result to show now (see Result), with its learning path
// from kit. It is empty (no competences) when nothing was answered yet.
func Current(ctx context.Context, s *data.Store, kit *assets.Kit) (Result, error) {
	qs, err := assets.SelfCheck()
	if err != nil {
		return Result{}, err
	}
	r := Result{Questions: len(qs)}
	open, err := s.OpenSelfCheck(ctx)
	if err != nil {
		return r, err
	}
	h, err := s.SelfCheckHistory(ctx)
	if err != nil {
		return r, err
	}
	var levels map[string]int
	switch {
	case len(h) > 0:
		last := h[len(h)-1]
		r.Date, r.Complete, r.Answered, levels = last.Finished, true, len(last.Answers), last.Levels
		if open != nil {
			r.Open = len(open.Answers)
		}
	case open != nil:
		r.Answered, levels = len(open.Answers), Levels(open.Answers)
	default:
		return r, nil
	}
	r.Competences, r.Areas = levelsOf(kit, levels)
	r.Recommended, r.Uncovered = Recommend(kit, levels)
	return r, nil
}

// levelsOf lists the levels of competences and areas, in the framework's
// order; an area's level is the rounded mean of its competences'.
func levelsOf(kit *assets.Kit, levels map[string]int) (comps, areas []Level) {
	for _, a := range kit.DigComp.Areas {
		sum, n := 0, 0
		for _, c := range kit.DigComp.Competences {
			l, ok := levels[c.Code]
			if c.Area != a.Code || !ok {
				continue
			}
			comps = append(comps, Level{c.Code, l, Group(l)})
			sum += l
			n++
		}
		if n > 0 {
			l := int(math.Round(float64(sum) / float64(n)))
			areas = append(areas, Level{a.Code, l, Group(l)})
		}
	}
	return comps, areas
}
