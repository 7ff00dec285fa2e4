package words

import (
	"strings"

	"vademecum/data"
	"vademecum/export"
)

// ImportProblems words what is wrong with one row of a CSV file, for the
// person who filled in the spreadsheet: each problem in turn, a column's
// named first.
func (w *Words) ImportProblems(ps []data.FieldError) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = w.importProblem(p)
		if p.Field != "" {
			parts[i] = w.X("import.problem.column", "{{.Column}}: {{.Problem}}", Args{"Column": p.Field, "Problem": parts[i]})
		}
	}
	return strings.Join(parts, "; ")
}

func (w *Words) importProblem(p data.FieldError) string {
	a := printableValues(p.Values)
	switch p.Code {
	case export.CSVTooLarge:
		return w.X("import.problem.too_large", "The file is larger than {{.MB}} MB: split it into smaller files.", a)
	case export.CSVNotUTF8:
		return w.X("import.problem.not_utf8", "The file is not UTF-8 text: in your spreadsheet, save it as \"CSV UTF-8\" (or choose the UTF-8 character set) and try again.")
	case export.CSVEmpty:
		return w.X("import.problem.empty", "The file is empty: it needs a header row naming the columns, such as title,summary,tags.")
	case export.CSVHeaderUnread:
		return w.X("import.problem.header_unread", "The header row cannot be read ({{.Problem}}).", a)
	case export.CSVNoColumnName:
		return w.X("import.problem.no_column_name", "Column {{.Column}} has no name in the header.", a)
	case export.CSVUnknownColumn:
		return w.X("import.problem.unknown_column", "The header names a column \"{{.Column}}\", which is not a field of a practice (the columns are {{.Columns}}).", a)
	case export.CSVColumnTwice:
		return w.X("import.problem.column_twice", "The header names the column \"{{.Column}}\" twice.", a)
	case export.CSVNoTitleColumn:
		return w.X("import.problem.no_title_column", "The header has no title column (and no id column to update practices by).")
	case export.CSVCells:
		return w.X("import.problem.cells", "This row has {{.Cells}} cells but the header has {{.Columns}} columns (a missing or extra separator, or a quote not closed?).", a)
	case export.CSVBareQuote:
		return w.X("import.problem.bare_quote", "A cell has a \" inside but does not start with one: put the cell in quotes and write the inner quote twice (\"\").")
	case export.CSVOpenQuote:
		return w.X("import.problem.open_quote", "A cell in quotes has no closing quote, or other text after it.")
	case export.CSVIDTwice:
		return w.X("import.problem.id_twice", "The id {{.ID}} is already on line {{.Line}}.", a)
	case export.CSVNoSuchID:
		return w.X("import.problem.no_such_id", "No practice has the id {{.ID}} here: leave the id empty to add the row as a new practice.", a)
	case export.CSVCannotRead:
		return w.X("import.problem.cannot_read", "The practice {{.ID}} cannot be read on this computer ({{.Error}}).", a)
	case export.CSVUnparsed:
		return w.X("import.problem.unparsed", "This row cannot be read ({{.Error}}).", a)
	case export.CSVNotPractice:
		return w.X("import.problem.not_practice", "{{.ID}} is not a practice.", a)
	case export.CSVDeleted:
		return w.X("import.problem.deleted", "The practice {{.ID}} was deleted here: leave the id empty to add it again.", a)
	case export.CSVNeedsTitle:
		return w.X("import.problem.needs_title", "This row has no id, and the file has no title column: a new practice needs a title.")
	case export.CSVUnknownTool:
		return w.X("import.problem.unknown_tool", "No tool has the id or name \"{{.Tool}}\": check the name in the toolkit.", a)
	case export.CSVNotYours:
		return w.X("import.problem.not_yours", "The practice {{.ID}} belongs to {{.Org}}: only they can change it (you can add a comment instead).", a)
	case data.ProblemRequired:
		return w.X("import.problem.required", "This must be filled in.")
	case data.ProblemTooLong:
		return w.X("import.problem.too_long", "The text is too long ({{.Size}} KB, at most {{.Max}} KB).", a)
	case data.ProblemTooMany:
		return w.X("import.problem.too_many", "There are more than {{.Max}} entries.", a)
	case data.ProblemNotText:
		return w.X("import.problem.not_text", "The cell holds characters that are not text.")
	case data.ProblemNotTag:
		return w.X("import.problem.not_tag", "\"{{.Value}}\" is not a tag: a tag has letters, digits, spaces and dashes, up to 60 characters.", a)
	case data.ProblemNotToolID:
		return w.X("import.problem.not_tool", "\"{{.Value}}\" is not a tool of the toolkit.", a)
	case data.ProblemUnknownTool:
		return w.X("import.problem.no_tool", "No tool of the toolkit has the id \"{{.ID}}\".", a)
	case data.ProblemLang:
		return w.X("import.problem.lang", "The language must be one of en, it, es, pl, cs, fr.")
	case data.ProblemCountry:
		return w.X("import.problem.country", "The country must be a two-letter code such as IT, ES, PL, CZ, BE.")
	case data.ProblemVisibility:
		return w.X("import.problem.visibility", "Who can read it must be draft, org or shared.")
	case data.ProblemPersonal:
		return w.X("import.problem.personal", "This may contain personal data ({{.Kind}} \"{{.Text}}\"): replace it with {{.Placeholder}}, or mark it as not personal in the app, before sharing.", a)
	}
	// A problem a practice cannot have (a toolkit entry's: toolkitProblems):
	// its English, as a technical detail.
	return w.X("import.problem.other", "{{.Detail}}", Args{"Detail": data.Printable(p.Msg)})
}

// toolkitProblems are the problems only a toolkit entry or an organisation
// can have, never a row of a CSV file of practices: they keep their English.
var toolkitProblems = []string{data.ProblemNotLangCode, data.ProblemNotCountryCode, data.ProblemNotCompetence, data.ProblemOrgID,
	data.ProblemNeedsEnglish, data.ProblemVariant, data.ProblemOffline, data.ProblemLevel, data.ProblemWebsite, data.ProblemVerified, data.ProblemRetired}

// fileProblems are the problems of a practice's attached files, which a row
// of a CSV file never has (it carries no files): the app (plainMessage) and
// the CLI (fieldProblem) word them, the one in the file's text by name.
var fileProblems = []string{data.ProblemAttachmentName, data.ProblemAttachmentTwice, data.ProblemAttachmentHash,
	data.ProblemAttachmentSize, data.ProblemAttachmentKind, data.ProblemPersonalInFile}
