package app

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var updateI18n = flag.Bool("update-i18n", false, "rewrite assets/i18n/en.json from the texts in the source")

// message is an English text as the source gives it: Other alone, or One and Other.
type message struct {
	One, Other string
	At         string
}

// sourceMessages collects every lang.X and plural call of the package's source.
func sourceMessages(t *testing.T) map[string]message {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	out := map[string]message{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			str := func(i int) (string, bool) {
				if i >= len(call.Args) {
					return "", false
				}
				lit, ok := call.Args[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return "", false
				}
				s, err := strconv.Unquote(lit.Value)
				return s, err == nil
			}
			pos := fset.Position(call.Pos()).String()
			var key string
			var m message
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				pkg, ok := fn.X.(*ast.Ident)
				if !ok || pkg.Name != "lang" {
					return true
				}
				switch fn.Sel.Name {
				case "X":
				case "L", "N", "Localize", "LocalizeKey", "LocalizePlural":
					t.Errorf("%s: use lang.X with a key (or plural) so the text reaches en.json", pos)
					return true
				case "XN":
					if name != "i18n.go" { // only inside plural
						t.Errorf("%s: use plural so both English forms reach en.json", pos)
					}
					return true
				default:
					return true
				}
				k, ok1 := str(0)
				other, ok2 := str(1)
				if !ok1 || !ok2 {
					t.Errorf("%s: lang.X needs a literal key and English text", pos)
					return true
				}
				key, m = k, message{Other: other, At: pos}
			case *ast.Ident:
				if fn.Name != "plural" || len(call.Args) != 4 {
					return true
				}
				k, ok1 := str(0)
				one, ok2 := str(1)
				other, ok3 := str(2)
				if !ok1 || !ok2 || !ok3 {
					t.Errorf("%s: plural needs a literal key and English texts", pos)
					return true
				}
				key, m = k, message{One: one, Other: other, At: pos}
			default:
				return true
			}
			if prev, ok := out[key]; ok && (prev.One != m.One || prev.Other != m.Other) {
				t.Errorf("%s: key %q has another English text at %s", pos, key, prev.At)
			}
			out[key] = m
			return true
		})
	}
	return out
}

func readCatalogue(t *testing.T, code string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "assets", "i18n", code+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

// TestEnglishCatalogue checks that assets/i18n/en.json holds exactly the texts of
// the source, so translators work from a complete list (go test -update-i18n
// rewrites it).
func TestEnglishCatalogue(t *testing.T) {
	src := sourceMessages(t)
	if *updateI18n {
		out := map[string]any{}
		for k, m := range src {
			if m.One != "" {
				out[k] = map[string]string{"one": m.One, "other": m.Other}
			} else {
				out[k] = m.Other
			}
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "assets", "i18n", "en.json"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	en := readCatalogue(t, "en")
	for k, m := range src {
		v, ok := en[k]
		if !ok {
			t.Errorf("en.json lacks %q (%s): run go test ./app -run TestEnglishCatalogue -update-i18n", k, m.At)
			continue
		}
		switch x := v.(type) {
		case string:
			if m.One != "" || x != m.Other {
				t.Errorf("en.json %q = %q, the source says %q", k, x, m.Other)
			}
		case map[string]any:
			if x["one"] != m.One || x["other"] != m.Other {
				t.Errorf("en.json %q = %v, the source says one=%q other=%q", k, x, m.One, m.Other)
			}
		}
	}
	keys := make([]string, 0, len(en))
	for k := range en {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := src[k]; !ok {
			t.Errorf("en.json has %q, which the source no longer uses", k)
		}
	}
}

var templateVar = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

func templateVars(v any) []string {
	var texts []string
	switch x := v.(type) {
	case string:
		texts = []string{x}
	case map[string]any:
		for _, s := range x {
			if str, ok := s.(string); ok {
				texts = append(texts, str)
			}
		}
	}
	seen := map[string]bool{}
	for _, s := range texts {
		for _, m := range templateVar.FindAllStringSubmatch(s, -1) {
			seen[m[1]] = true
		}
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestTranslationsMatchEnglish checks that every translation file only has keys
// that English has, with the same template variables.
func TestTranslationsMatchEnglish(t *testing.T) {
	en := readCatalogue(t, "en")
	files, _ := filepath.Glob(filepath.Join("..", "assets", "i18n", "*.json"))
	for _, f := range files {
		code := strings.TrimSuffix(filepath.Base(f), ".json")
		if code == "en" {
			continue
		}
		for k, v := range readCatalogue(t, code) {
			ev, ok := en[k]
			if !ok {
				t.Errorf("%s.json has %q, which English does not", code, k)
				continue
			}
			if a, b := strings.Join(templateVars(v), ","), strings.Join(templateVars(ev), ","); a != b {
				t.Errorf("%s.json %q uses {{%s}}, English uses {{%s}}", code, k, a, b)
			}
		}
	}
}
