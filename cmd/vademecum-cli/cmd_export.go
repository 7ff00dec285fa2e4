package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"vademecum/assets"
	"vademecum/data/export"
)

func init() {
	register(&command{name: "export",
		args: "--format html|pdf|md|json|csv --out PATH [--lang LL] [--country CC] [--practices] [--all-visibilities] [--excel]",
		help: "write the toolkit, guides and practices as a booklet, a site or data files",
		flags: func(fs *flag.FlagSet) {
			fs.String("format", "", "pdf (printable A4 booklet), html (a site in a folder), md, json, or csv (practices, for reports)")
			fs.String("out", "", "the file to write, or for html the folder")
			fs.String("lang", "", "language of the texts: en, it, es, pl, cs, fr (default: yours)")
			fs.Bool("practices", false, "include the shared practices (default: yes for html, md and json, no for pdf)")
			fs.Bool("all-visibilities", false, "csv: also your organisation's drafts and organisation-only practices")
			fs.Bool("excel", false, "csv: separate cells with ; as Excel does where the decimal mark is a comma (the default for it, es, pl, cs, fr; --excel=false for commas)")
			fs.String("country", "", "only the tools for this country (e.g. PL) and the tools for everywhere")
		},
		run: runExport})
	register(&command{name: "practice import", args: "--from-csv FILE|-",
		help: "bring practices in from a spreadsheet saved as CSV (UTF-8; separated by , ; or tabs): all rows or none, checked as 'practice add' checks them",
		flags: func(fs *flag.FlagSet) {
			fs.String("from-csv", "", "the CSV file, with a header row naming the columns (as 'export --format csv' writes them), or - for standard input")
		},
		run: runPracticeImport})
}

func runExport(c *ctx) error {
	if err := c.wantArgs(0, ""); err != nil {
		return err
	}
	if str(c.fs, "format") == "" {
		return usagef("--format is required: pdf, html, md, json or csv")
	}
	format, err := export.ParseFormat(str(c.fs, "format"))
	if err != nil {
		return usagef("%s", err)
	}
	out := str(c.fs, "out")
	if out == "" {
		return usagef("--out is required: the file to write (a folder for html)")
	}
	lang := strings.ToLower(str(c.fs, "lang"))
	if lang != "" && !exportLang(lang) {
		return usagef("--lang must be one of %s", strings.Join(export.Languages, ", "))
	}
	if on(c.fs, "all-visibilities") && format != export.CSV {
		return usagef("--all-visibilities is for csv reports only: other exports hold shared practices only")
	}
	if isSet(c.fs, "excel") && format != export.CSV {
		return usagef("--excel is for csv only")
	}
	country := strings.ToUpper(str(c.fs, "country"))
	if country != "" && !assets.IsPartnerCountry(country) {
		return usagef("%q is not a partner country (%s)", country, strings.Join(assets.PartnerCountries(), ", "))
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
	fprintf(c.stdout, "Exported to %s\n", out)
	fprintf(c.stderr, "%s in %s\n", format, time.Since(start).Round(time.Millisecond))
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
		return usagef("--from-csv is required: the CSV file to import")
	}
	var r io.Reader = c.stdin
	if src != "-" {
		f, err := os.Open(src)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", src, errors.Unwrap(err))
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
			fprintf(c.stderr, "%s: %s\n", src, row)
		}
		if len(ie.Rows) == 1 {
			return errors.New("1 row cannot be imported (see above): nothing was imported")
		}
		return fmt.Errorf("%d rows cannot be imported (see above): nothing was imported", len(ie.Rows))
	}
	if err != nil {
		return err
	}
	if n == 1 {
		fprintln(c.stdout, "Imported 1 practice.")
	} else {
		fprintf(c.stdout, "Imported %d practices.\n", n)
	}
	return nil
}
