package sync

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// go-git v5 decodes a pack index four bytes per read, and each read of an
// os.File is a system call: about 1,300 for a small index, more for a large
// one, every time a repository is opened and each time the packs of a hub
// folder are listed again. On a USB stick each of those calls is slow. Pack
// indexes are therefore read through a buffer, here and in readIndex.

// idxBufferSize is the buffer of a pack index being read (a 100,000-object
// index is 2.8 MB: about 90 reads instead of 300,000).
const idxBufferSize = 32 << 10

// bufferedIndexes is a repository's filesystem whose pack indexes (.idx) open
// buffered; everything else is the filesystem's own.
type bufferedIndexes struct{ billy.Filesystem }

func (fs bufferedIndexes) Open(name string) (billy.File, error) {
	f, err := fs.Filesystem.Open(name)
	if err != nil || !strings.HasSuffix(name, ".idx") {
		return f, err
	}
	return &bufferedFile{File: f, r: bufio.NewReaderSize(f, idxBufferSize)}, nil
}

// Capabilities are those of the filesystem underneath (go-git chooses how to
// write references by them).
func (fs bufferedIndexes) Capabilities() billy.Capability {
	return billy.Capabilities(fs.Filesystem)
}

// Chmod is the filesystem's, when it has one (go-git makes objects read-only).
func (fs bufferedIndexes) Chmod(name string, mode os.FileMode) error {
	if c, ok := fs.Filesystem.(billy.Chmod); ok {
		return c.Chmod(name, mode)
	}
	return nil
}

// bufferedFile reads a file through a buffer; a seek empties the buffer.
type bufferedFile struct {
	billy.File
	r *bufio.Reader
}

func (f *bufferedFile) Read(p []byte) (int, error) { return f.r.Read(p) }

func (f *bufferedFile) Seek(offset int64, whence int) (int64, error) {
	if whence == io.SeekCurrent {
		offset -= int64(f.r.Buffered())
	}
	n, err := f.File.Seek(offset, whence)
	f.r.Reset(f.File)
	return n, err
}

// packIndex finds where an object lies in a pack.
type packIndex interface {
	FindOffset(h plumbing.Hash) (int64, error)
}

// diskIndex is a pack index (version 2) read where it lies: its fan-out table
// when opened, then for each look-up the names of one fan-out bucket and one
// offset. It is how the local repository finds its objects. go-git decodes a
// whole index when it first looks an object up, and at the first object it
// reads builds a map from every offset back to its name: at 100,000 records
// (140,000 objects) about 60 ms of every sync, however small, spent before
// reading anything.
type diskIndex struct {
	f      *os.File
	count  int64
	fanout [256]uint32
	large  int64 // where the table of 64-bit offsets starts
	nLarge int64
	names  []byte // the bucket read last, reused
}

// idxHeader is the magic number and version of a version 2 pack index.
var idxHeader = []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}

const (
	hashSize     = 20 // bytes of an object name (SHA-1)
	idxFanoutEnd = 8 + 256*4
	idxTrailer   = 2 * hashSize
)

// openDiskIndex opens the index at path, checking that its fan-out table and
// its size agree (a damaged index is an error, never a read out of bounds).
func openDiskIndex(path string) (*diskIndex, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	x, err := readDiskIndex(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return x, nil
}

func readDiskIndex(f *os.File) (*diskIndex, error) {
	var head [idxFanoutEnd]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return nil, fmt.Errorf("%w (pack index header: %v)", errBadIndex, err)
	}
	if !bytes.Equal(head[:8], idxHeader) {
		return nil, fmt.Errorf("%w (not a version 2 pack index)", errBadIndex)
	}
	x := &diskIndex{f: f}
	prev := uint32(0)
	for i := range x.fanout {
		v := binary.BigEndian.Uint32(head[8+4*i:])
		if v < prev {
			return nil, fmt.Errorf("%w (fan-out table out of order)", errBadIndex)
		}
		x.fanout[i], prev = v, v
	}
	x.count = int64(prev)
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	x.large = idxFanoutEnd + x.count*(hashSize+4+4)
	rest := st.Size() - idxTrailer - x.large
	if rest < 0 || rest%8 != 0 {
		return nil, fmt.Errorf("%w (%d objects do not fit its %d bytes)", errBadIndex, x.count, st.Size())
	}
	x.nLarge = rest / 8
	return x, nil
}

// errBadIndex is a pack index that cannot be read.
var errBadIndex = errors.New("damaged pack index")

// FindOffset is the offset of h in the pack, or plumbing.ErrObjectNotFound.
func (x *diskIndex) FindOffset(h plumbing.Hash) (int64, error) {
	lo := int64(0)
	if h[0] > 0 {
		lo = int64(x.fanout[h[0]-1])
	}
	n := int64(x.fanout[h[0]]) - lo
	if n <= 0 {
		return 0, plumbing.ErrObjectNotFound
	}
	size := int(n) * hashSize
	if cap(x.names) < size {
		x.names = make([]byte, size)
	}
	names := x.names[:size]
	if _, err := x.f.ReadAt(names, idxFanoutEnd+lo*hashSize); err != nil {
		return 0, fmt.Errorf("%w (%v)", errBadIndex, err)
	}
	i := sort.Search(int(n), func(i int) bool {
		return bytes.Compare(names[i*hashSize:(i+1)*hashSize], h[:]) >= 0
	})
	if int64(i) == n || !bytes.Equal(names[i*hashSize:(i+1)*hashSize], h[:]) {
		return 0, plumbing.ErrObjectNotFound
	}
	pos := lo + int64(i)
	var b [8]byte
	if _, err := x.f.ReadAt(b[:4], idxFanoutEnd+x.count*(hashSize+4)+pos*4); err != nil {
		return 0, fmt.Errorf("%w (%v)", errBadIndex, err)
	}
	off := binary.BigEndian.Uint32(b[:4])
	if off&0x80000000 == 0 {
		return int64(off), nil
	}
	k := int64(off & 0x7fffffff)
	if k >= x.nLarge {
		return 0, fmt.Errorf("%w (large offset %d of %d)", errBadIndex, k, x.nLarge)
	}
	if _, err := x.f.ReadAt(b[:], x.large+k*8); err != nil {
		return 0, fmt.Errorf("%w (%v)", errBadIndex, err)
	}
	big := binary.BigEndian.Uint64(b[:])
	if big > 1<<62 {
		return 0, fmt.Errorf("%w (offset %d)", errBadIndex, big)
	}
	return int64(big), nil
}

func (x *diskIndex) close() { x.f.Close() }
