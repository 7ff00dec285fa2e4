package sync

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"

	"vademecum/data"
)

// Every transport runs the same scenarios: three organisations around one hub.
func TestConformanceDisk(t *testing.T) { conformance(t, diskHub) }
func TestConformanceHTTP(t *testing.T) { conformance(t, httpHub) }

func threeOrgs(t *testing.T, newHub func(testing.TB) hubEnv) (hubEnv, *replica, *replica, *replica) {
	h := newHub(t)
	a, b, c := newReplica(t, "shelter-it", Options{}), newReplica(t, "street-cz", Options{}), newReplica(t, "migrant-es", Options{})
	for _, r := range []*replica{a, b, c} {
		r.addRemote("hub", h.url, h.auth)
	}
	return h, a, b, c
}

func conformance(t *testing.T, newHub func(testing.TB) hubEnv) {
	t.Run("practices flow both ways", func(t *testing.T) {
		_, a, b, c := threeOrgs(t, newHub)
		pa := a.practice("Night shelter intake with Signal", data.Shared)
		res := a.sync()
		if res.Sent < 2 { // the practice and the organisation
			t.Errorf("a sent %d, want at least 2", res.Sent)
		}
		pb := b.practice("Streetwork map offline", data.Shared)
		res = b.sync()
		if res.Received < 2 || res.Sent < 2 {
			t.Errorf("b: %+v", res)
		}
		c.sync()
		a.sync()
		for _, r := range []*replica{a, b, c} {
			if !r.has(pa.ID) || !r.has(pb.ID) {
				t.Fatalf("%s misses a practice", r.org)
			}
		}
		if got := c.get(pa.ID).Title; got != pa.Title {
			t.Errorf("title = %q", got)
		}
		assertConverged(t, a, b, c)
		// Nothing new: a round sends and receives nothing.
		if res := a.sync(); res.Sent != 0 || res.Received != 0 {
			t.Errorf("idle round: %+v", res)
		}
	})

	t.Run("different fields of one record both survive", func(t *testing.T) {
		_, a, b, c := threeOrgs(t, newHub)
		p := a.practice("Peer support", data.Shared)
		a.sync()
		// A second laptop of the same organisation: a copy of a's data.
		a2 := cloneReplica(t, a, b)
		a.edit(p.ID, func(p *data.Practice) { p.Summary = "summary from laptop one" })
		a2.edit(p.ID, func(p *data.Practice) { p.Lessons = "lessons from laptop two" })
		a.sync()
		a2.sync()
		a.sync()
		c.sync()
		for _, r := range []*replica{a, a2, c} {
			got := r.get(p.ID)
			if got.Summary != "summary from laptop one" || got.Lessons != "lessons from laptop two" {
				t.Fatalf("%s: summary %q lessons %q", r.org, got.Summary, got.Lessons)
			}
		}
		assertConverged(t, a, a2, c)
		if cs, _ := a2.eng.Conflicts(context.Background()); len(cs) != 0 {
			t.Errorf("unexpected conflicts: %+v", cs)
		}
	})

	t.Run("same field twice is a conflict with one winner everywhere", func(t *testing.T) {
		_, a, b, c := threeOrgs(t, newHub)
		p := a.practice("Digital literacy", data.Shared)
		a.sync()
		a2 := cloneReplica(t, a, b)
		a.edit(p.ID, func(p *data.Practice) { p.Title = "Digital literacy (laptop one)" })
		a2.edit(p.ID, func(p *data.Practice) { p.Title = "Digital literacy (laptop two)" })
		a.sync()
		res := a2.sync()
		if res.Conflicts != 1 {
			t.Fatalf("conflicts = %d, want 1", res.Conflicts)
		}
		a.sync()
		c.sync()
		winner := a2.get(p.ID).Title
		for _, r := range []*replica{a, c} {
			if got := r.get(p.ID).Title; got != winner {
				t.Fatalf("%s shows %q, %s shows %q", r.org, got, a2.org, winner)
			}
		}
		// The later edit (laptop two) wins; laptop one's value is kept.
		if winner != "Digital literacy (laptop two)" {
			t.Errorf("winner %q", winner)
		}
		cs, err := a2.eng.Conflicts(context.Background())
		if err != nil || len(cs) != 1 {
			t.Fatalf("conflicts: %v %+v", err, cs)
		}
		cf := cs[0]
		if cf.Field != "title" || cf.Kind != KindField || cf.Mine != "Digital literacy (laptop two)" || cf.Theirs != "Digital literacy (laptop one)" || cf.Kept != "mine" || cf.RecordID != p.ID {
			t.Errorf("conflict %+v", cf)
		}
		// Swapping the values is a new edit that reaches everyone.
		if err := a2.eng.Resolve(context.Background(), cf.ID, "theirs"); err != nil {
			t.Fatal(err)
		}
		a2.sync()
		a.sync()
		if got := a.get(p.ID).Title; got != "Digital literacy (laptop one)" {
			t.Errorf("after resolve: %q", got)
		}
		if cs, _ := a2.eng.Conflicts(context.Background()); len(cs) != 0 {
			t.Errorf("still listed: %+v", cs)
		}
		assertConverged(t, a, a2)
	})

	t.Run("edit versus delete keeps the edit", func(t *testing.T) {
		_, a, b, _ := threeOrgs(t, newHub)
		p := a.practice("Winter outreach", data.Shared)
		a.sync()
		a2 := cloneReplica(t, a, b)
		if err := a.store.DeletePractice(context.Background(), p.ID); err != nil {
			t.Fatal(err)
		}
		a2.edit(p.ID, func(p *data.Practice) { p.Results = "it worked" })
		a.sync()
		res := a2.sync()
		a.sync()
		for _, r := range []*replica{a, a2} {
			got := r.get(p.ID)
			if got.Deleted || got.Results != "it worked" {
				t.Fatalf("%s: deleted=%v results=%q", r.org, got.Deleted, got.Results)
			}
		}
		cs, _ := a2.eng.Conflicts(context.Background())
		if res.Conflicts != 1 || len(cs) != 1 || cs[0].Kind != KindEditDelete || cs[0].Kept != "mine" || cs[0].Theirs != "deleted" {
			t.Fatalf("conflicts %d %+v", res.Conflicts, cs)
		}
		// The user confirms the deletion after all.
		if err := a2.eng.Resolve(context.Background(), cs[0].ID, "theirs"); err != nil {
			t.Fatal(err)
		}
		a2.sync()
		a.sync()
		if !a.get(p.ID).Deleted {
			t.Error("deletion chosen on resolve did not spread")
		}
		assertConverged(t, a, a2)
	})

	t.Run("partner offline for 200 changes", func(t *testing.T) {
		_, a, b, c := threeOrgs(t, newHub)
		a.sync()
		b.sync()
		var ids []string
		for i := range 200 {
			p := b.practice(fmt.Sprintf("Offline note %d", i), data.Shared)
			ids = append(ids, p.ID)
		}
		for i := 0; i < 50; i++ {
			b.edit(ids[i], func(p *data.Practice) { p.Summary = "revised offline" })
		}
		for i := range 5 {
			a.practice(fmt.Sprintf("Meanwhile at a %d", i), data.Shared)
		}
		a.sync()
		res := b.sync()
		if res.Sent < 200 || res.Received < 5 {
			t.Errorf("b: %+v", res)
		}
		c.sync()
		a.sync()
		assertConverged(t, a, b, c)
		if got := c.get(ids[10]).Summary; got != "revised offline" {
			t.Errorf("summary %q", got)
		}
	})

	t.Run("two organisations pushing at once both land", func(t *testing.T) {
		_, a, b, c := threeOrgs(t, newHub)
		a.sync()
		b.sync()
		pa := a.practice("From a", data.Shared)
		pb := b.practice("From b", data.Shared)
		var wg gosync.WaitGroup
		errs := make([]error, 2)
		for i, r := range []*replica{a, b} {
			wg.Go(func() {
				_, errs[i] = r.eng.Sync(context.Background(), "hub", nil)
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		c.sync()
		if !c.has(pa.ID) || !c.has(pb.ID) {
			t.Fatal("a concurrent push was lost")
		}
		a.sync()
		b.sync()
		assertConverged(t, a, b, c)
	})

	t.Run("drafts and org-only practices never reach the hub", func(t *testing.T) {
		h, a, b, _ := threeOrgs(t, newHub)
		draft := a.practice("DRAFT-SECRET about a person", data.Draft)
		orgOnly := a.practice("ORG-ONLY-SECRET internal", data.OrgVis)
		shared := a.practice("Shared note", data.Shared)
		a.sync()
		// Shared, then taken back to draft: the later text stays home too.
		a.edit(shared.ID, func(p *data.Practice) { p.Visibility = data.Draft; p.Summary = "DRAFT-LATER-SECRET" })
		a.edit(orgOnly.ID, func(p *data.Practice) { p.Summary = "ORG-ONLY-SECRET again" })
		a.sync()
		b.sync()
		blobs := hubBlobs(t, h.dir)
		if len(blobs) < 3 {
			t.Fatalf("only %d blobs in the hub", len(blobs))
		}
		for _, content := range blobs {
			for _, secret := range []string{"SECRET", draft.ID, orgOnly.ID} {
				if strings.Contains(content, secret) {
					t.Fatalf("the hub holds %q:\n%s", secret, content)
				}
			}
		}
		if b.has(draft.ID) || b.has(orgOnly.ID) {
			t.Fatal("a partner received a draft")
		}
		if !b.has(shared.ID) {
			t.Fatal("the shared practice did not arrive")
		}
		if !a.get(shared.ID).Deleted && a.get(shared.ID).Visibility != data.Draft {
			t.Fatal("the local draft was overwritten by the hub's shared version")
		}
	})
}

// cloneReplica makes a second installation of r's organisation from a copy of
// its data directory (how a second laptop starts), with its own engine.
func cloneReplica(t *testing.T, r *replica, _ *replica) *replica {
	t.Helper()
	dir := t.TempDir()
	if _, err := r.store.DB().Exec("VACUUM INTO ?", filepath.Join(dir, data.DBFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, RepoDir), os.DirFS(filepath.Join(r.store.Dir(), RepoDir))); err != nil {
		t.Fatal(err)
	}
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	creds := &MemoryCredentials{}
	rms, _ := r.eng.Remotes()
	for _, rm := range rms {
		tok, _ := r.eng.creds.Get(rm.URL)
		creds.Set(rm.URL, tok)
	}
	eng, err := Open(st, Options{Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return &replica{t: t, org: r.org, store: st, eng: eng}
}
