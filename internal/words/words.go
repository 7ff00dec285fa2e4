package words

import (
	"encoding/json"
	"os"
	"strings"
	"sync"
	"text/template"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"vademecum/assets"
	"vademecum/data"
)

// Codes are the interface languages (ISO 639-1), English first.
var Codes = data.Languages

// Supported reports whether code is an interface language.
func Supported(code string) bool {
	for _, c := range Codes {
		if c == code {
			return true
		}
	}
	return false
}

// FromLocales returns the interface language of the first locale
// ("it_IT.UTF-8", "pl-PL", "cs") that names one, or English.
func FromLocales(locales []string) string {
	for _, c := range locales {
		c, _, _ = strings.Cut(c, ".")
		c, _, _ = strings.Cut(c, "@")
		c, _, _ = strings.Cut(strings.ReplaceAll(c, "-", "_"), "_")
		c = strings.ToLower(c)
		if Supported(c) {
			return c
		}
	}
	return "en"
}

// System returns the interface language closest to the system's locale
// settings (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; on Windows the user's locale),
// or English when none matches or the locale is C, POSIX or unknown.
func System() string { return FromLocales(SystemLocales()) }

var (
	loadOnce sync.Once
	bundle   *i18n.Bundle
	loadErr  error
)

// load reads every catalogue file once.
func load() (*i18n.Bundle, error) {
	loadOnce.Do(func() {
		bundle = i18n.NewBundle(language.English)
		bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
		for _, c := range Codes {
			b, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + c + ".json")
			if err == nil {
				_, err = bundle.ParseMessageFileBytes(b, c+".json")
			}
			if err != nil && loadErr == nil {
				loadErr = err
			}
		}
	})
	return bundle, loadErr
}

// Words writes texts in one interface language.
type Words struct {
	code string
	loc  *i18n.Localizer
	num  *message.Printer
}

// In returns the texts of the language code (English when it is not an
// interface language).
func In(code string) *Words {
	if !Supported(code) {
		code = "en"
	}
	w := &Words{code: code, num: message.NewPrinter(language.Make(code))}
	if b, err := load(); err == nil {
		w.loc = i18n.NewLocalizer(b, code)
	}
	return w
}

// Lang is the language code of w.
func (w *Words) Lang() string { return w.code }

// Args are the values of a text's template variables ({{.Name}}).
type Args = map[string]any

// X returns the text of key, English in the source: the catalogue's
// translation, or english when the catalogue lacks it; args fill its
// {{.Variables}}.
func (w *Words) X(key, english string, args ...Args) string {
	return w.localize(key, english, english, 0, false, args)
}

// N returns the text of key for count, with {{.Count}} written as the language
// writes numbers: one is the English singular, other the English plural.
func (w *Words) N(key, one, other string, count int, args ...Args) string {
	d := Args{"Count": w.Number(count)}
	for _, a := range args {
		for k, v := range a {
			d[k] = v
		}
	}
	return w.localize(key, one, other, count, true, []Args{d})
}

func (w *Words) localize(key, one, other string, count int, plural bool, args []Args) string {
	var d Args
	if len(args) > 0 {
		d = args[0]
	}
	msg := &i18n.Message{ID: key, One: one, Other: other}
	if w.loc != nil {
		cfg := &i18n.LocalizeConfig{DefaultMessage: msg, TemplateData: d}
		if plural {
			cfg.PluralCount = count
		}
		if s, err := w.loc.Localize(cfg); err == nil {
			return s
		}
	}
	// No catalogue: the English text, filled in.
	en := other
	if plural && count == 1 {
		en = one
	}
	t, err := template.New(key).Parse(en)
	if err != nil {
		return en
	}
	var b strings.Builder
	if t.Execute(&b, d) != nil {
		return en
	}
	return b.String()
}

// Number writes a whole number as the language does: 1,234 in English, 1.234
// in Italian and Spanish, 1 234 in Polish, Czech and French.
func (w *Words) Number(n int) string { return w.num.Sprintf("%d", n) }

// Forced is the interface language LC_ALL asks for, which overrides every
// other choice, the installation's too (POSIX: LC_ALL=C gives a script
// English whatever the installation speaks); ok is false when LC_ALL is unset.
func Forced() (code string, ok bool) {
	v := os.Getenv("LC_ALL")
	if v == "" {
		return "", false
	}
	if v == "C" || v == "POSIX" {
		return "en", true
	}
	return FromLocales([]string{v}), true
}
