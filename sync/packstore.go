package sync

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// boundedStore reads a repository's objects with bounded memory: packed ones
// through packReader (go-git's pack reader holds a delta's whole base, and a
// partner can pack a 100-byte file as a delta of a 1 GB blob), loose ones
// through go-git, which streams those over largeObject. It is what reads a hub
// folder, what compaction reads, and what reads the local repository's objects
// (repo.objects). Writing objects and references is the storage's own.
type boundedStore struct {
	*filesystem.Storage
	path string
	// onDisk reads the pack indexes where they lie (diskIndex) instead of
	// decoding them whole: the local repository's own, written here.
	onDisk bool
	packs  []*inPlacePack
	listed bool
	names  []string   // the pack files listed
	made   []*os.File // large objects made from deltas for readers
	depth  int        // bases found in other packs, being read
}

type inPlacePack struct {
	idx   packIndex
	r     *packReader
	close func() // the index's file, when it stays open
}

func newBoundedStore(st *filesystem.Storage, path string) *boundedStore {
	return &boundedStore{Storage: st, path: path}
}

// release closes the packs and removes what was made for readers; the storage
// stays open.
func (b *boundedStore) release() {
	b.closePacks()
	for _, f := range b.made {
		f.Close()
		os.Remove(f.Name())
	}
	b.made = nil
}

func (b *boundedStore) closePacks() {
	for _, p := range b.packs {
		p.r.close()
		p.r.f.Close()
		if p.close != nil {
			p.close()
		}
	}
	b.packs, b.names, b.listed = nil, nil, false
}

// Close releases the packs and closes the storage.
func (b *boundedStore) Close() error {
	b.release()
	return b.Storage.Close()
}

// packNames are the pack files of the repository now.
func (b *boundedStore) packNames() ([]string, error) {
	return filepath.Glob(filepath.Join(b.path, "objects", "pack", "pack-*.pack"))
}

// list opens the index of every pack present. Objects made for readers stay.
func (b *boundedStore) list() error {
	b.closePacks()
	names, err := b.packNames()
	if err != nil {
		return err
	}
	b.listed, b.names = true, names
	for _, name := range names {
		base := strings.TrimSuffix(name, ".pack")
		var idx packIndex
		var closeIdx func()
		if b.onDisk {
			x, err := openDiskIndex(base + ".idx")
			if err == nil {
				idx, closeIdx = x, x.close
			} else if !errors.Is(err, os.ErrNotExist) {
				return err
			}
		} else if x, err := readIndex(base + ".idx"); err == nil {
			idx = x
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if idx == nil {
			continue // being written, or retired meanwhile
		}
		p, err := openInPlace(name, idx, closeIdx, b)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		b.packs = append(b.packs, p)
	}
	return nil
}

// openInPlace opens the pack file name, found through idx, for reading in
// place; on failure the index is closed.
func openInPlace(name string, idx packIndex, closeIdx func(), others storer.EncodedObjectStorer) (*inPlacePack, error) {
	f, err := os.Open(name)
	var st os.FileInfo
	if err == nil {
		if st, err = f.Stat(); err != nil {
			f.Close()
		}
	}
	if err != nil {
		if closeIdx != nil {
			closeIdx()
		}
		return nil, err
	}
	p := &inPlacePack{idx: idx, close: closeIdx}
	p.r = &packReader{f: f, size: st.Size(), cache: newByteCache(packCacheBytes / 4), others: others,
		tmpDir: os.TempDir(), byOff: map[int64]*packEntry{}, byHex: map[plumbing.Hash]*packEntry{}, lazy: true,
		find: func(h plumbing.Hash) (int64, bool) {
			off, err := idx.FindOffset(h)
			return off, err == nil
		}}
	return p, nil
}

func readIndex(path string) (*idxfile.MemoryIndex, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(bufio.NewReaderSize(f, idxBufferSize)).Decode(idx); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return idx, nil
}

// find is the pack entry of h, the packs listed again once if it is in none
// (a push or a compaction may have added one).
func (b *boundedStore) find(h plumbing.Hash) (*inPlacePack, *packEntry, error) {
	for try := 0; try < 2; try++ {
		if try == 1 {
			// Listed again only when the packs changed: a hub lacks many of
			// the objects asked for (the other side's new commits).
			if names, err := b.packNames(); err != nil || slices.Equal(names, b.names) {
				break
			}
		}
		if !b.listed || try == 1 {
			if err := b.list(); err != nil {
				return nil, nil, err
			}
		}
		for _, p := range b.packs {
			if off, err := p.idx.FindOffset(h); err == nil {
				e, err := p.r.entryAt(off)
				return p, e, err
			}
		}
	}
	return nil, nil, plumbing.ErrObjectNotFound
}

func (b *boundedStore) isLoose(h plumbing.Hash) bool {
	_, err := os.Stat(loosePath(b.path, h))
	return err == nil
}

// EncodedObject reads h: small objects whole, large ones as streams.
func (b *boundedStore) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	if b.isLoose(h) {
		return b.Storage.EncodedObject(t, h)
	}
	// A delta's base in another pack is read through here again: packs that
	// name each other's objects as bases cannot loop forever.
	if b.depth > 50 {
		return nil, fmt.Errorf("%w (deltas between packs nested too deep)", errBadPack)
	}
	b.depth++
	defer func() { b.depth-- }()
	p, e, err := b.find(h)
	if err != nil {
		return nil, err
	}
	typ, err := p.r.typeOf(e)
	if err != nil {
		return nil, err
	}
	if t != plumbing.AnyObject && typ != t {
		return nil, plumbing.ErrObjectNotFound
	}
	switch {
	case e.target <= largeObject:
		data, err := p.r.bytes(e)
		if err != nil {
			return nil, err
		}
		return &madeObject{typ: typ, size: e.target, hash: h, open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}}, nil
	case !e.diskType.IsDelta():
		return &madeObject{typ: typ, size: e.target, hash: h, open: func() (io.ReadCloser, error) {
			rc, err := p.r.stored(e)
			if err != nil {
				return nil, err
			}
			return readCloser{io.LimitReader(rc, e.target), rc}, nil
		}}, nil
	default:
		f, err := p.r.materialize(e)
		if err != nil {
			return nil, err
		}
		p.r.last = nil // the reader keeps this file until release
		b.made = append(b.made, f)
		return &madeObject{typ: typ, size: e.target, hash: h, open: func() (io.ReadCloser, error) {
			return io.NopCloser(io.NewSectionReader(f, 0, e.target)), nil
		}}, nil
	}
}

// EncodedObjectSize reads the size of h from headers only.
func (b *boundedStore) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	if b.isLoose(h) {
		return b.Storage.EncodedObjectSize(h)
	}
	_, e, err := b.find(h)
	if err != nil {
		return 0, err
	}
	return e.target, nil
}

// HasEncodedObject tells whether h is here, reading nothing but indexes.
func (b *boundedStore) HasEncodedObject(h plumbing.Hash) error {
	if b.isLoose(h) {
		return nil
	}
	_, _, err := b.find(h)
	return err
}

type readCloser struct {
	io.Reader
	io.Closer
}

// madeObject is an object read through a function that opens it afresh.
type madeObject struct {
	typ  plumbing.ObjectType
	size int64
	hash plumbing.Hash
	open func() (io.ReadCloser, error)
}

func (o *madeObject) Hash() plumbing.Hash             { return o.hash }
func (o *madeObject) Type() plumbing.ObjectType       { return o.typ }
func (o *madeObject) SetType(plumbing.ObjectType)     {}
func (o *madeObject) Size() int64                     { return o.size }
func (o *madeObject) SetSize(int64)                   {}
func (o *madeObject) Reader() (io.ReadCloser, error)  { return o.open() }
func (o *madeObject) Writer() (io.WriteCloser, error) { return nil, errors.New("read only") }

// packedHashes lists the objects of every pack of a repository from the
// indexes, without reading the packs.
func packedHashes(path string) ([]plumbing.Hash, error) {
	names, err := filepath.Glob(filepath.Join(path, "objects", "pack", "pack-*.idx"))
	if err != nil {
		return nil, err
	}
	var out []plumbing.Hash
	for _, name := range names {
		if _, err := os.Stat(strings.TrimSuffix(name, ".idx") + ".pack"); err != nil {
			continue
		}
		err := indexHashes(name, func(h plumbing.Hash) { out = append(out, h) })
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// indexHashes calls each with every object a pack index lists.
func indexHashes(name string, each func(plumbing.Hash)) error {
	idx, err := readIndex(name)
	if err != nil {
		return err
	}
	iter, err := idx.Entries()
	if err != nil {
		return err
	}
	defer iter.Close()
	for {
		e, err := iter.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		each(e.Hash)
	}
}
