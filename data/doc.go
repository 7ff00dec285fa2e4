// Package data owns the local store: the SQLite database that holds every record of
// the toolkit and the practices journal, its embedded and versioned schema, the record
// types of DESIGN.md, and full-text search. Everything a user saves is durable here
// first; sync and the UI are layers above it.
//
// It also holds the rules of the living toolkit (issue 23), which are about
// records and so apply wherever they come from: usage marks (usage.go),
// proposals and reviews (proposals.go), the editor list as a log of signed
// changes (editors.go) and how accepted entries join the toolkit between the
// shipped one and the user's own edits (networkkit.go).
package data
