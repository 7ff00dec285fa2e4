package export

import (
	"errors"
	"strings"

	"vademecum/data"
	"vademecum/internal/reason"
)

// What can be wrong with a CSV file or one of its rows, in RowError's
// problems (data.FieldError.Code): front ends word it from the catalogue
// (internal/words.ImportProblem); the English is RowError.Msg.
const (
	CSVTooLarge      = "csv_too_large"       // MB
	CSVNotUTF8       = "csv_not_utf8"        //
	CSVEmpty         = "csv_empty"           //
	CSVHeaderUnread  = "csv_header_unread"   // Problem
	CSVNoColumnName  = "csv_no_column_name"  // Column
	CSVUnknownColumn = "csv_unknown_column"  // Column, Columns
	CSVColumnTwice   = "csv_column_twice"    // Column
	CSVNoTitleColumn = "csv_no_title_column" //
	CSVCells         = "csv_cells"           // Cells, Columns
	CSVBareQuote     = "csv_bare_quote"      //
	CSVOpenQuote     = "csv_open_quote"      //
	CSVUnparsed      = "csv_unparsed"        // Error
	CSVIDTwice       = "csv_id_twice"        // ID, Line
	CSVNoSuchID      = "csv_no_such_id"      // ID
	CSVCannotRead    = "csv_cannot_read"     // ID, Error
	CSVNotPractice   = "csv_not_practice"    // ID, Type
	CSVDeleted       = "csv_deleted"         // ID
	CSVNeedsTitle    = "csv_needs_title"     //
	CSVUnknownTool   = "csv_unknown_tool"    // Tool
	CSVNotYours      = "csv_not_yours"       // ID, Org
)

var problems = reason.NewSet(map[string]reason.Format{
	CSVTooLarge:      reason.F("the CSV file is larger than %d MB: split it into smaller files", "MB"),
	CSVNotUTF8:       reason.F("the CSV file is not UTF-8 text: in your spreadsheet, save it as \"CSV UTF-8\" (or choose the UTF-8 character set) and try again"),
	CSVEmpty:         reason.F("the CSV file is empty: it needs a header row naming the columns, such as title,summary,tags"),
	CSVHeaderUnread:  reason.F("the header row cannot be read: %s", "Problem"),
	CSVNoColumnName:  reason.F("column %d has no name in the header", "Column"),
	CSVUnknownColumn: reason.F("the header names a column %q, which is not a practice field (the columns are %s)", "Column", "Columns"),
	CSVColumnTwice:   reason.F("the header names the column %q twice", "Column"),
	CSVNoTitleColumn: reason.F("the header has no title column (and no id column to update practices by)"),
	CSVCells:         reason.F("has %d cells but the header has %d columns (a missing or extra separator, or a quote not closed?)", "Cells", "Columns"),
	CSVBareQuote:     reason.F(`has a " inside a cell that does not start with one (put the cell in quotes and write the inner quote twice: "")`),
	CSVOpenQuote:     reason.F(`has a quoted cell whose closing " is missing or followed by other text`),
	CSVUnparsed:      reason.F("%v", "Error"),
	CSVIDTwice:       reason.F("the id %s is already on line %d", "ID", "Line"),
	CSVNoSuchID:      reason.F("no practice has the id %s here (leave the id empty to add the row as a new practice)", "ID"),
	CSVCannotRead:    reason.F("the practice %s cannot be read here: %v", "ID", "Error"),
	CSVNotPractice:   reason.F("%s is a %s, not a practice", "ID", "Type"),
	CSVDeleted:       reason.F("the practice %s was deleted here (leave the id empty to add it again)", "ID"),
	CSVNeedsTitle:    reason.F("has no id, and the file has no title column: a new practice needs a title"),
	CSVUnknownTool:   reason.F("no tool has the id or name %q", "Tool"),
	CSVNotYours:      reason.F("the practice %s belongs to %s: only they can change it (a comment can be added instead)", "ID", "Org"),
})

// problem is what is wrong with a row (field "" for the whole row), as a code
// with its values.
func problem(field, code string, args ...any) data.FieldError {
	return data.FieldProblem(field, problems.Error(code, args...))
}

// rowError is one row with what is wrong with it.
func rowError(line int, ps ...data.FieldError) RowError {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Msg
		if p.Field != "" {
			parts[i] = p.Field + ": " + p.Msg // as data.ValidationError words it
		}
	}
	return RowError{Line: line, Msg: strings.Join(parts, "; "), Problems: ps}
}

// FileProblem is the problem with a whole CSV file that ImportCSV returned
// (too large, not UTF-8, empty) as a code with its values, for front ends to
// word; ok is false for any other error.
func FileProblem(err error) (p data.FieldError, ok bool) {
	var e *reason.Error
	if !errors.As(err, &e) || !strings.HasPrefix(e.Code, "csv_") {
		return data.FieldError{}, false
	}
	return data.FieldProblem("", e), true
}
