//go:build !windows

package app

import (
	"os"
	"strings"
)

// systemLocales are the user's locales, most wanted first, as the environment
// gives them (go-locale, Fyne's reader, looks at the same): LANGUAGE's list
// when a locale is set, then the first of LC_ALL, LC_MESSAGES and LANG. None for
// C and POSIX.
func systemLocales() []string {
	for _, v := range localeVars {
		if val := os.Getenv(v); val != "" {
			if val == "C" || val == "POSIX" {
				return nil
			}
			var out []string
			if l := os.Getenv("LANGUAGE"); l != "" {
				out = strings.Split(l, ":")
			}
			return append(out, val)
		}
	}
	return nil
}

// pinLanguage has nothing to do here: Fyne follows LANGUAGE, set by UseLanguage.
func pinLanguage(string) error { return nil }
