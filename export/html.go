package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"vademecum/data"

	"vademecum/internal/atomicfile"
)

//go:embed site/page.tmpl site/style.css site/search.js
var siteFS embed.FS

var (
	siteTmpl = template.Must(template.ParseFS(siteFS, "site/page.tmpl"))
	siteCSS  = mustRead("site/style.css")
	siteJS   = mustRead("site/search.js")
)

func mustRead(name string) string {
	b, err := siteFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// generatorMark is in every page's head; SaveSite replaces a folder only when its
// index.html has it, so that it never deletes someone's other files.
const generatorMark = `<meta name="generator" content="Vademecum">`

// SaveSite writes a static site of the toolkit and the guides (and, with
// o.Practices, the shared practices and their shared comments) in o.Lang into
// the folder dir: index.html with a search that works offline, and one page per
// tool, guide and practice. Pages load nothing from the network; the only links
// out are the tools' own websites. dir must be new, empty, or an earlier export,
// which is replaced whole once the new site is complete.
func SaveSite(ctx context.Context, s *data.Store, dir string, o Options) error {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return fmt.Errorf("the folder %s does not exist: create it first or choose another place", parent)
	}
	exists := false
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("%s is a file: give the name of a folder for the site", dir)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("cannot read the folder %s: %s", dir, rootCause(err))
		}
		if len(entries) > 0 {
			idx, _ := os.ReadFile(filepath.Join(dir, "index.html"))
			if !bytes.Contains(idx, []byte(generatorMark)) {
				return fmt.Errorf("the folder %s is not empty and holds no earlier Vademecum site: choose a new or empty folder", dir)
			}
		}
		exists = true
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".part-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %s", parent, rootCause(err))
	}
	defer os.RemoveAll(tmp) // a no-op once moved into place
	if err := writeSite(ctx, s, tmp, o); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := atomicfile.SyncTree(tmp); err != nil {
		return fmt.Errorf("cannot write in %s: %s", parent, rootCause(err))
	}
	if exists {
		old := tmp + ".old"
		if err := atomicfile.Rename(dir, old); err != nil {
			return fmt.Errorf("cannot replace %s: %s", dir, rootCause(err))
		}
		defer os.RemoveAll(old)
	}
	if err := atomicfile.RenameDir(tmp, dir); err != nil {
		return fmt.Errorf("cannot write %s: %s", dir, rootCause(err))
	}
	return nil
}

// link is a titled link with a line of summary. Lang is set when the title and
// summary are in another language than the page (an English fallback).
type link struct{ Title, URL, Summary, Lang string }

// textView is a titled block of Markdown rendered to HTML. Lang is set when the
// block is in another language than the page.
type textView struct {
	Heading string
	English bool
	Lang    string
	HTML    template.HTML
}

type commentView struct {
	Byline string
	HTML   template.HTML
}

// entryView is a page of one tool, guide or practice.
type entryView struct {
	L           map[string]string
	Back        link
	Byline      string
	Name        string
	NameLang    string // set when the name is in another language than the page
	Summary     string
	SummaryLang string
	Facts       []fact
	Competences []string
	Texts       []textView
	LinksLabel  string
	Links       []link
	Tags        string
	Comments    []commentView
}

type sectionView struct {
	ID, Name string
	Items    []link
}

type indexView struct {
	L         map[string]string
	Sections  []sectionView
	Guides    []link
	Practices int
}

type listView struct {
	L     map[string]string
	Items []link
}

type pageView struct {
	L        map[string]string
	Lang     string
	Title    string
	Root     string
	Fallback bool
	Date     string
	CSS      template.CSS
	JS       template.JS
	Index    template.JS
	Body     template.HTML
}

// searchEntry is one entry of the site's search index.
type searchEntry struct {
	Kind    string `json:"k"`
	Title   string `json:"t"`
	Summary string `json:"s"`
	URL     string `json:"u"`
	Folded  string `json:"f"` // the searchable text, folded as data.Fold does
}

type site struct {
	*content
	dir    string
	labels map[string]string
	index  []searchEntry
}

func writeSite(ctx context.Context, s *data.Store, dir string, o Options) error {
	c, err := loadContent(ctx, s, o)
	if err != nil {
		return err
	}
	pr := &progress{fn: o.Progress, total: c.items() + 1}
	st := &site{content: c, dir: dir, labels: map[string]string{}}
	for k := range labels {
		st.labels[k] = c.label(k)
	}
	subs := []string{"tools", "guides"}
	if len(c.practices) > 0 {
		subs = append(subs, "practices")
	}
	for _, sub := range subs {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	idx := indexView{L: st.labels, Practices: len(c.practices)}
	for _, sec := range c.sections {
		sv := sectionView{ID: "c-" + pageName(sec.ID), Name: sec.Name}
		for _, t := range sec.Tools {
			if err := ctx.Err(); err != nil {
				return err
			}
			l, err := st.tool(sec, t)
			if err != nil {
				return err
			}
			sv.Items = append(sv.Items, l)
			pr.step()
		}
		idx.Sections = append(idx.Sections, sv)
	}
	for _, g := range c.guides {
		if err := ctx.Err(); err != nil {
			return err
		}
		l, err := st.guide(g)
		if err != nil {
			return err
		}
		idx.Guides = append(idx.Guides, l)
		pr.step()
	}
	if len(c.practices) > 0 {
		list := listView{L: st.labels}
		for i := len(c.practices) - 1; i >= 0; i-- { // newest first, as the journal
			if err := ctx.Err(); err != nil {
				return err
			}
			l, err := st.practice(c.practices[i])
			if err != nil {
				return err
			}
			list.Items = append(list.Items, l)
			pr.step()
		}
		if err := st.page("practices.html", "", c.label("practices"), "practices", list, false); err != nil {
			return err
		}
	}
	if err := st.page("index.html", "", "Vademecum — "+c.label("toolkit"), "index", idx, true); err != nil {
		return err
	}
	pr.finish()
	return nil
}

// page renders the body template with v inside the page frame and writes it.
func (st *site) page(name, root, title, body string, v any, withSearch bool) error {
	var b bytes.Buffer
	if err := siteTmpl.ExecuteTemplate(&b, body, v); err != nil {
		return err
	}
	pv := pageView{L: st.labels, Lang: st.lang, Title: title, Root: root, Fallback: st.fallback,
		Date: st.created.Format("2006-01-02"), CSS: template.CSS(siteCSS), Body: template.HTML(b.String())}
	if withSearch {
		// encoding/json escapes <, > and &, so the index cannot end its script element.
		ix, err := json.Marshal(st.index)
		if err != nil {
			return err
		}
		pv.Index, pv.JS = template.JS(ix), template.JS(siteJS)
	}
	b.Reset()
	if err := siteTmpl.ExecuteTemplate(&b, "page", pv); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(st.dir, name), b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("cannot write the site: %s", rootCause(err))
	}
	return nil
}

func (st *site) search(kind, title, summary, url string, more ...string) {
	st.index = append(st.index, searchEntry{Kind: st.label("kind_" + kind), Title: title, Summary: clip(summary, 160),
		URL: url, Folded: data.Fold(title + " " + summary + " " + strings.Join(more, " "))})
}

func (st *site) text(heading string, english bool, md string) textView {
	v := textView{Heading: heading, English: english, HTML: markdownHTML(md)}
	if english {
		v.Lang = "en"
	}
	return v
}

// otherLang is "en" when a text is the English fallback of a translation, else "".
func otherLang(fallback bool) string {
	if fallback {
		return "en"
	}
	return ""
}

func (st *site) toolLinks(ids []string) []link {
	var out []link
	for _, id := range ids {
		if _, ok := st.tools[id]; ok {
			out = append(out, link{Title: st.toolName(id), URL: "../tools/" + pageName(id) + ".html"})
		} else {
			out = append(out, link{Title: id})
		}
	}
	return out
}

func (st *site) competenceNames(codes []string) []string {
	out := make([]string, len(codes))
	for i, code := range codes {
		out[i] = st.competence(code)
	}
	return out
}

func (st *site) tool(sec section, t *data.Tool) (link, error) {
	name, summary := st.name(t), st.in(t.Summary)
	_, nameEN := st.inMarked(t.Name)
	_, sumEN := st.inMarked(t.Summary)
	v := entryView{L: st.labels, Back: link{Title: sec.Name, URL: "../index.html#c-" + pageName(sec.ID)},
		Name: name, NameLang: otherLang(nameEN), Summary: summary, SummaryLang: otherLang(sumEN),
		Facts: st.facts(t), Competences: st.competenceNames(t.Competences),
		LinksLabel: st.label("alternatives"), Links: st.toolLinks(t.Alternatives)}
	if s, en := st.inMarked(t.Description); s != "" {
		h := ""
		if en {
			h = st.label("description")
		}
		v.Texts = append(v.Texts, st.text(h, en, s))
	}
	if s, en := st.inMarked(t.UseCases); s != "" {
		v.Texts = append(v.Texts, st.text(st.label("use_cases"), en, s))
	}
	if s, en := st.inMarked(t.DataProtection); s != "" {
		v.Texts = append(v.Texts, st.text(st.label("data_protection"), en, s))
	}
	url := "tools/" + pageName(t.ID) + ".html"
	var names []string
	for _, n := range t.Name {
		names = append(names, n)
	}
	st.search("tool", name, summary, url, append(names, sec.Name, strings.Join(v.Competences, " "),
		plain(st.in(t.Description)), plain(st.in(t.UseCases)), strings.Join(t.Platforms, " "))...)
	return link{Title: name, URL: url, Summary: summary, Lang: otherLang(nameEN || sumEN)},
		st.page(url, "../", name+" — Vademecum", "entry", v, false)
}

func (st *site) guide(g *data.Guide) (link, error) {
	title, summary := st.in(g.Title), st.in(g.Summary)
	_, titleEN := st.inMarked(g.Title)
	_, sumEN := st.inMarked(g.Summary)
	v := entryView{L: st.labels, Back: link{Title: st.label("guides"), URL: "../index.html#guides"},
		Name: title, NameLang: otherLang(titleEN), Summary: summary, SummaryLang: otherLang(sumEN),
		Competences: st.competenceNames(g.Competences),
		LinksLabel:  st.label("tools_used"), Links: st.toolLinks(g.Tools)}
	if g.Level != "" {
		v.Facts = []fact{{Label: st.label("level"), Value: st.level(g.Level)}}
	}
	if s, en := st.inMarked(g.Steps); s != "" {
		v.Texts = append(v.Texts, st.text(st.label("steps"), en, s))
	}
	url := "guides/" + pageName(g.ID) + ".html"
	st.search("guide", title, summary, url, plain(st.in(g.Steps)), strings.Join(st.toolNames(g.Tools), " "))
	return link{Title: title, URL: url, Summary: summary, Lang: otherLang(titleEN || sumEN)},
		st.page(url, "../", title+" — Vademecum", "entry", v, false)
}

func (st *site) practice(p *data.Practice) (link, error) {
	v := entryView{L: st.labels, Back: link{Title: st.label("practices"), URL: "../practices.html"},
		Byline: st.practiceByline(p), Name: p.Title, LinksLabel: st.label("tools_used"), Links: st.toolLinks(p.Tools),
		Tags: strings.Join(p.Tags, ", ")}
	for _, f := range st.practiceFields(p) {
		v.Texts = append(v.Texts, st.text(f.Label, false, f.Text))
	}
	for _, cm := range st.comments[p.ID] {
		v.Comments = append(v.Comments, commentView{
			Byline: cm.Author + " (" + st.orgName(cm.Org) + "), " + cm.Created.Format("2006-01-02"),
			HTML:   markdownHTML(cm.Text)})
	}
	url := "practices/" + pageName(p.ID) + ".html"
	summary := plain(p.Summary)
	st.search("practice", p.Title, summary, url, st.orgName(p.Org), p.Country, strings.Join(p.Tags, " "),
		strings.Join(st.toolNames(p.Tools), " "))
	return link{Title: p.Title, URL: url, Summary: clip(summary, 200)}, st.page(url, "../", p.Title+" — Vademecum", "entry", v, false)
}

var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)

// pageName is a file name for a record id: the id itself when it is a plain
// slug or UUID, otherwise a hash of it, so that no id can point outside the site.
func pageName(id string) string {
	if safeName.MatchString(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "x" + hex.EncodeToString(sum[:8])
}

// markdownHTML renders the simple Markdown of the content; all text is escaped.
func markdownHTML(text string) template.HTML {
	var b strings.Builder
	open := "" // the list element open: "ul", "ol" or ""
	closeList := func() {
		if open != "" {
			b.WriteString("</" + open + ">\n")
			open = ""
		}
	}
	for _, bl := range parseMarkdown(text) {
		var inner strings.Builder
		for _, sp := range bl.Spans {
			if sp.Bold {
				inner.WriteString("<strong>" + html.EscapeString(sp.Text) + "</strong>")
			} else {
				inner.WriteString(html.EscapeString(sp.Text))
			}
		}
		switch bl.Kind {
		case bullet:
			if open != "ul" {
				closeList()
				b.WriteString("<ul>\n")
				open = "ul"
			}
			b.WriteString("<li>" + inner.String() + "</li>\n")
		case numbered:
			if open != "ol" {
				closeList()
				start := ""
				if n := strings.TrimSuffix(bl.Num, "."); n != "1" {
					start = ` start="` + n + `"`
				}
				b.WriteString(`<ol class="steps"` + start + ">\n")
				open = "ol"
			}
			b.WriteString("<li>" + inner.String() + "</li>\n")
		case heading:
			closeList()
			b.WriteString("<p><strong>" + inner.String() + "</strong></p>\n")
		default:
			closeList()
			b.WriteString("<p>" + inner.String() + "</p>\n")
		}
	}
	closeList()
	return template.HTML(b.String())
}
