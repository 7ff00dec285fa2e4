//go:build windows

package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"vademecum/assets"
)

// systemLocales is the user's locale as Windows keeps it (Settings > Time &
// language), e.g. "it-IT": Windows programs have no LANG, and Fyne reads the
// same setting.
func systemLocales() []string {
	return []string{lang.SystemLocale().String()}
}

// pinLanguage makes Fyne show code although Windows says otherwise: Fyne
// chooses its catalogue by the Windows locale alone, so the catalogue of code is
// loaded again under the Windows locale's own name, which Fyne then picks.
func pinLanguage(code string) error {
	b, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + code + ".json")
	if err != nil {
		return err
	}
	return lang.AddTranslationsForLocale(b, fyne.Locale(lang.SystemLocale().String()))
}
