package assets

import (
	"embed"
	"encoding/json"
	"strings"
	"sync"
	"text/template"
)

// Translations holds the interface translations, one go-i18n JSON file per
// language (i18n/en.json, i18n/it.json, ...), loaded with lang.AddTranslationsFS.
//
//go:embed i18n/*.json
var Translations embed.FS

// TranslationsDir is the folder inside Translations that holds the files.
const TranslationsDir = "i18n"

var (
	catalogueMu sync.Mutex
	catalogues  = map[string]map[string]any{}
)

// Translate returns the interface text key in language code, as the app shows
// it (English when code lacks it), with {{.Name}} filled from vars; for a text
// with plural forms, the "other" form. It serves front ends without Fyne's
// localizer, such as the CLI.
func Translate(code, key string, vars map[string]any) string {
	text := func(code string) string {
		catalogueMu.Lock()
		defer catalogueMu.Unlock()
		m, ok := catalogues[code]
		if !ok {
			b, err := Translations.ReadFile(TranslationsDir + "/" + code + ".json")
			if err == nil {
				json.Unmarshal(b, &m)
			}
			catalogues[code] = m
		}
		switch v := m[key].(type) {
		case string:
			return v
		case map[string]any:
			s, _ := v["other"].(string)
			return s
		}
		return ""
	}
	s := text(code)
	if s == "" {
		s = text("en")
	}
	if s == "" {
		return key
	}
	t, err := template.New(key).Option("missingkey=zero").Parse(s)
	if err != nil {
		return s
	}
	var b strings.Builder
	if err := t.Execute(&b, vars); err != nil {
		return s
	}
	return b.String()
}
