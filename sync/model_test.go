package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"vademecum/data"
	"vademecum/data/trust"
)

// The model-based convergence test (invariants 1, 2 and 4 of DESIGN.md): a few
// organisations, each with one or two installations, do random work — add, edit,
// delete and comment on practices, resolve conflicts — and sync with one hub in a
// random order while the hub gets unplugged, rounds fail at every fault point and
// installations crash there (the round stops, the store and engine are closed and
// reopened). After a final round in which every installation syncs until nothing
// moves, every replica must show the same shared records, and every save the
// store acknowledged must be present, superseded by a later save of the same
// field, or held as a conflict value.
//
// VADEMECUM_SEEDS=N runs seeds 1..N (default 200); VADEMECUM_SEED=N runs only N.
func TestModelConvergence(t *testing.T) {
	seeds := modelSeeds(t)
	t.Cleanup(func() {
		t.Logf("%d seeds: %d installations, %d operations, %d syncs, %d failures at fault points of which %d crashes, %d syncs without the hub, %d conflicts, %d rebuilds, %d attacks, %d erasures",
			len(seeds), modelStats.installs.Load(), modelStats.ops.Load(), modelStats.syncs.Load(), modelStats.faults.Load(),
			modelStats.crashes.Load(), modelStats.unplugged.Load(), modelStats.conflicts.Load(), modelStats.rebuilds.Load(), modelStats.attacks.Load(), modelStats.erasures.Load())
	})
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			runModel(t, seed)
		})
	}
}

func modelSeeds(t *testing.T) []uint64 {
	if s := os.Getenv("VADEMECUM_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("VADEMECUM_SEED=%q is not a number", s)
		}
		return []uint64{n}
	}
	n := 200
	if s := os.Getenv("VADEMECUM_SEEDS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("VADEMECUM_SEEDS=%q is not a positive number", s)
		}
		n = v
	}
	if testing.Short() && n > 20 {
		n = 20
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(i + 1)
	}
	return out
}

// modelStats counts what the seeds did, for the soak's report.
var modelStats struct {
	installs, ops, syncs, faults, crashes, unplugged, conflicts, rebuilds, attacks, erasures atomic.Int64
}

var faultPoints = []string{"after-commit", "after-fetch", "mid-import", "before-push", "after-push"}

// errCrash is what the fault hook returns when the model pulls the plug.
var errCrash = errors.New("injected crash")

// install is one installation in the model: a data directory that can be
// closed and reopened, as after a crash.
type install struct {
	t    testing.TB
	name string // org/n
	org  string
	dir  string
	st   *data.Store
	kr   *trust.Keyring
	eng  *Engine
	// failAt makes the next round fail at that fault point.
	failAt string
	log    *[]string
}

func (in *install) open() {
	in.t.Helper()
	st, err := data.Open(in.dir)
	if err != nil {
		in.t.Fatalf("%s: open: %v", in.name, err)
	}
	kr, err := trust.New(st)
	if err != nil {
		in.t.Fatalf("%s: keyring: %v", in.name, err)
	}
	eng, err := Open(st, Options{Credentials: &MemoryCredentials{}, Sign: kr.Sign, Verify: kr.Verify, Lists: kr.Lists,
		Fault: func(p string) error {
			if in.failAt == p {
				in.failAt = ""
				return fmt.Errorf("%w at %s", errCrash, p)
			}
			return nil
		},
		Logf: func(f string, a ...any) { *in.log = append(*in.log, in.name+": "+fmt.Sprintf(f, a...)) }})
	if err != nil {
		in.t.Fatalf("%s: engine: %v", in.name, err)
	}
	in.st, in.kr, in.eng = st, kr, eng
}

func (in *install) close() {
	if in.st == nil {
		return
	}
	in.eng.Close()
	in.kr.Close()
	in.st.Close()
	in.st, in.kr, in.eng = nil, nil, nil
}

func (in *install) sync() (Result, error) {
	res, err := in.eng.Sync(context.Background(), "", nil)
	modelStats.syncs.Add(1)
	modelStats.conflicts.Add(int64(res.Conflicts))
	return res, err
}

func (in *install) mustSync() Result {
	in.t.Helper()
	res, err := in.sync()
	if err != nil {
		tail := *in.log
		if len(tail) > 40 {
			tail = tail[len(tail)-40:]
		}
		in.t.Fatalf("%s: sync: %v\n\nengine log (last lines):\n  %s", in.name, err, strings.Join(tail, "\n  "))
	}
	return res
}

// save is one change the store acknowledged.
type save struct {
	seq    int
	who    string
	id     string
	field  string
	value  json.RawMessage
	remark string
}

type model struct {
	t       *testing.T
	rng     *rand.Rand
	hub     hubEnv
	insts   []*install
	saves   []save
	seq     int
	drafts  map[string]string // id -> installation that keeps it
	erased  map[string]bool   // practices erased by their organisation (issue 22)
	history []string
	log     []string
	evil    *attacker // the malicious partner (model_attacker_test.go)
}

func (m *model) logf(format string, args ...any) {
	m.history = append(m.history, fmt.Sprintf(format, args...))
}

func (m *model) fatalf(format string, args ...any) {
	m.t.Helper()
	tail := m.log
	if len(tail) > 60 {
		tail = tail[len(tail)-60:]
	}
	m.t.Fatalf("%s\n\nsteps:\n  %s\n\nengine log (last lines):\n  %s", fmt.Sprintf(format, args...),
		strings.Join(m.history, "\n  "), strings.Join(tail, "\n  "))
}

func runModel(t *testing.T, seed uint64) {
	m := &model{t: t, rng: rand.New(rand.NewPCG(seed, seed*7919+1)), hub: diskHub(t), drafts: map[string]string{}, erased: map[string]bool{}}
	orgs := 2 + m.rng.IntN(2)
	for o := range orgs {
		org := fmt.Sprintf("org%d-%s", o, []string{"it", "es", "pl"}[o])
		n := 1 + m.rng.IntN(2)
		for i := range n {
			m.newInstall(org, i)
		}
	}
	m.newAttacker()
	m.setup()
	m.honest()
	ops := 10 + m.rng.IntN(11)
	modelStats.installs.Add(int64(len(m.insts)))
	modelStats.ops.Add(int64(ops))
	for range ops {
		m.step()
	}
	m.final()
}

func (m *model) newInstall(org string, n int) *install {
	in := &install{t: m.t, name: fmt.Sprintf("%s/%d", org, n+1), org: org, dir: m.t.TempDir(), log: &m.log}
	in.open()
	m.t.Cleanup(in.close)
	o := &data.Organisation{Meta: data.Meta{ID: org, Lang: "en"}, Name: "Org " + org, Country: "IT", Languages: []string{"en"}}
	if err := in.st.Init(o, "Staff of "+org); err != nil {
		m.t.Fatal(err)
	}
	if err := trust.EnsureListed(in.st, in.name); err != nil {
		m.t.Fatal(err)
	}
	if err := in.eng.AddRemote("hub", m.hub.url, Auth{}); err != nil {
		m.t.Fatal(err)
	}
	m.insts = append(m.insts, in)
	return in
}

// setup makes the network: each organisation's first installation syncs; a
// second laptop is listed by the first one (trust.AddKey) and its coordinator
// approves the organisation file signed by the first laptop's key.
func (m *model) setup() {
	first := map[string]*install{}
	for _, in := range m.insts {
		if first[in.org] == nil {
			first[in.org] = in
			in.mustSync()
		}
	}
	for _, in := range m.insts {
		f := first[in.org]
		if f == in {
			continue
		}
		if _, err := trust.AddKey(f.st, in.kr.Installation().Public(), in.name); err != nil {
			m.t.Fatal(err)
		}
		f.mustSync()
		in.mustSync()
		if _, err := trust.Approve(in.st, in.org); err != nil {
			m.fatalf("%s: approve: %v", in.name, err)
		}
	}
	for range 2 {
		for _, in := range m.insts {
			in.mustSync()
		}
	}
	m.logf("setup: %d installations", len(m.insts))
}

func (m *model) pick() *install { return m.insts[m.rng.IntN(len(m.insts))] }

var modelFields = []string{"title", "summary", "lessons", "results", "tags"}

func (m *model) ack(who *install, id, field string, v any, remark string) {
	if m.erased[id] {
		// Saved on a laptop that had not yet seen the erasure: an erased
		// record takes no later version anywhere, so nothing of it is owed.
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		m.t.Fatal(err)
	}
	m.seq++
	m.saves = append(m.saves, save{seq: m.seq, who: who.name, id: id, field: field, value: b, remark: remark})
}

func (m *model) words() string {
	w := []string{"shelter", "night", "intake", "Signal", "map", "peer", "winter", "outreach", "café", "łódź", "tea"}
	n := 1 + m.rng.IntN(4)
	out := make([]string, n)
	for i := range out {
		out[i] = w[m.rng.IntN(len(w))]
	}
	return strings.Join(out, " ") + fmt.Sprintf(" %d", m.rng.IntN(1000))
}

// practices lists the practices in's database shows and its organisation may edit.
func (m *model) practices(in *install, ownOnly bool) []*data.Practice {
	list, err := in.st.ListPractices(context.Background(), data.PracticeFilter{})
	if err != nil {
		m.t.Fatal(err)
	}
	var out []*data.Practice
	for _, s := range list {
		if ownOnly && s.Org != in.org {
			continue
		}
		p, err := in.st.GetPractice(s.ID)
		if err != nil {
			continue
		}
		if !ownOnly && p.Visibility != data.Shared {
			continue
		}
		if ownOnly && p.Visibility != data.Shared && m.drafts[p.ID] != in.name {
			continue
		}
		out = append(out, p)
	}
	return out
}

func (m *model) step() {
	in := m.pick()
	ctx := context.Background()
	switch r := m.rng.IntN(100); {
	case r < 18: // a new practice
		vis := data.Shared
		if m.rng.IntN(5) == 0 {
			vis = data.Draft
		}
		p := &data.Practice{Meta: data.Meta{Lang: "en"}, Title: m.words(), Summary: m.words(), Visibility: vis, Country: "IT"}
		if err := in.st.SavePractice(ctx, p); err != nil {
			m.fatalf("%s: add: %v", in.name, err)
		}
		m.logf("%s adds %s %s", in.name, vis, p.ID)
		if vis == data.Draft {
			m.drafts[p.ID] = in.name
		} else {
			m.ack(in, p.ID, "title", p.Title, "add")
			m.ack(in, p.ID, "summary", p.Summary, "add")
		}
	case r < 38: // edit one or two fields of a practice of this organisation
		ps := m.practices(in, true)
		if len(ps) == 0 {
			return
		}
		p := ps[m.rng.IntN(len(ps))]
		changed := map[string]any{}
		for range 1 + m.rng.IntN(2) {
			f := modelFields[m.rng.IntN(len(modelFields))]
			switch f {
			case "title":
				p.Title = m.words()
				changed[f] = p.Title
			case "summary":
				p.Summary = m.words()
				changed[f] = p.Summary
			case "lessons":
				p.Lessons = m.words()
				changed[f] = p.Lessons
			case "results":
				p.Results = m.words()
				changed[f] = p.Results
			case "tags":
				p.Tags = strings.Fields(m.words())
				changed[f] = p.Tags
			}
		}
		publish := p.Visibility == data.Draft && m.rng.IntN(2) == 0
		if publish {
			p.Visibility = data.Shared
		}
		if err := in.st.SavePractice(ctx, p); err != nil {
			m.fatalf("%s: edit %s: %v", in.name, p.ID, err)
		}
		if _, ok := changed["tags"]; ok {
			changed["tags"] = p.Tags // as the store cleaned them
		}
		if publish {
			delete(m.drafts, p.ID)
			// Everything the draft held is now a shared save.
			for f, v := range map[string]any{"title": p.Title, "summary": p.Summary, "lessons": p.Lessons, "results": p.Results, "tags": p.Tags} {
				changed[f] = v
			}
		}
		if p.Visibility == data.Shared {
			keys := make([]string, 0, len(changed))
			for f := range changed {
				keys = append(keys, f)
			}
			sort.Strings(keys)
			for _, f := range keys {
				m.ack(in, p.ID, f, changed[f], "edit")
			}
		}
		m.logf("%s edits %s %v (publish %v)", in.name, p.ID, changed, publish)
	case r < 44: // delete a practice of this organisation
		ps := m.practices(in, true)
		if len(ps) == 0 {
			return
		}
		p := ps[m.rng.IntN(len(ps))]
		if p.Visibility == data.Shared && !p.Deleted && m.rng.IntN(3) == 0 {
			// Erased instead: gone from every installation once they sync,
			// with whatever was saved of it (its saves are no longer owed).
			if _, err := in.st.Erase(ctx, p.ID, "asked by the person", HubPath); err != nil {
				m.fatalf("%s: erase %s: %v", in.name, p.ID, err)
			}
			m.erased[p.ID] = true
			modelStats.erasures.Add(1)
			kept := m.saves[:0]
			for _, s := range m.saves {
				if s.id != p.ID {
					kept = append(kept, s)
				}
			}
			m.saves = kept
			m.logf("%s erases %s", in.name, p.ID)
			return
		}
		if err := in.st.DeletePractice(ctx, p.ID); err != nil {
			m.fatalf("%s: delete %s: %v", in.name, p.ID, err)
		}
		if p.Visibility == data.Shared {
			m.ack(in, p.ID, "deleted", true, "delete")
		}
		m.logf("%s deletes %s", in.name, p.ID)
	case r < 54: // comment on any shared practice
		ps := m.practices(in, false)
		if len(ps) == 0 {
			return
		}
		p := ps[m.rng.IntN(len(ps))]
		c := &data.Comment{Meta: data.Meta{Lang: "en"}, Practice: p.ID, Text: "We tried it: " + m.words()}
		if err := in.st.SaveComment(ctx, c); err != nil {
			m.fatalf("%s: comment on %s: %v", in.name, p.ID, err)
		}
		m.ack(in, c.ID, "text", c.Text, "comment")
		m.logf("%s comments %s on %s", in.name, c.ID, p.ID)
	case r < 58: // resolve a conflict
		cs, err := in.eng.Conflicts(ctx)
		if err != nil {
			m.t.Fatal(err)
		}
		if len(cs) == 0 {
			return
		}
		c := cs[m.rng.IntN(len(cs))]
		keep := []string{"mine", "theirs"}[m.rng.IntN(2)]
		var mineJSON, theirsJSON string
		in.st.DB().QueryRow("SELECT mine_json, theirs_json FROM sync_conflicts WHERE id = ?", c.ID).Scan(&mineJSON, &theirsJSON)
		if err := in.eng.Resolve(ctx, c.ID, keep); err != nil {
			m.fatalf("%s: resolve %s: %v", in.name, c.ID, err)
		}
		if keep != c.Kept {
			v := mineJSON
			if keep == "theirs" {
				v = theirsJSON
			}
			if v != "" && !strings.Contains(c.Field, ".") {
				m.seq++
				m.saves = append(m.saves, save{seq: m.seq, who: in.name, id: c.RecordID, field: c.Field, value: json.RawMessage(v), remark: "resolve"})
			}
		}
		m.logf("%s resolves %s %s %s keep %s", in.name, c.RecordID, c.Field, c.Kind, keep)
	case r < 61: // the database is lost or damaged: rebuild it (invariant 5)
		in.close()
		path := filepath.Join(in.dir, data.DBFile)
		how := "deleted"
		if m.rng.IntN(2) == 0 {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		} else {
			how = "truncated"
			fi, err := os.Stat(path)
			if err != nil {
				m.t.Fatal(err)
			}
			os.Truncate(path, fi.Size()/2)
		}
		rep, err := Rebuild(in.dir, nil)
		if err != nil {
			m.fatalf("%s: rebuild after the database was %s: %v", in.name, how, err)
		}
		in.open()
		modelStats.rebuilds.Add(1)
		m.logf("%s rebuilds its %s database: %+v", in.name, how, *rep)
	case r < 70: // the malicious partner pushes something crafted
		m.attack()
	default:
		m.syncStep(in)
	}
}

// syncStep syncs one installation, sometimes with the hub unplugged, a failure
// at a fault point, or a crash there.
func (m *model) syncStep(in *install) {
	switch r := m.rng.IntN(100); {
	case r < 8: // the USB stick is not plugged in
		stick := filepath.Dir(m.hub.dir)
		if err := os.Rename(stick, stick+".out"); err != nil {
			m.t.Fatal(err)
		}
		_, err := in.sync()
		if err := os.Rename(stick+".out", stick); err != nil {
			m.t.Fatal(err)
		}
		if !errors.Is(err, ErrUnreachable) {
			m.fatalf("%s: sync without the hub: %v", in.name, err)
		}
		modelStats.unplugged.Add(1)
		m.logf("%s syncs without the hub", in.name)
	case r < 40: // a failure at a fault point: network drop, or a crash
		point := faultPoints[m.rng.IntN(len(faultPoints))]
		in.failAt = point
		_, err := in.sync()
		hit := in.failAt == ""
		in.failAt = ""
		if hit != (err != nil) || (err != nil && !errors.Is(err, errCrash)) {
			m.fatalf("%s: sync with a failure at %s: hit %v, err %v", in.name, point, hit, err)
		}
		crash := hit && m.rng.IntN(2) == 0
		if hit {
			modelStats.faults.Add(1)
		}
		if crash {
			modelStats.crashes.Add(1)
			in.close()
			in.open()
		}
		m.logf("%s syncs, failing at %s (hit %v, crash %v)", in.name, point, hit, crash)
	default:
		res, err := in.sync()
		if err != nil {
			m.fatalf("%s: sync: %v", in.name, err)
		}
		m.logf("%s syncs: %+v", in.name, res)
	}
}

// final syncs everyone until a whole pass moves nothing, then checks the
// invariants.
func (m *model) final() {
	quiet := false
	for pass := 0; pass < 8 && !quiet; pass++ {
		quiet = true
		heads := map[string]bool{}
		for _, in := range m.insts {
			res := in.mustSync()
			heads[res.HubHead] = true
			if res.Sent > 0 || res.Received > 0 || res.Conflicts > 0 {
				quiet = false
			}
		}
		if len(heads) > 1 {
			quiet = false
		}
		m.logf("final pass %d: quiet %v", pass, quiet)
	}
	if !quiet {
		m.fatalf("the installations did not settle after 8 passes of syncs")
	}
	m.checkConverged()
	m.checkErased()
	m.checkNothingHeld()
	m.checkSaves()
	m.checkDrafts()
}

// shared returns the shared records of in, id -> canonical body.
func (m *model) shared(in *install) map[string]string {
	rows, err := in.st.DB().Query("SELECT id, body FROM records WHERE visibility = 'shared' AND org != ?", data.ToolkitOrg)
	if err != nil {
		m.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, b string
		if err := rows.Scan(&id, &b); err != nil {
			m.t.Fatal(err)
		}
		out[id] = b
	}
	return out
}

func (m *model) checkConverged() {
	ref := m.insts[0]
	want := m.shared(ref)
	for _, in := range m.insts[1:] {
		got := m.shared(in)
		for id, b := range want {
			if got[id] != b {
				m.fatalf("invariant 1: record %s differs:\n%s:\n%s\n%s:\n%s", id, ref.name, b, in.name, got[id])
			}
		}
		for id := range got {
			if _, ok := want[id]; !ok {
				m.fatalf("invariant 1: %s has record %s, %s does not", in.name, id, ref.name)
			}
		}
	}
	// The database holds what the hub holds.
	hub, err := openBareRepo(m.hub.dir)
	if err != nil {
		m.t.Fatal(err)
	}
	// Sealed files are read with the keys of the first installation.
	hub.keys = ref.eng.repo.keys
	head, _ := hub.ref(mainBranch)
	tree, _ := hub.commitTree(head)
	for id, b := range want {
		rec, err := data.Decode([]byte(b))
		if err != nil {
			m.t.Fatal(err)
		}
		h, err := hub.fileAt(tree, HubPath(rec))
		if err != nil || h.IsZero() {
			m.fatalf("record %s is not in the hub (%v)", id, err)
		}
		if hb := hub.readSmallBlob(h); string(hb) != b {
			m.fatalf("record %s: the hub holds\n%s\nthe replicas hold\n%s", id, hb, b)
		}
	}
	hub.st.Close()
}

func (m *model) checkNothingHeld() {
	for _, in := range m.insts {
		q, err := in.eng.Quarantined(context.Background())
		if err != nil {
			m.t.Fatal(err)
		}
		for _, it := range q {
			if hf, err := parseHubPath(it.Path); err == nil && m.erased[hf.ID] && strings.Contains(it.Reason, "was erased") {
				continue // a version of an erased practice, made before its laptop saw the erasure
			}
			if m.evil == nil || !m.evil.hit[it.Path] {
				m.fatalf("%s holds %s in quarantine: %s", in.name, it.Path, it.Reason)
			}
		}
		pend, err := in.st.Pending(context.Background())
		if err != nil {
			m.t.Fatal(err)
		}
		if len(pend) > 0 {
			m.fatalf("%s still has %d records waiting to be sent, first %s", in.name, len(pend), pend[0].ID)
		}
	}
}

// conflictValues returns every value held in any installation's conflicts for
// record id and field.
func (m *model) conflictValues(id, field string) []json.RawMessage {
	var out []json.RawMessage
	for _, in := range m.insts {
		rows, err := in.st.DB().Query("SELECT mine_json, theirs_json, kind FROM sync_conflicts WHERE record_id = ? AND field = ?", id, field)
		if err != nil {
			m.t.Fatal(err)
		}
		for rows.Next() {
			var a, b, kind string
			rows.Scan(&a, &b, &kind)
			out = append(out, json.RawMessage(a), json.RawMessage(b))
			if kind == KindEditDelete {
				out = append(out, json.RawMessage("true"))
			}
		}
		rows.Close()
	}
	return out
}

func sameJSON(a, b json.RawMessage) bool {
	if len(bytes.TrimSpace(a)) == 0 || len(bytes.TrimSpace(b)) == 0 {
		return len(bytes.TrimSpace(a)) == len(bytes.TrimSpace(b))
	}
	return jsonEqual(a, b)
}

// checkSaves is invariant 2: every acknowledged save is present, superseded by
// a later save of the same field, or held as a conflict value.
func (m *model) checkSaves() {
	final := m.shared(m.insts[0])
	last := map[string]int{}
	for _, s := range m.saves {
		last[s.id+"\x00"+s.field] = s.seq
	}
	for _, s := range m.saves {
		if last[s.id+"\x00"+s.field] > s.seq {
			continue // superseded
		}
		body, ok := final[s.id]
		if !ok {
			m.fatalf("invariant 2: record %s (%s by %s, save %d) is nowhere", s.id, s.remark, s.who, s.seq)
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &obj); err != nil {
			m.t.Fatal(err)
		}
		got := obj[s.field]
		if s.field == "deleted" && got == nil {
			got = json.RawMessage("false")
		}
		if sameJSON(got, s.value) {
			continue
		}
		held := false
		for _, v := range m.conflictValues(s.id, s.field) {
			if sameJSON(v, s.value) {
				held = true
				break
			}
		}
		if s.field == "deleted" && !held {
			// Edit versus delete keeps the edit and flags it.
			for _, v := range m.conflictValues(s.id, "deleted") {
				if v != nil {
					held = true
				}
			}
		}
		if !held {
			m.fatalf("invariant 2: save %d (%s by %s) of %s.%s = %s was lost: the record now has %s",
				s.seq, s.remark, s.who, s.id, s.field, s.value, got)
		}
	}
}

// checkDrafts is invariant 4: drafts stay on the installation that wrote them.
func (m *model) checkDrafts() {
	for id, owner := range m.drafts {
		for _, in := range m.insts {
			if in.name == owner {
				continue
			}
			if _, err := in.st.Get(id); err == nil {
				m.fatalf("invariant 4: the draft %s of %s reached %s", id, owner, in.name)
			}
		}
	}
	// Every object the hub holds, whatever commit reaches it.
	hub, err := openBareRepo(m.hub.dir)
	if err != nil {
		m.t.Fatal(err)
	}
	defer hub.st.Close()
	iter, err := hub.st.IterEncodedObjects(plumbing.BlobObject)
	if err != nil {
		m.t.Fatal(err)
	}
	err = iter.ForEach(func(o plumbing.EncodedObject) error {
		b, err := readAll(o)
		if err != nil {
			return err
		}
		for id := range m.drafts {
			if bytes.Contains(b, []byte(id)) {
				return fmt.Errorf("the draft %s is in the hub", id)
			}
		}
		return nil
	})
	if err != nil {
		m.fatalf("invariant 4: %v", err)
	}
}

// checkErased: no installation holds anything of an erased practice (its row
// or its key), and every one lists the erasure.
func (m *model) checkErased() {
	for id := range m.erased {
		for _, in := range m.insts {
			var n int
			if err := in.st.DB().QueryRow("SELECT (SELECT count(*) FROM record_index WHERE id = ?) + (SELECT count(*) FROM record_keys WHERE id = ?)", id, id).Scan(&n); err != nil {
				m.t.Fatal(err)
			}
			if n > 0 {
				m.fatalf("%s still holds the erased practice %s", in.name, id)
			}
			if ok, err := in.st.ErasedIDs(context.Background()); err != nil || !ok[id] {
				m.fatalf("%s does not know that %s was erased (%v)", in.name, id, err)
			}
		}
	}
}
