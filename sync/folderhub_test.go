package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"vademecum/data"
)

// A hub folder used before and now missing while its parent exists (a stick
// unmounted, its mount point left) is "not connected": never recreated empty.
func TestKnownHubFolderMissingIsNotConnected(t *testing.T) {
	h := diskHub(t)
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("usb", h.url, Auth{})
	a.practice("Before the stick was pulled", data.Shared)
	a.sync()
	if err := os.RemoveAll(h.dir); err != nil {
		t.Fatal(err)
	}
	a.practice("Written while the stick is away", data.Shared)
	for _, mountPoint := range []bool{false, true} {
		if mountPoint {
			// An empty mount point where the stick was.
			if err := os.Mkdir(h.dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		res, err := a.eng.Sync(context.Background(), "usb", nil)
		if !errors.Is(err, ErrNotConnected) || !errors.Is(err, ErrUnreachable) {
			t.Fatalf("mount point %v: err = %v (sent %d), want not connected", mountPoint, err, res.Sent)
		}
		if !strings.Contains(err.Error(), "is not connected") {
			t.Errorf("the sentence does not say it: %v", err)
		}
		entries, _ := os.ReadDir(h.dir)
		if len(entries) > 0 {
			t.Fatalf("mount point %v: something was created where the hub was: %d files", mountPoint, len(entries))
		}
	}
	// An installation that never synced with it makes the folder on first use.
	b := newReplica(t, "street-cz", Options{})
	b.addRemote("usb", h.url, Auth{})
	b.practice("On a fresh stick", data.Shared)
	b.sync()
	if _, err := os.Stat(filepath.Join(h.dir, "objects")); err != nil {
		t.Fatalf("a first sync did not create the hub: %v", err)
	}
}

// The lock of a hub folder: a blank lock (its owner killed between creating
// and writing it) and a lock nobody refreshes are taken over; a lock that is
// refreshed is waited for, with progress, and the wait is bounded.
func TestFolderLockTakeoverAndWait(t *testing.T) {
	defer func(b, e, bl, w time.Duration) { lockBeat, lockExpiry, lockBlank, lockWait = b, e, bl, w }(lockBeat, lockExpiry, lockBlank, lockWait)
	lockBeat, lockExpiry, lockBlank, lockWait = 50*time.Millisecond, 600*time.Millisecond, 300*time.Millisecond, 2*time.Second
	dir := t.TempDir()
	lock := filepath.Join(dir, pushLockFile)
	ctx := context.Background()

	// Blank: taken over after lockBlank.
	os.WriteFile(lock, nil, 0o644)
	start := time.Now()
	unlock, err := lockFolder(ctx, dir, nil)
	if err != nil {
		t.Fatalf("blank lock: %v", err)
	}
	if d := time.Since(start); d < lockBlank || d > lockExpiry {
		t.Errorf("blank lock taken over after %v, want about %v", d, lockBlank)
	}
	unlock()
	if _, err := os.Stat(lock); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the lock was not released")
	}

	// Another computer's lock that nobody refreshes: taken over after lockExpiry.
	os.WriteFile(lock, []byte("123@another-laptop 1a\n"), 0o644)
	var waits []time.Duration
	start = time.Now()
	unlock, err = lockFolder(ctx, dir, func(w time.Duration) { waits = append(waits, w) })
	if err != nil {
		t.Fatalf("abandoned lock: %v", err)
	}
	if d := time.Since(start); d < lockExpiry {
		t.Errorf("abandoned lock taken over after %v, before lockExpiry", d)
	}
	unlock()

	// A held lock (refreshed by its holder) is waited for up to lockWait,
	// with progress, then the sync says the folder is busy.
	hold, err := lockFolder(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	waits = nil
	start = time.Now()
	_, err = lockFolder(ctx, dir, func(w time.Duration) { waits = append(waits, w) })
	if !errors.Is(err, ErrHubBusy) {
		t.Fatalf("a refreshed lock was taken over: %v", err)
	}
	if d := time.Since(start); d < lockWait {
		t.Errorf("gave up after %v, want %v", d, lockWait)
	}
	if len(waits) == 0 {
		t.Error("no progress while waiting")
	}
	// Released while another waits: the waiter gets it.
	got := make(chan error, 1)
	go func() {
		u, err := lockFolder(ctx, dir, nil)
		if err == nil {
			u()
		}
		got <- err
	}()
	time.Sleep(200 * time.Millisecond)
	hold()
	if err := <-got; err != nil {
		t.Fatalf("the waiter did not get the released lock: %v", err)
	}
}

// Many processes race for one folder lock: never two holders at once.
func TestFolderLockExcludes(t *testing.T) {
	dir := t.TempDir()
	var mu gosync.Mutex
	holders, most := 0, 0
	var wg gosync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for range 20 {
				unlock, err := lockFolder(context.Background(), dir, nil)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				holders++
				most = max(most, holders)
				mu.Unlock()
				time.Sleep(time.Millisecond)
				mu.Lock()
				holders--
				mu.Unlock()
				unlock()
			}
		})
	}
	wg.Wait()
	if most != 1 {
		t.Fatalf("%d holders at once", most)
	}
}

// Fetches never fail while another installation pushes and compacts the hub
// folder: packs replaced by a compaction stay for packGrace, and a fetch that
// meets a vanished pack lists them again.
func TestFetchWhileHubCompacts(t *testing.T) {
	defer func(n int, g time.Duration) { hubMaxPacks, packGrace = n, g }(hubMaxPacks, packGrace)
	hubMaxPacks, packGrace = 2, 50*time.Millisecond
	h := diskHub(t)
	writer := newReplica(t, "shelter-it", Options{})
	writer.addRemote("hub", h.url, Auth{})
	writer.practice("first", data.Shared)
	writer.sync()
	readers := []*replica{newReplica(t, "street-cz", Options{}), newReplica(t, "migrant-es", Options{})}
	for _, r := range readers {
		r.addRemote("hub", h.url, Auth{})
	}
	stop := make(chan struct{})
	errs := make(chan error, 10)
	var wg gosync.WaitGroup
	for _, r := range readers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := r.eng.Sync(context.Background(), "", nil); err != nil && !errors.Is(err, ErrHubBusy) {
					errs <- fmt.Errorf("%s: %w", r.org, err)
					return
				}
			}
		})
	}
	var ids []string
	for i := range 25 {
		ids = append(ids, writer.practice(fmt.Sprintf("note %d", i), data.Shared).ID)
		writer.sync()
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, r := range readers {
		r.sync()
		for _, id := range ids {
			if !r.has(id) {
				t.Fatalf("%s lacks %s", r.org, id)
			}
		}
	}
	if out := git(t, h.dir, "fsck", "--no-dangling"); strings.Contains(out, "error") || strings.Contains(out, "missing") {
		t.Fatalf("git fsck: %s", out)
	}
	if packs, _ := os.ReadDir(filepath.Join(h.dir, "objects", "pack")); len(packs) > 2*(hubMaxPacks+2)+2*25 {
		t.Errorf("the hub holds %d pack files: retired packs are not deleted", len(packs))
	}
}

// A stick pulled out during a push leaves the last files it wrote cut short or
// missing. The next sync of every installation succeeds, says the hub was
// repaired, and nothing is lost: the hub goes back to its newest complete head
// and whoever holds what it lost sends it again.
func TestPulledStickHubIsRepaired(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, hub string, last []string)
	}{
		{"pack removed", func(t *testing.T, hub string, last []string) {
			for _, f := range last {
				if strings.HasSuffix(f, ".pack") {
					os.Remove(f)
				}
			}
		}},
		{"pack and index removed", func(t *testing.T, hub string, last []string) {
			for _, f := range last {
				os.Remove(f)
			}
		}},
		{"pack cut in half", func(t *testing.T, hub string, last []string) {
			for _, f := range last {
				if strings.HasSuffix(f, ".pack") {
					fi, _ := os.Stat(f)
					os.Truncate(f, fi.Size()/2)
				}
			}
		}},
		{"pack zeroed", func(t *testing.T, hub string, last []string) {
			for _, f := range last {
				if strings.HasSuffix(f, ".pack") {
					fi, _ := os.Stat(f)
					os.WriteFile(f, make([]byte, fi.Size()), 0o644)
				}
			}
		}},
		{"index cut short", func(t *testing.T, hub string, last []string) {
			for _, f := range last {
				if strings.HasSuffix(f, ".idx") {
					os.Truncate(f, 100)
				}
			}
		}},
		{"branch file empty", func(t *testing.T, hub string, last []string) {
			os.Truncate(filepath.Join(hub, "refs", "heads", "main"), 0)
		}},
		{"branch file and heads list cut", func(t *testing.T, hub string, last []string) {
			os.Truncate(filepath.Join(hub, "refs", "heads", "main"), 7)
			fi, _ := os.Stat(filepath.Join(hub, headsFile))
			os.Truncate(filepath.Join(hub, headsFile), fi.Size()-10)
		}},
		{"older packs lost with their indexes", func(t *testing.T, hub string, last []string) {
			keep := map[string]bool{}
			for _, f := range last {
				keep[f] = true
			}
			for f := range packFiles(t, hub) {
				if !keep[f] {
					os.Remove(f)
				}
			}
		}},
		{"everything of the push gone", func(t *testing.T, hub string, last []string) {
			for _, f := range last {
				os.Remove(f)
			}
			os.Remove(filepath.Join(hub, "refs", "heads", "main"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := diskHub(t)
			a := newReplica(t, "shelter-it", Options{})
			b := newReplica(t, "street-cz", Options{})
			c := newReplica(t, "migrant-es", Options{})
			var all []*data.Practice
			for _, r := range []*replica{a, b, c} {
				r.addRemote("usb", h.url, Auth{})
				all = append(all, r.practice("Before, from "+r.org, data.Shared))
				r.sync()
			}
			a.sync()
			// a's push is the one the stick was pulled out of.
			before := packFiles(t, h.dir)
			all = append(all, a.practice("In the push that was cut, from a", data.Shared))
			a.sync()
			var last []string
			for f := range packFiles(t, h.dir) {
				if !before[f] {
					last = append(last, f)
				}
			}
			if len(last) == 0 {
				t.Fatal("the push wrote no pack")
			}
			tc.damage(t, h.dir, last)
			all = append(all, b.practice("After, from b", data.Shared))
			repaired := false
			// A newcomer first: it needs every object of the hub.
			d := newReplica(t, "refugees-pl", Options{})
			d.addRemote("usb", h.url, Auth{})
			for _, r := range []*replica{d, b, c, a, b, c, d} {
				res, err := r.eng.Sync(context.Background(), "", nil)
				if err != nil {
					t.Fatalf("%s: the sync after the stick was pulled failed: %v", r.org, err)
				}
				repaired = repaired || res.HubRepaired
			}
			if !repaired {
				t.Error("no sync said the hub was repaired")
			}
			for _, r := range []*replica{a, b, c, d} {
				for _, p := range all {
					if !r.has(p.ID) {
						t.Errorf("%s lacks %q", r.org, p.Title)
					}
				}
			}
			assertConverged(t, a, b, c, d)
			if out := git(t, h.dir, "fsck", "--no-dangling"); strings.Contains(out, "error") || strings.Contains(out, "missing") {
				t.Fatalf("git fsck: %s", out)
			}
		})
	}
}

func packFiles(t *testing.T, hub string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(hub, "objects", "pack"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "pack-") {
			out[filepath.Join(hub, "objects", "pack", e.Name())] = true
		}
	}
	return out
}

// The heads list keeps the newest heads, however many pushes there were.
func TestHeadsListStaysShort(t *testing.T) {
	dir := t.TempDir()
	var want []plumbing.Hash
	for i := range 3 * headsKept {
		h := plumbing.ComputeHash(plumbing.BlobObject, []byte(fmt.Sprint(i)))
		want = append(want, h)
		if err := noteHead(dir, h); err != nil {
			t.Fatal(err)
		}
	}
	got := readHeads(dir)
	if len(got) < headsKept || len(got) > 2*headsKept {
		t.Fatalf("%d heads kept", len(got))
	}
	if got[len(got)-1] != want[len(want)-1] {
		t.Fatal("the newest head is not last")
	}
}

// git can read what a repair set aside, for whoever wants to look.
func TestDamagedPackDetection(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	h := diskHub(t)
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("usb", h.url, Auth{})
	a.practice("One", data.Shared)
	a.sync()
	if bad := damagedPacks(h.dir, time.Now()); len(bad) != 0 {
		t.Fatalf("a sound hub has damaged packs: %v", bad)
	}
	files := packFiles(t, h.dir)
	var names []string
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		if strings.HasSuffix(f, ".pack") {
			fi, _ := os.Stat(f)
			os.Truncate(f, fi.Size()-1)
		}
	}
	if bad := damagedPacks(h.dir, time.Now()); len(bad) != 1 {
		t.Fatalf("a pack cut by one byte: damaged %v", bad)
	}
}
