package sync

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"container/list"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"vademecum/internal/atomicfile"
)

// A pack downloaded from a hub (HTTPS, SSH, or a folder) is read here rather
// than by go-git's pack parser, which holds every object whole while it
// indexes a pack (a partner's 1 GB blob would cost 1 GB of memory on every
// laptop) and whose streaming delta reader misplaces copies that go back in
// the base. The download waits in a temporary file; objects are hashed as
// streams; deltas are resolved in memory when small and through temporary
// files when large. What is kept is the repository's own shape: objects up to
// largeObject in a pack of whole objects, larger ones loose (see pack.go).
// Memory stays bounded whatever the hub holds.

const (
	maxPackDeltaDepth = 4095     // as git allows
	packCacheBytes    = 32 << 20 // small objects kept while deltas are resolved
)

// errBadPack is a download that is not a well-formed pack.
var errBadPack = errors.New("the hub sent a damaged download")

type packEntry struct {
	offset   int64 // of the entry's header in the pack
	data     int64 // of its compressed content
	end      int64 // just past it (a whole zlib stream, checked by scan)
	diskType plumbing.ObjectType
	size     int64 // inflated size of what is stored (the delta itself for deltas)
	crc      uint32
	baseOff  int64         // OFS_DELTA base
	baseHash plumbing.Hash // REF_DELTA base

	typ      plumbing.ObjectType // resolved
	target   int64               // resolved size
	hash     plumbing.Hash
	resolved bool
}

// receivePack reads a pack from rd into the local repository.
func receivePack(r *repo, rd io.Reader) error {
	dir := filepath.Join(r.path, "objects", "pack")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// A download a kill interrupted leaves its temporary files: the round lock
	// says no other download is running, so whatever is there is left over.
	if old, err := filepath.Glob(filepath.Join(dir, "tmp_*")); err == nil {
		for _, o := range old {
			os.Remove(o)
		}
	}
	f, discard, err := scratchFile(dir)
	if err != nil {
		return err
	}
	defer discard()
	tw := &trailerHash{h: sha1.New()}
	n, err := io.Copy(io.MultiWriter(f, tw), rd)
	if err != nil {
		return err
	}
	if n == 0 {
		return nil // nothing was needed
	}
	if n < 32 || !bytes.Equal(tw.h.Sum(nil), tw.tail[:]) {
		return fmt.Errorf("%w (checksum)", errBadPack)
	}
	p := &packReader{f: f, size: n, cache: newByteCache(packCacheBytes), others: r.st, tmpDir: dir}
	entries, err := p.scan()
	if err != nil {
		return err
	}
	defer p.close()
	if len(entries) == 0 {
		return nil
	}
	if err := p.resolveAll(entries); err != nil {
		return err
	}
	return p.store(r, dir, entries)
}

// store keeps what the pack brought the way this repository keeps objects:
// those up to largeObject in a new pack of whole objects (no deltas, so that
// reading one never means reading another), each larger one as a loose object
// (go-git reads those as streams, and compaction leaves them loose).
func (p *packReader) store(r *repo, dir string, entries []*packEntry) error {
	seen := map[plumbing.Hash]bool{}
	var small []*packEntry
	for _, e := range entries {
		if seen[e.hash] {
			continue
		}
		seen[e.hash] = true
		if e.target <= largeObject {
			small = append(small, e)
			continue
		}
		f, err := p.materialize(e)
		if err != nil {
			return err
		}
		// The writer names the file by the hash of what it wrote.
		obj := &madeObject{typ: e.typ, size: e.target, hash: e.hash, open: func() (io.ReadCloser, error) {
			return io.NopCloser(io.NewSectionReader(f, 0, e.target)), nil
		}}
		if _, err := r.st.SetEncodedObject(obj); err != nil {
			return err
		}
		path := loosePath(r.path, e.hash)
		if err := atomicfile.SyncFile(path); err != nil {
			return err
		}
		if err := atomicfile.SyncDir(filepath.Dir(path)); err != nil {
			return err
		}
	}
	if len(small) == 0 {
		return nil
	}
	f, discard, err := scratchFile(dir)
	if err != nil {
		return err
	}
	defer discard()
	tmp := f.Name()
	sum := sha1.New()
	cw := &crcWriter{w: bufio.NewWriterSize(io.MultiWriter(f, sum), 64<<10)}
	var hdr [12]byte
	copy(hdr[:], "PACK")
	binary.BigEndian.PutUint32(hdr[4:], 2)
	binary.BigEndian.PutUint32(hdr[8:], uint32(len(small)))
	cw.Write(hdr[:])
	idx := new(idxfile.Writer)
	idx.OnHeader(uint32(len(small)))
	zw, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
	for _, e := range small {
		off := cw.n
		cw.crc = 0
		if !e.diskType.IsDelta() {
			// A whole object is kept as the hub compressed it: scan inflated
			// that stream to its end, to the size and hash the entry says.
			if err := packHeader(cw, e.typ, int(e.target)); err != nil {
				return err
			}
			if _, err := io.Copy(cw, io.NewSectionReader(p.f, e.data, e.end-e.data)); err != nil {
				return err
			}
			idx.Add(e.hash, uint64(off), cw.crc)
			continue
		}
		data, err := p.bytes(e)
		if err != nil {
			return err
		}
		if err := packHeader(cw, e.typ, len(data)); err != nil {
			return err
		}
		if err := deflate(zw, cw, data); err != nil {
			return err
		}
		idx.Add(e.hash, uint64(off), cw.crc)
	}
	if err := cw.w.Flush(); err != nil {
		return err
	}
	name := plumbing.Hash(sum.Sum(nil))
	if _, err := f.Write(name[:]); err != nil {
		return err
	}
	if err := idx.OnFooter(name); err != nil {
		return err
	}
	index, err := idx.Index()
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	base := filepath.Join(dir, "pack-"+name.String())
	// The index goes first: a pack without its index would break every read,
	// an index without its pack is ignored.
	if err := atomicfile.Write(base+".idx", 0o444, func(w io.Writer) error {
		_, err := idxfile.NewEncoder(w).Encode(index)
		return err
	}); err != nil {
		return err
	}
	f.Close()
	if err := os.Chmod(tmp, 0o444); err != nil {
		return err
	}
	if err := atomicfile.Rename(tmp, base+".pack"); err != nil {
		return err
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return err
	}
	r.st.ObjectStorage.Reindex()
	return nil
}

// scratchFile is a temporary file in dir and what removes it (once it was
// renamed into place, the removal finds nothing).
func scratchFile(dir string) (*os.File, func(), error) {
	f, err := os.CreateTemp(dir, "tmp_pack_")
	if err != nil {
		return nil, nil, err
	}
	return f, func() {
		f.Close()
		os.Remove(f.Name())
	}, nil
}

// crcWriter counts and checksums what goes through it.
type crcWriter struct {
	w   *bufio.Writer
	n   int64
	crc uint32
}

func (c *crcWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	return n, err
}

// trailerHash hashes all it is given but the last 20 bytes, which it keeps:
// a pack's checksum of what precedes it.
type trailerHash struct {
	h    hash.Hash
	tail [20]byte
	n    int
}

func (t *trailerHash) Write(p []byte) (int, error) {
	all := len(p)
	if t.n+len(p) <= 20 {
		copy(t.tail[t.n:], p)
		t.n += len(p)
		return all, nil
	}
	// Hash what leaves the tail, then what of p cannot stay in it.
	spill := t.n + len(p) - 20
	fromTail := min(spill, t.n)
	t.h.Write(t.tail[:fromTail])
	copy(t.tail[:], t.tail[fromTail:t.n])
	t.n -= fromTail
	spill -= fromTail
	t.h.Write(p[:spill])
	copy(t.tail[t.n:], p[spill:])
	t.n += len(p) - spill
	return all, nil
}

// packReader reads entries of a pack file that was written whole.
type packReader struct {
	f      *os.File
	size   int64
	cache  *byteCache
	others storer.EncodedObjectStorer // where bases outside the pack are (a thin pack)
	tmpDir string                     // for large objects made from deltas
	byOff  map[int64]*packEntry
	byHex  map[plumbing.Hash]*packEntry

	// Reading a pack that is in place (a hub folder's): entries are read
	// when asked for, bases named by hash are looked up in its index.
	lazy bool
	find func(plumbing.Hash) (int64, bool)

	last    *os.File // the last large object made, in a temporary file
	lastOff int64
}

// countingReader counts and checksums the bytes taken from a buffered reader;
// zlib reads through ReadByte, so it never takes more than its stream.
type countingReader struct {
	r   *bufio.Reader
	n   int64
	crc uint32
	one [1]byte
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
		c.one[0] = b
		c.crc = crc32.Update(c.crc, crc32.IEEETable, c.one[:])
	}
	return b, err
}

// scan reads every entry once: its header, its checksum, the hash of each
// whole object (as a stream) and the sizes a delta announces.
func (p *packReader) scan() ([]*packEntry, error) {
	c := &countingReader{r: bufio.NewReaderSize(io.NewSectionReader(p.f, 0, p.size-20), 64<<10)}
	var hdr [12]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil || string(hdr[:4]) != "PACK" {
		return nil, fmt.Errorf("%w (header)", errBadPack)
	}
	if v := binary.BigEndian.Uint32(hdr[4:8]); v != 2 && v != 3 {
		return nil, fmt.Errorf("%w (version %d)", errBadPack, v)
	}
	count := binary.BigEndian.Uint32(hdr[8:12])
	p.byOff, p.byHex = map[int64]*packEntry{}, map[plumbing.Hash]*packEntry{}
	var entries []*packEntry
	zr := io.ReadCloser(nil)
	for i := uint32(0); i < count; i++ {
		c.crc = 0
		e := &packEntry{offset: c.n}
		if err := readEntryHeader(c, e); err != nil {
			return nil, err
		}
		e.data = c.n
		if e.diskType == plumbing.OFSDeltaObject && p.byOff[e.baseOff] == nil {
			return nil, fmt.Errorf("%w (a delta without its base)", errBadPack)
		}
		var err error
		if zr == nil {
			zr, err = zlib.NewReader(c)
		} else {
			err = zr.(zlib.Resetter).Reset(c, nil)
		}
		if err != nil {
			return nil, fmt.Errorf("%w (%v)", errBadPack, err)
		}
		var sink io.Writer = io.Discard
		var hasher plumbing.Hasher
		var head headBuffer
		if e.diskType.IsDelta() {
			sink = &head
		} else {
			hasher = plumbing.NewHasher(e.diskType, e.size)
			sink = hasher
		}
		got, err := io.Copy(sink, io.LimitReader(zr, e.size+1))
		if err != nil || got != e.size {
			return nil, fmt.Errorf("%w (object at %d: %v)", errBadPack, e.offset, err)
		}
		// The stream's end (and checksum) is read, so that the next entry starts here.
		if _, err := zr.Read(make([]byte, 1)); err != io.EOF {
			return nil, fmt.Errorf("%w (object at %d is longer than it says)", errBadPack, e.offset)
		}
		e.crc, e.end = c.crc, c.n
		if e.diskType.IsDelta() {
			_, tgt, ok := deltaSizes(head.b)
			if !ok {
				return nil, fmt.Errorf("%w (delta at %d)", errBadPack, e.offset)
			}
			e.target = tgt
		} else {
			e.typ, e.target, e.hash, e.resolved = e.diskType, e.size, hasher.Sum(), true
			p.byHex[e.hash] = e
		}
		p.byOff[e.offset] = e
		entries = append(entries, e)
	}
	if c.n != p.size-20 {
		return nil, fmt.Errorf("%w (%d stray bytes)", errBadPack, p.size-20-c.n)
	}
	return entries, nil
}

// readEntryHeader reads type, size and delta base of an entry.
func readEntryHeader(c *countingReader, e *packEntry) error {
	b, err := c.ReadByte()
	if err != nil {
		return fmt.Errorf("%w (truncated)", errBadPack)
	}
	e.diskType = plumbing.ObjectType((b >> 4) & 7)
	size, shift := int64(b&0x0f), uint(4)
	for b&0x80 != 0 {
		if b, err = c.ReadByte(); err != nil || shift > 56 {
			return fmt.Errorf("%w (entry header)", errBadPack)
		}
		size |= int64(b&0x7f) << shift
		shift += 7
	}
	if size < 0 {
		return fmt.Errorf("%w (entry size)", errBadPack)
	}
	e.size = size
	switch e.diskType {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		b, err := c.ReadByte()
		if err != nil {
			return fmt.Errorf("%w (truncated)", errBadPack)
		}
		rel := int64(b & 0x7f)
		for b&0x80 != 0 {
			if b, err = c.ReadByte(); err != nil || rel > 1<<55 {
				return fmt.Errorf("%w (delta offset)", errBadPack)
			}
			rel = ((rel + 1) << 7) | int64(b&0x7f)
		}
		if rel <= 0 || rel > e.offset {
			return fmt.Errorf("%w (delta offset)", errBadPack)
		}
		e.baseOff = e.offset - rel
	case plumbing.REFDeltaObject:
		if _, err := io.ReadFull(c, e.baseHash[:]); err != nil {
			return fmt.Errorf("%w (truncated)", errBadPack)
		}
	default:
		return fmt.Errorf("%w (object type %d)", errBadPack, e.diskType)
	}
	return nil
}

// headBuffer keeps the first bytes written to it: a delta's two sizes.
type headBuffer struct{ b []byte }

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := 20 - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// deltaSizes reads the base and target sizes a delta starts with.
func deltaSizes(b []byte) (src, tgt int64, ok bool) {
	read := func() (int64, bool) {
		var v int64
		for shift := uint(0); len(b) > 0 && shift < 63; shift += 7 {
			c := b[0]
			b = b[1:]
			v |= int64(c&0x7f) << shift
			if c&0x80 == 0 {
				return v, v >= 0
			}
		}
		return 0, false
	}
	if src, ok = read(); !ok {
		return 0, 0, false
	}
	tgt, ok = read()
	return src, tgt, ok
}

// base finds the entry a delta applies to; nil with a local object for a base
// the repository already holds (a thin pack). errBaseNotYet is a base named by
// hash that a later entry of the pack may turn out to be.
func (p *packReader) base(e *packEntry) (*packEntry, plumbing.EncodedObject, error) {
	if e.diskType == plumbing.OFSDeltaObject {
		b, err := p.entryAt(e.baseOff)
		return b, nil, err
	}
	if b := p.byHex[e.baseHash]; b != nil {
		return b, nil, nil
	}
	if p.find != nil {
		if off, ok := p.find(e.baseHash); ok {
			b, err := p.entryAt(off)
			return b, nil, err
		}
	}
	obj, err := p.others.EncodedObject(plumbing.AnyObject, e.baseHash)
	if err != nil {
		return nil, nil, errBaseNotYet
	}
	return nil, obj, nil
}

// entryAt is the entry whose header is at off: read then, for a pack in place.
func (p *packReader) entryAt(off int64) (*packEntry, error) {
	if e := p.byOff[off]; e != nil || !p.lazy {
		if e == nil {
			return nil, fmt.Errorf("%w (no object at %d)", errBadPack, off)
		}
		return e, nil
	}
	if off < 12 || off >= p.size-20 {
		return nil, fmt.Errorf("%w (no object at %d)", errBadPack, off)
	}
	c := &countingReader{r: bufio.NewReaderSize(io.NewSectionReader(p.f, off, p.size-20-off), 64)}
	e := &packEntry{offset: off}
	if err := readEntryHeader(c, e); err != nil {
		return nil, err
	}
	e.data = off + c.n
	if e.diskType.IsDelta() {
		rc, err := p.stored(e)
		if err != nil {
			return nil, err
		}
		var head headBuffer
		io.Copy(&head, io.LimitReader(rc, 20))
		rc.Close()
		_, tgt, ok := deltaSizes(head.b)
		if !ok {
			return nil, fmt.Errorf("%w (delta at %d)", errBadPack, off)
		}
		e.target = tgt
	} else {
		e.typ, e.target = e.diskType, e.size
	}
	if len(p.byOff) > 100000 {
		clear(p.byOff) // headers are cheap to read again
	}
	p.byOff[off] = e
	return e, nil
}

// typeOf is the type of the object an entry makes, read from the headers of
// its chain of deltas.
func (p *packReader) typeOf(e *packEntry) (plumbing.ObjectType, error) {
	for range maxPackDeltaDepth {
		if !e.diskType.IsDelta() {
			return e.diskType, nil
		}
		b, local, err := p.base(e)
		if err != nil {
			return 0, err
		}
		if local != nil {
			return local.Type(), nil
		}
		e = b
	}
	return 0, fmt.Errorf("%w (deltas nested too deep)", errBadPack)
}

var errBaseNotYet = errors.New("delta base not found yet")

// resolveAll resolves every delta; those whose base comes later in the pack
// wait for the next pass.
func (p *packReader) resolveAll(entries []*packEntry) error {
	pending := entries
	for len(pending) > 0 {
		var next []*packEntry
		for _, e := range pending {
			err := p.resolve(e, 0)
			if errors.Is(err, errBaseNotYet) {
				next = append(next, e)
				continue
			}
			if err != nil {
				return err
			}
		}
		if len(next) == len(pending) {
			return fmt.Errorf("%w (a delta against %s, which is missing)", errBadPack, next[0].baseHash)
		}
		pending = next
	}
	return nil
}

// resolve gives a delta entry its type, size and hash.
func (p *packReader) resolve(e *packEntry, depth int) error {
	if e.resolved {
		return nil
	}
	if depth >= maxPackDeltaDepth {
		return fmt.Errorf("%w (deltas nested too deep)", errBadPack)
	}
	b, local, err := p.base(e)
	if err != nil {
		return err
	}
	if local != nil {
		e.typ = local.Type()
	} else {
		if err := p.resolve(b, depth+1); err != nil {
			return err
		}
		e.typ = b.typ
	}
	hasher := plumbing.NewHasher(e.typ, e.target)
	if e.target <= largeObject {
		data, err := p.bytes(e)
		if err != nil {
			return err
		}
		hasher.Write(data)
	} else {
		f, err := p.materialize(e)
		if err != nil {
			return err
		}
		if _, err := io.Copy(hasher, io.NewSectionReader(f, 0, e.target)); err != nil {
			return err
		}
	}
	e.hash, e.resolved = hasher.Sum(), true
	p.byHex[e.hash] = e
	return nil
}

// stored inflates what an entry stores (an object, or a delta) as a stream.
func (p *packReader) stored(e *packEntry) (io.ReadCloser, error) {
	zr, err := zlib.NewReader(bufio.NewReaderSize(io.NewSectionReader(p.f, e.data, p.size-20-e.data), 32<<10))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", errBadPack, err)
	}
	return zr, nil
}

// storedBytes is what a small entry stores, read whole.
func (p *packReader) storedBytes(e *packEntry) ([]byte, error) {
	rc, err := p.stored(e)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, e.size+1))
	if err != nil || int64(len(b)) != e.size {
		return nil, fmt.Errorf("%w (object at %d)", errBadPack, e.offset)
	}
	return b, nil
}

// bytes is the whole object of an entry of at most largeObject bytes, kept
// in the cache a while.
func (p *packReader) bytes(e *packEntry) ([]byte, error) {
	if b, ok := p.cache.get(e.offset); ok {
		return b, nil
	}
	if e.target > largeObject {
		return nil, fmt.Errorf("%w (object at %d is large)", errBadPack, e.offset)
	}
	var out []byte
	if !e.diskType.IsDelta() {
		b, err := p.storedBytes(e)
		if err != nil {
			return nil, err
		}
		out = b
	} else {
		// Each delta command makes at least one byte of the object.
		if e.size > 8*e.target+64 {
			return nil, fmt.Errorf("%w (delta at %d)", errBadPack, e.offset)
		}
		delta, err := p.storedBytes(e)
		if err != nil {
			return nil, err
		}
		base, size, done, err := p.baseAt(e)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		err = patchDelta(&buf, base, size, bufio.NewReader(bytes.NewReader(delta)), e.target)
		done()
		if err != nil {
			return nil, fmt.Errorf("%w (delta at %d: %v)", errBadPack, e.offset, err)
		}
		out = buf.Bytes()
	}
	p.cache.put(e.offset, out)
	return out, nil
}

// baseAt is the base of a delta entry, for reading anywhere: in memory when
// small, else in a temporary file. done releases it.
func (p *packReader) baseAt(e *packEntry) (io.ReaderAt, int64, func(), error) {
	nothing := func() {}
	b, local, err := p.base(e)
	if err != nil {
		return nil, 0, nothing, err
	}
	if local != nil {
		if local.Size() <= largeObject {
			data, err := readAll(local)
			return bytes.NewReader(data), int64(len(data)), nothing, err
		}
		rc, err := local.Reader()
		if err != nil {
			return nil, 0, nothing, err
		}
		defer rc.Close()
		f, err := p.tempFile(rc)
		if err != nil {
			return nil, 0, nothing, err
		}
		return f, local.Size(), func() { p.drop(f) }, nil
	}
	if b.target <= largeObject {
		data, err := p.bytes(b)
		return bytes.NewReader(data), int64(len(data)), nothing, err
	}
	f, err := p.materialize(b)
	return f, b.target, nothing, err
}

// materialize writes a large object out to a temporary file, patching the
// deltas of its chain one after the other (two files at a time at most). The
// last object made is kept: the next delta of a chain is usually made on it.
func (p *packReader) materialize(e *packEntry) (*os.File, error) {
	if p.last != nil && p.lastOff == e.offset {
		return p.last, nil
	}
	chain := []*packEntry{e}
	for cur := e; cur.diskType.IsDelta(); {
		if len(chain) > maxPackDeltaDepth {
			return nil, fmt.Errorf("%w (deltas nested too deep)", errBadPack)
		}
		b, local, err := p.base(cur)
		if err != nil {
			return nil, err
		}
		if local != nil || b.target <= largeObject || (p.last != nil && p.lastOff == b.offset) {
			break
		}
		chain = append(chain, b)
		cur = b
	}
	var cur *os.File // the object made so far, when it is in a file of its own
	for i := len(chain) - 1; i >= 0; i-- {
		x := chain[i]
		var next *os.File
		var err error
		if !x.diskType.IsDelta() {
			var rc io.ReadCloser
			if rc, err = p.stored(x); err == nil {
				next, err = p.tempFile(io.LimitReader(rc, x.size))
				rc.Close()
			}
		} else {
			var base io.ReaderAt
			var size int64
			done := func() {}
			if cur != nil {
				base, size = cur, chain[i+1].target
			} else {
				base, size, done, err = p.baseAt(x)
			}
			var delta io.ReadCloser
			if err == nil {
				delta, err = p.stored(x)
			}
			if err == nil {
				next, err = p.tempFile(nil)
			}
			if err == nil {
				err = patchDelta(next, base, size, bufio.NewReaderSize(io.LimitReader(delta, x.size), 32<<10), x.target)
				delta.Close()
				if err != nil {
					err = fmt.Errorf("%w (delta at %d: %v)", errBadPack, x.offset, err)
				}
			}
			done()
		}
		if cur != nil {
			p.drop(cur)
		}
		cur = next
		if err != nil {
			if cur != nil {
				p.drop(cur)
			}
			return nil, err
		}
		if st, err := cur.Stat(); err != nil || st.Size() != x.target {
			p.drop(cur)
			return nil, fmt.Errorf("%w (object at %d)", errBadPack, x.offset)
		}
	}
	if p.last != nil {
		p.drop(p.last)
	}
	p.last, p.lastOff = cur, e.offset
	return cur, nil
}

// tempFile makes a temporary file beside the pack holding what r gives.
func (p *packReader) tempFile(r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp(p.tmpDir, "tmp_object_")
	if err != nil {
		return nil, err
	}
	if r != nil {
		if _, err := io.Copy(f, r); err != nil {
			p.drop(f)
			return nil, err
		}
	}
	return f, nil
}

func (p *packReader) drop(f *os.File) {
	if f == p.last {
		p.last = nil
	}
	f.Close()
	os.Remove(f.Name())
}

// close removes what the reader left in temporary files.
func (p *packReader) close() {
	if p.last != nil {
		p.drop(p.last)
	}
}

// patchDelta writes the object a git delta makes of base, as a stream:
// copies from the base (read anywhere) and bytes carried by the delta.
func patchDelta(dst io.Writer, base io.ReaderAt, baseSize int64, delta *bufio.Reader, want int64) error {
	src, err := readVarint(delta)
	if err != nil || int64(src) != baseSize {
		return errors.New("the base size does not match")
	}
	tgt, err := readVarint(delta)
	if err != nil || int64(tgt) != want {
		return errors.New("the object size does not match")
	}
	left := want
	for left > 0 {
		cmd, err := delta.ReadByte()
		if err != nil {
			return errors.New("the delta ends early")
		}
		switch {
		case cmd&0x80 != 0:
			var off, n int64
			for i := range 4 {
				if cmd&(1<<i) != 0 {
					b, err := delta.ReadByte()
					if err != nil {
						return errors.New("the delta ends early")
					}
					off |= int64(b) << (8 * i)
				}
			}
			for i := range 3 {
				if cmd&(0x10<<i) != 0 {
					b, err := delta.ReadByte()
					if err != nil {
						return errors.New("the delta ends early")
					}
					n |= int64(b) << (8 * i)
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if n > left || off+n > baseSize {
				return errors.New("a copy goes out of bounds")
			}
			if _, err := io.Copy(dst, io.NewSectionReader(base, off, n)); err != nil {
				return err
			}
			left -= n
		case cmd != 0:
			n := int64(cmd)
			if n > left {
				return errors.New("an insert goes out of bounds")
			}
			if _, err := io.CopyN(dst, delta, n); err != nil {
				return errors.New("the delta ends early")
			}
			left -= n
		default:
			return errors.New("unknown delta command")
		}
	}
	if _, err := delta.ReadByte(); err != io.EOF {
		return errors.New("the delta is longer than its object")
	}
	return nil
}

func readVarint(r io.ByteReader) (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		b, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		v |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			return v, nil
		}
	}
	return 0, errors.New("size too long")
}

// byteCache keeps small objects by pack offset, oldest dropped first, up to a
// number of bytes.
type byteCache struct {
	max, used int
	order     *list.List
	items     map[int64]*list.Element
}

type cached struct {
	off int64
	b   []byte
}

func newByteCache(max int) *byteCache {
	return &byteCache{max: max, order: list.New(), items: map[int64]*list.Element{}}
}

func (c *byteCache) get(off int64) ([]byte, bool) {
	if el, ok := c.items[off]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*cached).b, true
	}
	return nil, false
}

func (c *byteCache) put(off int64, b []byte) {
	if len(b) > c.max/4 {
		return
	}
	if _, ok := c.items[off]; ok {
		return
	}
	c.items[off] = c.order.PushFront(&cached{off, b})
	c.used += len(b)
	for c.used > c.max {
		last := c.order.Back()
		v := last.Value.(*cached)
		c.order.Remove(last)
		delete(c.items, v.off)
		c.used -= len(v.b)
	}
}
