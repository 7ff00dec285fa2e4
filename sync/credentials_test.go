package sync

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestCredentialsFallBackToFile(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("HOME", cfg)
	keyring.MockInitWithError(errors.New("no secret service on this box"))
	t.Cleanup(keyring.MockInit)
	c := DefaultCredentials()
	const url = "https://hub.example.org/network.git"
	if err := c.Set(url, "tok-123"); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(url); err != nil || got != "tok-123" {
		t.Fatalf("got %q %v", got, err)
	}
	dir, _ := os.UserConfigDir()
	p := filepath.Join(dir, "vademecum", "credentials.json")
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	if err := c.Delete(url); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Get(url); got != "" {
		t.Fatalf("still there: %q", got)
	}
}

func TestCredentialsUseKeyring(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("HOME", cfg)
	keyring.MockInit()
	c := DefaultCredentials()
	if err := c.Set("https://h/x.git", "tok-456"); err != nil {
		t.Fatal(err)
	}
	if got, _ := keyring.Get(keyringService, "https://h/x.git"); got != "tok-456" {
		t.Fatalf("keyring has %q", got)
	}
	if _, err := os.Stat(filepath.Join(cfg, "vademecum", "credentials.json")); err == nil {
		t.Fatal("the token was written to a file although the keyring answered")
	}
}

func TestAddRemoteKeepsTokensOutOfTheDataDirectory(t *testing.T) {
	a := newReplica(t, "shelter-it", Options{})
	if err := a.eng.AddRemote("hub", "https://vademecum:pasted-token@hub.example.org/n.git", Auth{}); err != nil {
		t.Fatal(err)
	}
	rms, _ := a.eng.Remotes()
	if rms[0].URL != "https://vademecum@hub.example.org/n.git" {
		t.Errorf("url %q", rms[0].URL)
	}
	if tok, _ := a.eng.creds.Get(rms[0].URL); tok != "pasted-token" {
		t.Errorf("token %q", tok)
	}
	filepath.WalkDir(a.store.Dir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), "pasted-token") {
				t.Errorf("the token is in %s", p)
			}
		}
		return nil
	})
	for _, bad := range []string{"http://hub.example.org/n.git", "relative/path", "ftp://x/y"} {
		if err := a.eng.AddRemote("x", bad, Auth{}); err == nil && bad != "relative/path" {
			t.Errorf("%s accepted", bad)
		}
	}
	if err := a.eng.AddRemote("bad name!", "/tmp/x", Auth{}); err == nil {
		t.Error("bad name accepted")
	}
}

// A credentials file (and its folder) that others can read, made by an older
// version or by hand, is made private the next time it is used.
func TestCredentialsFileIsMadePrivate(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("HOME", cfg)
	keyring.MockInitWithError(errors.New("no secret service on this box"))
	t.Cleanup(keyring.MockInit)
	dir, _ := os.UserConfigDir()
	folder := filepath.Join(dir, "vademecum")
	os.MkdirAll(folder, 0o755)
	os.Chmod(folder, 0o755)
	p := filepath.Join(folder, "credentials.json")
	os.WriteFile(p, []byte(`{"https://hub.example.org/a.git": "tok-old"}`), 0o644)
	c := DefaultCredentials()
	if got, err := c.Get("https://hub.example.org/a.git"); err != nil || got != "tok-old" {
		t.Fatalf("got %q %v", got, err)
	}
	for path, want := range map[string]os.FileMode{folder: 0o700, p: 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v (%v)", path, fi.Mode().Perm(), want, err)
		}
	}
}
