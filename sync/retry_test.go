package sync

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"vademecum/data"
)

// The wait before each new try is drawn uniformly below a bound that doubles
// from retryBase up to retryCap: never negative, never above the bound, and
// spread over the whole range (not bunched, so contenders do not meet again).
func TestRetryWaitSpread(t *testing.T) {
	for attempt := 1; attempt <= 70; attempt++ {
		bound := retryCap
		if attempt < 6 {
			bound = min(retryCap, retryBase<<attempt)
		}
		if got := retryWait(attempt, func(n int64) int64 { return n - 1 }); got != bound-1 {
			t.Fatalf("try %d: longest wait %v, want just under %v", attempt, got, bound)
		}
		if got := retryWait(attempt, func(int64) int64 { return 0 }); got != 0 {
			t.Fatalf("try %d: shortest wait %v", attempt, got)
		}
	}
	// Draws after the sixth refusal: a real spread over [0, retryCap).
	rnd := rand.New(rand.NewPCG(1, 2))
	buckets := make([]int, 8)
	for range 8000 {
		w := retryWait(6, rnd.Int64N)
		if w < 0 || w >= retryCap {
			t.Fatalf("wait %v outside [0, %v)", w, retryCap)
		}
		buckets[int(w*8/retryCap)]++
	}
	for i, n := range buckets {
		if n < 800 || n > 1200 {
			t.Fatalf("waits bunch: bucket %d of 8 holds %d of 8000 (%v)", i, n, buckets)
		}
	}
}

// A hub that moves before every push of this installation: the sync keeps
// fetching, merging and trying while another installation's pushes get
// through, then gives up at the end of its budget with an error that says what
// to do. Nothing is lost: the next sync sends it.
func TestPushBudgetExhausted(t *testing.T) {
	defer func(b time.Duration) { pushBudget = b }(pushBudget)
	pushBudget = 3 * time.Second
	h := httpHub(t)
	other := newReplica(t, "street-cz", Options{})
	other.addRemote("hub", h.url, h.auth)
	tries := 0
	var fault func(string) error
	a := newReplica(t, "shelter-it", Options{Fault: func(p string) error { return fault(p) }})
	a.addRemote("hub", h.url, h.auth)
	fault = func(point string) error {
		if point == "before-push" {
			tries++
			other.practice(fmt.Sprintf("pushed first %d", tries), data.Shared)
			other.sync()
		}
		return nil
	}
	mine := a.practice("waits for a quiet hub", data.Shared)
	_, err := a.eng.Sync(context.Background(), "", nil)
	if !errors.Is(err, ErrHubBusy) || !strings.Contains(err.Error(), "sync again in a few minutes, nothing was lost") {
		t.Fatalf("after the budget: %v", err)
	}
	if tries < 3 {
		t.Fatalf("gave up after %d tries", tries)
	}
	fault = func(string) error { return nil }
	a.sync()
	other.sync()
	if !other.has(mine.ID) {
		t.Fatal("the practice kept back by the busy hub was not sent by the next sync")
	}
}

// Cancelling the sync while it waits to try again ends it at once, whatever
// the wait drawn.
func TestPushRetryStopsOnCancel(t *testing.T) {
	defer func(b, c, p time.Duration) { retryBase, retryCap, pushBudget = b, c, p }(retryBase, retryCap, pushBudget)
	retryBase, retryCap, pushBudget = time.Hour, time.Hour, 10*time.Hour
	h := httpHub(t)
	other := newReplica(t, "street-cz", Options{})
	other.addRemote("hub", h.url, h.auth)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once gosync.Once
	a := newReplica(t, "shelter-it", Options{
		Fault: func(point string) error {
			if point == "before-push" {
				once.Do(func() {
					other.practice("pushed first", data.Shared)
					other.sync()
				})
			}
			return nil
		},
		Logf: func(format string, args ...any) {
			if strings.Contains(fmt.Sprintf(format, args...), "merging again in") {
				cancel()
			}
		},
	})
	a.addRemote("hub", h.url, h.auth)
	a.practice("mine", data.Shared)
	done := make(chan error, 1)
	go func() {
		_, err := a.eng.Sync(ctx, "", nil)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled during the wait: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the sync did not stop when cancelled during its wait before the next try")
	}
}

// Offices opening together: the first background syncs of 1,000 installations
// started at the same moment spread over [0, startSpread), and their later
// waits over ±waitSpread of the period; no two-second slot takes more than
// about twice its share.
func TestBackgroundSyncsSpread(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	const n = 1000
	slots := make([]int, int(startSpread/(2*time.Second)))
	for range n {
		d := spreadStart(rnd.Float64())
		if d < 0 || d >= startSpread {
			t.Fatalf("first sync after %v, outside [0, %v)", d, startSpread)
		}
		slots[int(d/(2*time.Second))]++
	}
	for i, c := range slots {
		if c > 2*n/len(slots) || c == 0 {
			t.Fatalf("first syncs bunch: slot %d holds %d of %d (%v)", i, c, n, slots)
		}
	}
	every := 15 * time.Minute
	lo, hi := time.Duration(float64(every)*(1-waitSpread)), time.Duration(float64(every)*(1+waitSpread))
	if got := spreadWait(every, 0); got != lo {
		t.Fatalf("shortest wait %v, want %v", got, lo)
	}
	var minW, maxW time.Duration = hi, 0
	for range n {
		w := spreadWait(every, rnd.Float64())
		if w < lo || w >= hi {
			t.Fatalf("wait %v outside [%v, %v)", w, lo, hi)
		}
		minW, maxW = min(minW, w), max(maxW, w)
	}
	if maxW-minW < (hi-lo)*9/10 {
		t.Fatalf("waits span only %v..%v", minW, maxW)
	}
}

// A kick (the Sync button) during the start delay syncs at once.
func TestSchedulerKickDuringStartDelay(t *testing.T) {
	h := diskHub(t)
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("hub", h.url, Auth{})
	a.eng.startDelay = func(float64) time.Duration { return time.Hour }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	states := make(chan Status, 100)
	done := make(chan struct{})
	go func() {
		a.eng.Run(ctx, time.Hour, func(s Status) { states <- s })
		close(done)
	}()
	a.eng.Kick()
	deadline := time.After(30 * time.Second)
	for synced := false; !synced; {
		select {
		case s := <-states:
			synced = s.State == UpToDate
		case <-deadline:
			t.Fatal("a kick during the start delay did not sync")
		}
	}
	cancel()
	<-done
}
