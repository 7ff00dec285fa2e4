package sync

// GitHTTPHandler serves the bare repositories under root through the real git
// http-backend, for the external tests (package sync_test).
var GitHTTPHandler = gitHTTPHandler
