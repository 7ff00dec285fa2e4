package export_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"vademecum/data"
	"vademecum/export"
)

type searchEntry struct {
	Kind    string `json:"k"`
	Title   string `json:"t"`
	Summary string `json:"s"`
	URL     string `json:"u"`
	Folded  string `json:"f"`
}

func TestSite(t *testing.T) {
	s := newStore(t)
	k := toolkit(t)
	websites := map[string]bool{}
	for _, tool := range k.Tools {
		websites[tool.Website] = true
	}
	for _, lang := range []string{"en", "pl", "cs"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "site")
			if err := export.Save(context.Background(), s, export.HTML, dir, export.Options{Lang: lang, Practices: true}); err != nil {
				t.Fatal(err)
			}
			pages := 0
			var index []searchEntry
			err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
				if err != nil || info.IsDir() {
					return err
				}
				if !strings.HasSuffix(path, ".html") {
					t.Errorf("%s: the site holds a file that is not a page", path)
					return nil
				}
				pages++
				ix := checkPage(t, dir, path, websites)
				if filepath.Base(path) == "index.html" && filepath.Dir(path) == dir {
					index = ix
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// index, practices list, every current tool, guide and shared practice
			current := 0
			for _, tool := range k.Tools {
				if tool.Retired == "" {
					current++
				}
			}
			if want := 2 + current + len(k.Guides) + 3; pages != want {
				t.Errorf("%d pages, want %d", pages, want)
			}
			titles := map[string]string{}
			for _, e := range index {
				titles[e.Title] = e.URL
			}
			for _, tool := range k.Tools {
				name, _ := tool.Name.In(lang)
				if got := titles[name]; tool.Retired == "" && got != "tools/"+tool.ID+".html" {
					t.Errorf("the search index has no entry for %s", name)
				} else if tool.Retired != "" && got != "" {
					t.Errorf("the search index lists retired %s", name)
				}
			}
			for _, title := range []string{sharedTitle, sharedTitle2, partnerTitle} {
				if _, ok := titles[title]; !ok {
					t.Errorf("the search index has no entry for %q", title)
				}
			}
			for _, title := range []string{draftTitle, orgTitle} {
				if _, ok := titles[title]; ok {
					t.Errorf("the search index holds %q", title)
				}
			}
			runSearch(t, dir, lang)
		})
	}
}

// checkPage parses a page, checks that every src and href stays inside the site
// (and points at a file that exists) or is a tool's website, and returns the
// page's search index, if it has one.
func checkPage(t *testing.T, root, path string, websites map[string]bool) []searchEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rel, _ := filepath.Rel(root, path)
	var index []searchEntry
	csp := false
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch a.Key {
				case "src", "href", "action", "srcset", "poster", "data":
					checkURL(t, root, rel, a.Key, a.Val, websites)
				case "http-equiv":
					csp = csp || strings.EqualFold(a.Val, "Content-Security-Policy")
				case "style":
					if strings.Contains(a.Val, "url(") {
						t.Errorf("%s: a style loads %s", rel, a.Val)
					}
				}
				if a.Key == "id" && a.Val == "search-index" && n.FirstChild != nil {
					if err := json.Unmarshal([]byte(n.FirstChild.Data), &index); err != nil {
						t.Errorf("%s: the search index is not JSON: %v", rel, err)
					}
				}
			}
			if n.Data == "style" && n.FirstChild != nil && (strings.Contains(n.FirstChild.Data, "url(") ||
				strings.Contains(n.FirstChild.Data, "@import")) {
				t.Errorf("%s: the style sheet loads something", rel)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !csp {
		t.Errorf("%s: no Content-Security-Policy", rel)
	}
	return index
}

func checkURL(t *testing.T, root, page, attr, val string, websites map[string]bool) {
	t.Helper()
	u, err := url.Parse(val)
	if err != nil {
		t.Errorf("%s: %s=%q is not a URL", page, attr, val)
		return
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(val, "//") {
		if attr != "href" || !websites[val] {
			t.Errorf("%s: %s=%q goes outside the site and is not a tool's website", page, attr, val)
		}
		return
	}
	if u.Path == "" {
		return // "#anchor" on the same page
	}
	target := filepath.Join(root, filepath.Dir(page), filepath.FromSlash(u.Path))
	if r, err := filepath.Rel(root, target); err != nil || strings.HasPrefix(r, "..") {
		t.Errorf("%s: %s=%q points outside the site", page, attr, val)
	} else if _, err := os.Stat(target); err != nil {
		t.Errorf("%s: %s=%q points at a missing page", page, attr, val)
	}
}

// runSearch runs the site's own search code, as the page does, with node when
// it is installed: a tool is found by name, by a word without its diacritics,
// and a practice by a word of its summary.
func runSearch(t *testing.T, dir, lang string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Log("node is not installed: the search code itself is not run")
		return
	}
	js, err := os.ReadFile("site/search.js")
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(page), `<script type="application/json" id="search-index">`)
	ix, _, _ := strings.Cut(after, "</script>")
	cases := []struct{ query, first string }{
		{"signal", "tools/signal.html"},
		{"KEEPASS", "tools/keepassxc.html"},
		{"noční směna", "practice"},
		{"nocni smena", "practice"},
		{"raval centre", "practice"}, // "raval" alone is also inside Czech "nahrávali"
		{"xyzzy", ""},
	}
	if lang == "pl" {
		// A category name in the page's language, typed without diacritics.
		cases = append(cases, struct{ query, first string }{"bezpieczenstwo", "tools/bitwarden.html"})
	}
	// One node run answers every query: {query: [url, ...]}.
	prog := string(js) + "\nvar ix = " + ix + ";\nvar out = {};\n"
	for _, c := range cases {
		prog += "out[" + jsString(c.query) + "] = (search(ix, " + jsString(c.query) + ") || []).map(function (e) { return e.u; });\n"
	}
	prog += "console.log(JSON.stringify(out));\n"
	// The program holds the whole index: a file, not an argument (which has a size limit).
	progFile := filepath.Join(t.TempDir(), "search.js")
	if err := os.WriteFile(progFile, []byte(prog), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, progFile).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var hits map[string][]string
	if err := json.Unmarshal(out, &hits); err != nil {
		t.Fatalf("the search printed %s", out)
	}
	for _, c := range cases {
		urls := hits[c.query]
		switch {
		case c.first == "" && len(urls) > 0:
			t.Errorf("search %q finds %v", c.query, urls)
		case c.first == "":
		case len(urls) == 0:
			t.Errorf("search %q finds nothing", c.query)
		case c.first == "practice" && !strings.HasPrefix(urls[0], "practices/"):
			t.Errorf("search %q: first hit %s, want a practice", c.query, urls[0])
		case c.first != "practice" && !slices.Contains(urls, c.first):
			t.Errorf("search %q: hits %v, want %s among them", c.query, urls, c.first)
		case strings.HasPrefix(c.first, "tools/") && c.query != "bezpieczenstwo" && urls[0] != c.first:
			t.Errorf("search %q: first hit %s, want %s", c.query, urls[0], c.first)
		}
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestSiteReplacesEarlierExport(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "site")
	if err := export.Save(ctx, s, export.HTML, dir, export.Options{Practices: true}); err != nil {
		t.Fatal(err)
	}
	practices, _ := filepath.Glob(filepath.Join(dir, "practices", "*.html"))
	if len(practices) != 3 {
		t.Fatalf("%d practice pages, want 3", len(practices))
	}
	if err := export.Save(ctx, s, export.HTML, dir, export.Options{Lang: "it"}); err != nil {
		t.Fatal(err)
	}
	practices, _ = filepath.Glob(filepath.Join(dir, "practices", "*.html"))
	if len(practices) != 0 {
		t.Errorf("pages of the earlier export were left: %v", practices)
	}
	idx, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !strings.Contains(string(idx), `<html lang="it">`) {
		t.Error("the site was not replaced")
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("temporary folders were left: %v", entries)
	}
}

// TestSiteMarksFallbackLanguage: a text shown in English for want of a
// translation carries lang="en", so that screen readers and translators know.
func TestSiteMarksFallbackLanguage(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	now := data.Now()
	tool := &data.Tool{Meta: data.Meta{ID: "partner-only-tool", Type: data.TypeTool, Org: "casal-es", Author: "Marta",
		Lang: "en", Created: now, Updated: now},
		Name:        data.Text{"en": "Partner tool"},
		Summary:     data.Text{"en": "Only in English so far.", "pl": "Na razie tylko po angielsku."},
		Description: data.Text{"en": "A description nobody has translated yet."},
		Category:    "messaging", Offline: data.OfflineNo, Licence: "proprietary", Cost: "free", Level: "foundation",
		Platforms: []string{"web"}, Competences: []string{"2.1"}}
	if err := s.Tx(ctx, func(tx *data.Tx) error { return tx.Put(tool, data.PutHub) }); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "site")
	if err := export.Save(ctx, s, export.HTML, dir, export.Options{Lang: "pl"}); err != nil {
		t.Fatal(err)
	}
	page := readAll(t, filepath.Join(dir, "tools", "partner-only-tool.html"))
	for _, want := range []string{`<h1 lang="en">Partner tool</h1>`, `<div lang="en">` + "\n<p>A description nobody has translated yet.</p>",
		`<p class="lead">Na razie tylko po angielsku.</p>`, `<html lang="pl">`, "Bezpłatne", "Zamknięte (własnościowe)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%s", want, page)
		}
	}
	index := readAll(t, filepath.Join(dir, "index.html"))
	if !strings.Contains(index, `<li lang="en"><a href="tools/partner-only-tool.html">Partner tool</a>`) {
		t.Error("the index does not mark the English entry with lang=\"en\"")
	}
	signal := readAll(t, filepath.Join(dir, "tools", "signal.html"))
	if strings.Contains(signal, `lang="en"`) {
		t.Error("a translated page marks text as English")
	}
}
