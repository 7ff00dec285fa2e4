package assets

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSelfCheckContent: every DigComp competence has two or three questions, each
// with its question and three answers in all six languages, none empty, none
// left in English in another language.
func TestSelfCheckContent(t *testing.T) {
	qs, err := SelfCheck()
	if err != nil {
		t.Fatal(err)
	}
	k, err := Toolkit()
	if err != nil {
		t.Fatal(err)
	}
	langs := []string{"en", "it", "es", "pl", "cs", "fr"}
	per := map[string]int{}
	seen := map[string]string{}
	for _, q := range qs {
		if _, ok := k.DigComp.Competence(q.Competence); !ok {
			t.Errorf("%s: %q is not a DigComp 2.2 competence", q.ID, q.Competence)
		}
		per[q.Competence]++
		for _, l := range langs {
			texts := []string{q.Text[l]}
			for _, v := range q.Order {
				texts = append(texts, q.Answers[v][l])
			}
			for i, s := range texts {
				s = strings.TrimSpace(s)
				if s == "" {
					t.Errorf("%s in %s: text %d is missing", q.ID, l, i)
					continue
				}
				if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 260 {
					t.Errorf("%s in %s: text %d is not short valid text: %q", q.ID, l, i, s)
				}
				if l != "en" && i == 0 && s == q.Text["en"] {
					t.Errorf("%s in %s: the question is still in English", q.ID, l)
				}
				if prev, dup := seen[l+"\x00"+s]; dup && i == 0 {
					t.Errorf("%s in %s: same question as %s", q.ID, l, prev)
				}
				if i == 0 {
					seen[l+"\x00"+s] = q.ID
				}
			}
			for _, v := range q.Order {
				for _, w := range q.Order {
					if v < w && q.Answers[v][l] == q.Answers[w][l] {
						t.Errorf("%s in %s: answers %d and %d are the same", q.ID, l, v, w)
					}
				}
			}
		}
	}
	for _, c := range k.DigComp.Competences {
		if n := per[c.Code]; n < 2 || n > 3 {
			t.Errorf("competence %s has %d questions, want 2 or 3", c.Code, n)
		}
	}
	if len(k.DigComp.Competences) != 21 {
		t.Errorf("%d competences, want the 21 of DigComp 2.2", len(k.DigComp.Competences))
	}
}

// TestSelfCheckOrderVaries: the advanced answer is not always in the same place.
func TestSelfCheckOrderVaries(t *testing.T) {
	qs, err := SelfCheck()
	if err != nil {
		t.Fatal(err)
	}
	where := map[int]int{}
	for _, q := range qs {
		for i, v := range q.Order {
			if v == AnswerAdvanced {
				where[i]++
			}
		}
	}
	for i := 0; i < 3; i++ {
		if where[i] < len(qs)/5 {
			t.Errorf("the advanced answer is in place %d only %d times of %d: %v", i+1, where[i], len(qs), where)
		}
	}
}
