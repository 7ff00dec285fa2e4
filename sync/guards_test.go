package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"vademecum/data"
)

// A hub that deletes most of what is shared here stops the sync before anything
// changes; once the user allows it, the next sync imports the deletions.
func TestMassDeletionGuard(t *testing.T) {
	h := diskHub(t)
	a, b := newReplica(t, "shelter-it", Options{}), newReplica(t, "street-cz", Options{})
	a.addRemote("hub", h.url, Auth{})
	b.addRemote("hub", h.url, Auth{})
	var ids []string
	for i := range 40 {
		ids = append(ids, a.practice(fmt.Sprintf("Note %d", i), data.Shared).ID)
	}
	a.sync()
	b.sync()
	// A few deletions go through without asking.
	for _, id := range ids[:5] {
		if err := a.store.DeletePractice(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	a.sync()
	b.sync()
	if !b.get(ids[0]).Deleted {
		t.Fatal("a small deletion did not arrive")
	}
	// Then most of the rest disappears at once.
	for _, id := range ids[5:35] {
		if err := a.store.DeletePractice(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	a.sync()
	mine := b.practice("Written while the hub was being emptied", data.Shared)
	_, err := b.eng.Sync(context.Background(), "", nil)
	if !errors.Is(err, ErrMassDeletion) {
		t.Fatalf("err = %v, want the mass-deletion guard", err)
	}
	if want := "this sync would delete 30 of the "; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "allow the deletions") {
		// The CLI names its flag (--allow-deletions), the app its button.
		t.Fatalf("sentence %q", err)
	}
	for _, id := range ids[5:35] {
		if b.get(id).Deleted {
			t.Fatal("a deletion was imported although the sync stopped")
		}
	}
	// It keeps asking, and nothing written here is lost meanwhile.
	if _, err := b.eng.Sync(context.Background(), "", nil); !errors.Is(err, ErrMassDeletion) {
		t.Fatalf("second sync: %v", err)
	}
	b.eng.AllowMassDeletion()
	b.sync()
	for _, id := range ids[5:35] {
		if !b.get(id).Deleted {
			t.Fatalf("%s not deleted after the user allowed it", id)
		}
	}
	// The permission was for one sync only.
	a.sync()
	if !a.has(mine.ID) {
		t.Fatal("what b wrote meanwhile did not arrive")
	}
	assertConverged(t, a, b)
}

// The guard holds at its bound: a round that brings exactly massDeletion+1
// deletions and nothing else stops. (The count of the records held is skipped
// only for imports of at most massDeletion files, which can never trip it.)
func TestMassDeletionGuardAtItsBound(t *testing.T) {
	h := diskHub(t)
	a, b := newReplica(t, "shelter-it", Options{}), newReplica(t, "street-cz", Options{})
	a.addRemote("hub", h.url, Auth{})
	b.addRemote("hub", h.url, Auth{})
	var ids []string
	for i := range massDeletion + 10 {
		ids = append(ids, a.practice(fmt.Sprintf("Note %d", i), data.Shared).ID)
	}
	a.sync()
	b.sync()
	for _, id := range ids[:massDeletion+1] {
		if err := a.store.DeletePractice(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	a.sync()
	if _, err := b.eng.Sync(context.Background(), "", nil); !errors.Is(err, ErrMassDeletion) {
		t.Fatalf("err = %v, want the mass-deletion guard", err)
	}
	if b.get(ids[0]).Deleted {
		t.Fatal("a deletion was imported although the sync stopped")
	}
	b.eng.AllowMassDeletion()
	b.sync()
	if !b.get(ids[massDeletion]).Deleted {
		t.Fatal("the deletions did not arrive once allowed")
	}
}

// A hub restored from an older copy gets the history it lost pushed back by
// the installations that had seen it.
func TestHubRolledBackGetsHistoryBack(t *testing.T) {
	h := diskHub(t)
	var logs []string
	a := newReplica(t, "shelter-it", Options{Logf: func(f string, args ...any) { logs = append(logs, fmt.Sprintf(f, args...)) }})
	b := newReplica(t, "street-cz", Options{})
	a.addRemote("hub", h.url, Auth{})
	b.addRemote("hub", h.url, Auth{})
	p1 := a.practice("Before the backup", data.Shared)
	a.sync()
	backup := filepath.Join(t.TempDir(), "backup")
	if err := os.CopyFS(backup, os.DirFS(h.dir)); err != nil {
		t.Fatal(err)
	}
	p2 := a.practice("After the backup, from a", data.Shared)
	a.sync()
	b.sync()
	p3 := b.practice("After the backup, from b", data.Shared)
	b.sync()
	a.sync()
	// The hub's disk dies; the administrator restores last week's copy.
	if err := os.RemoveAll(h.dir); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(h.dir, os.DirFS(backup)); err != nil {
		t.Fatal(err)
	}
	c := newReplica(t, "migrant-es", Options{})
	c.addRemote("hub", h.url, Auth{})
	c.sync()
	if c.has(p2.ID) || !c.has(p1.ID) {
		t.Fatal("the hub was not rolled back")
	}
	res := a.sync()
	if res.Sent < 2 {
		t.Errorf("a sent %d records back, want at least 2", res.Sent)
	}
	found := false
	for _, l := range logs {
		found = found || strings.Contains(l, "went back in time")
	}
	if !found {
		t.Errorf("the rollback was not noticed: %q", logs)
	}
	c.sync()
	for _, p := range []*data.Practice{p1, p2, p3} {
		if !c.has(p.ID) {
			t.Fatalf("%q did not come back to the hub", p.Title)
		}
	}
	if out := git(t, h.dir, "fsck", "--no-dangling"); strings.Contains(out, "error") {
		t.Fatalf("git fsck: %s", out)
	}
	// An emptied hub (a new empty repository in its place) is filled again.
	if err := os.RemoveAll(h.dir); err != nil {
		t.Fatal(err)
	}
	if err := initBare(h.dir); err != nil {
		t.Fatal(err)
	}
	b.sync()
	d := newReplica(t, "refugees-pl", Options{})
	d.addRemote("hub", h.url, Auth{})
	d.sync()
	for _, p := range []*data.Practice{p1, p2, p3} {
		if !d.has(p.ID) {
			t.Fatalf("%q is not in the refilled hub", p.Title)
		}
	}
	assertConverged(t, a, b, c, d)
}

// A push lock left by a process that died is taken over at once; a live one
// is waited for.
func TestStaleHubLockIsRecovered(t *testing.T) {
	h := diskHub(t)
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("hub", h.url, Auth{})
	a.practice("First", data.Shared)
	a.sync()
	// A sync killed while pushing: its lock names a process that is gone.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot start a process to take a dead pid from")
	}
	host, _ := os.Hostname()
	lock := filepath.Join(h.dir, pushLockFile)
	if err := os.WriteFile(lock, []byte(strconv.Itoa(cmd.Process.Pid)+"@"+host+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// ... and left half a pack index behind.
	orphan := filepath.Join(h.dir, "objects", "pack", "pack-0123456789abcdef0123456789abcdef01234567.idx")
	if err := os.WriteFile(orphan, []byte("\377tOc half"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := a.practice("Second", data.Shared)
	start := time.Now()
	a.sync()
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the stale lock cost %v", d)
	}
	if _, err := os.Stat(orphan); !errors.Is(err, os.ErrNotExist) {
		t.Error("the orphan pack index is still there")
	}
	if _, err := os.Stat(lock); !errors.Is(err, os.ErrNotExist) {
		t.Error("the push lock was not released")
	}
	b := newReplica(t, "street-cz", Options{})
	b.addRemote("hub", h.url, Auth{})
	b.sync()
	if !b.has(p.ID) {
		t.Fatal("the push after the stale lock did not land")
	}
	// A lock held by a live process on this computer is not taken over.
	if err := os.WriteFile(lock, []byte(strconv.Itoa(os.Getpid())+"@"+host+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var seen lockSighting
	if seen.abandoned(lock) {
		t.Error("a live process's lock was judged abandoned")
	}
	// Nobody refreshed it for lockExpiry, as this process saw it.
	seen.since = time.Now().Add(-lockExpiry - time.Second)
	if !seen.abandoned(lock) {
		t.Errorf("a lock nobody refreshed for %v was not judged abandoned", lockExpiry)
	}
}

// One round at a time per data directory, across processes: the round lock
// is an OS lock that dies with its process.
func TestRoundLockExcludesOtherProcesses(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockRound(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if _, err := lockRound(ctx, dir); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock: %v", err)
	}
	unlock()
	unlock2, err := lockRound(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	unlock2()
	// Temporary files and orphan indexes of an interrupted round are tidied;
	// complete packs stay.
	pack := filepath.Join(dir, "objects", "pack")
	os.MkdirAll(pack, 0o755)
	keep := []string{"pack-aa.pack", "pack-aa.idx"}
	gone := []string{"pack-bb.idx", "pack-bb.rev", "tmp_pack_123", "pack-cc.pack"}
	for _, n := range append(keep, gone...) {
		os.WriteFile(filepath.Join(pack, n), []byte("x"), 0o644)
	}
	// A temporary loose object a minute old was abandoned; a fresh one may be
	// in the middle of being written (outside the lock).
	old := filepath.Join(dir, "objects", "tmp_obj_1")
	fresh := filepath.Join(dir, "objects", "tmp_obj_2")
	os.WriteFile(old, []byte("x"), 0o644)
	os.WriteFile(fresh, []byte("x"), 0o644)
	then := time.Now().Add(-2 * time.Minute)
	os.Chtimes(old, then, then)
	if err := tidyObjects(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("an abandoned temporary object was left")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a temporary object being written was removed")
	}
	for _, n := range keep {
		if _, err := os.Stat(filepath.Join(pack, n)); err != nil {
			t.Errorf("%s was removed", n)
		}
	}
	for _, n := range gone {
		if _, err := os.Stat(filepath.Join(pack, n)); err == nil {
			t.Errorf("%s was left", n)
		}
	}
}

// A full disk gives one clear sentence, leaves the database and the local
// repository as they were, and the next sync after freeing space completes.
func TestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root")
	}
	mnt := filepath.Join(t.TempDir(), "small")
	os.MkdirAll(mnt, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	h := diskHub(t)
	a := replicaAt(t, filepath.Join(mnt, "data"), "shelter-it")
	b := newReplica(t, "street-cz", Options{})
	a.addRemote("hub", h.url, Auth{})
	b.addRemote("hub", h.url, Auth{})
	p1 := a.practice("Before the disk filled up", data.Shared)
	a.sync()
	b.sync()
	long := strings.Repeat("A long account of how the night shelter works. ", 400)
	for i := range 30 {
		p := &data.Practice{Meta: data.Meta{Lang: "en"}, Title: fmt.Sprintf("Partner note %d", i), Summary: long + strconv.Itoa(i),
			Visibility: data.Shared, Country: "CZ"}
		if err := b.store.SavePractice(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	b.sync()
	p2 := a.practice("Saved just before the disk filled up", data.Shared)
	filler := filepath.Join(mnt, "filler")
	fill(t, filler)
	_, err := a.eng.Sync(context.Background(), "", nil)
	if !errors.Is(err, ErrDiskFull) || err.Error() != "the disk is full: free some space and sync again (nothing was lost)" {
		t.Fatalf("err = %v", err)
	}
	// The previous state is intact.
	var check string
	if err := a.store.DB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	if got := a.get(p2.ID).Title; got != p2.Title {
		t.Fatalf("the saved practice reads %q", got)
	}
	if !a.has(p1.ID) {
		t.Fatal("a record disappeared")
	}
	if out := git(t, filepath.Join(a.store.Dir(), RepoDir), "fsck", "--no-dangling"); strings.Contains(out, "error") || strings.Contains(out, "fatal") {
		t.Fatalf("git fsck: %s", out)
	}
	// Saving says so too, and saves nothing half.
	if err := a.store.SavePractice(context.Background(), &data.Practice{Meta: data.Meta{Lang: "en"}, Title: "Doomed", Summary: long,
		Visibility: data.Shared}); err == nil || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("save on a full disk: %v", err)
	}
	os.Remove(filler)
	a.sync()
	b.sync()
	if !b.has(p2.ID) {
		t.Fatal("the practice saved before the disk filled up did not arrive")
	}
	if n, _ := a.store.Count(context.Background(), data.Query{Types: []string{data.TypePractice}}); n < 32 {
		t.Fatalf("a has %d practices after freeing space", n)
	}
	assertConverged(t, a, b)
}

// fill writes path until the file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 16<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Sync()
}

// replicaAt is newReplica with its data directory at dir.
func replicaAt(t *testing.T, dir, org string) *replica {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o := &data.Organisation{Meta: data.Meta{ID: org, Lang: "en"}, Name: "Org " + org, Country: "IT", Languages: []string{"en"}}
	if err := st.Init(o, "Staff of "+org); err != nil {
		t.Fatal(err)
	}
	eng, err := Open(st, Options{Credentials: &MemoryCredentials{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return &replica{t: t, org: org, store: st, eng: eng}
}

// Syncing with a hub folder for days does not run out of file handles: every
// file a round opens is closed by its end.
func TestNoFileHandleLeak(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd here")
	}
	open := func() int {
		es, _ := os.ReadDir("/proc/self/fd")
		return len(es)
	}
	h := diskHub(t)
	a, b := newReplica(t, "shelter-it", Options{}), newReplica(t, "street-cz", Options{})
	a.addRemote("hub", h.url, Auth{})
	b.addRemote("hub", h.url, Auth{})
	a.sync()
	b.sync()
	// Files left for the garbage collector to close count as leaked: it is off.
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	before := open()
	for i := range 15 {
		a.practice(fmt.Sprintf("Note %d", i), data.Shared)
		a.sync()
		b.sync()
	}
	if after := open(); after > before+3 {
		es, _ := os.ReadDir("/proc/self/fd")
		for _, e := range es {
			l, _ := os.Readlink("/proc/self/fd/" + e.Name())
			t.Log(l)
		}
		t.Fatalf("%d file handles open before 30 syncs, %d after", before, after)
	}
}
