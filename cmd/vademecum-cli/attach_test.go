package main

import (
	"os"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"

	"vademecum/data/datagen"
)

// cmdMakeDocument writes a PDF-looking file of SIZE bytes that do not
// compress: mkdoc FILE SIZE [SEED].
func cmdMakeDocument(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkdoc FILE SIZE [SEED]")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	seed := uint64(1)
	if len(args) > 2 {
		s, err := strconv.Atoi(args[2])
		ts.Check(err)
		seed = uint64(s)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), datagen.Document(n, seed), 0o600))
}

// cmdMakePhoto writes a phone's JPEG photo with an EXIF block holding a GPS
// position (datagen.GPSMarker): mkphoto FILE.
func cmdMakePhoto(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkphoto FILE")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), datagen.PhotoWithGPS(120, 90), 0o600))
}
