package sync

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// packedRepo is a repository of packs packs of files objects each, and one
// blob of each pack.
func packedRepo(tb testing.TB, packs, files int) (string, []plumbing.Hash) {
	dir := tb.TempDir()
	git(tb, dir, "init", "-q")
	var blobs []plumbing.Hash
	for p := range packs {
		for f := range files {
			name := filepath.Join(dir, fmt.Sprintf("f%d.txt", f))
			if err := os.WriteFile(name, fmt.Appendf(nil, "pack %d file %d\n", p, f), 0o644); err != nil {
				tb.Fatal(err)
			}
		}
		git(tb, dir, "add", "-A")
		git(tb, dir, "commit", "-q", "-m", fmt.Sprint(p))
		git(tb, dir, "repack", "-q")
		blobs = append(blobs, plumbing.NewHash(git(tb, dir, "rev-parse", "HEAD:f0.txt")))
	}
	return filepath.Join(dir, ".git"), blobs
}

// TestBufferedIndexesReadEveryPack: through the buffered pack indexes, every
// object of every pack reads back as git wrote it, in the storage go-git reads
// and in the hub folder's bounded store.
func TestBufferedIndexesReadEveryPack(t *testing.T) {
	path, blobs := packedRepo(t, 5, 40)
	st := openDiskStorage(path)
	bs := newBoundedStore(openDiskStorage(path), path)
	for i, h := range blobs {
		want := fmt.Sprintf("pack %d file 0\n", i)
		for _, s := range []interface {
			EncodedObject(plumbing.ObjectType, plumbing.Hash) (plumbing.EncodedObject, error)
		}{st, bs} {
			o, err := s.EncodedObject(plumbing.BlobObject, h)
			if err != nil {
				t.Fatalf("blob of pack %d: %v", i, err)
			}
			r, _ := o.Reader()
			b := make([]byte, 64)
			n, _ := r.Read(b)
			r.Close()
			if string(b[:n]) != want {
				t.Errorf("blob of pack %d reads %q, want %q", i, b[:n], want)
			}
		}
	}
}

// BenchmarkOpenPackedRepository opens a repository of 30 packs and reads an
// object, which decodes every pack index (each sync opens the local
// repository and a hub folder so).
func BenchmarkOpenPackedRepository(b *testing.B) {
	path, blobs := packedRepo(b, 30, 300)
	b.ResetTimer()
	for range b.N {
		st := openDiskStorage(path)
		if _, err := st.EncodedObject(plumbing.BlobObject, blobs[0]); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// TestDiskIndexFindsWhatGitIndexed: every object of every pack is found where
// go-git's decoding of the same index puts it, with 32-bit offsets and with
// the 64-bit table (git index-pack --index-version=2,32 puts every offset
// past 32 there); a name the pack lacks is not found.
func TestDiskIndexFindsWhatGitIndexed(t *testing.T) {
	path, _ := packedRepo(t, 3, 200)
	idxs, err := filepath.Glob(filepath.Join(path, "objects", "pack", "pack-*.idx"))
	if err != nil || len(idxs) != 3 {
		t.Fatalf("%d indexes (%v)", len(idxs), err)
	}
	large := filepath.Join(t.TempDir(), "large.idx")
	git(t, path, "index-pack", "--index-version=2,32", "-o", large, strings.TrimSuffix(idxs[0], ".idx")+".pack")
	for _, name := range append(idxs, large) {
		want, err := readIndex(name)
		if err != nil {
			t.Fatal(err)
		}
		x, err := openDiskIndex(name)
		if err != nil {
			t.Fatal(err)
		}
		iter, err := want.Entries()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			e, err := iter.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			off, err := x.FindOffset(e.Hash)
			if err != nil || off != int64(e.Offset) {
				t.Fatalf("%s: %s at %d (%v), want %d", filepath.Base(name), e.Hash, off, err, e.Offset)
			}
			if e.Offset > 32 {
				n++
			}
		}
		if name == large && (x.nLarge != int64(n) || n == 0) {
			t.Errorf("%d offsets in the 64-bit table, want %d", x.nLarge, n)
		}
		for _, h := range []plumbing.Hash{plumbing.ZeroHash, plumbing.NewHash("ffffffffffffffffffffffffffffffffffffffff"), plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")} {
			if _, err := x.FindOffset(h); !errors.Is(err, plumbing.ErrObjectNotFound) {
				t.Errorf("%s: found (%v)", h, err)
			}
		}
		x.close()
	}
}

// TestDiskIndexRefusesDamage: a damaged index is an error when it is opened or
// looked up, never a read out of its bounds or a panic.
func TestDiskIndexRefusesDamage(t *testing.T) {
	path, blobs := packedRepo(t, 1, 50)
	idxs, _ := filepath.Glob(filepath.Join(path, "objects", "pack", "pack-*.idx"))
	good, err := os.ReadFile(idxs[0])
	if err != nil {
		t.Fatal(err)
	}
	count := int(binary.BigEndian.Uint32(good[idxFanoutEnd-4:]))
	offsets := idxFanoutEnd + count*(hashSize+4)
	for _, c := range []struct {
		name   string
		damage func(b []byte) []byte
		atOpen bool
	}{
		{"empty", func(b []byte) []byte { return nil }, true},
		{"truncated", func(b []byte) []byte { return b[:len(b)-41] }, true},
		{"version 1", func(b []byte) []byte { b[7] = 1; return b }, true},
		{"fan-out out of order", func(b []byte) []byte { b[8+4*10+3] = 0xff; return b }, true},
		{"more objects than bytes", func(b []byte) []byte { binary.BigEndian.PutUint32(b[idxFanoutEnd-4:], 1<<30); return b }, true},
		{"a 64-bit offset the table lacks", func(b []byte) []byte {
			for i := range count {
				binary.BigEndian.PutUint32(b[offsets+4*i:], 0x80000005)
			}
			return b
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "pack-x.idx")
			if err := os.WriteFile(name, c.damage(bytes.Clone(good)), 0o600); err != nil {
				t.Fatal(err)
			}
			x, err := openDiskIndex(name)
			if c.atOpen {
				if !errors.Is(err, errBadIndex) {
					t.Fatalf("opened: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer x.close()
			if _, err := x.FindOffset(blobs[0]); !errors.Is(err, errBadIndex) {
				t.Fatalf("look-up: %v", err)
			}
		})
	}
}
