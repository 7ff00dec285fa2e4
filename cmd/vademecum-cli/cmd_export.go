package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"time"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/export"
	"vademecum/internal/words"
)

func init() {
	register(&command{name: "export",
		args: "--format html|pdf|md|json|csv --out PATH [--lang LL] [--country CC] [--practices] [--all-visibilities] [--excel]",
		help: text("cli.cmd.export", "write the toolkit, guides and practices as a booklet, a site or data files"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("format", "", t.U("cli.flag.format", "pdf (printable A4 booklet), html (a site in a folder), md, json, or csv (practices, for reports)"))
			fs.String("out", "", t.U("cli.flag.out", "the file to write, or for html the folder"))
			fs.String("lang", "", t.U("cli.flag.lang", "language of the texts: en, it, es, pl, cs, fr (default: yours)"))
			fs.Bool("practices", false, t.U("cli.flag.practices", "include the shared practices (default: yes for html, md and json, no for pdf)"))
			fs.Bool("all-visibilities", false, t.U("cli.flag.all_visibilities", "csv: also your organisation's drafts and organisation-only practices"))
			fs.Bool("excel", false, t.U("cli.flag.excel", "csv: separate cells with ; as Excel does where the decimal mark is a comma (the default for it, es, pl, cs, fr; --excel=false for commas)"))
			fs.String("country", "", t.U("cli.flag.country", "only the tools for this country (e.g. PL) and the tools for everywhere"))
		},
		run: runExport})
	register(&command{name: "practice import", args: "--from-csv FILE|-",
		help: text("cli.cmd.practice_import", "bring practices in from a spreadsheet saved as CSV (UTF-8; separated by , ; or tabs): all rows or none, checked as 'practice add' checks them"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("from-csv", "", t.U("cli.flag.from_csv", "the CSV file, with a header row naming the columns (as 'export --format csv' writes them), or - for standard input"))
		},
		run: runPracticeImport})
}

func runExport(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	if str(c.fs, "format") == "" {
		return c.usage("cli.export.format_required", "--format is required: pdf, html, md, json or csv")
	}
	format, err := export.ParseFormat(str(c.fs, "format"))
	if err != nil {
		return c.usage("cli.export.bad_format", "\"{{.Format}}\" is not an export format: pdf, html, md, json or csv", words.Args{"Format": str(c.fs, "format")})
	}
	out := str(c.fs, "out")
	if out == "" {
		return c.usage("cli.export.out_required", "--out is required: the file to write (a folder for html)")
	}
	lang := strings.ToLower(str(c.fs, "lang"))
	if lang != "" && !exportLang(lang) {
		return c.usage("cli.lang_one_of", "--lang must be one of {{.Languages}}", words.Args{"Languages": strings.Join(export.Languages, ", ")})
	}
	if on(c.fs, "all-visibilities") && format != export.CSV {
		return c.usage("cli.export.all_visibilities", "--all-visibilities is for csv reports only: other exports hold shared practices only")
	}
	if isSet(c.fs, "excel") && format != export.CSV {
		return c.usage("cli.export.excel", "--excel is for csv only")
	}
	country := strings.ToUpper(str(c.fs, "country"))
	if country != "" && !assets.IsPartnerCountry(country) {
		return c.usage("cli.not_partner_country", "\"{{.Code}}\" is not a partner country ({{.Countries}})", words.Args{"Code": country, "Countries": strings.Join(assets.PartnerCountries(), ", ")})
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	if lang == "" {
		if l := c.uiLang(s); exportLang(l) {
			lang = l
		}
	}
	o := export.Options{Lang: lang, Practices: format != export.PDF, AllVisibilities: on(c.fs, "all-visibilities"), Country: country}
	if isSet(c.fs, "practices") {
		o.Practices = on(c.fs, "practices")
	}
	if isSet(c.fs, "excel") {
		o.Separator = ','
		if on(c.fs, "excel") {
			o.Separator = ';'
		}
	}
	start := time.Now()
	if err := export.Save(c, s, format, out, o); err != nil {
		return err
	}
	fprintln(c.stdout, c.X("cli.export.done", "Exported to {{.Out}}", words.Args{"Out": out}))
	fprintln(c.stderr, c.X("cli.export.time", "{{.Format}} in {{.Time}}", words.Args{"Format": format, "Time": time.Since(start).Round(time.Millisecond)}))
	return nil
}

func exportLang(l string) bool {
	for _, x := range export.Languages {
		if x == l {
			return true
		}
	}
	return false
}

func runPracticeImport(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	src := str(c.fs, "from-csv")
	if src == "" {
		return c.usage("cli.import.required", "--from-csv is required: the CSV file to import")
	}
	var r io.Reader = c.stdin
	if src != "-" {
		f, err := os.Open(src)
		if err != nil {
			return c.fail("cli.cannot_read", "cannot read {{.File}}: {{.Problem}}", words.Args{"File": src, "Problem": rootErr(err)})
		}
		defer f.Close()
		r = f
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	n, err := export.ImportCSV(c, s, r)
	var ie *export.ImportError
	if errors.As(err, &ie) {
		for _, row := range ie.Rows {
			problem := row.Msg // English as scripts read it
			if c.Lang() != "en" {
				problem = c.w.ImportProblems(row.Problems)
			}
			fprintln(c.stderr, c.X("cli.import.row", "{{.File}}: line {{.Line}}: {{.Problem}}", words.Args{"File": src, "Line": row.Line, "Problem": problem}))
		}
		return c.failN("cli.import.rows", "{{.Count}} row cannot be imported (see above): nothing was imported",
			"{{.Count}} rows cannot be imported (see above): nothing was imported", len(ie.Rows))
	}
	if p, ok := export.FileProblem(err); ok && c.Lang() != "en" {
		return saidError{said(data.Printable(c.w.ImportProblems([]data.FieldError{p})))}
	}
	if err != nil {
		return err
	}
	fprintln(c.stdout, c.N("cli.import.done", "Imported {{.Count}} practice.", "Imported {{.Count}} practices.", n))
	return nil
}
