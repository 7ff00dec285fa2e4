package export

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"vademecum/data"

	"vademecum/internal/atomicfile"
)

// Format is an export format, as the CLI's --format names it.
type Format string

// The export formats.
const (
	PDF      Format = "pdf"
	HTML     Format = "html"
	Markdown Format = "md"
	JSON     Format = "json"
	CSV      Format = "csv"
)

// Formats lists every format, in the order menus show them.
var Formats = []Format{PDF, HTML, Markdown, JSON, CSV}

// Languages are the languages a booklet, site or Markdown file can be written in.
var Languages = data.Languages

// Options say what an export holds.
type Options struct {
	// Lang is the language of the texts (one of Languages); "" means English.
	// Texts not yet translated are given in English, and the export says so.
	Lang string
	// Practices adds the shared practices to a PDF, HTML, Markdown or JSON export.
	Practices bool
	// AllVisibilities makes a CSV export also hold this organisation's draft and
	// organisation-only practices, for an internal report. Without it a CSV holds
	// shared practices only.
	AllVisibilities bool
	// Separator separates the cells of a CSV export; 0 chooses by Lang (see
	// CSVSeparator).
	Separator rune
	// Country (ISO 3166-1, e.g. "PL") keeps the tools for that country and the
	// tools for everywhere, leaving out other countries' national tools; "" keeps all.
	Country string
	// Progress, when set, is called as the export advances (done of total steps),
	// from the exporting goroutine.
	Progress func(done, total int)
}

func (o Options) lang() (string, error) {
	l := strings.ToLower(strings.TrimSpace(o.Lang))
	if l == "" {
		return "en", nil
	}
	for _, x := range Languages {
		if x == l {
			return l, nil
		}
	}
	return "", fmt.Errorf("exports can be written in %s, not %q", strings.Join(Languages, ", "), o.Lang)
}

// ParseFormat returns the format named s (case does not matter).
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("%q is not an export format: use %s", s, strings.Join(names, ", "))
}

// Save writes an export of format to path: a folder for HTML, a file for the
// others. Nothing is left half-written: the export is built next to path and
// moved into place when complete.
func Save(ctx context.Context, s *data.Store, format Format, path string, o Options) error {
	if format == HTML {
		return SaveSite(ctx, s, path, o)
	}
	var write func(context.Context, *data.Store, io.Writer, Options) error
	switch format {
	case PDF:
		write = WritePDF
	case Markdown:
		write = WriteMarkdown
	case JSON:
		write = WriteJSON
	case CSV:
		write = WriteCSV
	default:
		_, err := ParseFormat(string(format))
		return err
	}
	return writeFileAtomic(path, "vademecum."+string(format), func(w io.Writer) error { return write(ctx, s, w, o) })
}

// WriteFile writes b to path as exports are written (see writeFileAtomic), for
// files made elsewhere, such as the self-check's anonymous summary; example is
// a file name to suggest when path is a folder.
func WriteFile(path, example string, b []byte) error {
	return writeFileAtomic(path, example, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// writeFileAtomic writes a file through a temporary one in the same folder, so
// that a failed export never leaves a truncated file behind or spoils an older one.
func writeFileAtomic(path, example string, write func(io.Writer) error) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a folder: give a file name, such as %s", path, filepath.Join(path, example))
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("the folder %s does not exist: create it first or choose another place", dir)
	}
	var werr error
	err := atomicfile.WriteVia(dir, "."+filepath.Base(path)+".part-*", path, 0o644, func(w io.Writer) error {
		werr = write(w)
		return werr
	})
	if err != nil && werr == nil {
		return fmt.Errorf("cannot write %s: %s", path, rootCause(err))
	}
	return err
}

func rootCause(err error) string { return data.FileCause(err).Error() }

// progress counts the steps of an export for Options.Progress.
type progress struct {
	fn          func(done, total int)
	done, total int
}

func (p *progress) step() {
	p.done++
	if p.fn != nil {
		p.fn(min(p.done, p.total), p.total)
	}
}

func (p *progress) finish() {
	p.done = p.total - 1
	p.step()
}
