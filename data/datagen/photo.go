package datagen

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
)

// GPSMarker is text that PhotoWithGPS hides in the photo's GPS block, so
// that a test can tell whether any of the block is left.
const GPSMarker = "GPS-45.4642N-9.1900E"

// PhotoWithGPS returns a JPEG photo as a phone writes it: an EXIF block with
// the camera's make, the orientation (6: turned a quarter to the right) and a
// GPS block (latitude 45°27'51" N, and GPSMarker as its processing method),
// followed by w×h pixels.
func PhotoWithGPS(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var pix bytes.Buffer
	if err := jpeg.Encode(&pix, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	exif := exifWithGPS()
	var out bytes.Buffer
	out.Write(pix.Bytes()[:2]) // SOI
	out.Write([]byte{0xff, 0xe1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)})
	out.Write(exif)
	com := []byte("taken at " + GPSMarker)
	out.Write([]byte{0xff, 0xfe, byte((len(com) + 2) >> 8), byte(len(com) + 2)})
	out.Write(com)
	out.Write(pix.Bytes()[2:])
	return out.Bytes()
}

// exifWithGPS is an EXIF block (big-endian TIFF): IFD0 with Make,
// Orientation and a pointer to a GPS IFD holding a latitude.
func exifWithGPS() []byte {
	be := binary.BigEndian
	t := make([]byte, 0, 256)
	t = append(t, 'M', 'M', 0, 42, 0, 0, 0, 8)
	entry := func(tag, typ uint16, count, value uint32) {
		t = be.AppendUint16(t, tag)
		t = be.AppendUint16(t, typ)
		t = be.AppendUint32(t, count)
		t = be.AppendUint32(t, value)
	}
	make_ := "VademecumCam\x00"
	// IFD0 at 8: 3 entries, ends at 8+2+36+4 = 50; Make at 50, GPS IFD at 64.
	t = be.AppendUint16(t, 3)
	entry(0x010f, 2, uint32(len(make_)), 50)
	entry(0x0112, 3, 1, 6<<16)
	entry(0x8825, 4, 1, 64)
	t = be.AppendUint32(t, 0)
	t = append(t, make_...)
	for len(t) < 64 {
		t = append(t, 0)
	}
	// GPS IFD at 64: 3 entries, ends at 106; latitude at 106, method at 130.
	method := "ASCII\x00\x00\x00" + GPSMarker
	t = be.AppendUint16(t, 3)
	entry(0x0001, 2, 2, uint32('N')<<24)
	entry(0x0002, 5, 3, 106)
	entry(0x001b, 7, uint32(len(method)), 130)
	t = be.AppendUint32(t, 0)
	for _, r := range [][2]uint32{{45, 1}, {27, 1}, {51, 1}} {
		t = be.AppendUint32(t, r[0])
		t = be.AppendUint32(t, r[1])
	}
	t = append(t, method...)
	return append([]byte("Exif\x00\x00"), t...)
}

// Document returns n bytes that read as a PDF file (its header) followed by
// bytes that do not compress, as a scanned form does, made from seed.
func Document(n int, seed uint64) []byte {
	b := make([]byte, n)
	copy(b, "%PDF-1.7\n")
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := 9; i < n; i += 8 {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], r.Uint64())
		copy(b[i:], w[:])
	}
	return b
}
