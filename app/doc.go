// Package app owns the desktop interface of Vademecum, built with Fyne: the
// first-start form, the toolkit (search, filters, browse by DigComp competence,
// tool and guide details), the practices journal with comments, the practice
// editor with autosaved drafts, the sync screen and the settings.
//
// It reads and writes only through the data store and talks to the sync engine
// only through its Engine interface (and a Rebuilder for a damaged database):
// it does not import package sync, and words the sync's errors from their
// kinds in internal/synccode. So it builds and is tested headless
// (CGO_ENABLED=0, -tags ci, fyne.io/fyne/v2/test) with a fake engine;
// cmd/vademecum/engine wires the real one and tests it end to end.
//
// Every user-visible string goes through Fyne's lang package; the English
// texts are in assets/i18n/en.json. Work that may take long runs on
// goroutines and reports back with fyne.Do, as do the engine's changes of
// state during its background syncs (Engine.Run, the one scheduler): the
// window never waits for the network.
//
// cmd/vademecum wires it: New(app, Options{Store, Engine, Kit}).Window().ShowAndRun().
package app
