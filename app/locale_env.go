//go:build !windows

package app

import "vademecum/internal/words"

// systemLocales are the user's locales, most wanted first, as the environment
// gives them (the command line reads the same: see internal/words).
func systemLocales() []string { return words.SystemLocales() }

// pinLanguage has nothing to do here: Fyne follows LANGUAGE, set by UseLanguage.
func pinLanguage(string) error { return nil }
