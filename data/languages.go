package data

// Languages are Vademecum's languages, English first (ISO 639-1): of its
// interface, of every toolkit text, of exports. The one list: every other
// package takes it from here.
var Languages = []string{"en", "it", "es", "pl", "cs", "fr"}

// languageNames are the languages named in themselves, so that anyone finds
// theirs.
var languageNames = map[string]string{
	"en": "English", "it": "Italiano", "es": "Español", "pl": "Polski", "cs": "Čeština", "fr": "Français",
}

// LanguageName is the name of the language code in itself ("Čeština"), or
// the code when it is not one of Languages.
func LanguageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}
