//go:build windows

package sync

import "testing"

// Folder hubs on Windows: a USB stick's drive letter and a network share's UNC
// path are folder hubs, written either way round.
func TestWindowsFolderHubAddresses(t *testing.T) {
	for in, want := range map[string]string{
		`E:\vademecum-hub`:         `E:\vademecum-hub`,
		`E:/vademecum-hub/`:        `E:\vademecum-hub`,
		`e:\Hubs\..\vademecum-hub`: `e:\vademecum-hub`,
		`\\server\share\hub`:       `\\server\share\hub`,
		`//server/share/hub`:       `\\server\share\hub`,
		`file://E:\vademecum-hub`:  `E:\vademecum-hub`,
	} {
		ep, kind, err := parseHubURL(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
		} else if kind != hubDisk || ep.Path != want {
			t.Errorf("%s: kind %v, path %q; want the folder %s", in, kind, ep.Path, want)
		}
	}
	for _, in := range []string{`vademecum-hub`, `E:vademecum-hub`} {
		if _, kind, err := parseHubURL(in); err == nil && kind == hubDisk {
			t.Errorf("%s (not a full path) accepted as a folder hub", in)
		}
	}
}
