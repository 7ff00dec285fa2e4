// Package app owns the desktop interface of Vademecum, built with Fyne: the
// first-start form, the toolkit (search, filters, browse by DigComp competence,
// tool and guide details), the practices journal with comments, the practice
// editor with autosaved drafts, the sync screen and the settings.
//
// It reads and writes only through the data store and talks to the sync engine
// only through the Hub interface, so it builds and is tested headless
// (CGO_ENABLED=0, -tags ci, fyne.io/fyne/v2/test). Every user-visible string goes
// through Fyne's lang package; the English texts are in assets/i18n/en.json.
// Work that may take long runs on goroutines and reports back with fyne.Do: the
// window never waits for the network.
//
// cmd/vademecum wires it: New(app, Options{Store, Hub, Kit}).Window().ShowAndRun().
package app
