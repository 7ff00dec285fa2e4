package assets

import "embed"

// Translations holds the interface translations, one go-i18n JSON file per
// language (i18n/en.json, i18n/it.json, ...), loaded with lang.AddTranslationsFS.
//
//go:embed i18n/*.json
var Translations embed.FS

// TranslationsDir is the folder inside Translations that holds the files.
const TranslationsDir = "i18n"
