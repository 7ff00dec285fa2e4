package trust

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"vademecum/data"
	"vademecum/internal/atomicfile"
)

// KeyFile is the installation key's file name inside the data directory.
const KeyFile = "installation.key"

// Installation is this installation's signing key.
type Installation struct {
	priv ed25519.PrivateKey
	// Tightened is set when the key file could be read by other users and its
	// permissions were fixed on load: the app should tell the user.
	Tightened bool
	// Created is set when the key was made by this load (first use).
	Created bool
}

// ID is the key's short fingerprint, as it appears in signatures.
func (in *Installation) ID() string { return KeyID(in.pub()) }

// Public is the public key, base64, as organisation files list it.
func (in *Installation) Public() string { return base64.StdEncoding.EncodeToString(in.pub()) }

// Fingerprint is the public key's fingerprint, for reading aloud.
func (in *Installation) Fingerprint() string { return Fingerprint(in.pub()) }

func (in *Installation) pub() ed25519.PublicKey { return in.priv.Public().(ed25519.PublicKey) }

func (in *Installation) sign(msg []byte) []byte { return ed25519.Sign(in.priv, msg) }

// KeyID is the short fingerprint of a public key: 16 lower-case hex digits.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// Fingerprint is what people compare by phone: 32 upper-case hex digits in groups
// of four, "3F2A 9C01 …". Its first four groups are the key ID.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := strings.ToUpper(hex.EncodeToString(sum[:16]))
	groups := make([]string, 0, 8)
	for i := 0; i < len(h); i += 4 {
		groups = append(groups, h[i:i+4])
	}
	return strings.Join(groups, " ")
}

// ParsePublic reads a public key as organisation files list it (base64 of the 32
// bytes of an ed25519 key; spaces and line breaks are ignored, so that a key can
// be pasted from an e-mail).
func ParsePublic(s string) (ed25519.PublicKey, error) {
	s = strings.Join(strings.Fields(s), "")
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b2, err2 := base64.RawStdEncoding.DecodeString(s); err2 == nil {
			b, err = b2, nil
		}
	}
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errs.Error(ErrNotPublicKey, short(s, 60))
	}
	return ed25519.PublicKey(b), nil
}

// FingerprintOf is Fingerprint of a key in its base64 form, or "" when malformed.
func FingerprintOf(public string) string {
	pub, err := ParsePublic(public)
	if err != nil {
		return ""
	}
	return Fingerprint(pub)
}

// LoadInstallation reads the installation key of the data directory dir, making
// it on first use. A key file that other users can read has its permissions
// tightened to 0600 (Tightened tells), or is refused when that is not possible.
func LoadInstallation(dir string) (*Installation, error) {
	path := filepath.Join(dir, KeyFile)
	in, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKey(dir, path); err != nil {
			return nil, err
		}
		in, err = readKey(path)
		if err == nil {
			in.Created = true
		}
	}
	return in, err
}

func readKey(path string) (*Installation, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("cannot read this installation's key %s: %s", path, rootCause(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read this installation's key %s: %s", path, rootCause(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("this installation's key %s is not a regular file: move it away", path)
	}
	in := &Installation{}
	// Windows has no such mode bits: the user's profile folder protects the file.
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			return nil, fmt.Errorf("this installation's private key %s can be read by other users of this computer and its permissions cannot be fixed (%s): run 'chmod 600 %s' as its owner",
				path, rootCause(err), path)
		}
		in.Tightened = true
	}
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("cannot read this installation's key %s: %s", path, rootCause(err))
	}
	damaged := func(why string) error {
		return fmt.Errorf("this installation's key %s is damaged (%s): restore it from a backup, or move it away to make a new key that partners will have to approve", path, why)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, damaged("not a PEM private key")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, damaged(err.Error())
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, damaged("not an ed25519 key")
	}
	in.priv = priv
	return in, nil
}

// createKey writes a new key under a temporary name and links it into place, so
// that a crash never leaves half a key and two processes starting at once end up
// with the same one.
func createKey(dir, path string) error {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("cannot make this installation's key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	fail := func(err error) error {
		return fmt.Errorf("cannot write this installation's key in %s: %s (check the permissions of the data directory)", dir, rootCause(err))
	}
	if _, err := atomicfile.CreateNew(path, pemBytes, 0o600); err != nil {
		return fail(err) // not created because another process made it first is no error: that key is used
	}
	return nil
}

func rootCause(err error) string { return data.FileCause(err).Error() }

func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
