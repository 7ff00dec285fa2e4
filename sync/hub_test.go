package sync

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vademecum/data"
)

func TestBadHubContentIsQuarantined(t *testing.T) {
	h := diskHub(t)
	a, b := newReplica(t, "shelter-it", Options{}), newReplica(t, "street-cz", Options{})
	a.addRemote("hub", h.url, Auth{})
	b.addRemote("hub", h.url, Auth{})
	pa := a.practice("The original", data.Shared)
	a.sync()
	b.sync()

	good := data.NewID()
	id := func() string { return data.NewID() }
	dupCreated := "2021-03-04T05:06:07Z"
	bad := map[string][]byte{
		"practices/2025/01/" + good + ".json":  practiceJSON(good, "migrant-es", "2025-01-10T10:00:00Z", "A good one"),
		"practices/2025/01/aaa-json.json":      []byte(`{"id": "aaa-json", "type": "practice",`),
		"practices/2025/01/bbb-utf8.json":      append([]byte(`{"id":"bbb-utf8","type":"practice","title":"`), 0xff, 0xfe, '"', '}'),
		"notes/readme.txt":                     []byte("not a record"),
		"practices/2025/01/ccc-big.json":       bytes.Repeat([]byte("a"), 50<<20),
		"practices/2021/03/" + pa.ID + ".json": practiceJSON(pa.ID, "migrant-es", dupCreated, "A hijacked copy"),
		"tools/ddd-toolkit.json":               toolkitTool(t, "ddd-toolkit"),
		"guides/" + id() + ".json":             practiceJSON("eee-wrong", "migrant-es", "2025-01-10T10:00:00Z", "Wrong name"),
	}
	wrongFolder := id()
	bad["guides/"+wrongFolder+".json"] = practiceJSON(wrongFolder, "migrant-es", "2025-01-10T10:00:00Z", "A practice among guides")
	writeHubCommit(t, h.dir, bad)

	res, err := b.eng.Sync(context.Background(), "", nil)
	if err != nil {
		t.Fatalf("sync with bad content: %v", err)
	}
	if !b.has(good) {
		t.Fatal("the good record was not imported")
	}
	if got := b.get(pa.ID).Title; got != "The original" {
		t.Fatalf("a duplicate replaced the original: %q", got)
	}
	q, err := b.eng.Quarantined(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, it := range q {
		reasons[it.Path] = it.Reason
	}
	want := map[string]string{
		"practices/2025/01/aaa-json.json":      "not valid JSON",
		"practices/2025/01/bbb-utf8.json":      "UTF-8",
		"notes/readme.txt":                     "outside the known folders",
		"practices/2025/01/ccc-big.json":       "too large",
		"practices/2021/03/" + pa.ID + ".json": "already used",
		"tools/ddd-toolkit.json":               "ships with the app",
		"guides/" + wrongFolder + ".json":      "practice record in the guides folder",
	}
	for p, w := range want {
		if !strings.Contains(reasons[p], w) {
			t.Errorf("%s: reason %q, want it to say %q", p, reasons[p], w)
		}
	}
	if res.Quarantined != len(bad)-1 {
		t.Errorf("quarantined %d, want %d: %v", res.Quarantined, len(bad)-1, reasons)
	}
	// The rest of the exchange goes on: b's own work still reaches a.
	pb := b.practice("Written after the bad content", data.Shared)
	b.sync()
	a.sync()
	if !a.has(pb.ID) || !a.has(good) {
		t.Fatal("sync stopped after bad content")
	}
}

func TestUnknownFormatRefusesHub(t *testing.T) {
	h := diskHub(t)
	writeHubCommit(t, h.dir, map[string][]byte{"FORMAT": []byte("5\nid future\n"), "orgs/x.json": []byte("{}")})
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("hub", h.url, Auth{})
	_, err := a.eng.Sync(context.Background(), "", nil)
	if !errors.Is(err, ErrNewerHub) || !errors.Is(err, ErrNotHub) || !strings.Contains(err.Error(), `newer version of Vademecum (hub format "5"`) || !strings.Contains(err.Error(), "update the app") {
		t.Fatalf("err = %v", err)
	}
	q, _ := a.eng.Quarantined(context.Background())
	if len(q) != 1 || q[0].Path != "FORMAT" {
		t.Fatalf("quarantine %+v", q)
	}
	if a.has("x") {
		t.Fatal("imported from a refused hub")
	}
}

func TestNotAVademecumHub(t *testing.T) {
	for name, setup := range map[string]func(dir string){
		"main without FORMAT": func(dir string) {
			writeHubCommit(t, dir, map[string][]byte{"README.md": []byte("# our project\n")})
		},
		"a folder of other files": func(dir string) {
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, "holiday.jpg"), []byte("jpeg"), 0o644)
		},
	} {
		t.Run(name, func(t *testing.T) {
			h := diskHub(t)
			setup(h.dir)
			a := newReplica(t, "shelter-it", Options{})
			a.addRemote("hub", h.url, Auth{})
			_, err := a.eng.Sync(context.Background(), "", nil)
			if !errors.Is(err, ErrNotHub) || !strings.Contains(err.Error(), h.dir+" is not a vademecum hub") {
				t.Fatalf("err = %v", err)
			}
			rms, _ := a.eng.Remotes()
			if rms[0].LastError != err.Error() {
				t.Errorf("last error %q", rms[0].LastError)
			}
		})
	}
}

func TestWrongTokenSentence(t *testing.T) {
	h := httpHub(t)
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("hub", h.url, Auth{Token: "wrong-token-123"})
	_, err := a.eng.Sync(context.Background(), "", nil)
	want := "the hub refused the token for " + h.url + ": check it with your hub administrator"
	if !errors.Is(err, ErrAuth) || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	if strings.Contains(err.Error(), "wrong-token-123") {
		t.Fatal("the token is in the error message")
	}
	// The next sync, with the right token, works.
	a.addRemote("hub", h.url, h.auth)
	a.practice("After fixing the token", data.Shared)
	if res := a.sync(); res.Sent < 2 {
		t.Fatalf("sent %d", res.Sent)
	}
	rms, _ := a.eng.Remotes()
	if rms[0].LastError != "" || rms[0].LastSync.IsZero() {
		t.Errorf("remote state %+v", rms[0])
	}
}

func TestTokenFromEnvironmentOverrides(t *testing.T) {
	h := httpHub(t)
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("hub", h.url, Auth{Token: "stale", TokenEnv: "VADEMECUM_TEST_TOKEN"})
	t.Setenv("VADEMECUM_TEST_TOKEN", h.auth.Token)
	a.sync()
	// Reading the token into the store once, as 'remote add --token-env' does.
	b := newReplica(t, "street-cz", Options{})
	b.addRemote("hub", h.url, Auth{TokenEnv: "VADEMECUM_TEST_TOKEN"})
	t.Setenv("VADEMECUM_TEST_TOKEN", "")
	if tok, _ := b.eng.creds.Get(h.url); tok != h.auth.Token {
		t.Fatal("the token was not stored")
	}
	b.sync()
	var n int
	b.store.DB().QueryRow("SELECT count(*) FROM sync_remotes WHERE url LIKE '%' || ? || '%' OR token_env LIKE ?", h.auth.Token, h.auth.Token).Scan(&n)
	if n != 0 {
		t.Fatal("the token reached the database")
	}
}

func TestUnreachableHubSentence(t *testing.T) {
	a := newReplica(t, "shelter-it", Options{})
	p := a.practice("Written offline", data.Shared)
	url := "http://" + freePort(t) + "/hub.git"
	a.addRemote("hub", url, Auth{Token: "t"})
	_, err := a.eng.Sync(context.Background(), "hub", nil)
	if !errors.Is(err, ErrUnreachable) || err.Error() != "cannot reach the hub at "+url+": working offline, nothing was lost" {
		t.Fatalf("err = %v", err)
	}
	// A USB stick that is not plugged in: nothing is created on the laptop.
	stick := filepath.Join(t.TempDir(), "media", "usb", "hub")
	a.addRemote("usb", stick, Auth{})
	_, err = a.eng.Sync(context.Background(), "usb", nil)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "cannot reach the hub at "+stick) {
		t.Fatalf("err = %v", err)
	}
	if _, serr := os.Stat(stick); serr == nil {
		t.Fatal("a hub folder was created where the stick should be")
	}
	if got := a.eng.Status(context.Background()); got.LastError == "" {
		t.Errorf("status %+v", got)
	}
	// Nothing was lost: the practice is committed locally, and reaches a hub later.
	os.MkdirAll(filepath.Dir(stick), 0o755)
	if _, err := a.eng.Sync(context.Background(), "usb", nil); err != nil {
		t.Fatal(err)
	}
	b := newReplica(t, "street-cz", Options{})
	b.addRemote("usb", stick, Auth{})
	b.sync()
	if !b.has(p.ID) {
		t.Fatal("the practice written offline did not arrive")
	}
}

// A round interrupted at any step (crash, power cut, network drop) loses
// nothing, and the next round completes it.
func TestFaultPoints(t *testing.T) {
	for _, point := range []string{"after-commit", "after-fetch", "mid-import", "before-push", "after-push"} {
		t.Run(point, func(t *testing.T) {
			h := diskHub(t)
			armed := false
			a := newReplica(t, "shelter-it", Options{})
			b := newReplica(t, "street-cz", Options{Fault: func(p string) error {
				if armed && p == point {
					armed = false
					return errors.New("injected failure at " + p)
				}
				return nil
			}})
			a.addRemote("hub", h.url, Auth{})
			b.addRemote("hub", h.url, Auth{})
			b.sync()
			pa := a.practice("From a", data.Shared)
			a.sync()
			pb := b.practice("From b", data.Shared)
			armed = true
			if _, err := b.eng.Sync(context.Background(), "", nil); err == nil || !strings.Contains(err.Error(), "injected") {
				t.Fatalf("fault not hit: %v", err)
			}
			b.sync()
			a.sync()
			if !b.has(pa.ID) || !a.has(pb.ID) {
				t.Fatal("a record was lost")
			}
			assertConverged(t, a, b)
		})
	}
}

func TestCommitLocalWithoutRemote(t *testing.T) {
	signed := 0
	a := newReplica(t, "shelter-it", Options{Sign: func(r data.Record) error {
		signed++
		r.Base().Sig = "sig-of-" + r.Base().ID
		return nil
	}, Outgoing: func(r data.Record) error {
		if p, ok := r.(*data.Practice); ok && strings.Contains(p.Summary, "HOLD") {
			return errors.New("held back by the test")
		}
		return nil
	}})
	p := a.practice("Shared", data.Shared)
	held := a.practice("Held back", data.Shared)
	a.edit(held.ID, func(p *data.Practice) { p.Summary = "HOLD this one" })
	n, err := a.eng.CommitLocal(context.Background())
	if err != nil || n != 2 { // the organisation and one practice
		t.Fatalf("committed %d: %v", n, err)
	}
	if a.get(p.ID).Sig != "sig-of-"+p.ID {
		t.Error("the signature did not come back to the database")
	}
	pend, _ := a.store.Pending(context.Background())
	if len(pend) != 1 || pend[0].ID != held.ID {
		t.Fatalf("pending %+v", pend)
	}
	if st := a.eng.Status(context.Background()); st.State != NotSetUp || st.Pending != 1 {
		t.Errorf("status %+v", st)
	}
	if _, err := a.eng.Sync(context.Background(), "", nil); !errors.Is(err, ErrNoRemote) {
		t.Errorf("sync without hub: %v", err)
	}
}

func toolkitTool(t *testing.T, id string) []byte {
	tool := &data.Tool{Meta: data.Meta{ID: id, Type: data.TypeTool, Org: data.ToolkitOrg, Lang: "en"},
		Name: data.Text{"en": "Signal"}, Summary: data.Text{"en": "Messenger"}, Category: "messaging", Offline: data.OfflineNo}
	b, err := data.Encode(tool)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSchedulerSyncsAtStartAndOnKick(t *testing.T) {
	h := diskHub(t)
	a, b := newReplica(t, "shelter-it", Options{}), newReplica(t, "street-cz", Options{})
	a.addRemote("hub", h.url, Auth{})
	b.addRemote("hub", h.url, Auth{})
	a.eng.startDelay = func(float64) time.Duration { return 0 }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	states := make(chan Status, 100)
	done := make(chan struct{})
	go func() {
		a.eng.Run(ctx, time.Hour, func(s Status) { states <- s })
		close(done)
	}()
	waitFor := func(what string, ok func(Status) bool) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case s := <-states:
				if ok(s) {
					return
				}
			case <-deadline:
				t.Fatalf("no %s status", what)
			}
		}
	}
	waitFor("up to date at start", func(s Status) bool { return s.State == UpToDate })
	pb := b.practice("Seen after a kick", data.Shared)
	b.sync()
	a.eng.Kick()
	waitFor("syncing after kick", func(s Status) bool { return s.State == Syncing })
	waitFor("up to date after kick", func(s Status) bool { return s.State == UpToDate && s.Pending == 0 })
	if !a.has(pb.ID) {
		t.Fatal("the kick did not sync")
	}
	cancel()
	<-done
}

// A hub of format 2 (a hub id, signed version counters; no attached files)
// is moved to format 3 by the first sync of this version, keeping its id: it is
// the same hub. Its records stay as they are, and every installation of this
// version keeps syncing with it.
func TestFormat2HubIsMigrated(t *testing.T) {
	h := diskHub(t)
	if err := os.MkdirAll(h.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, h.dir, "init", "-q", "--bare", "-b", "main", ".")
	writeHubCommit(t, h.dir, map[string][]byte{"FORMAT": []byte("2\nid hub-of-2025\n")})
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("hub", h.url, Auth{})
	p := a.practice("Written before the upgrade", data.Shared)
	a.sync()
	v, hubID := parseFormat([]byte(git(t, h.dir, "show", "main:FORMAT")))
	if v != FormatVersion || FormatVersion != "4" || hubID != "hub-of-2025" {
		t.Fatalf("FORMAT after the first sync: version %q id %q, want 4 and the same id", v, hubID)
	}
	b := newReplica(t, "street-cz", Options{})
	b.addRemote("hub", h.url, Auth{})
	b.sync()
	if !b.has(p.ID) {
		t.Fatal("a partner of this version does not receive the practice from the migrated hub")
	}
	if _, again := parseFormat([]byte(git(t, h.dir, "show", "main:FORMAT"))); again != "hub-of-2025" {
		t.Errorf("the hub id changed to %s", again)
	}
}

// A hub of format 1 (no FORMAT id, records without version counters) is moved
// to format 3 by the first sync of this version; its records stay as they are,
// and the order of versions still holds for them (a replayed older file of
// format 1 is refused by its time stamp).
func TestFormat1HubIsMigrated(t *testing.T) {
	h := diskHub(t)
	if err := os.MkdirAll(h.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, h.dir, "init", "-q", "--bare", "-b", "main", ".")
	id := data.NewID()
	path := "practices/2025/03/" + id + ".json"
	older := practiceJSON(id, "legacy-it", "2025-03-01T10:00:00Z", "First words")
	newer := bytes.Replace(practiceJSON(id, "legacy-it", "2025-03-01T10:00:00Z", "Second words"),
		[]byte(`"updated":"2025-03-01T10:00:00Z"`), []byte(`"updated":"2025-03-02T10:00:00Z"`), 1)
	writeHubCommit(t, h.dir, map[string][]byte{"FORMAT": []byte("1\n"), path: older})
	writeHubCommit(t, h.dir, map[string][]byte{path: newer})
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("hub", h.url, Auth{})
	a.sync()
	v, hubID := parseFormat([]byte(git(t, h.dir, "show", "main:FORMAT")))
	if v != FormatVersion || hubID == "" {
		t.Fatalf("FORMAT after the first sync: version %q id %q", v, hubID)
	}
	if got := a.get(id).Title; got != "Second words" {
		t.Fatalf("title %q", got)
	}
	b := newReplica(t, "street-cz", Options{})
	b.addRemote("hub", h.url, Auth{})
	b.sync()
	if _, again := parseFormat([]byte(git(t, h.dir, "show", "main:FORMAT"))); again != hubID {
		t.Errorf("the hub id changed from %s to %s", hubID, again)
	}
	// The older format 1 file pushed again is refused by both.
	writeHubCommit(t, h.dir, map[string][]byte{path: older})
	for _, r := range []*replica{a, b} {
		r.sync()
		if got := r.get(id).Title; got != "Second words" {
			t.Errorf("%s went back to %q", r.org, got)
		}
	}
	if got := git(t, h.dir, "show", "main:"+path); !strings.Contains(got, "Second words") {
		t.Errorf("the hub was not restored: %s", got)
	}
	assertConverged(t, a, b)
}
