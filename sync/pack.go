package sync

import (
	"bufio"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"vademecum/internal/atomicfile"
)

// writePack writes a packfile of objs. An object of at most deltaUpTo bytes
// whose base (an older version the receiver has) is known is sent as a delta
// against it when that is less than half its size: a changed month folder of a
// large hub costs a few hundred bytes instead of tens of kilobytes. With
// deltaUpTo 0 the pack stands alone. Thin packs go only to real git servers,
// which complete them on arrival, and as the key file to a hub folder, which
// takes a delta against its current key file only (keys.go); a pack of
// records written to a folder hub must stand alone.
func writePack(w io.Writer, s storer.EncodedObjectStorer, objs []plumbing.Hash, base map[plumbing.Hash]plumbing.Hash, deltaUpTo int64) error {
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
	buf := make([]byte, 32<<10)
	for _, h := range objs {
		obj, err := s.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return err
		}
		typ, size := obj.Type(), obj.Size()
		if deltaUpTo == 0 || size > deltaUpTo {
			// Streamed from the disk: a large object is never held whole.
			if err := packHeader(out, typ, int(size)); err != nil {
				return err
			}
			if err := deflateFrom(zw, out, obj, buf); err != nil {
				return err
			}
			continue
		}
		content, err := readAll(obj)
		if err != nil {
			return err
		}
		if b, ok := base[h]; ok {
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

// deflateFrom compresses an object's content into w as it is read, checking
// that it is as long as its header said.
func deflateFrom(zw *zlib.Writer, w io.Writer, obj plumbing.EncodedObject, buf []byte) error {
	r, err := obj.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	zw.Reset(w)
	n, err := io.CopyBuffer(zw, r, buf)
	if err != nil {
		return err
	}
	if n != obj.Size() {
		return fmt.Errorf("object %s: read %d bytes of %d", obj.Hash(), n, obj.Size())
	}
	return zw.Close()
}

func deflate(zw *zlib.Writer, w io.Writer, b []byte) error {
	zw.Reset(w)
	if _, err := zw.Write(b); err != nil {
		return err
	}
	return zw.Close()
}

// Objects larger than largeObject never go through a pack that go-git reads
// back: its pack parser holds each object whole while it indexes a pack. They
// travel and stay as loose objects instead (one file each, written and read as
// a stream), between folder hubs and local repositories alike. Packs that are
// already there (a hub folder's, whoever wrote them) are read through
// boundedStore, and downloads through receivePack.

// splitLarge separates the objects larger than largeObject (sizes read from
// their headers) from the others.
func splitLarge(repoPath string, s storer.EncodedObjectStorer, objs []plumbing.Hash) (small, large []plumbing.Hash, err error) {
	for _, h := range objs {
		n, err := objectSize(repoPath, s, h)
		if err != nil {
			return nil, nil, err
		}
		if n > largeObject {
			large = append(large, h)
		} else {
			small = append(small, h)
		}
	}
	return small, large, nil
}

// copyLoose streams objects from src into dst as loose objects flushed to the
// disk, skipping those dst holds loose already.
func copyLoose(src storer.EncodedObjectStorer, dst *filesystem.Storage, dstPath string, hs []plumbing.Hash) error {
	for _, h := range hs {
		p := loosePath(dstPath, h)
		if _, err := os.Stat(p); err == nil {
			continue
		}
		obj, err := src.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return err
		}
		if _, err := dst.SetEncodedObject(obj); err != nil {
			return err
		}
		if err := atomicfile.SyncFile(p); err != nil {
			return err
		}
		if err := atomicfile.SyncDir(filepath.Dir(p)); err != nil {
			return err
		}
	}
	return nil
}

func loosePath(repoPath string, h plumbing.Hash) string {
	s := h.String()
	return filepath.Join(repoPath, "objects", s[:2], s[2:])
}
