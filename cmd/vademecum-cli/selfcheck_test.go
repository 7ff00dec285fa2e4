package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	vdata "vademecum/data"
	"vademecum/selfcheck"
	vsync "vademecum/sync"
)

func cli(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, strings.NewReader(stdin), &out, &errb); code != 0 {
		t.Fatalf("vademecum-cli %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// readObjects returns the content of every object (commits, trees, blobs,
// loose or packed) of the git repository at dir.
func readObjects(t *testing.T, dir string) [][]byte {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	iter, err := repo.Storer.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	err = iter.ForEach(func(o plumbing.EncodedObject) error {
		r, err := o.Reader()
		if err != nil {
			return err
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		out = append(out, b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSelfCheckNeverReachesTheHub: answers, results and a second, unfinished
// self-check are on this computer; after a sync, neither the hub nor the local
// repository holds any of it, while the shared practice written alongside is
// there (so the scan does read what was sent).
func TestSelfCheckNeverReachesTheHub(t *testing.T) {
	dir := t.TempDir()
	data, hub := filepath.Join(dir, "data"), filepath.Join(dir, "stick", "hub")
	os.MkdirAll(filepath.Dir(hub), 0o755)
	d := []string{"--data", data}
	cli(t, "", append(d, "init", "--org-id", "opengroup-it", "--org-name", "Open Group", "--country", "IT", "--lang", "it", "--user", "Giulia Rossi")...)
	cli(t, "", append(d, "practice", "add", "--title", "Zq shared practice marker", "--summary", "Sent to partners", "--visibility", "shared", "--lang", "en")...)
	cli(t, "", append(d, "remote", "add", "usb", hub)...)

	var qs []selfcheck.Question
	if err := json.Unmarshal([]byte(cli(t, "", append(d, "selfcheck", "--json")...)), &qs); err != nil {
		t.Fatal(err)
	}
	all := map[string]int{}
	for i, q := range qs {
		all[q.ID] = 1 + i%3
	}
	b, _ := json.Marshal(all)
	cli(t, string(b), append(d, "selfcheck", "answer", "--from-json", "-")...)
	cli(t, `{"`+qs[0].ID+`": 3, "`+qs[5].ID+`": 2}`, append(d, "selfcheck", "answer", "--from-json", "-")...)
	if out := cli(t, "", append(d, "selfcheck", "result", "--json")...); !strings.Contains(out, `"complete": true`) {
		t.Fatalf("result: %s", out)
	}
	cli(t, "", append(d, "sync")...)

	// What would give a self-check away: a question id as a JSON key, the
	// tables' names, the texts of questions and answers.
	ids := regexp.MustCompile(`"[1-5]\.[1-6][ab]"`)
	texts := []string{"selfcheck", "self-check"}
	for _, l := range []string{"en", "it", "es", "pl", "cs", "fr"} {
		qs, err := selfcheck.Questions(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			texts = append(texts, q.Text)
			for _, a := range q.Answers {
				texts = append(texts, a.Text)
			}
		}
	}
	// Sealed files (hub format 4) are read in the clear, with the installation's keys.
	st, err := vdata.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := st.AllRecordKeys(context.Background())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, repo := range []string{hub, filepath.Join(data, vsync.RepoDir)} {
		objs := readObjects(t, repo)
		sawPractice := false
		for _, o := range objs {
			if id, _ := vdata.SealedRecordID(o); id != "" {
				plain, _, err := vdata.OpenSealed(o, keys[id])
				if err != nil {
					t.Fatalf("%s: a sealed object does not open: %v", repo, err)
				}
				o = plain
			}
			sawPractice = sawPractice || bytes.Contains(o, []byte("Zq shared practice marker"))
			if m := ids.Find(o); m != nil {
				t.Errorf("%s: an object holds %s:\n%.300s", repo, m, o)
			}
			for _, s := range texts {
				if bytes.Contains(o, []byte(s)) {
					t.Errorf("%s: an object holds %q", repo, s)
				}
			}
		}
		if !sawPractice || len(objs) < 3 {
			t.Fatalf("%s: %d objects, the shared practice among them: %v: the scan proves nothing", repo, len(objs), sawPractice)
		}
	}
}
