// Package engine wires the sync engine (package sync) to the desktop app: its
// Engine is the app.Engine the screens talk to, and Rebuild is the app's
// Rebuilder. It is the one package that imports both app and sync, so that the
// app builds, and is tested, without the engine; cmd/vademecum uses it.
package engine
