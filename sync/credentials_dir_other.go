//go:build !windows

package sync

import "os"

// credentialsBaseDir is the user's config directory ($XDG_CONFIG_HOME or
// ~/.config on Linux), apart from the data directory.
func credentialsBaseDir() (string, error) { return os.UserConfigDir() }
