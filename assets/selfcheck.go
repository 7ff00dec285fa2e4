package assets

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"vademecum/data"
)

// The self-check's questions: selfcheck/questions.json lists them (id, DigComp
// competence, the order their answers are shown in) and selfcheck/<lang>.json
// holds their texts in one language, as {"<id>": [question, answer 1, answer 2,
// answer 3]}, where answer N is the one worth N (1 foundation, 2 intermediate,
// 3 advanced).
//
//go:embed selfcheck/*.json
var selfCheckFS embed.FS

// Answer values of the self-check, one per proficiency group.
const (
	AnswerFoundation   = 1
	AnswerIntermediate = 2
	AnswerAdvanced     = 3
)

// SelfCheckQuestion is one question of the DigComp self-check.
type SelfCheckQuestion struct {
	ID         string
	Competence string
	// Order is the answer values in the order they are shown: not always the
	// weakest first, so that the position gives nothing away.
	Order   []int
	Text    data.Text
	Answers map[int]data.Text // by value
}

var (
	selfCheckOnce sync.Once
	selfCheck     []SelfCheckQuestion
	selfCheckErr  error
)

// SelfCheck returns the embedded self-check questions, in the order they are asked.
func SelfCheck() ([]SelfCheckQuestion, error) {
	selfCheckOnce.Do(func() { selfCheck, selfCheckErr = LoadSelfCheck(selfCheckFS, "selfcheck") })
	return selfCheck, selfCheckErr
}

// LoadSelfCheck reads self-check questions from dir in fsys.
func LoadSelfCheck(fsys fs.FS, dir string) ([]SelfCheckQuestion, error) {
	var index []struct {
		ID         string `json:"id"`
		Competence string `json:"competence"`
		Order      []int  `json:"order"`
	}
	if err := readJSON(fsys, path.Join(dir, "questions.json"), &index); err != nil {
		return nil, err
	}
	qs := make([]SelfCheckQuestion, len(index))
	byID := map[string]*SelfCheckQuestion{}
	for i, q := range index {
		if byID[q.ID] != nil {
			return nil, fmt.Errorf("self-check question %s is listed twice", q.ID)
		}
		vals := append([]int{}, q.Order...)
		sort.Ints(vals)
		if fmt.Sprint(vals) != fmt.Sprint([]int{AnswerFoundation, AnswerIntermediate, AnswerAdvanced}) {
			return nil, fmt.Errorf("self-check question %s: order must list the answers 1, 2 and 3 once each", q.ID)
		}
		qs[i] = SelfCheckQuestion{ID: q.ID, Competence: q.Competence, Order: q.Order, Text: data.Text{}, Answers: map[int]data.Text{}}
		for _, v := range q.Order {
			qs[i].Answers[v] = data.Text{}
		}
		byID[q.ID] = &qs[i]
	}
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		code := strings.TrimSuffix(path.Base(name), ".json")
		if code == "questions" {
			continue
		}
		var texts map[string][]string
		if err := readJSON(fsys, name, &texts); err != nil {
			return nil, err
		}
		for id, t := range texts {
			q := byID[id]
			if q == nil {
				return nil, fmt.Errorf("%s: %s is not a question of questions.json", name, id)
			}
			if len(t) != 1+len(q.Order) {
				return nil, fmt.Errorf("%s: %s needs the question and %d answers", name, id, len(q.Order))
			}
			q.Text[code] = t[0]
			for v := range q.Answers {
				q.Answers[v][code] = t[v]
			}
		}
	}
	return qs, nil
}
