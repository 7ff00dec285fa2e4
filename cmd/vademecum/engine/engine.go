package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	gosync "sync"
	"time"

	"vademecum/app"
	"vademecum/data"
	vsync "vademecum/sync"
)

// Engine is the app.Engine of the real sync engine: it opens the engine as the
// CLI does (signed records, personal data held back) and keeps the recent log
// lines for the sync screen.
type Engine struct {
	eng   *vsync.Engine
	store *data.Store
	every time.Duration
	close func()
	mu    gosync.Mutex
	log   []app.LogLine
	// lastErr is the last sync error with its kind (the engine's status keeps
	// only its English sentence), to word it in the interface language.
	lastErr error
}

// maxLog is how many log lines the sync screen can show.
const maxLog = 200

// Open opens the sync engine over store; Run syncs every `every` while a hub
// answers.
func Open(store *data.Store, every time.Duration) (*Engine, error) {
	h := &Engine{every: every, store: store}
	eng, closeFn, err := vsync.OpenTrusted(store, h.logf)
	if err != nil {
		return nil, err
	}
	h.eng, h.close = eng, closeFn
	return h, nil
}

// Close releases the engine.
func (h *Engine) Close() { h.close() }

func (h *Engine) logf(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if format == "sync with %s: %v" && len(args) == 2 {
		if err, ok := args[1].(error); ok {
			h.lastErr = err // also from the background syncs of Run
		}
	}
	h.log = append(h.log, app.LogLine{At: time.Now(), Format: format, Args: args})
	if len(h.log) > maxLog {
		h.log = h.log[len(h.log)-maxLog:]
	}
}

// Log returns the recent sync log, oldest first.
func (h *Engine) Log() []app.LogLine {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]app.LogLine(nil), h.log...)
}

// Status reports the engine's state.
func (h *Engine) Status(ctx context.Context) app.HubStatus {
	return h.status(h.eng.Status(ctx))
}

// status is st as the app shows it, with the last error's kind when known.
func (h *Engine) status(st vsync.Status) app.HubStatus {
	out := app.HubStatus{LastSync: st.LastSync, Pending: st.Pending, LastError: st.LastError, Remote: st.Remote}
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
		out.State = app.HubOffline
	case vsync.Syncing:
		out.State = app.HubSyncing
	case vsync.UpToDate:
		out.State = app.HubUpToDate
	case vsync.Failed:
		out.State = app.HubFailed
	default:
		out.State = app.HubNotSetUp
	}
	return out
}

// Run is the engine's scheduler (sync.Engine.Run): changed hears of each
// change of state, through the engine's notify hook.
func (h *Engine) Run(ctx context.Context, changed func(app.HubStatus)) {
	h.eng.Run(ctx, h.every, func(st vsync.Status) {
		if changed != nil {
			changed(h.status(st))
		}
	})
}

// SyncNow runs one round with every hub.
func (h *Engine) SyncNow(ctx context.Context, progress func(stage string, done, total int)) (app.SyncResult, error) {
	res, err := h.eng.Sync(ctx, "", func(p vsync.Progress) {
		if progress != nil {
			progress(p.Stage, p.Done, p.Total)
		}
	})
	if err == nil {
		h.logf(app.LogSynced, res.Received, res.Sent, res.Conflicts, res.Quarantined)
		h.mu.Lock()
		h.lastErr = nil
		h.mu.Unlock()
	} else {
		h.logf(app.LogStopped, err)
		h.mu.Lock()
		h.lastErr = err
		h.mu.Unlock()
	}
	out := app.SyncResult{Received: res.Received, Sent: res.Sent, Conflicts: res.Conflicts, Quarantined: res.Quarantined, Unlisted: res.Unlisted,
		AttachmentBytesReceived: res.AttachmentBytesReceived, AttachmentBytesSent: res.AttachmentBytesSent}
	for _, r := range res.Refused {
		out.Refused = append(out.Refused, app.HubQuarantined{Path: r.Path, Reason: r.Reason})
	}
	return out, err
}

// Conflicts lists the open conflicts.
func (h *Engine) Conflicts(ctx context.Context) ([]app.Conflict, error) {
	cs, err := h.eng.Conflicts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]app.Conflict, 0, len(cs))
	for _, c := range cs {
		out = append(out, app.Conflict{ID: c.ID, RecordID: c.RecordID, Title: c.Title, Field: c.Field,
			Mine: c.Mine, Theirs: c.Theirs, Kept: c.Kept, Kind: c.Kind, Found: c.Created, By: c.By})
	}
	return out, nil
}

// Resolve keeps "mine" or "theirs".
func (h *Engine) Resolve(ctx context.Context, conflictID, keep string) error {
	return h.eng.Resolve(ctx, conflictID, keep)
}

// Quarantined lists what the hubs sent that was set aside.
func (h *Engine) Quarantined(ctx context.Context) ([]app.HubQuarantined, error) {
	qs, err := h.eng.Quarantined(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]app.HubQuarantined, 0, len(qs))
	for _, q := range qs {
		out = append(out, app.HubQuarantined{Path: q.Path, Reason: q.Reason, Remote: q.Remote, Seen: q.Seen})
	}
	return out, nil
}

// Remotes lists the hubs configured here.
func (h *Engine) Remotes() ([]app.Remote, error) {
	rs, err := h.eng.Remotes()
	if err != nil {
		return nil, err
	}
	out := make([]app.Remote, 0, len(rs))
	for _, r := range rs {
		out = append(out, app.Remote{Name: r.Name, URL: r.URL})
	}
	return out, nil
}

// AddRemote sets up a hub; the token goes to the credential store, with one
// pasted into the address.
func (h *Engine) AddRemote(name, url, token string) (tokenMoved bool, err error) {
	if err := h.eng.AddRemote(name, url, vsync.Auth{Token: token}); err != nil {
		return false, err
	}
	_, tok := vsync.SplitURLToken(url, token != "")
	return tok != "", nil
}

// AllowMassDeletion lets the next sync apply the deletions the guard held back.
func (h *Engine) AllowMassDeletion() { h.eng.AllowMassDeletion() }

// History lists the versions of a record from the local repository.
func (h *Engine) History(ctx context.Context, id string) ([]app.RecordVersion, error) {
	vs, err := h.eng.History(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]app.RecordVersion, len(vs))
	for i, v := range vs {
		out[i] = app.RecordVersion{Version: v.Version, Updated: v.Updated, Author: v.Author, Org: v.Org,
			Changed: v.Changed, Unsent: v.Unsent, Fields: fieldTexts(v.Body)}
	}
	return out, nil
}

// Restore makes version n of a practice a new local edit.
func (h *Engine) Restore(ctx context.Context, id string, n int64) error {
	_, err := h.eng.Restore(ctx, id, n)
	return err
}

// Erase erases a practice on this installation and writes the signed notice
// that erases it on every other at its next sync (hub format 4).
func (h *Engine) Erase(ctx context.Context, id, reason string) error {
	_, err := h.store.Erase(ctx, id, reason, vsync.HubPath)
	return err
}

// fieldTexts is each field of a record's JSON as text to show: strings as
// they are, lists joined with commas.
func fieldTexts(body []byte) map[string]string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		var s string
		var l []string
		switch {
		case json.Unmarshal(v, &s) == nil:
			out[k] = s
		case json.Unmarshal(v, &l) == nil:
			out[k] = strings.Join(l, ", ")
		default:
			out[k] = string(v)
		}
	}
	return out
}

// Rebuild is the app's Rebuilder: sync.Rebuild, its report as the app shows it.
func Rebuild(dir string, progress func(done, total int)) (app.RebuildReport, error) {
	rep, err := vsync.Rebuild(dir, func(p vsync.Progress) { progress(p.Done, p.Total) })
	if err != nil {
		return app.RebuildReport{}, err
	}
	return app.RebuildReport{Records: rep.Records, MovedTo: rep.MovedTo}, nil
}

var (
	_ app.Engine        = (*Engine)(nil)
	_ app.HistoryEngine = (*Engine)(nil)
	_ app.Rebuilder     = Rebuild
)
