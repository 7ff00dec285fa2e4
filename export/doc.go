// Package export is a front end beside the app and the CLI (it reads the
// store and the embedded toolkit, so it sits above data, never inside it). It
// takes content out of the store in the forms people use
// elsewhere: a printable A4 booklet (PDF) of the toolkit and guides, a static
// site that works from a USB stick or a phone (HTML), Markdown, canonical JSON
// records, and a CSV of practices for reports. It also brings practices in from
// a spreadsheet (ImportCSV), all rows or none.
//
// Only shared practices leave by default: drafts and organisation-only notes go
// into a CSV for reports only when asked explicitly (Options.AllVisibilities),
// and never into the booklet, the site, Markdown or JSON.
package export
