package main

import (
	"io"
	"os"
	"unicode/utf8"

	"vademecum/data/privacy"
	"vademecum/internal/words"
)

func init() {
	register(&command{name: "privacy scan", args: "[FILE|-] [--json]",
		help: text("cli.cmd.privacy_scan", "find personal data (e-mails, phones, IBANs, national ids) in a text"),
		flags: func(fs *flagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json.privacy_scan", "print JSON: [{kind, start, end, text}] with byte offsets"))
		},
		run: runPrivacyScan})
}

func runPrivacyScan(c *ctx) error {
	if len(c.args) > 1 {
		return c.usage("cli.privacy.one_file", "takes one file (or - for standard input)")
	}
	var r io.Reader = c.stdin
	name := string(c.X("cli.stdin", "standard input"))
	if len(c.args) == 1 && c.args[0] != "-" {
		f, err := os.Open(c.args[0])
		if err != nil {
			return c.fail("cli.cannot_read", "cannot read {{.File}}: {{.Problem}}", words.Args{"File": c.args[0], "Problem": rootErr(err)})
		}
		defer f.Close()
		r, name = f, c.args[0]
	}
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return err
	}
	if !utf8.Valid(b) {
		return c.fail("cli.privacy.not_utf8", "{{.File}} is not UTF-8 text: convert it first (for example with iconv)", words.Args{"File": name})
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
		fprintln(c.stderr, c.X("cli.privacy.none", "no personal data found"))
	}
	return nil
}
