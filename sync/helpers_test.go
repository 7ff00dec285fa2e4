package sync

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"vademecum/data"
)

// replica is one organisation's installation: a data directory with its store
// and sync engine.
type replica struct {
	t     testing.TB
	org   string
	store *data.Store
	eng   *Engine
}

func newReplica(t testing.TB, org string, opts Options) *replica {
	t.Helper()
	dir := t.TempDir()
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o := &data.Organisation{Meta: data.Meta{ID: org, Lang: "en"}, Name: "Org " + org, Country: "IT", Languages: []string{"en"}}
	if err := st.Init(o, "Staff of "+org); err != nil {
		t.Fatal(err)
	}
	if opts.Credentials == nil {
		opts.Credentials = &MemoryCredentials{}
	}
	eng, err := Open(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return &replica{t: t, org: org, store: st, eng: eng}
}

func (r *replica) addRemote(name, url string, auth Auth) {
	r.t.Helper()
	if err := r.eng.AddRemote(name, url, auth); err != nil {
		r.t.Fatal(err)
	}
}

func (r *replica) sync() Result {
	r.t.Helper()
	res, err := r.eng.Sync(context.Background(), "", nil)
	if err != nil {
		r.t.Fatalf("%s: sync: %v", r.org, err)
	}
	return res
}

func (r *replica) practice(title, vis string) *data.Practice {
	r.t.Helper()
	p := &data.Practice{Meta: data.Meta{Lang: "en"}, Title: title, Summary: "summary of " + title, Visibility: vis, Country: "IT"}
	if err := r.store.SavePractice(context.Background(), p); err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *replica) edit(id string, f func(p *data.Practice)) {
	r.t.Helper()
	p, err := r.store.GetPractice(id)
	if err != nil {
		r.t.Fatal(err)
	}
	f(p)
	if err := r.store.SavePractice(context.Background(), p); err != nil {
		r.t.Fatal(err)
	}
}

func (r *replica) get(id string) *data.Practice {
	r.t.Helper()
	rec, err := r.store.Get(id)
	if err != nil {
		r.t.Fatalf("%s: record %s: %v", r.org, id, err)
	}
	return rec.(*data.Practice)
}

func (r *replica) has(id string) bool {
	_, err := r.store.Get(id)
	return err == nil
}

func (r *replica) body(id string) string {
	r.t.Helper()
	var b string
	if err := r.store.DB().QueryRow("SELECT body FROM records WHERE id = ?", id).Scan(&b); err != nil {
		r.t.Fatalf("%s: %s: %v", r.org, id, err)
	}
	return b
}

// sharedBodies is every shared record of the replica, id -> body: replicas that
// synced the same history must agree on it (invariant 1).
func (r *replica) sharedBodies() map[string]string {
	r.t.Helper()
	rows, err := r.store.DB().Query("SELECT id, body FROM records WHERE visibility = 'shared' AND org != 'vademecum'")
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, b string
		rows.Scan(&id, &b)
		out[id] = b
	}
	return out
}

// assertConverged runs a last round of syncs, then checks that every replica
// shows the same shared records.
func assertConverged(t testing.TB, rs ...*replica) {
	t.Helper()
	for _, r := range rs {
		r.sync()
	}
	for _, r := range rs[:len(rs)-1] {
		r.sync()
	}
	want := rs[0].sharedBodies()
	for _, r := range rs[1:] {
		got := r.sharedBodies()
		if len(got) != len(want) {
			t.Fatalf("%s has %d shared records, %s has %d", r.org, len(got), rs[0].org, len(want))
		}
		for id, b := range want {
			if got[id] != b {
				t.Fatalf("record %s differs:\n%s: %s\n%s: %s", id, rs[0].org, b, r.org, got[id])
			}
		}
	}
}

// git runs the real git program (tests only: the app never needs it).
func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// hubEnv is a hub the conformance suite runs against.
type hubEnv struct {
	url  string
	auth Auth
	dir  string // the bare repository on disk
}

// diskHub is a hub folder that does not exist yet: the first sync creates it.
func diskHub(t testing.TB) hubEnv {
	dir := filepath.Join(t.TempDir(), "usb-stick", "vademecum-hub")
	os.MkdirAll(filepath.Dir(dir), 0o755)
	return hubEnv{url: dir, dir: dir}
}

// httpHub serves a bare repository through the real git http-backend (CGI)
// on 127.0.0.1, with basic auth checked here as a forge would.
func httpHub(t testing.TB) hubEnv {
	root := t.TempDir()
	dir := filepath.Join(root, "hub.git")
	git(t, root, "init", "--bare", "-q", "-b", "main", dir)
	const token = "s3cret-token"
	srv := httptest.NewServer(gitHTTPHandler(t, root, token))
	t.Cleanup(srv.Close)
	return hubEnv{url: srv.URL + "/hub.git", auth: Auth{Token: token}, dir: dir}
}

func gitHTTPHandler(t testing.TB, root, token string) http.Handler {
	execPath := git(t, "", "--exec-path")
	backend := filepath.Join(execPath, "git-http-backend")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || pass != token {
			w.Header().Set("WWW-Authenticate", `Basic realm="hub"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h := &cgi.Handler{Path: backend, Root: "/", Stderr: io.Discard, Env: []string{
			"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=" + user,
		}}
		h.ServeHTTP(w, r)
	})
}

// hubBlobs returns every blob of every commit of the hub's history.
func hubBlobs(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	revs := git(t, dir, "rev-list", "--all")
	for _, c := range strings.Fields(revs) {
		for _, line := range strings.Split(git(t, dir, "ls-tree", "-r", c), "\n") {
			f := strings.Fields(line)
			if len(f) == 4 && f[1] == "blob" && out[f[2]] == "" {
				out[f[2]] = git(t, dir, "cat-file", "-p", f[2])
			}
		}
	}
	return out
}

// freePort returns a loopback address nothing listens on.
func freePort(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// writeHubCommit commits files (path -> content) on top of the hub's main with
// go-git plumbing, as a careless or hostile partner could.
func writeHubCommit(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	r, err := openBareRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := r.ref(mainBranch)
	tree, _ := r.commitTree(head)
	edits := map[string]plumbing.Hash{}
	for p, b := range files {
		h, err := r.writeBlob(b)
		if err != nil {
			t.Fatal(err)
		}
		edits[p] = h
	}
	nt, err := r.editTree(tree, edits)
	if err != nil {
		t.Fatal(err)
	}
	var parents []plumbing.Hash
	if !head.IsZero() {
		parents = append(parents, head)
	}
	c, err := r.writeCommit(nt, parents, "someone", "hand edit")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.setRef(mainBranch, head, c); err != nil {
		t.Fatal(err)
	}
}

func practiceJSON(id, org, created, title string) []byte {
	return []byte(fmt.Sprintf(`{"id":%q,"type":"practice","org":%q,"author":"x","created":%q,"updated":%q,"lang":"en","title":%q,"summary":"","context":"","target_group":"","objectives":"","activities":"","tools":[],"resources":"","results":"","lessons":"","transferability":"","tags":[],"country":"IT","visibility":"shared"}`,
		id, org, created, created, title))
}
