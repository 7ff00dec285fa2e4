package sync

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vademecum/data"
)

// tokenKept reports where a token can be found outside the credential store:
// the database file (and its WAL), the hubs listed, the local repository's config.
func tokenKept(t *testing.T, r *replica, token string) []string {
	t.Helper()
	var where []string
	for _, name := range []string{data.DBFile, data.DBFile + "-wal", data.LocalCopyFile, filepath.Join(RepoDir, "config")} {
		if b, err := os.ReadFile(filepath.Join(r.store.Dir(), name)); err == nil && strings.Contains(string(b), token) {
			where = append(where, name)
		}
	}
	rms, err := r.eng.Remotes()
	if err != nil {
		t.Fatal(err)
	}
	for _, rm := range rms {
		if strings.Contains(rm.URL, token) || strings.Contains(redact(rm.URL), token) {
			where = append(where, "remote list: "+rm.URL)
		}
	}
	return where
}

// A token pasted into the address, as the user (https://TOKEN@host/x.git, as
// GitHub documents it) or as the password (https://user:TOKEN@host/x.git),
// goes to the credential store and nowhere else; the sync uses it.
func TestTokenInURL(t *testing.T) {
	h := httpHub(t)
	for name, url := range map[string]string{
		"user":     strings.Replace(h.url, "://", "://"+h.auth.Token+"@", 1),
		"password": strings.Replace(h.url, "://", "://oauth2:"+h.auth.Token+"@", 1),
	} {
		t.Run(name, func(t *testing.T) {
			a := newReplica(t, "shelter-it", Options{})
			clean, tok := SplitURLToken(url, false)
			if tok != h.auth.Token || strings.Contains(clean, h.auth.Token) {
				t.Fatalf("SplitURLToken(%q) = %q, %q", url, clean, tok)
			}
			a.addRemote("hub", url, Auth{})
			a.practice("Sent with the token from the address", data.Shared)
			if res := a.sync(); res.Sent == 0 {
				t.Fatalf("nothing sent: %+v", res)
			}
			if where := tokenKept(t, a, h.auth.Token); len(where) > 0 {
				t.Errorf("the token is kept in %v", where)
			}
			rms, _ := a.eng.Remotes()
			if got, _ := a.eng.creds.Get(rms[0].URL); got != h.auth.Token {
				t.Errorf("credential store holds %q for %s", got, rms[0].URL)
			}
		})
	}
	// A user name next to a token given apart is a user name.
	if clean, tok := SplitURLToken("https://anna@git.example.org/x.git", true); tok != "" || clean != "https://anna@git.example.org/x.git" {
		t.Errorf("user name with a separate token: %q, %q", clean, tok)
	}
	// A user name that is a token (GitHub's ghp_..., GitLab's glpat-...) is one, whatever else is given.
	if clean, tok := SplitURLToken("https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/n/p.git", true); tok == "" || strings.Contains(clean, "ghp_") {
		t.Errorf("GitHub token as the user: %q, %q", clean, tok)
	}
	// SSH user names are not tokens.
	if clean, tok := SplitURLToken("ssh://git@server/srv/git/practices.git", false); tok != "" || clean != "ssh://git@server/srv/git/practices.git" {
		t.Errorf("ssh: %q, %q", clean, tok)
	}
}

// An installation that added https://TOKEN@host/x.git with an older version
// has the token moved to the credential store when the engine next opens.
func TestTokenInURLMovedFromOlderVersion(t *testing.T) {
	a := newReplica(t, "shelter-it", Options{})
	const url = "https://glpat-abcdefghijklmnopqrst@git.example.org/network/practices.git"
	if _, err := a.store.DB().Exec(`INSERT INTO sync_remotes(name, url, token_env, ssh_key, added) VALUES('hub', ?, '', '', ?)`,
		url, fmtTime(time.Now())); err != nil {
		t.Fatal(err)
	}
	a.eng.repo.mu.Lock()
	a.eng.repo.saveRemoteConfig(Remote{Name: "hub", URL: url})
	a.eng.repo.mu.Unlock()
	creds := a.eng.creds
	a.eng.Close()
	eng, err := Open(a.store, Options{Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	a.eng = eng
	if where := tokenKept(t, a, "glpat-abcdefghijklmnopqrst"); len(where) > 0 {
		t.Errorf("the token is still kept in %v", where)
	}
	if got, _ := creds.Get("https://git.example.org/network/practices.git"); got != "glpat-abcdefghijklmnopqrst" {
		t.Errorf("credential store holds %q", got)
	}
}
