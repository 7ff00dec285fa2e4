package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vademecum/data"
	"vademecum/data/trust"
)

// TestNonEditorCannotReviewOrChangeEditors plays a partner that is no editor
// and writes to the hub with plain git (DESIGN.md, threat model): it pushes
// an acceptance of its own proposal, an editor-list change that makes it an
// editor, and a second founding of the editor list dated before the real one,
// each validly signed by its own key. Every installation refuses them: the
// editor, a partner that synced before, and a newcomer that sees only
// today's hub. The proposal stays open, the tool stays out of every toolkit
// and the editor list stays the founder's.
func TestNonEditorCannotReviewOrChangeEditors(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	work, bin := buildCLI(t)
	hub := filepath.Join(work, "stick", "hub")
	os.MkdirAll(filepath.Dir(hub), 0o755)
	env := append(os.Environ(), "HOME="+work, "XDG_CONFIG_HOME="+filepath.Join(work, "config"), "VADEMECUM_DATA=", "LC_ALL=C.UTF-8")
	run := func(dir string, args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"--data", dir}, args...)...)
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if err != nil {
			err = fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
		}
		return out.String(), err
	}
	must := func(dir string, args ...string) string {
		t.Helper()
		out, err := run(dir, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	editor, attacker, partner, newcomer := filepath.Join(work, "editor"), filepath.Join(work, "attacker"), filepath.Join(work, "partner"), filepath.Join(work, "newcomer")
	for i, dir := range []string{editor, attacker, partner} {
		must(dir, "init", "--org-id", []string{"opengroup-it", "street-cz", "pmff-pl"}[i], "--org-name", "Org", "--country", "IT", "--lang", "en", "--user", "u")
		must(dir, "remote", "add", "usb", hub)
		must(dir, "sync")
	}
	entry := filepath.Join(work, "tool.json")
	os.WriteFile(entry, []byte(`{"id": "mapy-com", "name": {"en": "Mapy.com"}, "category": "maps", "summary": {"en": "Offline maps."}, "offline": "yes"}`), 0o600)
	proposal := strings.TrimSpace(must(attacker, "tool", "propose", "--from-json", entry))
	must(attacker, "sync")
	must(partner, "sync")
	must(editor, "sync")

	// The attacker's records, signed with its own key as its client would.
	st, err := data.Open(attacker)
	if err != nil {
		t.Fatal(err)
	}
	kr, err := trust.New(st)
	if err != nil {
		t.Fatal(err)
	}
	view, err := st.GetProposal(t.Context(), proposal)
	if err != nil {
		t.Fatal(err)
	}
	now := data.Now()
	files := map[string][]byte{}
	sign := func(folder string, r data.Record, when time.Time) {
		m := r.Base()
		m.ID, m.Claim = data.NewRecordID("street-cz")
		m.Org, m.Author, m.Created, m.Updated, m.Version = "street-cz", "u", when, when, 1
		if err := kr.Sign(r); err != nil {
			t.Fatal(err)
		}
		b, err := data.Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		files[folder+"/"+m.ID+".json"] = b
	}
	sign("reviews", &data.Review{Meta: data.Meta{Type: data.TypeReview}, Proposal: proposal, Proposer: "street-cz",
		Verdict: data.Accepted, Kind: data.KindTool, Target: "mapy-com", Tool: view.Tool}, now)
	sign("editors", &data.EditorChange{Meta: data.Meta{Type: data.TypeEditors}, Action: data.EditorAdd, Editor: "street-cz"}, now)
	sign("editors", &data.EditorChange{Meta: data.Meta{Type: data.TypeEditors}, Action: data.EditorFound, Editor: "street-cz"},
		now.Add(-365*24*time.Hour))
	kr.Close()
	st.Close()

	// Pushed with plain git.
	clone := filepath.Join(work, "clone")
	gitRun := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = clone
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.org", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	// attack pushes the files with plain git on top of the hub as it is: an
	// honest installation's push leaves them out, so each is pushed again.
	attack := func() {
		t.Helper()
		os.RemoveAll(clone)
		if out, err := exec.Command("git", "clone", "-q", "--branch", "main", hub, clone).CombinedOutput(); err != nil {
			t.Fatalf("git clone: %v: %s", err, out)
		}
		for p, b := range files {
			os.MkdirAll(filepath.Join(clone, filepath.Dir(p)), 0o755)
			if err := os.WriteFile(filepath.Join(clone, p), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		gitRun("add", "-A")
		gitRun("commit", "-q", "--allow-empty", "-m", "we accept our own tool")
		gitRun("push", "-q", "origin", "HEAD:main")
	}
	must(newcomer, "init", "--org-id", "newcomer-be", "--org-name", "Org", "--country", "BE", "--lang", "en", "--user", "u")
	must(newcomer, "remote", "add", "usb", hub)
	refused := map[string]map[string]string{}
	for _, dir := range []string{editor, partner, newcomer, editor, partner, newcomer} {
		attack()
		out := must(dir, "sync", "--json")
		var res struct {
			Refused []struct{ Path, Reason string }
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Refused {
			if refused[dir] == nil {
				refused[dir] = map[string]string{}
			}
			refused[dir][r.Path] = r.Reason
		}
	}
	for _, dir := range []string{editor, partner, newcomer} {
		for p := range files {
			why, ok := refused[dir][p]
			switch {
			case !ok:
				t.Errorf("%s did not refuse %s", filepath.Base(dir), p)
			case !strings.Contains(why, "not an editor") && !strings.Contains(why, "founded by opengroup-it"):
				t.Errorf("%s refused %s for another reason: %s", filepath.Base(dir), p, why)
			}
		}
		if len(refused[dir]) != len(files) {
			t.Errorf("%s refused %v, want the attacker's %d files only", filepath.Base(dir), refused[dir], len(files))
		}
	}
	for _, dir := range []string{editor, partner, newcomer, attacker} {
		name := filepath.Base(dir)
		if dir == attacker {
			must(dir, "sync")
		}
		var eds []struct{ Org string }
		json.Unmarshal([]byte(must(dir, "editors", "--json")), &eds)
		if len(eds) != 1 || eds[0].Org != "opengroup-it" {
			t.Errorf("%s: editors %+v, want opengroup-it alone", name, eds)
		}
		var ps []struct{ ID, Status string }
		json.Unmarshal([]byte(must(dir, "proposals", "--json")), &ps)
		if len(ps) != 1 || ps[0].ID != proposal || ps[0].Status != data.StatusOpen {
			t.Errorf("%s: proposals %+v, want %s open", name, ps, proposal)
		}
		if out := must(dir, "tools", "--json"); strings.Contains(out, `"mapy-com"`) {
			t.Errorf("%s: the tool accepted by a non-editor is in the toolkit", name)
		}
	}
	// And the real editor still works: its acceptance goes through.
	must(editor, "proposal", "accept", proposal)
	must(editor, "sync")
	must(newcomer, "sync")
	if out := must(newcomer, "tools", "--json"); !strings.Contains(out, `"mapy-com"`) {
		t.Error("the editor's acceptance did not reach the newcomer")
	}
}
