package data

import (
	"bytes"
	"strings"
	"testing"
)

func sealedPractice(t testing.TB) (plain, sealed, key []byte) {
	t.Helper()
	p := &Practice{Title: "Night shelter intake", Summary: "Mario R., 54, sleeps at the station", Visibility: Shared, Tags: []string{}, Tools: []string{}}
	p.ID, p.Claim = NewRecordID("streetwork-cz")
	p.Type, p.Org, p.Author, p.Lang = TypePractice, "streetwork-cz", "Jana", "en"
	p.Created, p.Updated, p.Version, p.Sig = Now(), Now(), 3, "k:sig"
	key = NewRecordKey()
	p.KeyHash = KeyCommitment(p.ID, key)
	plain, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err = Seal(plain, key)
	if err != nil {
		t.Fatal(err)
	}
	return plain, sealed, key
}

func TestSealOpens(t *testing.T) {
	plain, sealed, key := sealedPractice(t)
	if bytes.Contains(sealed, []byte("Mario")) || bytes.Contains(sealed, []byte("Night shelter")) {
		t.Fatalf("text in the clear:\n%s", sealed)
	}
	again, _ := Seal(plain, key)
	if !bytes.Equal(again, sealed) {
		t.Fatal("sealing an unchanged record gives other bytes")
	}
	got, _, err := OpenSealed(sealed, [][]byte{NewRecordKey(), key})
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %v\n%s", err, got)
	}
	if _, _, err := OpenSealed(sealed, [][]byte{NewRecordKey()}); err != ErrNoKey {
		t.Fatalf("a key that does not match the commitment: %v", err)
	}
	// A clear field changed by hand no longer matches the sealed record.
	forged := bytes.Replace(sealed, []byte(`"version": 3`), []byte(`"version": 9`), 1)
	if _, _, err := OpenSealed(forged, [][]byte{key}); err == nil {
		t.Fatal("a changed clear field opened")
	}
	// A ciphertext changed by hand does not open.
	i := bytes.Index(sealed, []byte(`"sealed": "`)) + 30
	bad := append([]byte{}, sealed...)
	bad[i] ^= 1
	if _, _, err := OpenSealed(bad, [][]byte{key}); err == nil || strings.Contains(string(bad), "Mario") {
		t.Fatalf("a changed ciphertext: %v", err)
	}
}

func BenchmarkSealOpen(b *testing.B) {
	plain, sealed, key := sealedPractice(b)
	b.Run("seal", func(b *testing.B) {
		for range b.N {
			if _, err := Seal(plain, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("open", func(b *testing.B) {
		for range b.N {
			if _, _, err := OpenSealed(sealed, [][]byte{key}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		for range b.N {
			if _, err := Decode(plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}
