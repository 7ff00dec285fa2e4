//go:build windows

package sync

import "os"

// credentialsBaseDir is %LOCALAPPDATA%: %APPDATA% holds the data directory
// (%APPDATA%\Vademecum, the same folder as %APPDATA%\vademecum on Windows'
// case-blind file systems), and a token must never be inside it. Tokens go to
// the Credential Manager first; this file is only the fallback.
func credentialsBaseDir() (string, error) { return os.UserCacheDir() }
