package privacy

import "testing"

func TestScanSoftFindsPeople(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Mario R., 54, sleeps at the station", "Mario R., 54"},
		{"Anna K. sleeps at the station", "Anna K. sleeps"},
		{"We met Mario Rossi, 54 years old, near Termini.", "Mario Rossi, 54"},
		{"Jana Nováková bydlí u nádraží", "Jana Nováková bydlí"},
		{"Zdenek Kowalczyk, 54", "Zdenek Kowalczyk, 54"},
		{"Lucía Pérez duerme en la estación", "Lucía Pérez duerme"},
		{"Ahmed B. came every Tuesday", "Ahmed B."},
	} {
		fs := ScanSoft(tc.text)
		if len(fs) != 1 || fs[0].Text != tc.want || fs[0].Kind != KindPerson {
			t.Errorf("%q: %+v, want one finding %q", tc.text, fs, tc.want)
		}
	}
}

// False positives are worse than misses here: tool names, place names alone,
// numbers that are not ages.
func TestScanSoftLeavesToolsAndPlaces(t *testing.T) {
	for _, text := range []string{
		"Google Maps, 3 tips for offline use",
		"We use Signal Messenger and Google Translate",
		"Termini Station in Rome, Via Marsala 29",
		"The shelter in Praha Holešovice opens at 20:00",
		"Microsoft Teams, 365 days a year",
		"Street Library, 12 volunteers",
		"Open Street Map works offline",
		"Nextcloud Talk, 2024 release",
		"night shelter intake at the station",
	} {
		if fs := ScanSoft(text); len(fs) != 0 {
			t.Errorf("%q: %+v, want nothing", text, fs)
		}
	}
}

func TestSoftKindIsNotAScanKind(t *testing.T) {
	for _, k := range Kinds() {
		if isSoft(k) {
			t.Fatalf("%s is both a blocking and a soft kind", k)
		}
	}
	if fs := Scan("Mario R., 54, sleeps at the station"); len(fs) != 0 {
		t.Fatalf("Scan (which blocks sharing) reports %+v", fs)
	}
}
