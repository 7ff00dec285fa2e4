package app

import (
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2/lang"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/internal/words"
)

// Language is an interface language, named in itself so that anyone finds theirs.
type Language struct {
	Code string // ISO 639-1
	Name string // "Italiano"
}

// Languages are the interface languages, also offered as languages of practices.
var Languages = func() []Language {
	var out []Language
	for _, c := range data.Languages {
		out = append(out, Language{c, data.LanguageName(c)})
	}
	return out
}()

func supportedLanguage(code string) bool { return words.Supported(code) }

// languageName returns the endonym of code ("Čeština"), or the code itself.
func languageName(code string) string { return data.LanguageName(code) }

// localeVars are the variables go-locale (Fyne's locale reader) looks at, in order.
var localeVars = words.LocaleVars

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
	current.Store(code)
	langMu.Lock()
	defer langMu.Unlock()
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		return err
	}
	return pinLanguage(code) // locale_windows.go: Fyne reads the language from Windows, not LANGUAGE
}

// langMu keeps Fyne's catalogue from being read while UseLanguage loads it
// again: results of background work (onUI, onUIWait) read it under RLock. The
// real driver runs both on its one goroutine; the test driver does not.
var langMu sync.RWMutex

// current is the interface language, for the formatting of numbers in texts
// that may be built off the UI goroutine.
var current atomic.Value

// currentLanguage is the language UseLanguage set last ("en" before).
func currentLanguage() string {
	if c, ok := current.Load().(string); ok {
		return c
	}
	return "en"
}

var printers sync.Map // language code → *message.Printer

func printer(code string) *message.Printer {
	if p, ok := printers.Load(code); ok {
		return p.(*message.Printer)
	}
	p, _ := printers.LoadOrStore(code, message.NewPrinter(language.Make(code)))
	return p.(*message.Printer)
}

// formatNumber writes a whole number as the interface language does: 1,234 in
// English, 1.234 in Italian and Spanish, 1 234 in Polish, Czech and French.
func formatNumber(n int) string {
	return printer(currentLanguage()).Sprintf("%d", n)
}

// formatPercent writes a fraction (0.5) as a percentage in the interface language.
func formatPercent(v float64) string {
	return printer(currentLanguage()).Sprint(number.Percent(v))
}

// SystemLanguage returns the interface language closest to the system's locale
// settings (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; on Windows the user's locale),
// or English when none matches or the locale is C, POSIX or unknown.
func SystemLanguage() string { return words.FromLocales(systemLocales()) }

// plural returns the translation of key for count, with {{.Count}} in the texts
// (written as the interface language writes numbers) and any other template data
// in more: one is the English singular, other the English plural.
func plural(key, one, other string, count int, more ...map[string]any) string {
	fallback := other
	if count == 1 {
		fallback = one
	}
	d := map[string]any{"Count": formatNumber(count)}
	for _, m := range more {
		for k, v := range m {
			d[k] = v
		}
	}
	return lang.XN(key, fallback, count, d)
}

// formatDate writes a date as people of the interface language expect (the
// CLDR medium form): 26 Nov 2026, 26/11/2026 (it, es, fr), 26.11.2026 (pl),
// 26. 11. 2026 (cs).
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

// formatTime writes the time of day; all six languages use the 24-hour clock.
func formatTime(t time.Time, seconds bool) string {
	if seconds {
		return t.Local().Format("15:04:05")
	}
	return t.Local().Format("15:04")
}

// formatDateTime writes a date with the time of day.
func formatDateTime(t time.Time, code string) string {
	if t.IsZero() {
		return ""
	}
	return formatDate(t, code) + " " + formatTime(t, false)
}

// collator sorts names the way the interface language does (Č after C in Czech).
// A collator is not safe for concurrent use: make one per sort.
func collator(code string) *collate.Collator {
	return collate.New(language.Make(code), collate.IgnoreCase)
}

// sortByName sorts items by the names name gives them, in the order of the
// language code (Ł after L in Polish, Ch after H in Czech); equal names keep
// their order.
func sortByName[T any](code string, items []T, name func(T) string) {
	col := collator(code)
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = name(it)
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return col.CompareString(keys[idx[a]], keys[idx[b]]) < 0 })
	sorted := make([]T, len(items))
	for i, j := range idx {
		sorted[i] = items[j]
	}
	copy(items, sorted)
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

// sortedCountries are the partner countries by their names in the language code.
func sortedCountries(code string) []string {
	cs := append([]string{}, partnerCountries...)
	sortByName(code, cs, countryName)
	return cs
}

// cityName names a partner's city in the interface language (Roma, Praga);
// other cities keep their own name.
func cityName(city string) string {
	switch city {
	case "Bologna":
		return lang.X("city.bologna", "Bologna")
	case "Brussels":
		return lang.X("city.brussels", "Brussels")
	case "Łódź":
		return lang.X("city.lodz", "Łódź")
	case "Prague":
		return lang.X("city.prague", "Prague")
	case "Rome":
		return lang.X("city.rome", "Rome")
	case "Santander":
		return lang.X("city.santander", "Santander")
	case "Warsaw":
		return lang.X("city.warsaw", "Warsaw")
	}
	return city
}

// fyneTexts are the texts of Fyne's own menus and dialogs (the Quit item, Yes and
// No, the file and folder chooser), under Fyne's keys. They are listed here so
// that the catalogue carries them: Fyne has no Italian, and a catalogue file
// loaded after Fyne's own overrides its texts (its Polish "Wyjdz" lacks the ogonek).
func fyneTexts() []string {
	return []string{
		lang.X("Advanced", "Advanced"),
		lang.X("Cancel", "Cancel"),
		lang.X("Confirm", "Confirm"),
		lang.X("Copy", "Copy"),
		lang.X("Create Folder", "Create Folder"),
		lang.X("Cut", "Cut"),
		lang.X("Enter filename", "Enter filename"),
		lang.X("Error", "Error"),
		lang.X("Favourites", "Favourites"),
		lang.X("File", "File"),
		lang.X("Folder", "Folder"),
		lang.X("New Folder", "New Folder"),
		lang.X("No", "No"),
		lang.X("OK", "OK"),
		lang.X("Open", "Open"),
		lang.X("Paste", "Paste"),
		lang.X("Quit", "Quit"),
		lang.X("Redo", "Redo"),
		lang.X("Save", "Save"),
		lang.X("Select all", "Select all"),
		lang.X("Show Hidden Files", "Show Hidden Files"),
		lang.X("Undo", "Undo"),
		lang.X("Yes", "Yes"),
		lang.X("file.name", "Name"),
		lang.X("file.parent", "Parent"),
	}
}
