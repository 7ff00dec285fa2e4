package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/internal/words"
)

// command is one CLI command. Files named cmd_*.go register theirs in init.
type command struct {
	name  string                       // "practice add"
	args  string                       // usage of the positional arguments and flags, for help
	help  func(t tr) said              // one line, from the catalogue
	flags func(fs *flag.FlagSet, t tr) // flag usages from the catalogue
	run   func(c *ctx) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// ctx is what a running command gets: its parsed flags, positional arguments,
// output streams and, on demand, the store.
type ctx struct {
	context.Context
	tr      // the texts, in the installation's language
	name    string
	fs      *flag.FlagSet
	args    []string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	dataDir string
	store   *data.Store
}

// usageError makes the command exit with status 2.
type usageError struct{ msg said }

func (e usageError) Error() string { return string(e.msg) }

// usage is a usage error worded from the catalogue (see tr.X).
func (t tr) usage(key, english string, args ...words.Args) error {
	return usageError{t.X(key, english, args...)}
}

// saidError is an error worded from the catalogue for the person typing.
type saidError struct{ msg said }

func (e saidError) Error() string { return string(e.msg) }

// fail is an error worded from the catalogue (see tr.X).
func (t tr) fail(key, english string, args ...words.Args) error {
	return saidError{t.X(key, english, args...)}
}

func main() {
	stop := startProfiles() // profile.go
	code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	dataDir := ""
	t := tr{words.In(cliLanguage())}
	// The global --data may stand before the command.
	for len(argv) > 0 && strings.HasPrefix(argv[0], "-") {
		a := argv[0]
		switch {
		case a == "--data" || a == "-data":
			if len(argv) < 2 {
				fprintln(stderr, t.X("cli.data_needs_dir", "vademecum-cli: --data needs a folder"))
				return 2
			}
			dataDir, argv = argv[1], argv[2:]
		case strings.HasPrefix(a, "--data=") || strings.HasPrefix(a, "-data="):
			dataDir, argv = a[strings.Index(a, "=")+1:], argv[1:]
		case a == "-h" || a == "--help" || a == "-help":
			printHelp(stdout, t.in(dataDir))
			return 0
		default:
			fprintln(stderr, t.X("cli.unknown_option", "vademecum-cli: unknown option {{.Option}} before the command (see 'vademecum-cli help')", words.Args{"Option": a}))
			return 2
		}
	}
	t = t.in(dataDir)
	if len(argv) == 0 || argv[0] == "help" {
		printHelp(stdout, t)
		if len(argv) == 0 {
			return 2
		}
		return 0
	}
	cmd, rest := lookup(argv)
	if cmd == nil {
		fprintln(stderr, t.X("cli.unknown_command", "vademecum-cli: unknown command \"{{.Command}}\" (see 'vademecum-cli help')",
			words.Args{"Command": strings.Join(argv[:min(2, len(argv))], " ")}))
		return 2
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&dataDir, "data", dataDir, string(t.X("cli.flag.data", "data folder")))
	if cmd.flags != nil {
		cmd.flags(fs, t)
	}
	pos, err := parseInterleaved(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		fprintln(stdout, t.X("cli.usage_line", "usage: vademecum-cli {{.Command}} {{.Args}}", words.Args{"Command": cmd.name, "Args": cmd.args}))
		fprintln(stdout, cmd.help(t))
		printFlags(stdout, fs, t)
		return 0
	}
	if err != nil {
		fprintln(stderr, t.X("cli.usage_error", "vademecum-cli {{.Command}}: {{.Problem}} (usage: vademecum-cli {{.Command}} {{.Args}})",
			words.Args{"Command": cmd.name, "Problem": flagProblem(t, err), "Args": cmd.args}))
		return 2
	}
	if dataDir == "" {
		dataDir = data.DefaultDir()
	}
	c := &ctx{Context: context.Background(), tr: t.in(dataDir), name: cmd.name, fs: fs, args: pos, stdin: stdin, stdout: stdout,
		stderr: stderr, dataDir: dataDir}
	err = cmd.run(c)
	if c.store != nil {
		c.store.Close()
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fprintln(stderr, c.X("cli.usage_error", "vademecum-cli {{.Command}}: {{.Problem}} (usage: vademecum-cli {{.Command}} {{.Args}})",
				words.Args{"Command": cmd.name, "Problem": ue.msg, "Args": cmd.args}))
			return 2
		}
		fprintln(stderr, c.X("cli.error", "vademecum-cli {{.Command}}: {{.Problem}}", words.Args{"Command": cmd.name, "Problem": c.errorText(err)}))
		return 1
	}
	return 0
}

// oneLine keeps an error to one line on stderr, as scripts expect.
func oneLine(err error) string {
	var ve data.ValidationError
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

func lookup(argv []string) (*command, []string) {
	if len(argv) >= 3 {
		if c, ok := commands[strings.Join(argv[:3], " ")]; ok {
			return c, argv[3:]
		}
	}
	if len(argv) >= 2 {
		if c, ok := commands[argv[0]+" "+argv[1]]; ok {
			return c, argv[2:]
		}
	}
	if c, ok := commands[argv[0]]; ok {
		return c, argv[1:]
	}
	return nil, nil
}

// parseInterleaved lets flags come before, between or after positional arguments
// ("tool show signal --json"); "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// open opens the store and brings the embedded toolkit up to date.
func (c *ctx) open() (*data.Store, error) {
	if c.store != nil {
		return c.store, nil
	}
	s, err := data.Open(c.dataDir)
	if err != nil {
		return nil, err
	}
	if _, err := assets.Seed(c, s); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.ApplyNetwork(c); err != nil {
		s.Close()
		return nil, err
	}
	c.store = s
	return s, nil
}

// openInit opens the store and requires first start to be done.
func (c *ctx) openInit() (*data.Store, error) {
	s, err := c.open()
	if err != nil {
		return nil, err
	}
	if _, err := s.Identity(); err != nil {
		return nil, err
	}
	return s, nil
}

func (c *ctx) jsonOut(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// wantArgs checks the count of positional arguments; what says which are
// needed.
func (c *ctx) wantArgs(n int, what said) error {
	if len(c.args) != n {
		if n == 0 {
			return c.usage("cli.unexpected_argument", "unexpected argument \"{{.Arg}}\"", words.Args{"Arg": c.args[0]})
		}
		return c.usage("cli.needs", "needs {{.What}}", words.Args{"What": what})
	}
	return nil
}

func printHelp(w io.Writer, t tr) {
	fprintln(w, t.X("cli.help.intro", "vademecum-cli: the Vademecum toolkit and practices journal, from the command line."))
	fprintln(w)
	fprintln(w, t.X("cli.help.usage", "usage: vademecum-cli [--data FOLDER] COMMAND [ARGUMENTS] [--json]"))
	fprintln(w)
	fprintln(w, t.X("cli.help.commands", "commands:"))
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fprintf(w, "  %-18s %s\n", n, c.help(t))
	}
	fprintln(w)
	fprintln(w, t.X("cli.help.data", "--data FOLDER (or VADEMECUM_DATA) chooses the data folder; by default %APPDATA%\\Vademecum on Windows, else $XDG_DATA_HOME/vademecum."))
	fprintln(w, t.X("cli.help.command_help", "'vademecum-cli COMMAND --help' shows a command's options."))
}

// printFlags lists a command's flags, as flag.PrintDefaults does, with
// their usages in the installation's language.
func printFlags(w io.Writer, fs *flag.FlagSet, t tr) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			def = " " + string(t.X("cli.flag.default", "(default {{.Value}})", words.Args{"Value": f.DefValue}))
		}
		fprintf(w, "  -%s%s\n    \t%s%s\n", f.Name, name, said(usage), said(def))
	})
}

// flagProblem words a flag parsing error: the flag package's own errors are English.
func flagProblem(t tr, err error) said {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "flag provided but not defined: "):
		return t.X("cli.flag.unknown", "there is no option {{.Flag}}", words.Args{"Flag": strings.TrimPrefix(msg, "flag provided but not defined: ")})
	case strings.HasPrefix(msg, "flag needs an argument: "):
		return t.X("cli.flag.needs_value", "the option {{.Flag}} needs a value", words.Args{"Flag": strings.TrimPrefix(msg, "flag needs an argument: ")})
	case strings.HasPrefix(msg, "invalid value "), strings.HasPrefix(msg, "invalid boolean value "):
		return t.X("cli.flag.invalid", "a value is not right: {{.Detail}}", words.Args{"Detail": msg})
	}
	return t.X("cli.flag.other", "the options are not right: {{.Detail}}", words.Args{"Detail": msg})
}

type flagSet = flag.FlagSet

// rootErr drops the operation and path from a file error: the caller names the file.
func rootErr(err error) error { return data.FileCause(err) }

// listFlag collects a repeatable flag (--tag a --tag b) or a comma-separated one.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// fprintf prints with every text argument (a string, an error, a Stringer)
// made printable by data.Printable: text from a hub (paths, titles, reasons)
// never reaches the terminal raw (DESIGN.md, threat model 8). Every print of
// the CLI goes through it or fprintln; the format is the program's own.
func fprintf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, format, printable(args)...)
}

// fprintln is fprintf's Println.
func fprintln(w io.Writer, args ...any) {
	fmt.Fprintln(w, printable(args)...)
}

// paragraph is text printed as paragraphs (a practice's fields, a comment, a
// guide's steps): its newlines and tabs are kept (data.PrintableText).
type paragraph string

func printable(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case said:
			out[i] = string(v) // worded from the catalogue, its values made printable
		case paragraph:
			out[i] = data.PrintableText(string(v))
		case string:
			out[i] = data.Printable(v)
		case error:
			out[i] = data.Printable(v.Error())
		case fmt.Stringer:
			out[i] = data.Printable(v.String())
		default:
			out[i] = a
		}
	}
	return out
}
