package sync

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"vademecum/data"
)

// On Windows the data directory is %APPDATA%\Vademecum and os.UserConfigDir is
// %APPDATA%: a fallback file in <config>\vademecum would be inside the data
// directory on a case-blind file system.
func TestCredentialsFileIsOutsideTheDefaultDataDirectory(t *testing.T) {
	// Paths only: nothing is created under root.
	root := filepath.Join(os.TempDir(), "vademecum-credentials-test")
	t.Setenv("VADEMECUM_DATA", "")
	t.Setenv("HOME", root)
	t.Setenv("USERPROFILE", root)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(root, ".config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(root, ".local", "share"))
	t.Setenv("APPDATA", filepath.Join(root, "AppData", "Roaming"))
	t.Setenv("LOCALAPPDATA", filepath.Join(root, "AppData", "Local"))
	p, err := credentialsFile()
	if err != nil {
		t.Fatal(err)
	}
	dir := data.DefaultDir()
	rel, err := filepath.Rel(dir, p)
	if runtime.GOOS == "windows" {
		rel, err = filepath.Rel(strings.ToLower(dir), strings.ToLower(p))
	}
	if err == nil && !strings.HasPrefix(rel, "..") {
		t.Fatalf("the credentials file %s is inside the data directory %s", p, dir)
	}
}
