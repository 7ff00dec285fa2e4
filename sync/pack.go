package sync

import (
	"bufio"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// writePack writes a packfile of objs. With thin, an object whose base (an
// older version the receiver has) is known is sent as a delta against it when
// that is less than half its size: a changed month folder of a large hub costs
// a few hundred bytes instead of tens of kilobytes. Thin packs go only to real
// git servers, which complete them on arrival; a pack written to a folder hub
// must stand alone.
func writePack(w io.Writer, s storer.EncodedObjectStorer, objs []plumbing.Hash, base map[plumbing.Hash]plumbing.Hash, thin bool) error {
	sum := sha1.New()
	bw := bufio.NewWriterSize(w, 64<<10)
	out := io.MultiWriter(bw, sum)
	var hdr [12]byte
	copy(hdr[:], "PACK")
	binary.BigEndian.PutUint32(hdr[4:], 2)
	binary.BigEndian.PutUint32(hdr[8:], uint32(len(objs)))
	if _, err := out.Write(hdr[:]); err != nil {
		return err
	}
	// The fastest level: JSON records compress nearly as well, and a first sync of a
	// large hub spends its time here otherwise.
	zw, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
	for _, h := range objs {
		obj, err := s.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return err
		}
		content, err := readAll(obj)
		if err != nil {
			return err
		}
		typ := obj.Type()
		if b, ok := base[h]; ok && thin {
			if bo, err := s.EncodedObject(plumbing.AnyObject, b); err == nil && bo.Type() == typ {
				if bc, err := readAll(bo); err == nil {
					if d := packfile.DiffDelta(bc, content); len(d) < len(content)/2 {
						if err := packHeader(out, plumbing.REFDeltaObject, len(d)); err != nil {
							return err
						}
						if _, err := out.Write(b[:]); err != nil {
							return err
						}
						if err := deflate(zw, out, d); err != nil {
							return err
						}
						continue
					}
				}
			}
		}
		if err := packHeader(out, typ, len(content)); err != nil {
			return err
		}
		if err := deflate(zw, out, content); err != nil {
			return err
		}
	}
	if _, err := bw.Write(sum.Sum(nil)); err != nil {
		return err
	}
	return bw.Flush()
}

func readAll(obj plumbing.EncodedObject) ([]byte, error) {
	r, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// packHeader writes an entry's type and size: 3 bits of type, then the size in
// little-endian groups of 7 bits (4 in the first byte).
func packHeader(w io.Writer, typ plumbing.ObjectType, size int) error {
	b := []byte{byte(typ)<<4 | byte(size&0x0f)}
	size >>= 4
	for size > 0 {
		b[len(b)-1] |= 0x80
		b = append(b, byte(size&0x7f))
		size >>= 7
	}
	_, err := w.Write(b)
	return err
}

func deflate(zw *zlib.Writer, w io.Writer, b []byte) error {
	zw.Reset(w)
	if _, err := zw.Write(b); err != nil {
		return err
	}
	return zw.Close()
}
