package sync

import (
	"bufio"
	"io"
	"os"
	"strings"

	"github.com/go-git/go-billy/v5"
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
