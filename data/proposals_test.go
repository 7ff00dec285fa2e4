package data

import (
	"context"
	"errors"
	"testing"
)

func newNetStore(t *testing.T, org, lang string) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	o := &Organisation{Name: org, Country: "CZ", Languages: []string{lang}}
	o.ID, o.Lang = org, lang
	if err := s.Init(o, "Jana"); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestProposeNeedsProposerLanguage(t *testing.T) {
	s := newNetStore(t, "streetwork-cz", "cs")
	_, err := s.Propose(context.Background(), KindTool, []byte(`{"id": "organic-maps", "name": {"en": "Organic Maps", "cs": "Organic Maps"}, "category": "maps", "summary": {"en": "Offline maps."}, "offline": "yes"}`), "cs", nil)
	var mt *MissingTextError
	if !errors.As(err, &mt) || mt.Field != "summary" || mt.Lang != "cs" {
		t.Fatalf("got %v", err)
	}
}
