package words

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func TestFromLocales(t *testing.T) {
	for in, want := range map[string]string{"it_IT.UTF-8": "it", "pl-PL": "pl", "cs_CZ@euro": "cs", "de_DE.UTF-8": "en", "C": "en", "": "en"} {
		if got := FromLocales([]string{in}); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	if got := FromLocales([]string{"de", "fr_BE.UTF-8"}); got != "fr" {
		t.Errorf("first known of several: %q", got)
	}
}

func TestForced(t *testing.T) {
	t.Setenv("LC_ALL", "")
	if _, ok := Forced(); ok {
		t.Error("an empty LC_ALL forces a language")
	}
	t.Setenv("LC_ALL", "C")
	if l, ok := Forced(); !ok || l != "en" {
		t.Errorf("LC_ALL=C: %q %v", l, ok)
	}
	t.Setenv("LC_ALL", "es_ES.UTF-8")
	if l, ok := Forced(); !ok || l != "es" {
		t.Errorf("LC_ALL=es_ES.UTF-8: %q %v", l, ok)
	}
}

// The catalogue's texts, plural forms and numbers in the language asked for;
// English filled in when a key is not in the catalogue.
func TestWordsFromCatalogue(t *testing.T) {
	pl := In("pl")
	for n, want := range map[int]string{1: "1 praktyka", 3: "3 praktyki", 5: "5 praktyk", 1234: "1\u00a0234 praktyki", 1215: "1\u00a0215 praktyk"} {
		if got := pl.N("journal.count", "{{.Count}} practice", "{{.Count}} practices", n); got != want {
			t.Errorf("pl %d: %q, want %q", n, got, want)
		}
	}
	if got := In("it").X("cli.help.commands", "commands:"); got != "comandi:" {
		t.Errorf("it: %q", got)
	}
	if got := In("xx").X("no.such.key", "Hello {{.Name}}", Args{"Name": "Ana"}); got != "Hello Ana" {
		t.Errorf("fallback: %q", got)
	}
	if got := In("en").N("no.such.key", "{{.Count}} file", "{{.Count}} files", 1); got != "1 file" {
		t.Errorf("English singular fallback: %q", got)
	}
}

func TestRefusal(t *testing.T) {
	if got, ok := In("fr").Refusal("a symbolic link is not a record"); !ok || got != "Un raccourci (lien symbolique), pas un enregistrement." {
		t.Errorf("fr: %q %v", got, ok)
	}
	if got, ok := In("it").Refusal("the record's id x\x1b[2K differs from its file name"); !ok || got != `Il record nel file non corrisponde al nome del file (x\x1b[2K).` {
		t.Errorf("hub text escaped: %q", got)
	}
	if _, ok := In("it").Refusal("signed with a revoked key"); ok {
		t.Error("a reason without a code was worded")
	}
}

// TestSignatureRefusal: a signature check's reason is worded in each
// language, its values filled in, and the way out named there.
func TestSignatureRefusal(t *testing.T) {
	reason := "key change for opengroup-it needs approval: compare the fingerprint by phone (signed by the key 0123456789abcdef (\"laptop\"), fingerprint AB12 CD34)"
	for _, l := range Codes {
		got, ok := In(l).Refusal(reason)
		if !ok || !strings.Contains(got, "opengroup-it") || !strings.Contains(got, "AB12 CD34") {
			t.Errorf("%s: %q %v", l, got, ok)
		}
		if l != "en" && got == In("en").X("trust.reason.needs_approval", "") {
			t.Errorf("%s: English text", l)
		}
	}
}

// TestEveryReasonCodeWorded: each refusal code of sync and data/trust has its
// case in Refusal, and each problem of a CSV import (export's, data's
// but the toolkit's own) its case in ImportProblems, so none stays English in
// another language.
func TestEveryReasonCodeWorded(t *testing.T) {
	worded := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range []string{"reasons.go", "problems.go"} {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok {
					worded[x.Name+"."+sel.Sel.Name] = true
				}
			}
			return true
		})
	}
	for pkg, file := range map[string]string{"synccode": "../synccode/reasons.go", "trust": "../../data/trust/reasons.go",
		"export": "../../export/problems.go", "data": "../../data/problems.go"} {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, s := range gd.Specs {
				for _, name := range s.(*ast.ValueSpec).Names {
					n++
					if !worded[pkg+"."+name.Name] {
						t.Errorf("%s.%s is not worded", pkg, name.Name)
					}
				}
			}
		}
		if n < 10 {
			t.Errorf("%s: only %d codes found", file, n)
		}
	}
}
