package app

import (
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"vademecum/assets"
)

// Language is an interface language, named in itself so that anyone finds theirs.
type Language struct {
	Code string // ISO 639-1
	Name string // "Italiano"
}

// Languages are the interface languages, also offered as languages of practices.
var Languages = []Language{
	{"en", "English"},
	{"it", "Italiano"},
	{"es", "Español"},
	{"pl", "Polski"},
	{"cs", "Čeština"},
	{"fr", "Français"},
}

func supportedLanguage(code string) bool {
	for _, l := range Languages {
		if l.Code == code {
			return true
		}
	}
	return false
}

// languageName returns the endonym of code ("Čeština"), or the code itself.
func languageName(code string) string {
	for _, l := range Languages {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// localeVars are the variables go-locale (Fyne's locale reader) looks at, in order.
var localeVars = []string{"LC_ALL", "LC_MESSAGES", "LANG"}

// UseLanguage makes code the interface language. Fyne's localizer follows the
// environment and re-reads it whenever translations are added, so the language is
// set in LANGUAGE and the translations are added again. A C or POSIX locale makes
// go-locale ignore LANGUAGE, so it is widened to C.UTF-8 (the same, with UTF-8).
func UseLanguage(code string) error {
	if !supportedLanguage(code) {
		code = "en"
	}
	for _, v := range localeVars {
		if val := os.Getenv(v); val != "" {
			if val == "C" || val == "POSIX" {
				os.Setenv(v, "C.UTF-8")
			}
			break
		}
	}
	os.Setenv("LANGUAGE", code)
	return lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir)
}

// SystemLanguage returns the interface language closest to the system's locale
// settings (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), or English when none matches or
// the locale is C, POSIX or unknown.
func SystemLanguage() string {
	var candidates []string
	for _, v := range localeVars {
		if val := os.Getenv(v); val != "" {
			if val == "C" || val == "POSIX" {
				return "en"
			}
			if l := os.Getenv("LANGUAGE"); l != "" {
				candidates = strings.Split(l, ":")
			}
			candidates = append(candidates, val)
			break
		}
	}
	for _, c := range candidates {
		c, _, _ = strings.Cut(c, ".")
		c, _, _ = strings.Cut(c, "@")
		c, _, _ = strings.Cut(strings.ReplaceAll(c, "-", "_"), "_")
		c = strings.ToLower(c)
		if supportedLanguage(c) {
			return c
		}
	}
	return "en"
}

// plural returns the translation of key for count, with {{.Count}} in the texts:
// one is the English singular, other the English plural.
func plural(key, one, other string, count int) string {
	fallback := other
	if count == 1 {
		fallback = one
	}
	return lang.XN(key, fallback, count, map[string]any{"Count": count})
}

// formatDate writes a date as people of the interface language expect.
func formatDate(t time.Time, code string) string {
	if t.IsZero() {
		return ""
	}
	t = t.Local()
	switch code {
	case "it", "es", "fr":
		return t.Format("02/01/2006")
	case "pl":
		return t.Format("02.01.2006")
	case "cs":
		return t.Format("2. 1. 2006")
	}
	return t.Format("2 Jan 2006")
}

// formatDateTime writes a date with the time of day.
func formatDateTime(t time.Time, code string) string {
	if t.IsZero() {
		return ""
	}
	return formatDate(t, code) + " " + t.Local().Format("15:04")
}

// collator sorts names the way the interface language does (Č after C in Czech).
func collator(code string) *collate.Collator {
	return collate.New(language.Make(code), collate.IgnoreCase)
}

// countryName names a country in the interface language; countries outside the
// partnership are shown by their code.
func countryName(code string) string {
	switch code {
	case "IT":
		return lang.X("country.it", "Italy")
	case "ES":
		return lang.X("country.es", "Spain")
	case "PL":
		return lang.X("country.pl", "Poland")
	case "CZ":
		return lang.X("country.cz", "Czechia")
	case "BE":
		return lang.X("country.be", "Belgium")
	case "FR":
		return lang.X("country.fr", "France")
	}
	return code
}

// partnerCountries are offered first wherever a country is chosen.
var partnerCountries = []string{"IT", "ES", "PL", "CZ", "BE", "FR"}
