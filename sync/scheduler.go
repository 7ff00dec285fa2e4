package sync

import (
	"context"
	"errors"
	"math/rand/v2"
	gosync "sync"
	"time"
)

// State is where sync stands, as the UI shows it.
type State int

const (
	NotSetUp State = iota // no hub configured
	Offline               // the last attempt could not reach a hub
	Syncing
	UpToDate
	Failed // the last attempt reached a hub but failed; LastError says why
)

func (s State) String() string {
	switch s {
	case NotSetUp:
		return "not set up"
	case Offline:
		return "offline"
	case Syncing:
		return "syncing"
	case UpToDate:
		return "up to date"
	case Failed:
		return "failed"
	}
	return "unknown"
}

// Status is what the UI shows about sync.
type Status struct {
	State     State
	Remote    string
	LastSync  time.Time
	Pending   int // shared records waiting to be sent
	LastError string
	Progress  Progress
}

func (e *Engine) setStatus(f func(*Status)) {
	e.stMu.Lock()
	f(&e.status)
	st, notify := e.status, e.notify
	e.stMu.Unlock()
	if notify != nil {
		notify(st)
	}
}

// Status returns the current state, with the pending count and last sync read
// from the database.
func (e *Engine) Status(ctx context.Context) Status {
	e.stMu.Lock()
	st := e.status
	e.stMu.Unlock()
	if pend, err := e.store.Pending(ctx); err == nil {
		st.Pending = len(pend)
	}
	rms, err := e.Remotes()
	if err != nil {
		return st
	}
	if len(rms) == 0 {
		st.State = NotSetUp
		return st
	}
	for _, rm := range rms {
		if rm.LastSync.After(st.LastSync) {
			st.LastSync = rm.LastSync
		}
		if st.State != Syncing && st.LastError == "" && rm.LastError != "" {
			st.LastError = rm.LastError
		}
	}
	if st.State == NotSetUp {
		// Nothing ran in this process yet: say what the database remembers.
		st.State = UpToDate
		if st.LastError != "" {
			st.State = Failed
		}
	}
	return st
}

// Kick asks the running scheduler for a sync now.
func (e *Engine) Kick() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// Maximum wait between attempts while no hub answers.
const maxOfflineWait = time.Hour

// The background syncs of offices that open at the same moment (or of laptops
// woken by the same network coming back) are spread so that they do not all
// reach the hub together (sync/README.md, "Many installations at once"): the
// first sync waits a random time up to startSpread, and every later wait is
// drawn uniformly within ±waitSpread of its nominal length.
const (
	startSpread = 30 * time.Second
	waitSpread  = 0.25
)

// spread is the schedule's randomness, a function of a uniform draw u in [0, 1)
// so that tests can check the spread without sleeping: the first sync after
// start, and the wait d made irregular.
func spreadStart(u float64) time.Duration { return time.Duration(u * float64(startSpread)) }

func spreadWait(d time.Duration, u float64) time.Duration {
	return time.Duration(float64(d) * (1 - waitSpread + 2*waitSpread*u))
}

// Run syncs every `every` (15 minutes when 0) while a hub answers, within
// startSpread of the start, and whenever Kick is called; while offline it
// waits twice as long each time, up to an hour. Each wait is spread by
// ±waitSpread. notify, when not nil, is called on each change of state (not
// of progress) of any sync while Run runs, from the goroutine of that sync
// (the app passes it on through fyne.Do). Run returns when ctx ends.
func (e *Engine) Run(ctx context.Context, every time.Duration, notify func(Status)) {
	if every <= 0 {
		every = 15 * time.Minute
	}
	// notify hears of changes of state, not of progress: progress is
	// reported inside the import's transaction, where Status could not read
	// the database.
	var notified struct {
		gosync.Mutex
		last Status
		any  bool
	}
	e.stMu.Lock()
	e.notify = func(st Status) {
		if notify == nil {
			return
		}
		st.Progress = Progress{}
		notified.Lock()
		same := notified.any && st == notified.last
		notified.last, notified.any = st, true
		notified.Unlock()
		if !same {
			notify(e.Status(ctx))
		}
	}
	e.stMu.Unlock()
	defer func() {
		e.stMu.Lock()
		e.notify = nil
		e.stMu.Unlock()
	}()
	wait := every
	firstOfflineWait := min(time.Minute, every)
	offlineWait := firstOfflineWait
	if !e.sleep(ctx, e.startDelay(rand.Float64())) {
		return
	}
	for {
		_, err := e.Sync(ctx, "", nil)
		if ctx.Err() != nil {
			return
		}
		// Sync itself reports each state change; here only the next wait is chosen.
		// Offline, or a hub folder busy with another computer for a minute:
		// try again soon, then less and less often.
		if errors.Is(err, ErrUnreachable) || errors.Is(err, ErrHubBusy) {
			wait = offlineWait
			offlineWait = min(offlineWait*2, maxOfflineWait)
		} else {
			wait, offlineWait = every, firstOfflineWait
		}
		if !e.sleep(ctx, spreadWait(wait, rand.Float64())) {
			return
		}
	}
}

// sleep waits d, or less when Kick is called; false when ctx ended.
func (e *Engine) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-e.kick:
	case <-t.C:
	}
	return true
}
