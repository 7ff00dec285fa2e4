package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"vademecum/data"
)

// column is one CSV column: a practice field, named as in the record's JSON.
type column struct {
	name string
	get  func(p *data.Practice) string
	set  func(p *data.Practice, v string) // nil: kept by the store, ignored on import
}

// listSep joins lists (tools, tags) in one cell.
const listSep = "; "

func textColumn(name string, f func(p *data.Practice) *string) column {
	return column{name, func(p *data.Practice) string { return guardCell(*f(p)) },
		func(p *data.Practice, v string) { *f(p) = unguardCell(v) }}
}

// Spreadsheets run a cell that starts with =, +, - or @ as a formula, and a
// shared practice comes from another organisation: such cells are written with a
// leading apostrophe, which spreadsheets show as text, and the import removes it.
func formulaLike(v string) bool {
	return v != "" && (strings.ContainsRune("=+-@\t\r", rune(v[0])) || (v[0] == '\'' && formulaLike(v[1:])))
}

func guardCell(v string) string {
	if formulaLike(v) {
		return "'" + v
	}
	return v
}

func unguardCell(v string) string {
	if strings.HasPrefix(v, "'") && formulaLike(v[1:]) {
		return v[1:]
	}
	return v
}

func listColumn(name string, f func(p *data.Practice) *[]string) column {
	return column{name, func(p *data.Practice) string { return strings.Join(*f(p), listSep) },
		func(p *data.Practice, v string) { *f(p) = splitList(v) }}
}

func timeColumn(name string, f func(p *data.Practice) time.Time) column {
	return column{name, func(p *data.Practice) string { return f(p).UTC().Format(time.RFC3339) }, nil}
}

// columns are the CSV's columns, in order. The record's signature, deletion flag
// and privacy clearances are bookkeeping, not content, and stay out.
var columns = []column{
	{"id", func(p *data.Practice) string { return p.ID }, nil},
	textColumn("title", func(p *data.Practice) *string { return &p.Title }),
	textColumn("summary", func(p *data.Practice) *string { return &p.Summary }),
	textColumn("context", func(p *data.Practice) *string { return &p.Context }),
	textColumn("target_group", func(p *data.Practice) *string { return &p.TargetGroup }),
	textColumn("objectives", func(p *data.Practice) *string { return &p.Objectives }),
	textColumn("activities", func(p *data.Practice) *string { return &p.Activities }),
	listColumn("tools", func(p *data.Practice) *[]string { return &p.Tools }),
	textColumn("resources", func(p *data.Practice) *string { return &p.Resources }),
	textColumn("results", func(p *data.Practice) *string { return &p.Results }),
	textColumn("lessons", func(p *data.Practice) *string { return &p.Lessons }),
	textColumn("transferability", func(p *data.Practice) *string { return &p.Transferability }),
	listColumn("tags", func(p *data.Practice) *[]string { return &p.Tags }),
	textColumn("country", func(p *data.Practice) *string { return &p.Country }),
	textColumn("lang", func(p *data.Practice) *string { return &p.Lang }),
	textColumn("visibility", func(p *data.Practice) *string { return &p.Visibility }),
	{"org", func(p *data.Practice) string { return p.Org }, nil},
	{"author", func(p *data.Practice) string { return p.Author }, nil},
	timeColumn("created", func(p *data.Practice) time.Time { return p.Created }),
	timeColumn("updated", func(p *data.Practice) time.Time { return p.Updated }),
}

// bom is the byte-order mark: spreadsheets (Excel above all) read a CSV file
// as UTF-8 only when it starts with one.
const bom = "\ufeff"

// CSVSeparator is the separator a CSV export for lang uses: a semicolon for
// the languages whose decimal mark is a comma (Italian, Spanish, Polish,
// Czech, French), as their spreadsheets expect, else a comma.
func CSVSeparator(lang string) rune {
	switch strings.ToLower(lang) {
	case "it", "es", "pl", "cs", "fr":
		return ';'
	}
	return ','
}

// WriteCSV writes practices for a report: one row per practice, oldest first,
// with a header row of the column names (RFC 4180, UTF-8 with a byte-order
// mark, lists joined with "; "), separated by o.Separator (default: as
// CSVSeparator says for o.Lang). It holds the shared practices; with
// o.AllVisibilities also this organisation's drafts and organisation-only
// practices.
func WriteCSV(ctx context.Context, s *data.Store, w io.Writer, o Options) error {
	ps, err := practices(ctx, s, o.AllVisibilities)
	if err != nil {
		return err
	}
	pr := &progress{fn: o.Progress, total: len(ps) + 1}
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Comma = o.Separator
	if cw.Comma == 0 {
		cw.Comma = CSVSeparator(o.Lang)
	}
	row := make([]string, len(columns))
	for i, c := range columns {
		row[i] = c.name
	}
	if err := cw.Write(row); err != nil {
		return err
	}
	for _, p := range ps {
		for i, c := range columns {
			row[i] = c.get(p)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		pr.step()
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	pr.finish()
	return nil
}

// RowError is one row of a CSV file that cannot be imported.
type RowError struct {
	Line int    // line of the file where the row starts; the header is line 1
	Msg  string // what is wrong, in English
	// The same for front ends to word: each a code with its values (CSV...,
	// data.Problem...); Field is the column, "" for the row as a whole.
	Problems []data.FieldError
}

func (e RowError) String() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ImportError lists every row that cannot be imported. When it is returned,
// nothing was imported.
type ImportError struct {
	Rows []RowError
}

func (e *ImportError) Error() string {
	const shown = 20
	var b strings.Builder
	if len(e.Rows) == 1 {
		b.WriteString("1 row cannot be imported, so nothing was imported: ")
	} else {
		fmt.Fprintf(&b, "%d rows cannot be imported, so nothing was imported: ", len(e.Rows))
	}
	for i, r := range e.Rows {
		if i == shown {
			fmt.Fprintf(&b, "; and %d more", len(e.Rows)-shown)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.String())
	}
	return b.String()
}

// MaxImportSize is the largest CSV file ImportCSV reads.
const MaxImportSize = 256 << 20

// ImportCSV brings practices in from a CSV file with a header row naming its
// columns as WriteCSV does (in any order; only title, or id, is needed). A row
// with an id updates that practice of this organisation, so importing a file
// exported here creates no duplicates; rows an import would not change are
// skipped, whoever owns them. A row without an id is a new practice of this
// installation (draft unless the visibility column says otherwise; language and
// country default to the installation's). The org, author, created and updated
// columns are the store's to set and are ignored.
//
// Every row is checked first: when any is wrong, ImportCSV returns an
// *ImportError listing each bad row with its line and imports nothing.
// Otherwise all rows are saved in one transaction. It returns how many
// practices were added or changed.
func ImportCSV(ctx context.Context, s *data.Store, r io.Reader) (int, error) {
	me, err := s.Identity()
	if err != nil {
		return 0, err
	}
	def := importDefaults{lang: "en"}
	if l, _ := s.Setting(data.SettingUILang); l != "" {
		def.lang = l
	}
	if o, err := s.Get(me.Org); err == nil {
		if org, ok := o.(*data.Organisation); ok {
			def.country = org.Country
		}
	}
	if def.toolNames, err = toolNames(ctx, s); err != nil {
		return 0, err
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return 0, fmt.Errorf("cannot read the CSV file: %w", err)
	}
	if len(raw) > MaxImportSize {
		return 0, problems.Error(CSVTooLarge, MaxImportSize>>20)
	}
	raw = bytes.TrimPrefix(raw, []byte(bom))
	if !utf8.Valid(raw) {
		return 0, problems.Error(CSVNotUTF8)
	}
	rows, header, bad := readRows(raw)
	if bad != nil {
		return 0, bad
	}
	n := 0
	err = s.Tx(ctx, func(tx *data.Tx) error {
		var errs []RowError
		var save []*data.Practice
		seen := map[string]int{}
		for _, row := range rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			p, bad := def.practice(tx, me, header, row, seen)
			switch {
			case len(bad) > 0:
				errs = append(errs, rowError(row.line, bad...))
			case p != nil:
				save = append(save, p)
			}
		}
		if len(errs) > 0 {
			return &ImportError{Rows: errs}
		}
		for _, p := range save {
			if err := tx.Put(p, data.PutLocal); err != nil {
				return err
			}
		}
		n = len(save)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

type csvRow struct {
	line   int
	fields []string
}

// separators are the ones spreadsheets write: a comma, a semicolon (Excel
// where the decimal mark is a comma), a tab.
var separators = []rune{',', ';', '\t'}

// detectSeparator finds the separator of a CSV file: the one that splits the
// header row into the most columns; between equals (a header of one column),
// the one that fits the most rows to the header.
func detectSeparator(raw []byte) rune {
	best, bestCols, bestMisfits := ',', -1, 0
	for _, sep := range separators {
		cols, misfits, ok := trySeparator(raw, sep)
		if ok && (cols > bestCols || (cols == bestCols && misfits < bestMisfits)) {
			best, bestCols, bestMisfits = sep, cols, misfits
		}
	}
	return best
}

// trySeparator reads the header and the first thousand rows with sep: the
// header's columns, and how many rows do not have as many cells.
func trySeparator(raw []byte, sep rune) (cols, misfits int, ok bool) {
	rd := csv.NewReader(bytes.NewReader(raw))
	rd.Comma, rd.FieldsPerRecord = sep, -1
	head, err := rd.Read()
	if err != nil {
		return 0, 0, false
	}
	for range 1000 {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || len(rec) != len(head) {
			misfits++
		}
	}
	return len(head), misfits, true
}

// readRows parses the file and its header; errors about the file's shape come
// back as an *ImportError listing every bad line.
func readRows(raw []byte) ([]csvRow, map[string]int, error) {
	rd := csv.NewReader(bytes.NewReader(raw))
	rd.Comma = detectSeparator(raw)
	rd.FieldsPerRecord = -1
	head, err := rd.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, problems.Error(CSVEmpty)
	}
	if err != nil {
		return nil, nil, &ImportError{Rows: []RowError{rowError(1, problem("", CSVHeaderUnread, csvProblem(err).Msg))}}
	}
	header := map[string]int{}
	var errs []RowError
	known := map[string]bool{}
	for _, c := range columns {
		known[c.name] = true
	}
	for len(head) > 0 && strings.TrimSpace(head[len(head)-1]) == "" {
		head = head[:len(head)-1] // spreadsheets may add empty cells at the end
	}
	for i, h := range head {
		name := columnName(h)
		switch {
		case name == "":
			errs = append(errs, rowError(1, problem("", CSVNoColumnName, i+1)))
		case !known[name]:
			errs = append(errs, rowError(1, problem("", CSVUnknownColumn, h, columnList())))
		case header[name] > 0:
			errs = append(errs, rowError(1, problem("", CSVColumnTwice, name)))
		default:
			header[name] = i + 1 // +1 so that 0 means absent
		}
	}
	if len(errs) == 0 && header["title"] == 0 && header["id"] == 0 {
		errs = append(errs, rowError(1, problem("", CSVNoTitleColumn)))
	}
	if len(errs) > 0 {
		return nil, nil, &ImportError{Rows: errs}
	}
	var rows []csvRow
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			errs = append(errs, rowError(pe.StartLine, csvProblem(err)))
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		line, _ := rd.FieldPos(0)
		if allEmpty(rec) {
			continue
		}
		if len(rec) > len(head) && allEmpty(rec[len(head):]) {
			rec = rec[:len(head)]
		}
		if len(rec) != len(head) {
			errs = append(errs, rowError(line, problem("", CSVCells, len(rec), len(head))))
			continue
		}
		rows = append(rows, csvRow{line, rec})
	}
	if len(errs) > 0 {
		return nil, nil, &ImportError{Rows: errs}
	}
	return rows, header, nil
}

func csvProblem(err error) data.FieldError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			return problem("", CSVBareQuote)
		case errors.Is(pe.Err, csv.ErrQuote):
			return problem("", CSVOpenQuote)
		}
		err = pe.Err
	}
	return problem("", CSVUnparsed, err)
}

// columnName accepts "Target group", "target-group" and "target_group" alike.
func columnName(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

func columnList() string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

func allEmpty(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// splitList reads a list cell: entries separated by ";" (or ","), trimmed.
func splitList(v string) []string {
	return data.CleanList(strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' }))
}

// toolNames maps each tool's name, in every language and lower case, to its id,
// so that a spreadsheet may name tools ("Signal") instead of giving their ids.
func toolNames(ctx context.Context, s *data.Store) (map[string]string, error) {
	tools, err := s.ListTools(ctx, data.ToolFilter{})
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, t := range tools {
		for _, n := range t.Name {
			m[strings.ToLower(strings.TrimSpace(n))] = t.ID
		}
	}
	return m, nil
}

type importDefaults struct {
	lang, country string
	toolNames     map[string]string
}

// practice builds the practice a row describes, checks it, and stamps it for
// saving. It returns nil and "" for a row that changes nothing, and a message
// for a row that cannot be imported.
func (d importDefaults) practice(tx *data.Tx, me data.Identity, header map[string]int, row csvRow, seen map[string]int) (*data.Practice, []data.FieldError) {
	cell := func(name string) (string, bool) {
		i := header[name]
		if i == 0 {
			return "", false
		}
		return row.fields[i-1], true
	}
	var old *data.Practice
	p := &data.Practice{}
	if id, _ := cell("id"); strings.TrimSpace(id) != "" {
		id = strings.TrimSpace(id)
		if line, ok := seen[id]; ok {
			return nil, []data.FieldError{problem("", CSVIDTwice, id, line)}
		}
		seen[id] = row.line
		r, err := tx.Get(id)
		if errors.Is(err, data.ErrNotFound) {
			return nil, []data.FieldError{problem("", CSVNoSuchID, id)}
		} else if err != nil {
			return nil, []data.FieldError{problem("", CSVCannotRead, id, err)}
		}
		op, ok := r.(*data.Practice)
		if !ok {
			return nil, []data.FieldError{problem("", CSVNotPractice, id, r.Base().Type)}
		}
		if op.Deleted {
			return nil, []data.FieldError{problem("", CSVDeleted, id)}
		}
		old = op
		cp := *op
		cp.Tags, cp.Tools = data.CleanList(op.Tags), data.CleanList(op.Tools)
		p = &cp
	} else if _, ok := cell("title"); !ok {
		return nil, []data.FieldError{problem("", CSVNeedsTitle)}
	}
	for _, c := range columns {
		v, ok := cell(c.name)
		if !ok || c.set == nil {
			continue
		}
		switch c.name {
		case "lang", "country", "visibility":
			// An empty cell keeps the practice's value, or takes the installation's default.
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
		}
		c.set(p, v)
	}
	if old == nil {
		if p.Lang == "" {
			p.Lang = d.lang
		}
		if p.Country == "" {
			p.Country = d.country
		}
		if p.Visibility == "" {
			p.Visibility = data.Draft
		}
	}
	p.Lang, p.Country, p.Visibility = strings.ToLower(p.Lang), strings.ToUpper(p.Country), strings.ToLower(p.Visibility)
	var bad []data.FieldError
	if err := data.CheckPractice(p); err != nil {
		var ve data.ValidationError
		if !errors.As(err, &ve) {
			return nil, []data.FieldError{problem("", CSVUnparsed, err)}
		}
		bad = append(bad, ve...)
	}
	for i, t := range p.Tools {
		r, err := tx.Get(t)
		if tool, ok := r.(*data.Tool); err == nil && ok && !tool.Deleted {
			continue
		}
		if id, ok := d.toolNames[strings.ToLower(t)]; ok {
			p.Tools[i] = id
			continue
		}
		bad = append(bad, problem("tools", CSVUnknownTool, t))
	}
	if len(bad) > 0 {
		return nil, bad
	}
	p.Tools = data.CleanList(p.Tools)
	if old != nil {
		if sameContent(old, p) {
			return nil, nil
		}
		if old.Org != me.Org {
			return nil, []data.FieldError{problem("", CSVNotYours, old.ID, old.Org)}
		}
		p.Sig = ""
		p.Version, p.Claim = old.Version, old.Claim
		p.Updated = data.Now()
		if !p.Updated.After(old.Updated) {
			p.Updated = old.Updated.Add(time.Millisecond) // every change is newer than the last one
		}
	} else {
		p.ID, p.Claim = data.NewRecordID(me.Org)
		p.Org, p.Author = me.Org, me.User
		p.Created = data.Now()
		p.Updated = p.Created
	}
	p.Type, p.Deleted = data.TypePractice, false
	return p, nil
}

// sameContent reports whether p says what old says.
func sameContent(old, p *data.Practice) bool {
	a, b := *old, *p
	a.Tags, a.Tools = data.CleanList(a.Tags), data.CleanList(a.Tools)
	b.Meta.Updated, b.Meta.Sig = a.Meta.Updated, a.Meta.Sig
	ea, err1 := data.Encode(&a)
	eb, err2 := data.Encode(&b)
	return err1 == nil && err2 == nil && bytes.Equal(ea, eb)
}
