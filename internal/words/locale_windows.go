//go:build windows

package words

import "github.com/jeandeaual/go-locale"

// LocaleVars are not read on Windows, whose programs have no LANG.
var LocaleVars = []string{"LC_ALL", "LC_MESSAGES", "LANG"}

// SystemLocales is the user's locale as Windows keeps it (Settings > Time &
// language), e.g. "it-IT", read as Fyne reads it.
func SystemLocales() []string {
	l, err := locale.GetLocales()
	if err != nil {
		return nil
	}
	return l
}
