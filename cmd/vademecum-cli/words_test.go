package main

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vademecum/data"
	"vademecum/internal/synccode"
	"vademecum/internal/words"
	"vademecum/sync/invite"
)

// catalogueCalls take a catalogue key and its English text (see tr).
var catalogueCalls = map[string]bool{"X": true, "N": true, "U": true, "text": true, "usage": true, "fail": true, "failN": true}

// printCalls print or make an error of their text: a literal with words there
// bypasses the catalogue.
var printCalls = map[string]bool{"fprintf": true, "fprintln": true, "New": true, "Errorf": true, "Sprintf": true, "Sprint": true,
	"usageError": true, "saidError": true, "said": true, "paragraph": true, "Fprintf": true, "Fprintln": true, "Write": true, "WriteString": true}

// inputCalls read or match text that is not shown: flag names, environment
// variables, SQL, the English of lower layers' errors being recognised,
// catalogue keys of assets.Translate.
var inputCalls = map[string]bool{"HasPrefix": true, "TrimPrefix": true, "Contains": true, "Cut": true, "EqualFold": true,
	"Getenv": true, "QueryRow": true, "Query": true, "Exec": true, "Translate": true, "Lookup": true, "str": true, "on": true,
	"isSet": true, "String": true, "Bool": true, "Int": true, "Var": true, "StringVar": true, "Open": true, "Parse": true,
	"Questions": true, "WriteFile": true, "TrimRight": true, "Split": true, "Join": true, "ReplaceAll": true, "Format": true}

// contractTexts are values of --json output, a public contract kept in English
// (DESIGN.md, CLI contract): shown to people, each has a catalogue twin.
var contractTexts = map[string]bool{
	"not set up: run 'vademecum-cli init'": true, // keys show --json "status"; cli.keys.not_set_up
	"not listed":                           true, // cli.keys.not_listed
	"listed as %q":                         true, // cli.keys.listed_as
	"revoked on ":                          true, // cli.keys.revoked_on
	"key":                                  true, // keys show --json "type"
	"en":                                   true, // the language code of English texts
}

var (
	formatVerb = regexp.MustCompile(`%[-+# 0-9.*]*[a-zA-Z]`)
	wordRe     = regexp.MustCompile(`\p{L}{2,}`)
)

// userWords is what a literal says to a person once format verbs, template
// variables and the program's name are left out.
func userWords(s string) string {
	s = strings.ReplaceAll(s, "vademecum-cli", "")
	s = formatVerb.ReplaceAllString(s, "")
	return strings.Join(wordRe.FindAllString(s, -1), " ")
}

// TestEveryTextFromCatalogue fails when a CLI source file holds text for
// people that is not from the catalogue: a literal with words printed or made
// an error directly, or a sentence anywhere but in a catalogue call
// (t.X("key", "English")...), a flag name, a match of input, or a --json
// value of the contract.
func TestEveryTextFromCatalogue(t *testing.T) {
	fset, parsed := cliSources(t)
	if len(parsed) < 10 {
		t.Fatalf("only %d source files checked", len(parsed))
	}
	flags := flagNames(parsed)
	for _, f := range parsed {
		for _, p := range literalProblems(fset, f, flags) {
			t.Error(p)
		}
	}
}

// literalProblems lists the literals of f that speak to people without the catalogue.
// Literals in allowed (the flags' names) are not text for people.
func literalProblems(fset *token.FileSet, f *ast.File, allowed map[string]bool) []string {
	var out []string
	var stack []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n.(type) {
		case *ast.ImportSpec, *ast.Field:
			stack = stack[:len(stack)-1]
			return false // import paths, struct tags
		}
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || userWords(s) == "" || contractTexts[s] || allowed[s] {
			return true
		}
		pos := fset.Position(lit.Pos())
		switch ctx, fn := literalContext(stack); ctx {
		case "catalogue", "input", "key", "const", "match":
		case "print":
			out = append(out, pos.String()+": "+strconv.Quote(s)+" is printed by "+fn+" without the catalogue: use t.X(key, english)")
		default:
			if strings.Contains(strings.TrimSpace(s), " ") || regexp.MustCompile(`^[A-Za-z]+$`).MatchString(s) {
				out = append(out, pos.String()+": "+strconv.Quote(s)+" reads as text for people: word it from the catalogue")
			}
		}
		return true
	})
	return out
}

// literalContext says where the literal on top of stack stands: in a
// catalogue call, a print, an input match, a key of a composite, a constant,
// a comparison, or elsewhere ("").
func literalContext(stack []ast.Node) (ctx, fn string) {
	for i := len(stack) - 2; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.CallExpr:
			name := callName(p)
			switch {
			case catalogueCalls[name]:
				return "catalogue", name
			case printCalls[name]:
				return "print", name
			case inputCalls[name]:
				return "input", name
			}
			return "", name
		case *ast.KeyValueExpr:
			if id, ok := p.Key.(*ast.Ident); ok && (id.Name == "name" || id.Name == "args") {
				return "key", "" // a command's name and its synopsis of arguments
			}
			if p.Key == stack[i+1] {
				return "key", ""
			}
		case *ast.IndexExpr:
			if p.Index == stack[i+1] {
				return "key", "" // m["title"] = ...
			}
		case *ast.BinaryExpr:
			if p.Op == token.EQL || p.Op == token.NEQ {
				return "match", ""
			}
		case *ast.CaseClause:
			return "match", ""
		case *ast.ValueSpec:
			return "const", ""
		case *ast.BlockStmt, *ast.FuncDecl, *ast.AssignStmt, *ast.ReturnStmt:
			return "", ""
		}
	}
	return "", ""
}

func callName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// TestLiteralProblemsFindsBypasses: the check above finds the ways around the
// catalogue it is meant to find.
func TestLiteralProblemsFindsBypasses(t *testing.T) {
	src := `package main
func f(c *ctx, w io.Writer) error {
	fprintf(w, "received %d records\n", 3)
	fprintln(w, c.X("cli.ok", "worded from the catalogue"))
	label := "PROBLEM"
	last := "never synced"
	if s == "is required" { fprintf(w, "%s\n", label) }
	fs.String("org-id", "", t.U("cli.flag.org_id", "organisation id"))
	return errors.New("cannot read the file")
}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(literalProblems(fset, f, flagNames([]*ast.File{f})), "\n")
	for _, want := range []string{`"received %d records\n" is printed by fprintf`, `"PROBLEM" reads as text`, `"never synced" reads as text`,
		`"cannot read the file" is printed by New`} {
		if !strings.Contains(got, want) {
			t.Errorf("not found: %s\n%s", want, got)
		}
	}
	for _, ok := range []string{"worded from the catalogue", "is required", "org-id", "organisation id"} {
		if strings.Contains(got, strconv.Quote(ok)) {
			t.Errorf("%q reported, but it is allowed:\n%s", ok, got)
		}
	}
}

// flagNames are the names of the CLI's flags (first argument of fs.String...).
func flagNames(files []*ast.File) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || len(c.Args) < 2 {
				return true
			}
			arg := 0
			switch callName(c) {
			case "String", "Bool", "Int":
			case "Var", "StringVar":
				arg = 1
			default:
				return true
			}
			if lit, ok := c.Args[arg].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				out[s] = true
			}
			return true
		})
	}
	return out
}

// cliSources parses the CLI's Go files, tests left out.
func cliSources(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return fset, out
}

// TestRefusedReasonInLanguage: 'refused PATH: REASON' gives the reason in the
// installation's language, English as the sync wrote it, and a reason without
// a code as a technical detail; text from the hub stays escaped.
func TestRefusedReasonInLanguage(t *testing.T) {
	reason := "the record's id \x1b[2Kx differs from its file name"
	en, it, cs := tr{words.In("en")}, tr{words.In("it")}, tr{words.In("cs")}
	if got := en.refusedReason(reason); got != `the record's id \x1b[2Kx differs from its file name` {
		t.Errorf("English: %q", got)
	}
	if got, want := it.refusedReason(reason), said(`Il record nel file non corrisponde al nome del file (\x1b[2Kx).`); got != want {
		t.Errorf("Italian: %q, want %q", got, want)
	}
	if got := cs.refusedReason("signed with a revoked key"); got != "chyba (technický detail, anglicky): signed with a revoked key" {
		t.Errorf("Czech, no code: %q", got)
	}
}

// TestEveryFindingWorded: each code and way out the doctor can report has its
// case in the CLI's wording, so none prints as a bare code.
func TestEveryFindingWorded(t *testing.T) {
	worded := map[string]bool{}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "doctorwords.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "vsync" {
				worded[sel.Sel.Name] = true
			}
		}
		return true
	})
	doc, err := parser.ParseFile(fset, filepath.Join("..", "..", "sync", "doctor.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range doc.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			for _, name := range s.(*ast.ValueSpec).Names {
				if strings.HasPrefix(name.Name, "Found") || strings.HasPrefix(name.Name, "Fix") {
					n++
					if !worded[name.Name] {
						t.Errorf("sync.%s is not worded in doctorwords.go", name.Name)
					}
				}
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d codes found in sync/doctor.go", n)
	}
}

// TestCLINamesItsOwnWayOut: the flags and variables that the layers below no
// longer name (sync/invite, sync, data) are the CLI's own words, in English
// as the layers used to print them and in the person's language.
func TestCLINamesItsOwnWayOut(t *testing.T) {
	en, it := tr{words.In("en")}, tr{words.In("it")}
	cases := map[error]string{
		&invite.Error{Kind: invite.NeedsPassphrase}:                                                                "this invitation is protected by a passphrase: type the one your coordinator gave you by phone (scripts: VADEMECUM_INVITE_PASSPHRASE)",
		&invite.Error{Kind: invite.UnknownSigner, Org: "shelter-it", OrgName: "Shelter", Fingerprint: "AB12 CD34"}: "this invitation says it is from Shelter (shelter-it), signed with the key AB12 CD34, which is not known here: compare that fingerprint by phone with shelter-it, then run join again with --signer followed by the fingerprint",
		&invite.Error{Kind: invite.ManyHubs}:                                                                       "several hubs are configured here: say which one with --remote NAME",
		&invite.Error{Kind: invite.NotOwnOrg, Org: "shelter-it"}:                                                   "--org must be your own organisation (shelter-it): a laptop invites new laptops of its own organisation only",
		&invite.Error{Kind: invite.UserRequired}:                                                                   "a new laptop needs the name of the person using it: add --user NAME",
		&invite.Error{Kind: invite.SameOrg, Org: "shelter-it"}:                                                     "this invitation is for another organisation joining the hub, and this installation belongs to shelter-it: a new laptop of shelter-it needs an invitation made with --org shelter-it",
	}
	// The sync's 'no SSH key', as the sync words it.
	cases[synccode.New(synccode.ErrAuth, errors.Join(synccode.ErrNoSSHKey, errors.New("no agent")),
		"no SSH key for git@hub.example.org:partners.git: start an SSH agent with your key")] = "no SSH key for git@hub.example.org:partners.git: start an SSH agent with your key, or give the key file with --ssh-key"
	for err, want := range cases {
		if got := en.errorText(err); string(got) != want {
			t.Errorf("English: %q\nwant     %q", got, want)
		}
		if got := it.errorText(err); !strings.Contains(string(got), "--") && !strings.Contains(string(got), "VADEMECUM_") {
			t.Errorf("Italian names no way out: %q", got)
		}
		if strings.Contains(err.Error(), "--") || strings.Contains(err.Error(), "VADEMECUM_") {
			t.Errorf("sync/invite names the CLI: %q", err.Error())
		}
	}
	// A data directory nobody may write in (even root may not create files
	// in /proc): data's code, the CLI's --data.
	if _, err := os.Stat("/proc/self"); err != nil {
		return
	}
	_, err := data.Open("/proc/self")
	if err == nil {
		t.Fatal("a data directory in /proc opened")
	}
	got := string(en.errorText(err))
	if !strings.HasPrefix(got, "data directory /proc/self is not writable: ") || !strings.HasSuffix(got, " (check its permissions or pass another --data)") {
		t.Errorf("not writable, English: %q", got)
	}
	if strings.Contains(err.Error(), "--data") {
		t.Errorf("data names the CLI: %q", err.Error())
	}
}

// TestEveryInvitationProblemInLanguage: in a language other than English,
// no invitation problem is printed as sync/invite's English text.
func TestEveryInvitationProblemInLanguage(t *testing.T) {
	for _, l := range []string{"it", "pl", "cs"} {
		w := tr{words.In(l)}
		for k := invite.NotInvitation; k <= invite.SameOrg; k++ {
			e := &invite.Error{Kind: k, Org: "shelter-it", Date: "2027-01-31", Fingerprint: "AB12 CD34", Hub: "network"}
			got := string(w.errorText(e))
			if got == "" || strings.Contains(got, e.Error()) || strings.Contains(got, "{{") {
				t.Errorf("%s: kind %d is printed %q", l, k, got)
			}
		}
	}
}

// TestNewerDatabaseInLanguage: a database of a newer Vademecum is said so in
// the person's language; in English as before (scripts read it).
func TestNewerDatabaseInLanguage(t *testing.T) {
	dir := t.TempDir()
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, err = data.Open(dir)
	if err == nil {
		t.Fatal("a database of a newer Vademecum opened")
	}
	if got := string(tr{words.In("en")}.errorText(err)); !strings.Contains(got, "this database was written by a newer Vademecum (schema 99, this version knows ") || !strings.HasSuffix(got, "): update the app") {
		t.Errorf("English: %q", got)
	}
	if got := string(tr{words.In("it")}.errorText(err)); !strings.HasPrefix(got, "questo database è stato scritto da una versione più recente di Vademecum (schema 99") {
		t.Errorf("Italian: %q", got)
	}
}
