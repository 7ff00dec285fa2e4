package app

import (
	"context"
	"fmt"
	gosync "sync"
	"time"

	"vademecum/data"
	vsync "vademecum/sync"
)

// EngineHub is the Hub of the real sync engine: it opens the engine as the CLI
// does (signed records, personal data held back) and keeps the recent log lines
// for the sync screen.
type EngineHub struct {
	eng   *vsync.Engine
	close func()
	mu    gosync.Mutex
	log   []string
}

// maxLog is how many log lines the sync screen can show.
const maxLog = 200

// OpenEngineHub opens the sync engine over store.
func OpenEngineHub(store *data.Store) (*EngineHub, error) {
	h := &EngineHub{}
	eng, closeFn, err := vsync.OpenTrusted(store, h.logf)
	if err != nil {
		return nil, err
	}
	h.eng, h.close = eng, closeFn
	return h, nil
}

// Engine is the engine behind the hub, for the scheduler.
func (h *EngineHub) Engine() *vsync.Engine { return h.eng }

// Close releases the engine.
func (h *EngineHub) Close() { h.close() }

func (h *EngineHub) logf(format string, args ...any) {
	line := time.Now().Format("15:04:05") + "  " + fmt.Sprintf(format, args...)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, line)
	if len(h.log) > maxLog {
		h.log = h.log[len(h.log)-maxLog:]
	}
}

// Log returns the recent sync log, oldest first.
func (h *EngineHub) Log() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.log...)
}

// Status reports the engine's state.
func (h *EngineHub) Status(ctx context.Context) HubStatus {
	st := h.eng.Status(ctx)
	out := HubStatus{LastSync: st.LastSync, Pending: st.Pending, LastError: st.LastError, Remote: st.Remote}
	switch st.State {
	case vsync.Offline:
		out.State = HubOffline
	case vsync.Syncing:
		out.State = HubSyncing
	case vsync.UpToDate:
		out.State = HubUpToDate
	case vsync.Failed:
		out.State = HubFailed
	default:
		out.State = HubNotSetUp
	}
	return out
}

// SyncNow runs one round with every hub.
func (h *EngineHub) SyncNow(ctx context.Context, progress func(stage string, done, total int)) (HubResult, error) {
	res, err := h.eng.Sync(ctx, "", func(p vsync.Progress) {
		if progress != nil {
			progress(p.Stage, p.Done, p.Total)
		}
	})
	if err == nil {
		h.logf("sync: %d received, %d sent, %d conflicts, %d set aside", res.Received, res.Sent, res.Conflicts, res.Quarantined)
	} else {
		h.logf("sync stopped: %v", err)
	}
	out := HubResult{Received: res.Received, Sent: res.Sent, Conflicts: res.Conflicts, Quarantined: res.Quarantined, Unlisted: res.Unlisted}
	for _, r := range res.Refused {
		out.Refused = append(out.Refused, HubQuarantined{Path: r.Path, Reason: r.Reason})
	}
	return out, err
}

// Conflicts lists the open conflicts.
func (h *EngineHub) Conflicts(ctx context.Context) ([]HubConflict, error) {
	cs, err := h.eng.Conflicts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]HubConflict, 0, len(cs))
	for _, c := range cs {
		out = append(out, HubConflict{ID: c.ID, RecordID: c.RecordID, Title: c.Title, Field: c.Field,
			Mine: c.Mine, Theirs: c.Theirs, Kept: c.Kept, Kind: c.Kind, By: c.By})
	}
	return out, nil
}

// Resolve keeps "mine" or "theirs".
func (h *EngineHub) Resolve(ctx context.Context, conflictID, keep string) error {
	return h.eng.Resolve(ctx, conflictID, keep)
}

// Quarantined lists what the hubs sent that was set aside.
func (h *EngineHub) Quarantined(ctx context.Context) ([]HubQuarantined, error) {
	qs, err := h.eng.Quarantined(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]HubQuarantined, 0, len(qs))
	for _, q := range qs {
		out = append(out, HubQuarantined{Path: q.Path, Reason: q.Reason, Remote: q.Remote, Seen: q.Seen})
	}
	return out, nil
}

// Remotes lists the hubs.
func (h *EngineHub) Remotes() ([]HubRemote, error) {
	rs, err := h.eng.Remotes()
	if err != nil {
		return nil, err
	}
	out := make([]HubRemote, 0, len(rs))
	for _, r := range rs {
		out = append(out, HubRemote{Name: r.Name, URL: r.URL})
	}
	return out, nil
}

// AddRemote sets up a hub; the token goes to the credential store.
func (h *EngineHub) AddRemote(name, url, token string) error {
	return h.eng.AddRemote(name, url, vsync.Auth{Token: token})
}
