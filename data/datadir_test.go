package data

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestDefaultDir(t *testing.T) {
	noHome := func() (string, error) { return "", errors.New("no home") }
	home := func(h string) func() (string, error) { return func() (string, error) { return h, nil } }
	cases := []struct {
		name, goos string
		env        map[string]string
		home       func() (string, error)
		want       string
	}{
		{"env wins on windows", "windows", map[string]string{"VADEMECUM_DATA": `D:\vm`, "APPDATA": `C:\Users\ann\AppData\Roaming`}, noHome, `D:\vm`},
		{"appdata", "windows", map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`, "XDG_DATA_HOME": "/x"}, noHome, `C:\Users\ann\AppData\Roaming\Vademecum`},
		{"windows without appdata", "windows", nil, home(`C:\Users\ann`), `C:\Users\ann\AppData\Roaming\Vademecum`},
		{"env wins on linux", "linux", map[string]string{"VADEMECUM_DATA": "d", "XDG_DATA_HOME": "/x"}, home("/home/ann"), "d"},
		{"xdg", "linux", map[string]string{"XDG_DATA_HOME": "/x", "APPDATA": "/a"}, home("/home/ann"), "/x/vademecum"},
		{"home", "linux", nil, home("/home/ann"), "/home/ann/.local/share/vademecum"},
		{"nothing", "linux", nil, noHome, "vademecum-data"},
	}
	for _, c := range cases {
		got := defaultDir(c.goos, func(k string) string { return c.env[k] }, c.home)
		if c.goos != "windows" {
			c.want = filepath.FromSlash(c.want) // the test also runs on Windows
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
