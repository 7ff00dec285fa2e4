package reason

import (
	"fmt"
	"strings"
)

// ReadBackProblems words each code of the set with sample values (holding
// spaces, as values from a hub may) and lists what Explain does not read back:
// the wrong code (a text that a more specific code also matches) or a wrong value.
// Each layer's tests call it on its set.
func (s *Set) ReadBackProblems() []string {
	var out []string
	for _, code := range s.Codes() {
		f := s.formats[code]
		verbs := verb.FindAllString(f.English, -1)
		var args []any
		want := map[string]string{}
		for i, name := range f.Names {
			var v any = fmt.Sprintf("value-%d of %s", i, name)
			if strings.HasSuffix(verbs[i], "d") || strings.HasSuffix(verbs[i], "o") {
				v = 40 + i
			}
			if prev, ok := want[name]; ok { // a name used twice holds the same value
				v = prev
			}
			args = append(args, v)
			want[name] = fmt.Sprint(v)
			if strings.HasSuffix(verbs[i], "o") {
				want[name] = fmt.Sprintf("%o", v)
			}
		}
		text := s.Text(code, args...)
		got, values := s.Explain(text)
		if got != code {
			out = append(out, fmt.Sprintf("%q: code %q, want %q", text, got, code))
			continue
		}
		for name, v := range want {
			if values[name] != v {
				out = append(out, fmt.Sprintf("%q: %s = %q, want %q", text, name, values[name], v))
			}
		}
	}
	return out
}
