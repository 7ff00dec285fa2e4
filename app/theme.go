package app

import (
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Settings of the interface kept in the store beside data.SettingUILang.
const (
	SettingTheme    = "ui_theme"     // ThemeLight | ThemeDark | ThemeSystem
	SettingTextSize = "ui_text_size" // a percentage: 100, 115, 130
)

// Theme choices.
const (
	ThemeLight  = "light"
	ThemeDark   = "dark"
	ThemeSystem = "system"
)

// textSizes are the text sizes offered, as percentages of Fyne's default.
var textSizes = []int{100, 115, 130}

// appTheme is Fyne's default theme with a calm teal accent, a fixed or
// system-following variant, and larger text for people who need it.
type appTheme struct {
	choice string  // ThemeLight, ThemeDark or ThemeSystem
	scale  float32 // text size factor
}

func newTheme(choice string, textSize int) *appTheme {
	switch choice {
	case ThemeLight, ThemeDark:
	default:
		choice = ThemeSystem
	}
	if textSize < 80 || textSize > 200 {
		textSize = 100
	}
	return &appTheme{choice: choice, scale: float32(textSize) / 100}
}

var (
	tealLight = color.NRGBA{0x1f, 0x6f, 0x6c, 0xff}
	tealDark  = color.NRGBA{0x6c, 0xc0, 0xba, 0xff}
)

func (t *appTheme) variant(v fyne.ThemeVariant) fyne.ThemeVariant {
	switch t.choice {
	case ThemeLight:
		return theme.VariantLight
	case ThemeDark:
		return theme.VariantDark
	}
	return v
}

func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	v = t.variant(v)
	accent := tealLight
	if v == theme.VariantDark {
		accent = tealDark
	}
	switch n {
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		return accent
	case theme.ColorNameForegroundOnPrimary:
		if v == theme.VariantDark {
			return color.NRGBA{0x10, 0x20, 0x20, 0xff}
		}
		return color.White
	case theme.ColorNameFocus:
		// Strong enough to see where the keyboard is on a washed-out screen.
		return color.NRGBA{accent.R, accent.G, accent.B, 0xc0}
	case theme.ColorNameSelection:
		return color.NRGBA{accent.R, accent.G, accent.B, 0x3f}
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t *appTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (t *appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (t *appTheme) Size(n fyne.ThemeSizeName) float32 {
	s := theme.DefaultTheme().Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameCaptionText, theme.SizeNameHeadingText,
		theme.SizeNameSubHeadingText, theme.SizeNameInlineIcon:
		return s * t.scale
	}
	return s
}

// applyTheme reads the theme settings from the store and gives them to Fyne.
func (u *UI) applyTheme() {
	choice, _ := u.store.Setting(SettingTheme)
	size, _ := u.store.Setting(SettingTextSize)
	n, err := strconv.Atoi(size)
	if err != nil {
		n = 100
	}
	u.app.Settings().SetTheme(newTheme(choice, n))
}
