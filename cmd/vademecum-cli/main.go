package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"

	"vademecum/assets"
	"vademecum/data"
)

// command is one CLI command. Files named cmd_*.go register theirs in init.
type command struct {
	name  string // "practice add"
	args  string // usage of the positional arguments and flags, for help
	help  string // one line
	flags func(fs *flag.FlagSet)
	run   func(c *ctx) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// ctx is what a running command gets: its parsed flags, positional arguments,
// output streams and, on demand, the store.
type ctx struct {
	context.Context
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
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func main() {
	// VADEMECUM_CPUPROFILE=FILE and VADEMECUM_MEMPROFILE=FILE write profiles of the
	// command, for performance work.
	if f := os.Getenv("VADEMECUM_CPUPROFILE"); f != "" {
		if out, err := os.Create(f); err == nil {
			pprof.StartCPUProfile(out)
			code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
			pprof.StopCPUProfile()
			out.Close()
			os.Exit(code)
		}
	}
	if f := os.Getenv("VADEMECUM_MEMPROFILE"); f != "" {
		runtime.MemProfileRate = 64 << 10
		code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		if out, err := os.Create(f); err == nil {
			pprof.Lookup("allocs").WriteTo(out, 0)
			out.Close()
		}
		os.Exit(code)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	dataDir := ""
	// The global --data may stand before the command.
	for len(argv) > 0 && strings.HasPrefix(argv[0], "-") {
		a := argv[0]
		switch {
		case a == "--data" || a == "-data":
			if len(argv) < 2 {
				fprintln(stderr, "vademecum-cli: --data needs a directory")
				return 2
			}
			dataDir, argv = argv[1], argv[2:]
		case strings.HasPrefix(a, "--data=") || strings.HasPrefix(a, "-data="):
			dataDir, argv = a[strings.Index(a, "=")+1:], argv[1:]
		case a == "-h" || a == "--help" || a == "-help":
			printHelp(stdout)
			return 0
		default:
			fprintf(stderr, "vademecum-cli: unknown option %s before the command (see 'vademecum-cli help')\n", a)
			return 2
		}
	}
	if len(argv) == 0 || argv[0] == "help" {
		printHelp(stdout)
		if len(argv) == 0 {
			return 2
		}
		return 0
	}
	cmd, rest := lookup(argv)
	if cmd == nil {
		fprintf(stderr, "vademecum-cli: unknown command %q (see 'vademecum-cli help')\n", strings.Join(argv[:min(2, len(argv))], " "))
		return 2
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&dataDir, "data", dataDir, "data directory")
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	pos, err := parseInterleaved(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		fprintf(stdout, "usage: vademecum-cli %s %s\n%s\n", cmd.name, cmd.args, cmd.help)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0
	}
	if err != nil {
		fprintf(stderr, "vademecum-cli %s: %v (usage: vademecum-cli %s %s)\n", cmd.name, err, cmd.name, cmd.args)
		return 2
	}
	if dataDir == "" {
		dataDir = data.DefaultDir()
	}
	c := &ctx{Context: context.Background(), name: cmd.name, fs: fs, args: pos, stdin: stdin, stdout: stdout,
		stderr: stderr, dataDir: dataDir}
	err = cmd.run(c)
	if c.store != nil {
		c.store.Close()
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fprintf(stderr, "vademecum-cli %s: %s (usage: vademecum-cli %s %s)\n", cmd.name, ue.msg, cmd.name, cmd.args)
			return 2
		}
		fprintf(stderr, "vademecum-cli %s: %s\n", cmd.name, oneLine(err))
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

// wantArgs checks the count of positional arguments.
func (c *ctx) wantArgs(n int, what string) error {
	if len(c.args) != n {
		if n == 0 {
			return usagef("unexpected argument %q", c.args[0])
		}
		return usagef("needs %s", what)
	}
	return nil
}

func printHelp(w io.Writer) {
	fprintln(w, "vademecum-cli: the Vademecum toolkit and practices journal, from the command line.")
	fprintln(w, "\nusage: vademecum-cli [--data DIR] COMMAND [ARGS] [--json]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fprintf(w, "  %-18s %s\n", n, c.help)
	}
	fprintln(w, "\n--data DIR (or VADEMECUM_DATA) chooses the data directory; default %APPDATA%\\Vademecum on Windows, else $XDG_DATA_HOME/vademecum.")
	fprintln(w, "'vademecum-cli COMMAND --help' shows a command's flags.")
}

type flagSet = flag.FlagSet

// rootErr drops the operation and path from a file error: the caller names the file.
func rootErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

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
