package main

import (
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"vademecum/data/privacy"
)

func init() {
	register(&command{name: "privacy scan", args: "[FILE|-] [--json]",
		help:  "find personal data (e-mails, phones, IBANs, national ids) in a text",
		flags: func(fs *flagSet) { fs.Bool("json", false, "print JSON: [{kind, start, end, text}] with byte offsets") },
		run:   runPrivacyScan})
}

func runPrivacyScan(c *ctx) error {
	if len(c.args) > 1 {
		return usagef("takes one file (or - for standard input)")
	}
	var r io.Reader = c.stdin
	name := "standard input"
	if len(c.args) == 1 && c.args[0] != "-" {
		f, err := os.Open(c.args[0])
		if err != nil {
			return fmt.Errorf("cannot read %s: %v", c.args[0], rootErr(err))
		}
		defer f.Close()
		r, name = f, c.args[0]
	}
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return err
	}
	if !utf8.Valid(b) {
		return fmt.Errorf("%s is not UTF-8 text: convert it first (for example with iconv)", name)
	}
	found := privacy.Scan(string(b))
	if on(c.fs, "json") {
		if found == nil {
			found = []privacy.Finding{}
		}
		return c.jsonOut(found)
	}
	for _, f := range found {
		fprintf(c.stdout, "%d-%d\t%s\t%s\n", f.Start, f.End, f.Kind, f.Text)
	}
	if len(found) == 0 {
		fprintln(c.stderr, "no personal data found")
	}
	return nil
}
