//go:build windows

package sync

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// scratchDir is t.TempDir removed file by file: wine 8 lacks the POSIX-style
// delete that os.RemoveAll uses on Windows, and these tests also run there.
func scratchDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "vademecum-"+t.Name()+"-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var paths []string
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			paths = append(paths, p)
			return nil
		})
		slices.Reverse(paths) // children before their folder
		for _, p := range paths {
			os.Remove(p)
		}
	})
	return dir
}

// The round lock (LockFileEx) keeps a second process out while the first
// syncs, and lets it in once released.
func TestRoundLockAcrossWindowsProcesses(t *testing.T) {
	if dir := os.Getenv("VADEMECUM_LOCK_CHILD"); dir != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		unlock, err := lockRound(ctx, dir)
		if errors.Is(err, context.DeadlineExceeded) {
			os.Exit(3)
		}
		if err != nil {
			t.Fatal(err)
		}
		unlock()
		return
	}
	dir := scratchDir(t)
	child := func() int {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRoundLockAcrossWindowsProcesses$")
		cmd.Env = append(os.Environ(), "VADEMECUM_LOCK_CHILD="+dir)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return 0
	}
	unlock, err := lockRound(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if code := child(); code != 3 {
		t.Fatalf("another process got the lock while it was held (exit %d)", code)
	}
	unlock()
	if code := child(); code != 0 {
		t.Fatalf("another process could not take the released lock (exit %d)", code)
	}
}

// A push lock's owner that has ended counts as gone, even while a handle to it
// is still open (here: cmd.Process's), so that its lock on a hub folder is
// taken over; a running one does not.
func TestProcessAliveOnWindows(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if processAlive(cmd.Process.Pid) {
		t.Errorf("the ended process %d counts as running", cmd.Process.Pid)
	}
	if !processAlive(os.Getpid()) {
		t.Error("this process counts as ended")
	}
}

// A hub folder's lock is released even while another sync is reading it at
// that moment (Go opens files without FILE_SHARE_DELETE, so Windows refuses to
// delete or rename a file someone has open): left behind, it kept every other
// sync out until it expired.
func TestReleasedFolderLockGoesWhileAnotherReadsIt(t *testing.T) {
	dir := scratchDir(t)
	unlock, err := lockFolder(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(dir, pushLockFile)
	f, err := os.Open(lock) // a waiting sync reading the lock's owner
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() {
		time.Sleep(300 * time.Millisecond)
		f.Close()
		close(closed)
	}()
	unlock()
	<-closed
	if _, err := os.Stat(lock); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the released lock is still there (%v)", err)
	}
	// The next sync takes the folder at once, not after lockExpiry.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	unlock, err = lockFolder(ctx, dir, nil)
	if err != nil {
		t.Fatalf("the folder stayed locked after its release: %v", err)
	}
	unlock()
}
