package data

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// DefaultDir is the data directory used when the user names none (no --data):
// $VADEMECUM_DATA if set, else %APPDATA%\Vademecum on Windows (the roaming
// profile, which follows the user between an office's computers), else
// $XDG_DATA_HOME/vademecum or ~/.local/share/vademecum.
func DefaultDir() string {
	return defaultDir(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

func defaultDir(goos string, getenv func(string) string, home func() (string, error)) string {
	if d := getenv("VADEMECUM_DATA"); d != "" {
		return d
	}
	if goos == "windows" {
		if d := getenv("APPDATA"); d != "" {
			return joinFor(goos, d, "Vademecum")
		}
		if h, err := home(); err == nil {
			return joinFor(goos, h, "AppData", "Roaming", "Vademecum")
		}
		return "Vademecum"
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "vademecum")
	}
	if h, err := home(); err == nil {
		return filepath.Join(h, ".local", "share", "vademecum")
	}
	return "vademecum-data"
}

// joinFor joins path elements with the separator of goos, so that the
// Windows rule can be tested on any system.
func joinFor(goos string, elem ...string) string {
	if goos != "windows" || runtime.GOOS == "windows" {
		return filepath.Join(elem...)
	}
	return strings.Join(elem, `\`)
}
