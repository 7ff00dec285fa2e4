package data

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
)

// errBadJPEG is a file that says it is a JPEG but whose segments do not hold together.
var errBadJPEG = errors.New("not a readable JPEG file")

// StripJPEG copies the JPEG photo from r to w without its metadata: EXIF
// (camera, time, GPS position), XMP, IPTC, comments, embedded thumbnails
// and extra images (MPF) are dropped wherever they sit, between progressive
// scans too. The pixels are copied byte for byte (no re-encoding: no loss of
// quality, and no photo decoded whole into memory, which for a phone's 24
// megapixels would take some 100 MB); the orientation the camera noted is
// kept as the only field of a new EXIF block, so the photo shows the right
// way up as before. Colour profiles (ICC) and the Adobe colour marker stay.
func StripJPEG(w io.Writer, r io.Reader) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return errBadJPEG
	}
	bw.Write(soi[:])
	exifDone := false
	var next byte // a marker the scan before it already read
	for {
		m := next
		if m == 0 {
			var err error
			if m, err = nextMarker(br); err != nil {
				return err
			}
		}
		next = 0
		switch {
		case m == 0xd9: // end of image: anything after it is not part of the photo
			bw.Write([]byte{0xff, m})
			return bw.Flush()
		case m == 0x01 || (m >= 0xd0 && m <= 0xd7):
			bw.Write([]byte{0xff, m})
			continue
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return errBadJPEG
		}
		n := int(binary.BigEndian.Uint16(l[:]))
		if n < 2 {
			return errBadJPEG
		}
		payload := make([]byte, n-2)
		if _, err := io.ReadFull(br, payload); err != nil {
			return errBadJPEG
		}
		keep := payload
		switch {
		case m == 0xe0: // JFIF: kept without its thumbnail; JFXX (a thumbnail) dropped
			if len(payload) >= 14 && string(payload[:5]) == "JFIF\x00" {
				keep = append(payload[:12:12], 0, 0)
			} else {
				keep = nil
			}
		case m == 0xe1: // EXIF or XMP
			keep = nil
			if !exifDone && len(payload) > 6 && string(payload[:6]) == "Exif\x00\x00" {
				exifDone = true
				if o := exifOrientation(payload[6:]); o > 1 && o <= 8 {
					writeSegment(bw, 0xe1, orientationExif(o))
				}
			}
		case m == 0xe2: // ICC colour profile kept; FlashPix, MPF (extra images) dropped
			if len(payload) < 12 || string(payload[:12]) != "ICC_PROFILE\x00" {
				keep = nil
			}
		case m == 0xee: // Adobe: says how colours are coded
			if len(payload) < 5 || string(payload[:5]) != "Adobe" {
				keep = nil
			}
		case m >= 0xe3 && m <= 0xef, m == 0xfe: // other applications' data, comments
			keep = nil
		}
		if keep != nil {
			writeSegment(bw, m, keep)
		}
		if m == 0xda { // start of scan: entropy-coded data up to the next marker
			var err error
			if next, err = copyScan(bw, br); err != nil {
				return err
			}
		}
	}
}

// nextMarker reads the next marker, skipping fill bytes.
func nextMarker(br *bufio.Reader) (byte, error) {
	b, err := br.ReadByte()
	if err != nil || b != 0xff {
		return 0, errBadJPEG
	}
	for {
		m, err := br.ReadByte()
		if err != nil {
			return 0, errBadJPEG
		}
		if m != 0xff {
			return m, nil
		}
	}
}

// copyScan copies entropy-coded data (stuffed 0xff00 and restart markers
// included) and returns the marker that ends it, read.
func copyScan(bw *bufio.Writer, br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, errBadJPEG
		}
		if b != 0xff {
			bw.WriteByte(b)
			continue
		}
		n, err := br.ReadByte()
		for err == nil && n == 0xff { // fill bytes
			n, err = br.ReadByte()
		}
		switch {
		case err != nil:
			return 0, errBadJPEG
		case n == 0x00 || (n >= 0xd0 && n <= 0xd7):
			bw.Write([]byte{0xff, n})
		default:
			return n, nil
		}
	}
}

func writeSegment(bw *bufio.Writer, m byte, payload []byte) {
	bw.Write([]byte{0xff, m, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)})
	bw.Write(payload)
}

// exifOrientation reads the orientation (tag 0x0112 of the first image
// directory) from a TIFF structure, or 0.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := int64(bo.Uint32(t[4:8]))
	if off < 8 || off+2 > int64(len(t)) {
		return 0
	}
	n := int64(bo.Uint16(t[off:]))
	for i := int64(0); i < n; i++ {
		e := off + 2 + 12*i
		if e+12 > int64(len(t)) {
			return 0
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			return int(bo.Uint16(t[e+8:]))
		}
	}
	return 0
}

// orientationExif is an EXIF block holding the orientation o and nothing else.
func orientationExif(o int) []byte {
	b := []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00")
	binary.BigEndian.PutUint16(b[6+8+2+8:], uint16(o))
	return b
}

// JPEGOrientation reads the orientation a camera noted in a JPEG's EXIF
// block (1 to 8; 1 when there is none), reading no further than the first
// scan.
func JPEGOrientation(r io.Reader) int {
	br := bufio.NewReaderSize(r, 64<<10)
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return 1
	}
	for {
		m, err := nextMarker(br)
		if err != nil || m == 0xda || m == 0xd9 {
			return 1
		}
		if m == 0x01 || (m >= 0xd0 && m <= 0xd7) {
			continue
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return 1
		}
		n := int(binary.BigEndian.Uint16(l[:]))
		if n < 2 {
			return 1
		}
		payload := make([]byte, n-2)
		if _, err := io.ReadFull(br, payload); err != nil {
			return 1
		}
		if m == 0xe1 && len(payload) > 6 && string(payload[:6]) == "Exif\x00\x00" {
			if o := exifOrientation(payload[6:]); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
}
