package reason

import (
	"strings"
	"testing"
)

// TestExplainPrefersTheMoreSpecific: of two codes whose texts both match,
// Explain answers the one with more literal text, every time; a text that
// reads back as another code is reported.
func TestExplainPrefersTheMoreSpecific(t *testing.T) {
	s := NewSet(map[string]Format{
		"short": {"signed with the key %s", []string{"Key"}},
		"long":  {"signed with the key %s: refused", []string{"Key"}},
	})
	if code, v := s.Explain("signed with the key K1: refused"); code != "long" || v["Key"] != "K1" {
		t.Errorf("explained as %q %v, want long K1", code, v)
	}
	if p := s.ReadBackProblems(); len(p) > 0 {
		t.Errorf("problems: %q", p)
	}
	bad := NewSet(map[string]Format{
		"any":  {"a %s", []string{"All"}},
		"more": {"a %s of %s", []string{"A", "B"}}, // the sample "value-0 of All" holds " of "
	})
	if got := strings.Join(bad.ReadBackProblems(), "\n"); !strings.Contains(got, `code "more", want "any"`) {
		t.Errorf("a text read back as another code is not reported: %q", got)
	}
	q := NewSet(map[string]Format{"q": {"%q is odd", []string{"ID"}}})
	if _, v := q.Explain(`"a \"b\" c" is odd`); v["ID"] != `a "b" c` {
		t.Errorf("a quoted value reads back as %q", v["ID"])
	}
	if code, _ := s.Explain("something else"); code != "" {
		t.Errorf("an unknown text explained as %q", code)
	}
}

// TestErrorValues: an error carries its code and its values by name, as
// Explain would read them back from its text.
func TestErrorValues(t *testing.T) {
	s := NewSet(map[string]Format{"big": F("%q is too large (%d KB, mode %o)", "Name", "Size", "Mode")})
	e := s.Error("big", `a "b"`, 12, 0o644)
	if e.Code != "big" || e.Values["Name"] != `a "b"` || e.Values["Size"] != "12" || e.Values["Mode"] != "644" {
		t.Errorf("%q: %v", e.Code, e.Values)
	}
	if _, v := s.Explain(e.Error()); v["Name"] != e.Values["Name"] || v["Mode"] != e.Values["Mode"] {
		t.Errorf("read back %v, made %v", v, e.Values)
	}
}
