package app

import (
	"context"
	"errors"
	"strings"
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
	log   []logEntry
	// lastErr is the last sync error with its kind (the engine's status keeps
	// only its English sentence), to word it in the interface language.
	lastErr error
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
	h.mu.Lock()
	defer h.mu.Unlock()
	if format == "sync with %s: %v" && len(args) == 2 {
		if err, ok := args[1].(error); ok {
			h.lastErr = err // also from the background syncs of Engine.Run
		}
	}
	h.log = append(h.log, logEntry{at: time.Now(), format: format, args: args})
	if len(h.log) > maxLog {
		h.log = h.log[len(h.log)-maxLog:]
	}
}

// Log returns the recent sync log, oldest first, in the interface language.
func (h *EngineHub) Log() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, len(h.log))
	for i, l := range h.log {
		out[i] = l.text()
	}
	return out
}

// Status reports the engine's state.
func (h *EngineHub) Status(ctx context.Context) HubStatus {
	st := h.eng.Status(ctx)
	out := HubStatus{LastSync: st.LastSync, Pending: st.Pending, LastError: st.LastError, Remote: st.Remote}
	if st.LastError != "" {
		h.mu.Lock()
		out.Problem = h.lastErr
		h.mu.Unlock()
		if out.Problem == nil || !strings.Contains(st.LastError, out.Problem.Error()) {
			out.Problem = errors.New(st.LastError) // from an earlier run: its kind is not known
		}
	}
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
		h.logf(logSynced, res.Received, res.Sent, res.Conflicts, res.Quarantined)
		h.mu.Lock()
		h.lastErr = nil
		h.mu.Unlock()
	} else {
		h.logf(logStopped, err)
		h.mu.Lock()
		h.lastErr = err
		h.mu.Unlock()
	}
	out := HubResult{Received: res.Received, Sent: res.Sent, Conflicts: res.Conflicts, Quarantined: res.Quarantined, Unlisted: res.Unlisted,
		AttachmentBytesReceived: res.AttachmentBytesReceived, AttachmentBytesSent: res.AttachmentBytesSent}
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
			Mine: c.Mine, Theirs: c.Theirs, Kept: c.Kept, Kind: c.Kind, Found: c.Created, By: c.By})
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

// AllowMassDeletion lets the next sync apply the deletions the guard held back.
func (h *EngineHub) AllowMassDeletion() { h.eng.AllowMassDeletion() }
