package sync

// GitHTTPHandler serves the bare repositories under root through the real git
// http-backend, for the external tests (package sync_test).
var GitHTTPHandler = gitHTTPHandler

// ReadAheadMin is the smallest round read ahead (and its signatures verified
// ahead), for the external tests of large rounds.
const ReadAheadMin = readAheadMin
