package sync_test

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vademecum/data"
	"vademecum/data/trust"
	vsync "vademecum/sync"
)

// forgeRecord changes a record file and signs it with the installation key of
// another data directory, listing that key first when it is an organisation file.
func forgeRecord(t *testing.T, keyDir string, body []byte, change func(r data.Record)) []byte {
	t.Helper()
	if _, err := trust.LoadInstallation(keyDir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(keyDir, trust.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	priv := k.(ed25519.PrivateKey)
	pub := priv.Public().(ed25519.PublicKey)
	r, err := data.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := r.(*data.Organisation); ok {
		o.Keys = []data.Key{{ID: trust.KeyID(pub), Public: base64.StdEncoding.EncodeToString(pub), Device: "laptop", Added: time.Now().UTC()}}
	}
	change(r)
	r.Base().Updated = r.Base().Updated.Add(time.Hour)
	r.Base().Sig = ""
	unsigned, _ := data.Encode(r)
	r.Base().Sig = trust.KeyID(pub) + ":" + base64.StdEncoding.EncodeToString(ed25519.Sign(priv, unsigned))
	out, _ := data.Encode(r)
	return out
}

// readHub reads files of the hub's main branch with plain git.
func readHub(t *testing.T, hub string, paths ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range paths {
		out[p] = []byte(gitCLI(t, hub, "show", "main:"+p))
	}
	return out
}

// pushToHub writes files into the hub with plain git, as any partner with write
// access could.
func pushToHub(t *testing.T, hub string, files map[string][]byte) {
	t.Helper()
	work := filepath.Join(t.TempDir(), "work")
	gitCLI(t, "", "clone", "-q", "-b", "main", hub, work)
	for path, body := range files {
		if err := os.WriteFile(filepath.Join(work, path), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitCLI(t, work, "add", "-A")
	gitCLI(t, work, "commit", "-q", "-m", "a small fix")
	gitCLI(t, work, "push", "-q", "origin", "main")
}

// A partner's key pinned here stays pinned through a rebuild: an organisation
// file on the hub that lists another key (and what that key signs) is refused
// after the rebuild as it was before, whether the rebuild had the local
// repository or only the local copy.
func TestRebuildKeepsPinnedKeys(t *testing.T) {
	for _, lost := range []string{"database", "database and local repository"} {
		t.Run(lost, func(t *testing.T) {
			hub := bareHub(t)
			a := newNode(t, "opengroup-it", "office", hub)
			b := newNode(t, "caritas-cz", "van", hub)
			id := b.practice("Streetwork van")
			b.sync()
			a.sync()
			if a.title(id) != "Streetwork van" {
				t.Fatal("the partner's practice did not arrive")
			}
			a.close()
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(filepath.Join(a.dir, data.DBFile+suffix))
			}
			if lost != "database" {
				os.RemoveAll(filepath.Join(a.dir, vsync.RepoDir))
			}
			if _, err := vsync.Rebuild(a.dir, nil); err != nil {
				t.Fatal(err)
			}
			a.reopen()
			if lost != "database" {
				// The hubs were listed in the repository's config: added again by hand.
				if err := a.eng.AddRemote("hub", hub, vsync.Auth{}); err != nil {
					t.Fatal(err)
				}
			}

			// Mallory replaces caritas-cz's organisation file with one listing her
			// key, and rewrites its practice with it.
			p, _ := b.st.GetPractice(id)
			orgPath, practicePath := "orgs/caritas-cz.json", vsync.HubPath(p)
			files := readHub(t, hub, orgPath, practicePath)
			if id, _ := data.SealedRecordID(files[practicePath]); id != "" {
				// Sealed on the hub (format 4): Mallory rewrites it from its
				// text, as a partner that holds its key could.
				var err error
				if files[practicePath], err = data.Encode(p); err != nil {
					t.Fatal(err)
				}
			}
			mallory := t.TempDir()
			forged := map[string][]byte{
				orgPath:      forgeRecord(t, mallory, files[orgPath], func(data.Record) {}),
				practicePath: forgeRecord(t, mallory, files[practicePath], func(r data.Record) { r.(*data.Practice).Title = "Send your bank details" }),
			}
			pushToHub(t, hub, forged)
			a.sync()
			// Without the local repository the genuine version can only come back
			// from the hub, which now holds the forged one: nothing is shown then.
			want := "Streetwork van"
			if lost != "database" {
				want = ""
			}
			if got := a.title(id); got != want {
				t.Errorf("after the rebuild, a forged organisation file was trusted: the practice reads %q", got)
			}
			if a.quarantined("caritas-cz") == "" && a.quarantined(id) == "" {
				t.Error("nothing is held in quarantine")
			}
			orgs, err := trust.Orgs(a.st)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range orgs {
				if o.ID != "caritas-cz" {
					continue
				}
				for _, k := range o.Keys {
					if k.Device == "laptop" && k.Status == trust.StatusPinned {
						t.Errorf("Mallory's key is pinned for caritas-cz: %+v", k)
					}
				}
			}
		})
	}
}
