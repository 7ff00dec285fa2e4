package sync

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	gosync "sync"
	"time"

	"github.com/zalando/go-keyring"

	"vademecum/data"
	"vademecum/internal/atomicfile"
)

// Credentials keeps hub tokens, keyed by the hub's address. Tokens never go to
// the data directory, the repository, the database, logs or error messages.
type Credentials interface {
	Get(remote string) (string, error) // "" and no error when none is stored
	Set(remote, token string) error
	Delete(remote string) error
}

// keyringService names Vademecum's entries in the OS keyring.
const keyringService = "vademecum"

// keyringTimeout bounds a keyring call: on a box without a desktop session the
// secret service may never answer, and sync must not hang on it.
const keyringTimeout = 3 * time.Second

// DefaultCredentials uses the OS keyring and, where none answers (a headless
// box), a file readable only by the user in the user's config directory
// (never the data directory, which people copy and back up).
func DefaultCredentials() Credentials {
	return &keyringCredentials{file: fileCredentials{path: credentialsFile}}
}

func credentialsFile() (string, error) {
	dir, err := credentialsBaseDir()
	if err != nil {
		return "", fmt.Errorf("no config directory to keep the hub token in (set $HOME or $XDG_CONFIG_HOME): %w", err)
	}
	return filepath.Join(dir, "vademecum", "credentials.json"), nil
}

type keyringCredentials struct {
	file fileCredentials
}

// withKeyring runs a keyring call with a time limit.
func withKeyring(f func() (string, error)) (string, error) {
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := f()
		ch <- res{s, err}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-time.After(keyringTimeout):
		return "", errors.New("the keyring did not answer")
	}
}

func (k *keyringCredentials) Get(remote string) (string, error) {
	tok, err := withKeyring(func() (string, error) { return keyring.Get(keyringService, remote) })
	if err == nil {
		return tok, nil
	}
	// Not in the keyring, or no keyring: it may be in the file.
	return k.file.Get(remote)
}

func (k *keyringCredentials) Set(remote, token string) error {
	_, err := withKeyring(func() (string, error) { return "", keyring.Set(keyringService, remote, token) })
	if err == nil {
		// A stale copy in the file must not shadow the new token.
		k.file.Delete(remote)
		return nil
	}
	return k.file.Set(remote, token)
}

func (k *keyringCredentials) Delete(remote string) error {
	_, err := withKeyring(func() (string, error) { return "", keyring.Delete(keyringService, remote) })
	ferr := k.file.Delete(remote)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return ferr
	}
	return nil
}

// fileCredentials is a JSON object {address: token} in a 0600 file.
type fileCredentials struct {
	mu   gosync.Mutex
	path func() (string, error)
}

func (f *fileCredentials) load() (map[string]string, string, error) {
	p, err := f.path()
	if err != nil {
		return nil, "", err
	}
	m := map[string]string{}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return m, p, nil
	}
	if err == nil {
		err = makePrivate(p)
	}
	if err != nil {
		return nil, p, fmt.Errorf("cannot read the credentials file %s: %w", p, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, p, fmt.Errorf("the credentials file %s is damaged: delete it and add the hub tokens again", p)
	}
	return m, p, nil
}

func (f *fileCredentials) save(p string, m map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(p), data.PrivateDirMode); err != nil {
		return fmt.Errorf("cannot create %s for the hub token: %w", filepath.Dir(p), err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(p, b, 0o600); err != nil {
		return fmt.Errorf("cannot write the credentials file %s: %w", p, err)
	}
	return nil
}

func (f *fileCredentials) Get(remote string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, _, err := f.load()
	if err != nil {
		return "", err
	}
	return m[remote], nil
}

func (f *fileCredentials) Set(remote, token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, p, err := f.load()
	if err != nil {
		return err
	}
	m[remote] = token
	return f.save(p, m)
}

func (f *fileCredentials) Delete(remote string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, p, err := f.load()
	if err != nil {
		return err
	}
	if _, ok := m[remote]; !ok {
		return nil
	}
	delete(m, remote)
	return f.save(p, m)
}

// makePrivate gives the credentials file and its folder private modes,
// whatever they were before (a file made by an older version, or by hand).
func makePrivate(p string) error {
	if err := data.EnsureMode(filepath.Dir(p), data.PrivateDirMode); err != nil {
		return err
	}
	return data.EnsureMode(p, data.PrivateFileMode)
}

// MemoryCredentials keeps tokens in memory only: for tests and for callers that
// bring their own secret storage.
type MemoryCredentials struct {
	mu gosync.Mutex
	m  map[string]string
}

// Get returns the token kept for remote, or "".
func (c *MemoryCredentials) Get(remote string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[remote], nil
}

// Set keeps token for remote.
func (c *MemoryCredentials) Set(remote, token string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]string{}
	}
	c.m[remote] = token
	return nil
}

// Delete forgets the token of remote.
func (c *MemoryCredentials) Delete(remote string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, remote)
	return nil
}
