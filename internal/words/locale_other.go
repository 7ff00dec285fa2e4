//go:build !windows

package words

import (
	"os"
	"strings"
)

// LocaleVars are the variables that name the user's locale, in the order
// go-locale (Fyne's reader) looks at them.
var LocaleVars = []string{"LC_ALL", "LC_MESSAGES", "LANG"}

// SystemLocales are the user's locales, most wanted first, as the environment
// gives them: LANGUAGE's list when a locale is set, then the first of LC_ALL,
// LC_MESSAGES and LANG. None for C and POSIX.
func SystemLocales() []string {
	for _, v := range LocaleVars {
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
