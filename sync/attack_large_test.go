package sync_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"vademecum/data"
	vsync "vademecum/sync"
)

// A first sync large enough to be read, and its signatures verified, ahead
// of its checks (more than ReadAheadMin files) meets forged files mixed
// among hundreds of genuine ones: a practice changed and signed by a
// partner's key, and a practice changed under the owner's genuine signature.
// The newcomer refuses each with the reason a newcomer without the checks
// done ahead gives, and imports everything else as the owner holds it.
func TestAttacksOnALargeFirstSync(t *testing.T) {
	w := newWorld(t, diskAttackHub(t))
	n := vsync.ReadAheadMin + 20
	ids := make([]string, n)
	for i := range ids {
		ids[i] = w.a.practice(fmt.Sprintf("Practice number %d", i))
	}
	w.a.sync()
	w.b.sync() // the attacker, a partner, holds the keys of the shared practices
	pathOf := map[string]string{}
	for _, id := range ids {
		pathOf[id] = w.hubPath(id)
	}
	work := w.work()
	forged := map[string]string{} // path -> the reason it is refused
	for _, i := range []int{0, 10, n / 2, n - 3} {
		path := pathOf[ids[i]]
		w.write(work, path, string(forgeWithKeyOf(t, w.b.dir, w.hubFile(path), func(p *data.Practice) { p.Title = "Taken over" })))
		forged[path] = "changed by a non-owner"
	}
	for _, i := range []int{5, n/2 + 1, n - 1} {
		path := pathOf[ids[i]]
		plain, key := openWithKeysOf(t, w.b.dir, w.hubFile(path))
		changed := bytes.Replace(plain, []byte(fmt.Sprintf("Practice number %d\"", i)), []byte("Taken over\""), 1)
		if bytes.Equal(changed, plain) {
			t.Fatal("the practice's title was not found")
		}
		sealed, err := data.Seal(changed, key)
		if err != nil {
			t.Fatal(err)
		}
		w.write(work, path, string(sealed))
		forged[path] = "changed after it was signed"
	}
	gitCLI(t, work, "commit", "-q", "-am", "forged among many")
	gitCLI(t, work, "push", "-q", "origin", "main")

	// Each newcomer syncs with its own copy of the hub as the attacker left
	// it (the first one's sync sends the genuine versions back).
	twin := filepath.Join(t.TempDir(), "twin.git")
	gitCLI(t, "", "clone", "-q", "--bare", w.hub.bare, twin)
	ahead := newNodeAuth(t, "migrant-es", "newcomer", w.hub.url, w.hub.auth)
	plain := newNodeWith(t, "migrant-pt", "newcomer", twin, vsync.Auth{}, func(o *vsync.Options) { o.Precheck = nil })
	refusals := map[*node][]string{}
	for _, nd := range []*node{ahead, plain} {
		res := nd.sync()
		for _, r := range res.Refused {
			refusals[nd] = append(refusals[nd], r.Path+": "+r.Reason)
			if want, ok := forged[r.Path]; ok && !strings.Contains(r.Reason, want) {
				t.Errorf("%s refused %s with %q, want %q", nd.org, r.Path, r.Reason, want)
			}
		}
		sort.Strings(refusals[nd])
		if len(refusals[nd]) != len(forged) {
			t.Errorf("%s refused %d files, want the %d forged: %v", nd.org, len(refusals[nd]), len(forged), refusals[nd])
		}
		for _, id := range ids {
			if _, bad := forged[pathOf[id]]; bad {
				// Only a forged version reached it: it holds none.
				var held int
				nd.st.DB().QueryRow("SELECT count(*) FROM records WHERE id = ?", id).Scan(&held)
				if held != 0 {
					t.Errorf("%s holds %s, of which it only received forged versions", nd.org, id)
				}
				continue
			}
			if got, want := recordBody(t, nd, id), recordBody(t, w.a, id); got != want {
				t.Fatalf("%s holds %s as\n%s\nwant the owner's\n%s", nd.org, id, got, want)
			}
		}
	}
	if strings.Join(refusals[ahead], "\n") != strings.Join(refusals[plain], "\n") {
		t.Errorf("with checks done ahead:\n%s\nwithout:\n%s", strings.Join(refusals[ahead], "\n"), strings.Join(refusals[plain], "\n"))
	}
}

// hubFile is a file of the hub's main as stored (sealed or not), with the
// line end git show takes away.
func (w *world) hubFile(path string) []byte {
	w.t.Helper()
	b := []byte(w.show(path))
	if !bytes.HasSuffix(b, []byte("\n")) {
		b = append(b, '\n')
	}
	return b
}
