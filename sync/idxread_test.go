package sync

import (
	"fmt"
	"os"
	"path/filepath"
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
