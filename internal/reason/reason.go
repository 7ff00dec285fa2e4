package reason

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Format is the English of a code and the names of its values, in the order
// of its verbs (%s, %d, %v, %o).
type Format struct {
	English string
	Names   []string
}

// F is the Format of english with the names of its values.
func F(english string, names ...string) Format { return Format{English: english, Names: names} }

// Set is the codes of one layer.
type Set struct {
	formats  map[string]Format
	order    []string // the codes, the most specific (most literal text) first
	patterns map[string]*regexp.Regexp
}

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

// NewSet makes the set of codes of formats.
func NewSet(formats map[string]Format) *Set {
	s := &Set{formats: formats, patterns: map[string]*regexp.Regexp{}}
	literal := map[string]int{}
	for code, f := range formats {
		var b strings.Builder
		b.WriteString("^")
		last := 0
		for _, m := range verb.FindAllStringIndex(f.English, -1) {
			b.WriteString(regexp.QuoteMeta(f.English[last:m[0]]))
			switch f.English[m[1]-1] {
			case 'd':
				b.WriteString(`(-?\d+)`)
			case 'o':
				b.WriteString(`([0-7]+)`)
			case 'q':
				b.WriteString(`("(?:[^"\\]|\\.)*")`)
			default:
				b.WriteString(`(.+?)`)
			}
			last = m[1]
		}
		b.WriteString(regexp.QuoteMeta(f.English[last:]) + "$")
		s.patterns[code] = regexp.MustCompile(b.String())
		literal[code] = len(verb.ReplaceAllString(f.English, ""))
		s.order = append(s.order, code)
	}
	// A shorter text can match a longer one's (its last value taking the
	// rest): the longer is tried first, so Explain answers the same each time.
	sort.Slice(s.order, func(i, j int) bool {
		a, b := s.order[i], s.order[j]
		if literal[a] != literal[b] {
			return literal[a] > literal[b]
		}
		return a < b
	})
	return s
}

// Text is the English of code with its values.
func (s *Set) Text(code string, args ...any) string {
	f, ok := s.formats[code]
	if !ok {
		panic("reason: unknown code " + code)
	}
	return fmt.Sprintf(f.English, args...)
}

// Error is code with its values as an error, its text the English.
func (s *Set) Error(code string, args ...any) *Error {
	f := s.formats[code]
	values := map[string]string{}
	verbs := verb.FindAllString(f.English, -1)
	for i, name := range f.Names {
		if i < len(args) && i < len(verbs) {
			v := verbs[i]
			if v == "%q" {
				v = "%s" // the value, not its quoted form
			}
			values[name] = fmt.Sprintf(v, args[i])
		}
	}
	return &Error{Code: code, Values: values, text: s.Text(code, args...)}
}

// Explain returns the code of an English text of the set, with its values
// by name, or "" when the text is none of the set's.
func (s *Set) Explain(text string) (code string, values map[string]string) {
	for _, c := range s.order {
		m := s.patterns[c].FindStringSubmatch(text)
		if m == nil {
			continue
		}
		values = map[string]string{}
		for i, name := range s.formats[c].Names {
			values[name] = m[i+1]
			if u, err := strconv.Unquote(m[i+1]); err == nil && strings.HasPrefix(m[i+1], `"`) {
				values[name] = u
			}
		}
		return c, values
	}
	return "", nil
}

// Codes lists the codes of the set, for tests that every one is worded.
func (s *Set) Codes() []string {
	out := append([]string(nil), s.order...)
	sort.Strings(out)
	return out
}

// Error is a refusal with its code and values; its text is the English.
type Error struct {
	Code   string
	Values map[string]string
	text   string
}

func (e *Error) Error() string { return e.text }
