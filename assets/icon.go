package assets

import _ "embed"

// Icon is the application icon (512x512 PNG), drawn by genicon.go.
//
//go:embed icon.png
var Icon []byte
