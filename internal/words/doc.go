// Package words gives the command line the interface texts of the app, from the
// same catalogue (assets/i18n/*.json, go-i18n's flat JSON with plural objects),
// without Fyne: the language of the installation or of the system, a printer of
// texts in that language, and numbers written as that language writes them.
// The app reads the same files through Fyne's lang package and asks this one
// which language the system speaks.
package words
