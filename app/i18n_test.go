package app

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"

	"vademecum/data"
)

var updateI18n = flag.Bool("update-i18n", false, "rewrite assets/i18n/en.json from the texts in the source")

// englishText is an English text as the source gives it: Other alone, or One and Other.
type englishText struct {
	One, Other string
	At         string
}

// sourceMessages collects every lang.X and plural call of the package's
// source, and every X, N, U and text call of the command line's (which words
// its texts from the same catalogue through internal/words).
func sourceMessages(t *testing.T) map[string]englishText {
	t.Helper()
	out := map[string]englishText{}
	appMessages(t, out)
	cliMessages(t, out)
	exportLabels(t, out)
	return out
}

// exportLabels adds the exports' labels (export/labels.go: key to English),
// which the catalogue holds as "export.label." + key.
func exportLabels(t *testing.T, out map[string]englishText) {
	t.Helper()
	fset, files := goSources(t, filepath.Join("..", "export"))
	f := files["labels.go"]
	if f == nil {
		t.Fatal("export/labels.go is gone: say where the exports' labels are")
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "labels" || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.CompositeLit)
		if !ok {
			t.Fatalf("export/labels.go: labels is not a map literal")
		}
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			k, kok := kv.Key.(*ast.BasicLit)
			v, vok := kv.Value.(*ast.BasicLit)
			if !kok || !vok {
				t.Errorf("%s: a label that is not a string literal", fset.Position(e.Pos()))
				continue
			}
			key, _ := strconv.Unquote(k.Value)
			text, _ := strconv.Unquote(v.Value)
			out["export.label."+key] = englishText{Other: text, At: fset.Position(e.Pos()).String()}
			n++
		}
		return false
	})
	if n == 0 {
		t.Fatal("export/labels.go: no labels found")
	}
}

// goSources parses the Go files of dir, tests left out.
func goSources(t *testing.T, dir string) (*token.FileSet, map[string]*ast.File) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go source in %s: %v", dir, err)
	}
	fset := token.NewFileSet()
	out := map[string]*ast.File{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(name)] = f
	}
	return fset, out
}

func appMessages(t *testing.T, out map[string]englishText) {
	t.Helper()
	fset, files := goSources(t, ".")
	for name, f := range files {
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
			var m englishText
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
					if len(call.Args) > 0 {
						if id, ok := call.Args[0].(*ast.Ident); ok && id.Name == "key" {
							return true // a translator passes on a key written elsewhere (assets.FactText)
						}
					}
					t.Errorf("%s: lang.X needs a literal key and English text", pos)
					return true
				}
				key, m = k, englishText{Other: other, At: pos}
			case *ast.Ident:
				if fn.Name != "plural" || len(call.Args) < 4 {
					return true
				}
				k, ok1 := str(0)
				one, ok2 := str(1)
				other, ok3 := str(2)
				if !ok1 || !ok2 || !ok3 {
					t.Errorf("%s: plural needs a literal key and English texts", pos)
					return true
				}
				key, m = k, englishText{One: one, Other: other, At: pos}
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
}

// cliMessages collects the texts of cmd/vademecum-cli and internal/words:
// t.X(key, english), t.N(key, one, other, ...), t.U(key, english) and
// text(key, english).
func cliMessages(t *testing.T, out map[string]englishText) {
	t.Helper()
	for _, dir := range []string{filepath.Join("..", "cmd", "vademecum-cli"), filepath.Join("..", "internal", "words"), filepath.Join("..", "assets")} {
		cliDirMessages(t, dir, out)
	}
}

// wordingFiles are the files of a package below the front ends that word
// texts for both of them through a translator named X (assets.FactText).
var wordingFiles = map[string][]string{filepath.Join("..", "assets"): {"facts.go"}}

func cliDirMessages(t *testing.T, dir string, out map[string]englishText) {
	t.Helper()
	fset, files := goSources(t, dir)
	if only, ok := wordingFiles[dir]; ok {
		kept := map[string]*ast.File{}
		for _, name := range only {
			kept[name] = files[name]
		}
		files = kept
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var fn string
			switch x := call.Fun.(type) {
			case *ast.SelectorExpr:
				fn = x.Sel.Name
			case *ast.Ident:
				fn = x.Name
			}
			lits := 0
			switch fn {
			case "X", "U", "text", "usage", "fail":
				lits = 2
			case "N", "failN":
				lits = 3
			default:
				return true
			}
			pos := fset.Position(call.Pos()).String()
			var s []string
			for i := 0; i < lits && i < len(call.Args); i++ {
				lit, ok := call.Args[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					break
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					break
				}
				s = append(s, v)
			}
			if len(s) != lits {
				if len(call.Args) > 0 {
					if id, ok := call.Args[0].(*ast.Ident); ok && id.Name == "key" {
						return true // the helpers themselves pass their key on
					}
				}
				t.Errorf("%s: %s needs a literal key and English text", pos, fn)
				return true
			}
			m := englishText{Other: s[1], At: pos}
			if lits == 3 {
				m = englishText{One: s[1], Other: s[2], At: pos}
			}
			if prev, ok := out[s[0]]; ok && (prev.One != m.One || prev.Other != m.Other) {
				t.Errorf("%s: key %q has another English text at %s", pos, s[0], prev.At)
			}
			out[s[0]] = m
			return true
		})
	}
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

// pluralCategories are the CLDR plural categories each interface language
// needs for a text with a count (go-i18n picks among exactly these).
var pluralCategories = map[string][]string{
	"en": {"one", "other"},
	"it": {"one", "many", "other"},
	"es": {"one", "many", "other"},
	"fr": {"one", "many", "other"},
	"pl": {"one", "few", "many", "other"},
	"cs": {"one", "few", "many", "other"},
}

// TestTranslationsComplete checks every language against English: each key is
// there and not empty, keeps the English template variables ({{.Count}}...),
// and a text with a count has every plural category of the language. No file
// has keys English does not have.
func TestTranslationsComplete(t *testing.T) {
	en := readCatalogue(t, "en")
	files, _ := filepath.Glob(filepath.Join("..", "assets", "i18n", "*.json"))
	for _, f := range files {
		code := strings.TrimSuffix(filepath.Base(f), ".json")
		if !supportedLanguage(code) {
			t.Errorf("%s.json is not an interface language: add it to Languages or remove it", code)
		}
	}
	for _, l := range Languages {
		t.Run(l.Code, func(t *testing.T) {
			for _, p := range catalogueProblems(en, readCatalogue(t, l.Code), l.Code) {
				t.Error(p)
			}
		})
	}
}

// catalogueProblems lists what is missing or wrong in the catalogue tr of the
// language code, compared with English.
func catalogueProblems(en, tr map[string]any, code string) []string {
	var out []string
	keys := make([]string, 0, len(en))
	for k := range en {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ev := en[k]
		v, ok := tr[k]
		if !ok {
			out = append(out, fmt.Sprintf("%s.json lacks %q", code, k))
			continue
		}
		if a, b := strings.Join(templateVars(v), ","), strings.Join(templateVars(ev), ","); a != b {
			out = append(out, fmt.Sprintf("%s.json %q uses {{%s}}, English uses {{%s}}", code, k, a, b))
		}
		switch x := v.(type) {
		case string:
			if strings.TrimSpace(x) == "" {
				out = append(out, fmt.Sprintf("%s.json %q is empty", code, k))
			}
			if _, plural := ev.(map[string]any); plural {
				out = append(out, fmt.Sprintf("%s.json %q is one text, English has plural forms", code, k))
			}
		case map[string]any:
			if _, plural := ev.(map[string]any); !plural {
				out = append(out, fmt.Sprintf("%s.json %q has plural forms, English has one text", code, k))
				continue
			}
			for _, cat := range pluralCategories[code] {
				form, _ := x[cat].(string)
				if strings.TrimSpace(form) == "" {
					out = append(out, fmt.Sprintf("%s.json %q lacks the plural form %q", code, k, cat))
				}
			}
			for cat := range x {
				if !slices.Contains(pluralCategories[code], cat) && cat != "zero" && cat != "two" {
					out = append(out, fmt.Sprintf("%s.json %q has %q, which is not a plural category", code, k, cat))
				}
			}
		default:
			out = append(out, fmt.Sprintf("%s.json %q is neither a text nor plural forms", code, k))
		}
	}
	for k := range tr {
		if _, ok := en[k]; !ok {
			out = append(out, fmt.Sprintf("%s.json has %q, which English does not", code, k))
		}
	}
	sort.Strings(out)
	return out
}

func TestCatalogueProblems(t *testing.T) {
	en := map[string]any{
		"a":     "Hello {{.Name}}",
		"count": map[string]any{"one": "{{.Count}} note", "other": "{{.Count}} notes"},
		"b":     "Bye",
	}
	pl := map[string]any{
		"a":     "Cześć {{.Imie}}",                                                          // renamed variable
		"count": map[string]any{"one": "{{.Count}} notatka", "other": "{{.Count}} notatki"}, // lacks few, many
		"b":     " ",                                                                        // empty
		"extra": "x",
	}
	got := strings.Join(catalogueProblems(en, pl, "pl"), "\n")
	for _, want := range []string{`"a" uses {{Imie}}, English uses {{Name}}`, `"count" lacks the plural form "few"`,
		`"count" lacks the plural form "many"`, `"b" is empty`, `has "extra"`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not say %s:\n%s", want, got)
		}
	}
	delete(pl, "b")
	if got := strings.Join(catalogueProblems(en, pl, "pl"), "\n"); !strings.Contains(got, `lacks "b"`) {
		t.Errorf("a missing key is not reported:\n%s", got)
	}
}

// TestEveryTextRenders asks Fyne for every text in every language, with every
// plural count that picks a different form, and fails on anything Fyne logs
// (a missing plural form, a broken template) or a template variable left empty.
func TestEveryTextRenders(t *testing.T) {
	en := readCatalogue(t, "en")
	var logged bytes.Buffer
	log.SetOutput(&logged)
	defer log.SetOutput(os.Stderr)
	defer UseLanguage("en")
	for _, l := range Languages {
		if err := UseLanguage(l.Code); err != nil {
			t.Fatalf("%s: %v", l.Code, err)
		}
		for k, v := range en {
			vars := map[string]any{}
			for _, name := range templateVars(v) {
				vars[name] = "X"
			}
			var texts []string
			if m, ok := v.(map[string]any); ok {
				for _, n := range []int{0, 1, 2, 5, 22, 1000000} {
					vars["Count"] = n
					texts = append(texts, lang.XN(k, m["other"].(string), n, vars))
				}
			} else {
				texts = append(texts, lang.X(k, v.(string), vars))
			}
			for _, s := range texts {
				if strings.Contains(s, "<no value>") || strings.TrimSpace(s) == "" {
					t.Errorf("%s %q renders as %q", l.Code, k, s)
				}
			}
		}
		if logged.Len() > 0 {
			t.Errorf("%s: Fyne logged:\n%s", l.Code, logged.String())
			logged.Reset()
		}
	}
}

// sinks are the calls whose string arguments people read: Fyne's widgets,
// containers, dialogs and menus, and this package's helpers.
var sinks = map[string]bool{
	"widget.NewLabel": true, "widget.NewLabelWithStyle": true, "widget.NewButton": true, "widget.NewButtonWithIcon": true,
	"widget.NewCheck": true, "widget.NewCheckGroup": true, "widget.NewRadioGroup": true, "widget.NewSelect": true,
	"widget.NewHyperlink": true, "widget.NewCard": true, "widget.NewFormItem": true, "widget.NewRichTextWithText": true,
	"widget.NewRichTextFromMarkdown": true, "widget.NewAccordionItem": true, "widget.NewToolbarAction": true,
	"container.NewTabItem": true, "container.NewTabItemWithIcon": true, "canvas.NewText": true,
	"fyne.NewMenu": true, "fyne.NewMenuItem": true, "a.NewWindow": true,
	"dialog.NewInformation": true, "dialog.ShowInformation": true, "dialog.NewConfirm": true, "dialog.ShowConfirm": true,
	"dialog.NewCustom": true, "dialog.ShowCustom": true, "dialog.NewCustomConfirm": true, "dialog.ShowCustomConfirm": true,
	"dialog.NewCustomWithoutButtons": true, "dialog.NewForm": true, "dialog.ShowForm": true, "dialog.NewEntryDialog": true,
	"dialog.NewProgress": true, "dialog.NewProgressInfinite": true,
	// methods, whatever they are called on
	".SetText": true, ".SetPlaceHolder": true, ".SetTitle": true, ".Append": true, ".SetConfirmText": true,
	".SetDismissText": true, ".NewWindow": true, ".SetFileName": true, ".AppendMarkdown": true, ".ParseMarkdown": true,
	// this package's helpers
	"heading": true, "subheading": true, "paragraph": true, "note": true, "hint": true, "placeholder": true,
	"link": true, "wrapLabel": true, "setError": true, "newPicker": true, "item": true,
	".confirm": true, ".showError": true, ".showInfo": true,
}

// textFields are struct fields that are shown as they are set.
var textFields = map[string]bool{"Text": true, "PlaceHolder": true, "Title": true, "Label": true}

// notText are the string literals allowed in what people read without a
// translation: separators and punctuation that every language writes alike.
var notText = map[string]bool{
	"": true, " ": true, "•": true, " · ": true, "·": true, ", ": true, " — ": true, ": ": true,
	" (": true, ")": true, "(": true, "\n": true, "\n\n": true, ". ": true, "%d": true, "%s": true, "  ": true,
	"hub": true, // the name a first hub gets, an identifier like a git remote's "origin"
}

// untranslated returns the string literals of src that reach the screen
// without passing through lang.X or plural, as "file:line: literal".
func untranslated(fset *token.FileSet, f *ast.File) []string {
	var out []string
	// check reports the literals inside e that are not inside a translation call.
	var check func(e ast.Node)
	check = func(e ast.Node) {
		ast.Inspect(e, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncLit:
				return false // code run later, inspected on its own
			case *ast.IndexExpr:
				check(x.X) // a map key (f.errs["name"]) is not shown
				return false
			case *ast.CallExpr:
				if isTranslation(x) {
					return false
				}
			case *ast.BasicLit:
				if x.Kind != token.STRING {
					return true
				}
				v, err := strconv.Unquote(x.Value)
				if err == nil && !notText[v] {
					out = append(out, fmt.Sprintf("%s: %s", fset.Position(x.Pos()), x.Value))
				}
			}
			return true
		})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			if sinks[callName(x)] {
				for _, a := range x.Args {
					check(a)
				}
			}
		case *ast.AssignStmt:
			for i, lhs := range x.Lhs {
				if sel, ok := lhs.(*ast.SelectorExpr); ok && textFields[sel.Sel.Name] && i < len(x.Rhs) {
					check(x.Rhs[i])
				}
			}
		case *ast.CompositeLit:
			if typeName(x.Type) == "widget.Button" || typeName(x.Type) == "widget.Label" || typeName(x.Type) == "fyne.MenuItem" {
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && textFields[k.Name] {
							check(kv.Value)
						}
					}
				}
			}
		}
		return true
	})
	return out
}

func isTranslation(c *ast.CallExpr) bool {
	switch callName(c) {
	case "lang.X", "lang.XN", "plural":
		return true
	}
	return false
}

// callName is "pkg.Func" for a package function, ".Method" for a method and
// "name" for a local function. A few receivers are named in full for clarity.
func callName(c *ast.CallExpr) string {
	switch fn := c.Fun.(type) {
	case *ast.Ident:
		return fn.Name
	case *ast.IndexExpr: // generic call
		if id, ok := fn.X.(*ast.Ident); ok {
			return id.Name
		}
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok {
			switch id.Name {
			case "widget", "container", "dialog", "fyne", "canvas", "lang", "a":
				return id.Name + "." + fn.Sel.Name
			}
		}
		return "." + fn.Sel.Name
	}
	return ""
}

func typeName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			return id.Name + "." + x.Sel.Name
		}
	case *ast.StarExpr:
		return typeName(x.X)
	}
	return ""
}

// TestNoUntranslatedText scans the package's source for texts shown to people
// that bypass translation.
func TestNoUntranslatedText(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range untranslated(fset, f) {
			t.Errorf("%s: shown without translation: wrap it in lang.X (or plural)", p)
		}
	}
}

// TestUntranslatedFindsBypasses checks the scanner itself on texts that bypass
// translation, and on ones that do not.
func TestUntranslatedFindsBypasses(t *testing.T) {
	src := `package app
func f() {
	widget.NewLabel("Hello")                           // 1
	b.SetText("Saved: " + lang.X("k", "v"))            // 2
	_ = &widget.Button{Text: "Go"}                     // 3
	l.Text = "Hi"                                      // 4
	heading(fmt.Sprintf("%d items", n))                // 5
	u.showError("Could not save", err)                 // 6
	container.NewTabItem("Tools", nil)                 // 7
	widget.NewLabel(lang.X("k2", "Fine"))
	widget.NewLabel(plural("k3", "one", "many", 2))
	widget.NewButton(lang.X("k4", "OK"), func() { log.Print("not shown") })
	l.SetText(strings.Join(parts, " · "))
	store.SetSetting("ui_lang", "it")
	setError(f.errs["name"], lang.X("k5", "Type a name."))
}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := untranslated(fset, f)
	want := []string{`"Hello"`, `"Saved: "`, `"Go"`, `"Hi"`, `"%d items"`, `"Could not save"`, `"Tools"`}
	if len(got) != len(want) {
		t.Fatalf("found %d literals, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.HasSuffix(got[i], w) {
			t.Errorf("finding %d: %s, want %s", i, got[i], w)
		}
	}
}

func TestNumbersInLanguage(t *testing.T) {
	defer UseLanguage("en")
	for code, want := range map[string][2]string{
		"en": {"1,234,567", "50%"},
		"it": {"1.234.567", "50%"},
		"es": {"1.234.567", "50\u00a0%"},
		"pl": {"1\u00a0234\u00a0567", "50%"},
		"cs": {"1\u00a0234\u00a0567", "50\u00a0%"},
		"fr": {"1\u00a0234\u00a0567", "50\u00a0%"},
	} {
		UseLanguage(code)
		if got := formatNumber(1234567); got != want[0] {
			t.Errorf("%s: formatNumber %q, want %q", code, got, want[0])
		}
		if got := formatPercent(0.5); got != want[1] {
			t.Errorf("%s: formatPercent %q, want %q", code, got, want[1])
		}
	}
	// Counts in texts are written the same way.
	UseLanguage("it")
	if got := plural("journal.count", "{{.Count}} practice", "{{.Count}} practices", 12345); got != "12.345 pratiche" {
		t.Errorf("Italian count: %q", got)
	}
}

func TestDatesInLanguage(t *testing.T) {
	d := time.Date(2026, 11, 26, 9, 5, 0, 0, time.Local)
	for code, want := range map[string]string{
		"en": "26 Nov 2026",
		"it": "26/11/2026", "es": "26/11/2026", "fr": "26/11/2026",
		"pl": "26.11.2026",
		"cs": "26. 11. 2026",
	} {
		if got := formatDate(d, code); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
		if got := formatDateTime(d, code); got != want+" 09:05" {
			t.Errorf("%s: %q, want %q", code, got, want+" 09:05")
		}
	}
	if formatDate(time.Time{}, "it") != "" {
		t.Error("a zero date is not empty")
	}
}

func TestCollationCzechPolish(t *testing.T) {
	for _, c := range []struct {
		code     string
		in, want []string
	}{
		// Czech: Č after C, Ř after R, Š after S, Ž after Z, and Ch after H.
		{"cs", []string{"Žena", "Chata", "Čeština", "Cesta", "Dům", "Hrad", "Řeka", "Rak", "Šum", "Sova", "Zed"},
			[]string{"Cesta", "Čeština", "Dům", "Hrad", "Chata", "Rak", "Řeka", "Sova", "Šum", "Zed", "Žena"}},
		// Polish: Ć after C, Ł after L, Ś after S, Ż after Z.
		{"pl", []string{"Żory", "Łódź", "Lublin", "Mazury", "Ćma", "Cisy", "Śląsk", "Sopot", "Zabrze"},
			[]string{"Cisy", "Ćma", "Lublin", "Łódź", "Mazury", "Sopot", "Śląsk", "Zabrze", "Żory"}},
	} {
		got := append([]string{}, c.in...)
		sortByName(c.code, got, func(s string) string { return s })
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.code, got, c.want)
		}
	}
}

// TestListsFollowCollation checks the lists of the journal: organisations and
// tags in Polish order, countries in Czech order.
func TestListsFollowCollation(t *testing.T) {
	st := newTestStore(t)
	ctx := t.Context()
	for _, name := range []string{"Łączka", "Lato", "Mosty", "Kolo"} {
		o := &data.Organisation{Name: name, Country: "PL", Languages: []string{"pl"}}
		o.ID, o.Type, o.Org, o.Lang = orgID(name, "PL"), data.TypeOrg, orgID(name, "PL"), "pl"
		o.Created, o.Updated = data.Now(), data.Now()
		if err := st.Tx(ctx, func(tx *data.Tx) error { return tx.Put(o, data.PutHub) }); err != nil {
			t.Fatal(err)
		}
	}
	p := addPractice(t, st, "Pomoc w urzędzie", "PL", "pl")
	p.Tags = []string{"żywność", "łaźnia", "lekarz", "zima"}
	if err := st.SavePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	defer UseLanguage("en")
	st.SetSetting(data.SettingUILang, "pl")
	u := newTestUI(t, st, nil)
	var orgs []string
	for _, o := range u.journal.org.Options[1:] {
		if slices.Contains([]string{"Łączka", "Lato", "Mosty", "Kolo"}, o) {
			orgs = append(orgs, o)
		}
	}
	if want := []string{"Kolo", "Lato", "Łączka", "Mosty"}; !slices.Equal(orgs, want) {
		t.Errorf("organisations in Polish: %v, want %v", orgs, want)
	}
	if got, want := u.journal.tag.Options[1:], []string{"lekarz", "łaźnia", "zima", "żywność"}; !slices.Equal(got, want) {
		t.Errorf("tags in Polish: %v, want %v", got, want)
	}
	if err := u.SetLanguage("cs"); err != nil {
		t.Fatal(err)
	}
	u.Wait()
	var names []string
	for _, c := range sortedCountries("cs") {
		names = append(names, countryName(c))
	}
	if names[0] != "Belgie" || names[len(names)-1] != "Španělsko" {
		t.Errorf("Czech country names not in Czech order: %v", names)
	}
	if got := u.journal.country.Options[1:]; !slices.Equal(got, names) {
		t.Errorf("countries in Czech: %v, want %v", got, names)
	}
	// The editor offers the countries in the same order, after "No country".
	u.newPractice()
	if got := u.editor.country.Options[1:]; !slices.Equal(got, names) {
		t.Errorf("editor countries in Czech: %v, want %v", got, names)
	}
}
