package sync_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"

	"vademecum/data"
	vsync "vademecum/sync"
	"vademecum/sync/hubgen"
)

// keyPushes collects the sizes of the key files an engine sent.
type keyPushes struct {
	mu    gosync.Mutex
	sizes []int
}

func (k *keyPushes) logf(format string, args ...any) {
	if strings.HasPrefix(format, "sent the keys of %d records (%d bytes)") {
		k.mu.Lock()
		k.sizes = append(k.sizes, args[1].(int))
		k.mu.Unlock()
	}
}

func (k *keyPushes) take() []int {
	k.mu.Lock()
	defer k.mu.Unlock()
	s := k.sizes
	k.sizes = nil
	return s
}

// One new practice on a sealed network of about 2,000 records sends its key
// as a delta against the hub's key file: a few hundred bytes, where the whole
// file is about 120 KB (issue 18). A partner then reads the practice (its key
// arrived), a real git takes the thin pack (fsck), and an erasure still sends
// the whole file.
func TestOneNewPracticeSendsAKeyDelta(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a sealed hub of 2,000 records")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	gen := t.TempDir()
	built := filepath.Join(gen, "hub.git")
	if err := hubgen.Build(filepath.Join(gen, "gen"), built, 1500, 1500, true); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"hub folder", "http", "http, no-thin"} {
		t.Run(kind, func(t *testing.T) {
			thin := kind != "http, no-thin"
			root := t.TempDir()
			bare := filepath.Join(root, "hub.git")
			gitCLI(t, "", "clone", "-q", "--bare", built, bare)
			url, auth := bare, vsync.Auth{}
			var wire atomic.Int64 // bytes of the key branch pushes, as the server received them
			if kind != "hub folder" {
				const token = "partner-token"
				backend := vsync.GitHTTPHandler(t, root, token)
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasSuffix(r.URL.Path, "/git-receive-pack") {
						body, _ := io.ReadAll(r.Body)
						if strings.Contains(string(body[:min(len(body), 400)]), "refs/heads/keys") {
							wire.Add(int64(len(body)))
						}
						r.Body = io.NopCloser(strings.NewReader(string(body)))
					}
					if !thin && r.URL.Query().Get("service") == "git-receive-pack" {
						advertiseNoThin(w, r, backend)
						return
					}
					backend.ServeHTTP(w, r)
				}))
				t.Cleanup(srv.Close)
				url, auth = srv.URL+"/hub.git", vsync.Auth{Token: token}
			}
			ctx := context.Background()
			var wk, rk keyPushes
			wst, writer := installation(t, "writer-it", url, auth, wk.logf)
			rst, reader := installation(t, "reader-es", url, auth, rk.logf)
			for _, e := range []*vsync.Engine{writer, reader} {
				res, err := e.Sync(ctx, "", nil)
				if err != nil {
					t.Fatal(err)
				}
				if res.Quarantined > 0 || res.Received < 1500 {
					t.Fatalf("first sync: received %d, set aside %d", res.Received, res.Quarantined)
				}
			}
			wk.take()
			wire.Store(0)

			p := &data.Practice{Meta: data.Meta{Lang: "en"}, Title: "Night desk", Visibility: data.Shared, Country: "IT",
				Summary: "Every Tuesday evening we help guests recover their digital identity."}
			if err := wst.SavePractice(ctx, p); err != nil {
				t.Fatal(err)
			}
			if res, err := writer.Sync(ctx, "", nil); err != nil || res.Sent != 1 {
				t.Fatalf("sent %+v: %v", res, err)
			}
			sent := wk.take()
			switch {
			case len(sent) != 1:
				t.Fatalf("key pushes of %v bytes", sent)
			case thin && sent[0] > 4<<10:
				t.Fatalf("a key push of %d bytes for one new practice, budget 4 KB", sent[0])
			case thin && kind == "http" && (wire.Load() == 0 || wire.Load() > 5<<10):
				t.Fatalf("the server received %d bytes for the key branch", wire.Load())
			case !thin && sent[0] < 50<<10:
				t.Fatalf("a key push of %d bytes to a host that takes no thin pack: not the whole file", sent[0])
			}
			t.Logf("%s: one new practice's key push: %d bytes of pack (%d on the wire)", kind, sent[0], wire.Load())

			if _, err := reader.Sync(ctx, "", nil); err != nil {
				t.Fatal(err)
			}
			got, err := rst.GetPractice(p.ID)
			if err != nil || got.Title != "Night desk" {
				t.Fatalf("the partner did not read the new practice: %v", err)
			}
			gitCLI(t, bare, "fsck", "--no-dangling")

			// An erasure sends the whole file: no pack of the host holds the
			// erased key as a delta base of the live key file.
			if _, err := wst.Erase(ctx, p.ID, "a name", vsync.HubPath); err != nil {
				t.Fatal(err)
			}
			if _, err := writer.Sync(ctx, "", nil); err != nil {
				t.Fatal(err)
			}
			whole := wk.take()
			if len(whole) != 1 || whole[0] < 50<<10 {
				t.Fatalf("the erasure's key push was %v bytes (the delta was %d): not the whole file", whole, sent[0])
			}
			if strings.Contains(gitCLI(t, bare, "show", "keys:keys.json"), p.ID) {
				t.Fatal("the erased practice's key is still on the key branch")
			}
		})
	}
}

// advertiseNoThin serves the receive-pack advertisement with the capability
// no-thin added, as a host that cannot complete thin packs would.
func advertiseNoThin(w http.ResponseWriter, r *http.Request, backend http.Handler) {
	rec := httptest.NewRecorder()
	backend.ServeHTTP(rec, r)
	body := rec.Body.String()
	// The service line, a flush, then the first reference with the capabilities.
	at := strings.Index(body, "0000") + 4
	var n int
	fmt.Sscanf(body[at:at+4], "%04x", &n)
	line := strings.Replace(body[at+4:at+n], "\x00", "\x00no-thin ", 1)
	body = body[:at] + fmt.Sprintf("%04x", len(line)+4) + line + body[at+n:]
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	io.WriteString(w, body)
}
