// Package privacy owns the privacy guard of Vademecum: the detection of personal data
// in the free text of a practice or comment before it is shared, and its
// pseudonymisation.
//
// Scan finds e-mail addresses, phone numbers (validated with libphonenumber metadata for
// Italy, Spain, Poland, Czechia, Belgium and France, and for any country when written
// in international form), IBANs (ISO 13616, mod-97 and the registry length of the
// country) and national identifiers: the Italian codice fiscale, the Spanish DNI and
// NIE, the Polish PESEL, the Czech rodné číslo and the Belgian national register
// number. Every identifier is confirmed by its check digit or letter and, where it
// carries one, by its date of birth, so that ordinary numbers (prices, years, dates,
// room numbers, postcodes, order numbers) are not reported.
//
// Findings are byte ranges of the input, ordered and non-overlapping; where two
// detectors claim the same text the more specific kind wins (e-mail, then IBAN, then
// an identifier, then a phone number).
//
// Redact replaces each finding by a placeholder ("[email]", "[phone]", "[iban]",
// "[id]") unless the user cleared it as not personal ("kind:text"); Unhandled lists
// what still stops a record from being shared. The package is pure Go, keeps no state
// and imports nothing else of the repository.
package privacy
