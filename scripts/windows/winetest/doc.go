// Package winetest drives the Windows build of Vademecum under wine, as a
// Windows user would: the CLI round trip, syncs through a folder hub on drive
// E: and through git http-backend on 127.0.0.1, tokens in the Credential
// Manager, exports, the app's window and the installer. Its tests are built
// only with -tags wine, by scripts/windows/test (make test-windows), which
// prepares the wine prefix and the binaries.
package winetest
