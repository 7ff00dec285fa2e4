//go:build windows

package sync

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/danieljoos/wincred"
)

// The token goes to the Windows Credential Manager (go-keyring's wincred), not
// to the fallback file. It runs in a child process: other tests replace the
// keyring with go-keyring's mock, for the rest of the process.
func TestCredentialManagerHoldsTheToken(t *testing.T) {
	if os.Getenv("VADEMECUM_WINCRED_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCredentialManagerHoldsTheToken$", "-test.v")
		cmd.Env = append(os.Environ(), "VADEMECUM_WINCRED_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestCredentialManagerHoldsTheToken") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	root := scratchDir(t)
	t.Setenv("APPDATA", filepath.Join(root, "Roaming"))
	t.Setenv("LOCALAPPDATA", filepath.Join(root, "Local"))
	const url = "https://hub.example.org/wincred-test.git"
	c := DefaultCredentials()
	if err := c.Set(url, "tok-wincred"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Delete(url) })
	cred, err := wincred.GetGenericCredential(keyringService + ":" + url)
	if err != nil {
		t.Fatalf("not in the Credential Manager: %v", err)
	}
	if string(cred.CredentialBlob) != "tok-wincred" {
		t.Fatalf("the Credential Manager holds %q", cred.CredentialBlob)
	}
	if got, err := c.Get(url); err != nil || got != "tok-wincred" {
		t.Fatalf("Get: %q %v", got, err)
	}
	p, _ := credentialsFile()
	if _, err := os.Stat(p); err == nil {
		t.Fatalf("the token was also written to %s", p)
	}
	if err := c.Delete(url); err != nil {
		t.Fatal(err)
	}
	if _, err := wincred.GetGenericCredential(keyringService + ":" + url); !errors.Is(err, syscall.Errno(1168)) { // ERROR_NOT_FOUND
		t.Fatalf("still in the Credential Manager after Delete: %v", err)
	}
}
