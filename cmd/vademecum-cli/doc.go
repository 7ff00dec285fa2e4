// Command vademecum-cli is the headless Vademecum: the same local store, toolkit and
// sync as the desktop app, for coordinators, scripts, cron jobs and tests. It is pure
// Go (it builds with CGO_ENABLED=0). Its commands, flags and JSON fields are a public
// contract (DESIGN.md, "CLI contract"): add to them, never rename.
package main
