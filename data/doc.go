// Package data owns the local store: the SQLite database that holds every record of
// the toolkit and the practices journal, its embedded and versioned schema, the record
// types of DESIGN.md, and full-text search. Everything a user saves is durable here
// first; sync and the UI are layers above it.
package data
