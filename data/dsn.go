package data

import "strings"

// fileURI is path as SQLite reads it after "file:": '%', '?' and '#' would
// otherwise start an escape, the parameters or a fragment, and a data
// directory such as "Anna #2" would open another file.
func fileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// ReadOnlyDSN is the data source name that opens the database file at path
// for reading only (checks, the doctor), never creating it.
func ReadOnlyDSN(path string) string {
	return fileURI(path) + "?mode=ro&_pragma=busy_timeout(5000)"
}
