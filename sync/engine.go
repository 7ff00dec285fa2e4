package sync

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"vademecum/data"
)

// Options wires the engine to the rest of the app. Every hook is optional.
type Options struct {
	Credentials Credentials // where tokens live; nil = DefaultCredentials()
	// Sign signs a record before it is committed (sets Meta.Sig).
	Sign func(r data.Record) error
	// Verify checks a record arriving from a hub: nil, or the reason to
	// quarantine it. prev is the version already here, or nil. A reason that
	// may pass later (see Temporary) is checked again at every sync. q is
	// where it reads and writes: the import's transaction when the check runs
	// inside it, else the database. It must not use another connection while
	// it is given a transaction (that connection would wait for this one).
	Verify func(q data.Querier, r data.Record, body []byte, prev data.Record) error
	// Precheck, when set, is given each record file of a large round as it is
	// read ahead, on another goroutine, before Verify checks it: it may do
	// ahead the part of Verify that reads nothing but its arguments (the
	// signature arithmetic), for Verify to find done. It decides nothing:
	// Verify still makes every check, in the same order.
	Precheck func(r data.Record, body []byte)
	// Lists reports whether the organisation file o (body: its bytes) of this
	// installation's organisation lists this installation's key, not revoked,
	// and is signed by a key trusted here (nil: not checked). See Engine.listed.
	Lists func(o *data.Organisation, body []byte) bool
	// NewHub is called when this installation finds the hub empty: it is the
	// one setting it up (what it records goes out with the same round).
	NewHub func() error
	// Imported is called after a round imported records from a hub, in the
	// round (e.g. to bring accepted proposals into the toolkit).
	Imported func() error
	// Outgoing may refuse to export a record (e.g. unhandled personal data): it
	// stays pending.
	Outgoing func(r data.Record) error
	Logf     func(format string, args ...any)
	// Fault injects failures in tests: called at "after-commit", "after-fetch",
	// "mid-import", "before-push" and "after-push"; an error aborts the round there.
	Fault func(point string) error
}

// Engine syncs one data directory with its hubs. It is safe for concurrent use;
// one sync runs at a time.
type Engine struct {
	store *data.Store
	opts  Options
	creds Credentials
	repo  *repo

	syncMu gosync.Mutex // one round at a time
	// allowDeletions lets the next round past the mass-deletion guard.
	allowDeletions atomic.Bool
	allowNow       bool // for the round that runs (under syncMu)
	// held are files a rebuild holds back again, as the old database did.
	held map[string]heldFile
	// refusals are what the merge of the round refused, for the import to
	// list; report is what the round refused for the first time (under syncMu).
	refusals []refusal
	report   []Refused
	// verified are the files the merge of the round verified (under syncMu).
	verified map[plumbing.Hash]bool
	// ahead reads the record files of a large merge or import ahead of it
	// (under syncMu; nil when none is running).
	ahead *readAhead
	// hubSeen and hubHead: the hub of the round, once fetched (under syncMu).
	hubSeen bool
	hubHead plumbing.Hash
	// orgOnHub: the hub as this installation last saw it, before the round,
	// held a file of its organisation (under syncMu; see choose).
	orgOnHub bool
	// erased are the records erased here; erasedNow says an import of this
	// round applied an erasure (under syncMu; erase.go).
	erased    map[string]bool
	erasedNow bool

	stMu   gosync.Mutex
	status Status
	notify func(Status)
	kick   chan struct{}
	// startDelay is how long Run waits before its first sync (spreadStart;
	// tests that watch the first sync set none).
	startDelay func(u float64) time.Duration
}

// RepoDir is the local repository's folder name inside the data directory.
const RepoDir = "hub.git"

// Open opens (creating it if needed) the local repository next to the store's
// database.
func Open(store *data.Store, opts Options) (*Engine, error) {
	r, err := openBareRepo(filepath.Join(store.Dir(), RepoDir))
	if err != nil {
		return nil, explainLocal(err, filepath.Join(store.Dir(), RepoDir))
	}
	// The local repository is as private as the database (threat model 7).
	if err := data.EnsureMode(r.path, data.PrivateDirMode); err != nil {
		r.st.Close()
		return nil, err
	}
	creds := opts.Credentials
	if creds == nil {
		creds = DefaultCredentials()
	}
	r.keys = &keyBox{store: store}
	e := &Engine{store: store, opts: opts, creds: creds, repo: r, kick: make(chan struct{}, 1), startDelay: spreadStart}
	if err := e.moveURLTokens(context.Background()); err != nil {
		e.logf("%v", err)
	}
	return e, nil
}

// Close releases the local repository.
func (e *Engine) Close() error {
	e.repo.mu.Lock()
	defer e.repo.mu.Unlock()
	return e.repo.close()
}

// lockRepo takes the round lock of the local repository (one process at a
// time) and tidies what an interrupted round left in it.
func (e *Engine) lockRepo(ctx context.Context) (func(), error) {
	unlock, err := lockRound(ctx, e.repo.path)
	if err != nil {
		return nil, err
	}
	if err := tidyObjects(e.repo.path); err != nil {
		e.logf("tidying the local repository: %v", err)
	}
	return unlock, nil
}

// AllowMassDeletion lets the next sync import deletions that the guard would
// stop (ErrMassDeletion): call it once the user confirmed them.
func (e *Engine) AllowMassDeletion() { e.allowDeletions.Store(true) }

func (e *Engine) logf(format string, args ...any) {
	if e.opts.Logf != nil {
		e.opts.Logf(format, args...)
	}
}

func (e *Engine) fault(point string) error {
	if e.opts.Fault != nil {
		return e.opts.Fault(point)
	}
	return nil
}

// Auth is how to authenticate to a remote. Token goes to Credentials, never to
// the database.
type Auth struct {
	TokenEnv string // at sync, this environment variable (when set) overrides the stored token
	Token    string
	SSHKey   string // private key file; empty = SSH agent
}

// Remote is a configured hub.
type Remote struct {
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	TokenEnv  string    `json:"token_env,omitempty"`
	SSHKey    string    `json:"ssh_key,omitempty"`
	LastSync  time.Time `json:"last_sync"`
	LastError string    `json:"last_error,omitempty"`
}

var remoteNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$`)

// AddRemote configures (or reconfigures) the hub name at address url.
func (e *Engine) AddRemote(name, url string, auth Auth) error {
	if !remoteNameRe.MatchString(name) {
		return fmt.Errorf("%q is not a hub name: use letters, digits, - or _ (up to 40), e.g. national", name)
	}
	url = strings.TrimSpace(url)
	token := auth.Token
	// A token pasted into the address goes to the credential store instead.
	url, inURL := SplitURLToken(url, token != "" || auth.TokenEnv != "")
	if token == "" {
		token = inURL
	}
	if !filepath.IsAbs(url) && !strings.Contains(url, "://") && !strings.Contains(url, "@") {
		if abs, err := filepath.Abs(url); err == nil {
			url = abs
		}
	}
	_, kind, err := parseHubURL(url)
	if err != nil {
		return err
	}
	if kind == hubDisk {
		url = strings.TrimPrefix(url, "file://")
	}
	if auth.SSHKey != "" {
		if kind != hubSSH {
			return errs.Error(ErrSSHKeyNotSSH, redact(url))
		}
		abs, err := filepath.Abs(auth.SSHKey)
		if err != nil {
			return err
		}
		if _, err := os.Stat(abs); err != nil {
			return fmt.Errorf("the SSH key file %s does not exist", abs)
		}
		auth.SSHKey = abs
	}
	if token == "" && auth.TokenEnv != "" {
		token = os.Getenv(auth.TokenEnv)
	}
	if token != "" {
		if kind != hubHTTP {
			return fmt.Errorf("a token is only used with https:// hubs, not %s", redact(url))
		}
		if err := e.creds.Set(url, token); err != nil {
			return fmt.Errorf("cannot keep the token for %s: %w", redact(url), err)
		}
	}
	if old, err := e.remote(name); err == nil && old.URL != url {
		// Another hub under the same name: what was known of the old one
		// (its last state, that it was used) does not apply.
		e.repo.mu.Lock()
		rerr := e.repo.st.RemoveReference(trackingRef(name))
		e.repo.mu.Unlock()
		if rerr != nil && !errors.Is(rerr, plumbing.ErrReferenceNotFound) {
			return rerr
		}
		if _, err := e.store.DB().Exec("DELETE FROM sync_state WHERE remote = ?", name); err != nil {
			return err
		}
	}
	_, err = e.store.DB().Exec(`INSERT INTO sync_remotes(name, url, token_env, ssh_key, added) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET url = excluded.url, token_env = excluded.token_env, ssh_key = excluded.ssh_key`,
		name, url, auth.TokenEnv, auth.SSHKey, fmtTime(time.Now()))
	if err != nil {
		return err
	}
	// Also in the local repository's config, for a rebuild of the database.
	e.repo.mu.Lock()
	defer e.repo.mu.Unlock()
	if err := e.repo.saveRemoteConfig(Remote{Name: name, URL: url, TokenEnv: auth.TokenEnv, SSHKey: auth.SSHKey}); err != nil {
		e.logf("cannot note the hub %s in the local repository's config: %v", name, err)
	}
	return nil
}

// Remotes lists the configured hubs, by name.
func (e *Engine) Remotes() ([]Remote, error) {
	rows, err := e.store.DB().Query(`SELECT r.name, r.url, r.token_env, r.ssh_key, coalesce(s.last_sync, ''), coalesce(s.last_error, '')
		FROM sync_remotes r LEFT JOIN sync_state s ON s.remote = r.name ORDER BY r.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Remote{}
	for rows.Next() {
		var rm Remote
		var last string
		if err := rows.Scan(&rm.Name, &rm.URL, &rm.TokenEnv, &rm.SSHKey, &last, &rm.LastError); err != nil {
			return nil, err
		}
		rm.LastSync = parseTime(last)
		out = append(out, rm)
	}
	return out, rows.Err()
}

func (e *Engine) remote(name string) (Remote, error) {
	rms, err := e.Remotes()
	if err != nil {
		return Remote{}, err
	}
	for _, rm := range rms {
		if rm.Name == name {
			return rm, nil
		}
	}
	return Remote{}, errs.Error(ErrNoSuchHub, name)
}

// Progress tells how far a round is. Stage: "commit", "fetch", "merge", "import", "push".
type Progress struct {
	Stage       string
	Done, Total int
}

// Result sums up a sync.
type Result struct {
	Received    int    `json:"received"`
	Sent        int    `json:"sent"`
	Conflicts   int    `json:"conflicts"`
	Quarantined int    `json:"quarantined"`
	HubHead     string `json:"hub_head"`
	// Refused lists what this sync refused from the hub for the first time,
	// with the reason (each refusal is reported once).
	Refused []Refused `json:"refused"`
	// Unlisted is set when this laptop's key is not yet listed in its
	// organisation's file on the hub: nothing of this installation is sent
	// until a listed laptop adds it (keys add) and it is approved here.
	Unlisted bool `json:"unlisted,omitempty"`
	// HubRepaired: a hub folder was found damaged (a stick pulled out during a
	// push) and repaired; what it lost is sent again by whoever holds it.
	HubRepaired bool `json:"hub_repaired,omitempty"`
	// AttachmentBytesReceived and AttachmentBytesSent are what attachments
	// added to this sync (for slow connections: a photo weighs more than a
	// thousand notes).
	AttachmentBytesReceived int64 `json:"attachment_bytes_received"`
	AttachmentBytesSent     int64 `json:"attachment_bytes_sent"`
}

// Refused is a file of the hub set aside, with the reason.
type Refused struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Sync runs a round with remote, or with every remote in turn when remote is ""
// (results summed). Errors are sentences for the user; the next sync still works.
func (e *Engine) Sync(ctx context.Context, remote string, progress func(Progress)) (Result, error) {
	rms, err := e.Remotes()
	if err != nil {
		return Result{}, err
	}
	if remote != "" {
		rm, err := e.remote(remote)
		if err != nil {
			return Result{}, err
		}
		rms = []Remote{rm}
	}
	if len(rms) == 0 {
		e.setStatus(func(s *Status) { s.State, s.LastError = NotSetUp, "" })
		return Result{}, hubErr(ErrNoRemote, nil, "no hub is set up: add one first")
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	unlock, err := e.lockRepo(ctx)
	if err != nil {
		e.setStatus(func(s *Status) { s.State, s.LastError = Failed, err.Error() })
		return Result{}, err
	}
	defer unlock()
	e.allowNow = e.allowDeletions.Swap(false)
	defer func() { e.allowNow = false }()
	total := Result{Refused: []Refused{}}
	var errs []error
	for _, rm := range rms {
		e.setStatus(func(s *Status) { s.State, s.Remote = Syncing, rm.Name })
		res, err := e.syncRemote(ctx, rm, func(p Progress) {
			e.setStatus(func(s *Status) { s.Progress = p })
			progress(p)
		})
		total.Received += res.Received
		total.Sent += res.Sent
		total.Conflicts += res.Conflicts
		total.Quarantined += res.Quarantined
		total.AttachmentBytesReceived += res.AttachmentBytesReceived
		total.AttachmentBytesSent += res.AttachmentBytesSent
		total.Refused = append(total.Refused, res.Refused...)
		total.Unlisted = total.Unlisted || res.Unlisted
		if res.HubHead != "" {
			total.HubHead = res.HubHead
		}
		total.HubRepaired = total.HubRepaired || res.HubRepaired
		e.recordOutcome(rm.Name, err)
		if err != nil {
			e.logf("sync with %s: %v", rm.Name, err)
			errs = append(errs, err)
		}
	}
	err = errors.Join(errs...)
	if len(errs) == 1 {
		err = errs[0]
	}
	e.setStatus(func(s *Status) {
		s.Progress = Progress{}
		switch {
		case err == nil:
			s.State, s.LastError, s.LastSync = UpToDate, "", time.Now()
		case errors.Is(err, ErrUnreachable):
			s.State, s.LastError = Offline, err.Error()
		default:
			s.State, s.LastError = Failed, err.Error()
		}
	})
	return total, err
}

func (e *Engine) recordOutcome(remote string, err error) {
	msg, q := "", `INSERT INTO sync_state(remote, last_sync, last_error) VALUES(?, ?, '')
		ON CONFLICT(remote) DO UPDATE SET last_sync = excluded.last_sync, last_error = ''`
	arg := fmtTime(time.Now())
	if err != nil {
		msg = err.Error()
		q = `INSERT INTO sync_state(remote, last_error) VALUES(?, ?)
			ON CONFLICT(remote) DO UPDATE SET last_error = excluded.last_error`
		arg = msg
	}
	if _, dberr := e.store.DB().Exec(q, remote, arg); dberr != nil {
		e.logf("cannot record the outcome of the sync with %s: %v", remote, dberr)
	}
}

// The fetch-merge-push loop when other installations push at the same moment
// (sync/README.md, "Many installations at once"). A push is refused only when
// the hub's branch moved since the fetch: another installation's push went
// through. So with N installations pushing together at least one gets through
// per round, and each is through within N rounds; the loop keeps trying while
// that holds, for up to pushBudget, sleeping a random time (full jitter) up to
// a doubling bound between tries so the contenders' next pushes spread out.
var (
	// pushBudget bounds the tries against a hub that never stops moving.
	pushBudget = 5 * time.Minute
	// retryBase and retryCap bound the wait before try n: a random time in
	// [0, min(retryCap, retryBase·2^n)).
	retryBase = 100 * time.Millisecond
	retryCap  = 4 * time.Second
)

// diskLockTry is the try from which a sync through a hub folder holds the
// folder's lock from fetch to push: it then cannot be refused.
const diskLockTry = 3

// retryWait is the wait before try attempt+1 after attempt refused pushes:
// uniform in [0, min(retryCap, retryBase·2^attempt)) ("full jitter").
func retryWait(attempt int, rnd func(n int64) int64) time.Duration {
	bound := retryCap
	if attempt < 16 && retryBase<<attempt < retryCap {
		bound = retryBase << attempt
	}
	return time.Duration(rnd(int64(bound)))
}

func (e *Engine) syncRemote(ctx context.Context, rm Remote, progress func(Progress)) (Result, error) {
	var res Result
	me, err := e.store.Identity()
	if err != nil {
		return res, err
	}
	e.hubSeen, e.hubHead, e.report = false, plumbing.ZeroHash, nil
	e.orgOnHub = e.sawOwnOrg(rm.Name, me)
	defer func() { e.hubSeen, e.orgOnHub, e.refusals, e.report, e.verified = false, false, nil, nil, nil }()
	defer func() {
		e.repo.mu.Lock()
		e.repo.releaseFiles()
		e.repo.mu.Unlock()
	}()
	h, err := e.dial(rm)
	if err != nil {
		return res, err
	}
	if h.disk != nil {
		h.disk.wait = func(waited time.Duration) {
			progress(Progress{Stage: "wait", Done: int(waited / time.Second), Total: int(lockWait / time.Second)})
		}
	}
	progress(Progress{Stage: "commit"})
	// An import a crash interrupted comes first, so that local edits made since
	// are merged against what the database really holds.
	if _, _, err := e.importLocal(ctx, rm.Name, plumbing.ZeroHash, nil, nil, nil, progress); err != nil {
		return res, err
	}
	if err := e.afterErasures(ctx, me); err != nil {
		return res, err
	}
	own, _, err := e.commitPending(ctx, me)
	if err != nil {
		return res, err
	}
	if err := e.fault("after-commit"); err != nil {
		return res, err
	}
	started := time.Now()
	for attempt := 1; ; attempt++ {
		if h.disk != nil && attempt == diskLockTry {
			// Partners keep pushing first: the last tries hold the hub
			// folder's lock from fetch to push, so this one gets through.
			unlock, err := h.disk.hold(ctx, h.ep.Path)
			if err != nil {
				return res, err
			}
			defer unlock()
		}
		progress(Progress{Stage: "fetch"})
		hubHead, err := e.fetchHub(ctx, h)
		if err != nil {
			return res, err
		}
		hubKeys := e.readKeys(ctx, h)
		if h.disk != nil && h.disk.takeRepaired() {
			// A stick pulled during a push: what the hub lost is still here (and
			// on the computers that sent it), and goes back with the push.
			e.logf("the hub folder %s was damaged (a USB stick pulled out during a sync?): it was repaired back to its last complete state", h.display)
			res.HubRepaired = true
		}
		if e.wentBack(rm.Name, hubHead) {
			// Restored from an older copy: what it lost is still here, in the
			// local branch, and goes back with this round's push.
			e.logf("the hub at %s went back in time (restored from an older copy?): sending the history it lost again", h.display)
		}
		if err := e.checkFormat(ctx, rm.Name, hubHead, h); err != nil {
			return res, err
		}
		if hubHead.IsZero() && e.opts.NewHub != nil {
			if err := e.opts.NewHub(); err != nil {
				return res, err
			}
		}
		if !hubHead.IsZero() {
			e.setTracking(rm.Name, hubHead)
		}
		if err := e.fault("after-fetch"); err != nil {
			return res, err
		}
		progress(Progress{Stage: "merge"})
		e.verified = map[plumbing.Hash]bool{}
		before, head, conflicts, merged, refused, err := e.mergeHub(hubHead, me)
		if err != nil {
			return res, explain(err, h)
		}
		e.hubSeen, e.hubHead = true, hubHead
		e.refusals = refused
		received, quarantined, err := e.importLocal(ctx, rm.Name, before, own, conflicts, merged, progress)
		e.refusals, e.verified = nil, nil
		if err != nil {
			return res, err
		}
		if received > 0 && e.opts.Imported != nil {
			if err := e.opts.Imported(); err != nil {
				return res, err
			}
		}
		if err := e.afterErasures(ctx, me); err != nil {
			return res, err
		}
		if err := e.ensureFormat(me); err != nil {
			return res, err
		}
		// Records merged here that this installation signs again (and edits
		// saved while the round ran) are committed before the push.
		again, n, err := e.commitPending(ctx, me)
		if err != nil {
			return res, err
		}
		if n > 0 {
			if own == nil {
				own = map[string]plumbing.Hash{}
			}
			for p, b := range again {
				own[p] = b
			}
			e.repo.mu.Lock()
			head, err = e.repo.ref(mainBranch)
			e.repo.mu.Unlock()
			if err != nil {
				return res, err
			}
		}
		e.repo.mu.Lock()
		head, err = e.repo.ref(mainBranch)
		e.repo.mu.Unlock()
		if err != nil {
			return res, err
		}
		got, err := e.receiveAttachments(ctx)
		if err != nil {
			return res, err
		}
		res.Received += received
		res.AttachmentBytesReceived += got
		res.Quarantined += quarantined
		res.Conflicts += len(conflicts)
		res.Refused = append(res.Refused, e.report...)
		e.report = nil
		if !head.IsZero() {
			res.HubHead = head.String()
		}
		if !e.listed(me) {
			// Nothing of this laptop goes out before its organisation lists it
			// (DESIGN.md, guarantee 5): a file others would reject is never sent.
			e.logf("this laptop's key is not listed in the organisation file of %s on the hub yet: nothing is sent until a listed laptop adds its key and the change is approved here", me.Org)
			res.Unlisted = true
			break
		}
		// The keys of the records sent go first, so that a partner that
		// fetches between the two pushes holds keys without records rather
		// than records it cannot open.
		if err := e.pushKeys(ctx, h, hubKeys); err != nil {
			return res, err
		}
		if head == hubHead || head.IsZero() {
			break
		}
		if err := e.fault("before-push"); err != nil {
			return res, err
		}
		progress(Progress{Stage: "push"})
		sent, attached, err := e.countChanges(hubHead, head)
		if err != nil {
			return res, err
		}
		bytes, err := e.pushHub(ctx, h, hubHead, head)
		if errors.Is(err, errRejected) {
			// Someone else's push went through meanwhile: fetch their work,
			// merge, try again.
			backoff := retryWait(attempt, rand.Int64N)
			if time.Since(started)+backoff > pushBudget {
				return res, hubErr(ErrHubBusy, err, "the hub at %s kept changing while syncing (%d tries in %v: many installations are sending at once): sync again in a few minutes, nothing was lost",
					h.display, attempt, time.Since(started).Round(time.Second))
			}
			e.logf("the hub at %s moved during the sync (try %d): merging again in %v", h.display, attempt, backoff.Round(time.Millisecond))
			t := time.NewTimer(backoff)
			select {
			case <-ctx.Done():
				t.Stop()
				return res, ctx.Err()
			case <-t.C:
			}
			continue
		}
		if err != nil {
			return res, err
		}
		e.logf("sent %d records (%d bytes) to %s", sent, bytes, h.display)
		res.Sent += sent
		res.AttachmentBytesSent += attached
		e.setTracking(rm.Name, head)
		if err := e.fault("after-push"); err != nil {
			return res, err
		}
		break
	}
	e.repo.mu.Lock()
	e.repo.releaseFiles()
	err = compact(e.repo.st, e.repo.path, 24)
	e.repo.mu.Unlock()
	if err != nil {
		e.logf("tidying the local repository: %v", err)
	}
	return res, nil
}

// sawOwnOrg reports whether the hub, as this installation last fetched it,
// held a file of its organisation.
func (e *Engine) sawOwnOrg(remote string, me data.Identity) bool {
	e.repo.mu.Lock()
	defer e.repo.mu.Unlock()
	last, err := e.repo.ref(trackingRef(remote))
	if err != nil || last.IsZero() || !e.repo.has(last) {
		return false
	}
	t, err := e.repo.commitTree(last)
	if err != nil {
		return false
	}
	f, err := e.repo.fileAt(t, "orgs/"+me.Org+".json")
	return err == nil && !f.IsZero()
}

// wentBack reports whether the hub lost history this installation saw there
// last: emptied, moved back to an older commit, or moved to one that does not
// contain what it had (restored, then written to). A hub only moves forward.
func (e *Engine) wentBack(remote string, hubHead plumbing.Hash) bool {
	e.repo.mu.Lock()
	defer e.repo.mu.Unlock()
	last, err := e.repo.ref(trackingRef(remote))
	if err != nil || last.IsZero() || last == hubHead {
		return false
	}
	if hubHead.IsZero() {
		return true
	}
	if !e.repo.has(last) {
		return false
	}
	base, err := e.repo.mergeBase(hubHead, last)
	return err == nil && base != last
}

func (e *Engine) setTracking(remote string, h plumbing.Hash) {
	e.repo.mu.Lock()
	defer e.repo.mu.Unlock()
	if err := writeRefFile(e.repo.path, trackingRef(remote), h); err != nil {
		e.logf("cannot note the hub's state: %v", err)
	}
}

// countChanges is how many record files differ between two commits, and
// the bytes of the attachments that to adds.
func (e *Engine) countChanges(from, to plumbing.Hash) (n int, attached int64, err error) {
	e.repo.mu.Lock()
	defer e.repo.mu.Unlock()
	ft, err := e.repo.commitTree(from)
	if err != nil {
		return 0, 0, err
	}
	tt, err := e.repo.commitTree(to)
	if err != nil {
		return 0, 0, err
	}
	ch, err := e.repo.diffTrees(ft, tt)
	for _, c := range ch {
		switch {
		case strings.HasPrefix(c.Path, attachmentPrefix):
			if c.From.IsZero() && !c.To.IsZero() {
				if size, err := e.repo.blobSize(c.To); err == nil {
					attached += size
				}
			}
		case c.Path != FormatFile:
			n++
		}
	}
	return n, attached, err
}

// checkFormat refuses a hub whose main branch has no FORMAT file, or one of a
// version this build does not know.
func (e *Engine) checkFormat(ctx context.Context, remote string, head plumbing.Hash, h *hub) error {
	if head.IsZero() {
		return nil
	}
	e.repo.mu.Lock()
	tree, err := e.repo.commitTree(head)
	var blob plumbing.Hash
	if err == nil {
		blob, err = e.repo.fileAt(tree, FormatFile)
	}
	var body []byte
	if err == nil && !blob.IsZero() {
		body = e.repo.readSmallBlob(blob)
	}
	e.repo.mu.Unlock()
	if err != nil {
		return err
	}
	if blob.IsZero() {
		return notHub(h.display, "its branch main has no FORMAT file")
	}
	v, _ := parseFormat(body)
	if readsFormat(v) {
		return nil
	}
	reason := fmt.Sprintf("hub format version %q is unknown to this version of Vademecum", v)
	_, dberr := e.store.DB().ExecContext(ctx, `INSERT INTO sync_quarantine(remote, path, commit_id, reason, seen) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(remote, path) DO UPDATE SET commit_id = excluded.commit_id, reason = excluded.reason, seen = excluded.seen`,
		remote, FormatFile, head.String(), reason, fmtTime(time.Now()))
	if dberr != nil {
		e.logf("cannot list the hub's FORMAT in quarantine: %v", dberr)
	}
	return hubErr(ErrNewerHub, nil, "the hub at %s was written by a newer version of Vademecum (hub format %q; this version reads formats 1 to %s): update the app to sync with it (nothing was synced)", h.display, v, FormatVersion)
}

// CommitLocal commits the pending shared records to the local repository (step
// 1 of a round alone, usable with no hub) and returns how many it committed.
func (e *Engine) CommitLocal(ctx context.Context) (int, error) {
	me, err := e.store.Identity()
	if err != nil {
		return 0, err
	}
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	unlock, err := e.lockRepo(ctx)
	if err != nil {
		return 0, err
	}
	defer unlock()
	if _, _, err := e.importLocal(ctx, "", plumbing.ZeroHash, nil, nil, nil, nil); err != nil {
		return 0, err
	}
	if err := e.afterErasures(ctx, me); err != nil {
		return 0, err
	}
	_, n, err := e.commitPending(ctx, me)
	if err != nil {
		return n, err
	}
	// Bring signatures added at commit back into the database.
	_, _, err = e.importLocal(ctx, "", plumbing.ZeroHash, nil, nil, nil, nil)
	return n, err
}

// commitPending commits the records the store says must be sent, on top of the
// local branch, then clears them. It returns the files it wrote.
func (e *Engine) commitPending(ctx context.Context, me data.Identity) (map[string]plumbing.Hash, int, error) {
	pend, err := e.store.Pending(ctx)
	if err != nil || len(pend) == 0 || !e.listed(me) {
		return nil, 0, err
	}
	type file struct {
		path string
		body []byte // as committed: signed
		out  data.Outgoing
	}
	var files []file
	for _, o := range pend {
		rec, err := data.Decode(o.Body)
		if err != nil {
			e.logf("record %s cannot be read, not shared: %v", o.ID, err)
			continue
		}
		if !leavesDevice(rec) {
			continue
		}
		if e.opts.Outgoing != nil {
			if err := e.opts.Outgoing(rec); err != nil {
				e.logf("record %s not shared yet: %v", o.ID, err)
				continue
			}
		}
		// Every change is the next version of the record (DESIGN.md,
		// guarantee 2), made from the version in the branch, signed over with
		// the rest.
		if err := e.ensureKey(ctx, rec); err != nil {
			e.logf("record %s not shared: %v", o.ID, err)
			continue
		}
		rec.Base().Version++
		rec.Base().Prev = e.branchFile(HubPath(rec)).String()
		if rec.Base().Prev == plumbing.ZeroHash.String() {
			rec.Base().Prev = ""
		}
		if e.opts.Sign != nil {
			if err := e.opts.Sign(rec); err != nil {
				e.logf("record %s not shared: cannot sign it: %v", o.ID, err)
				continue
			}
		}
		body, err := data.Encode(rec)
		if err != nil {
			return nil, 0, err
		}
		files = append(files, file{HubPath(rec), body, o})
	}
	if len(files) == 0 {
		return nil, 0, nil
	}
	own := map[string]plumbing.Hash{}
	var head, commit plumbing.Hash
	e.repo.mu.Lock()
	err = func() error {
		var err error
		head, err = e.repo.ref(mainBranch)
		if err != nil {
			return err
		}
		commit = head
		tree, err := e.repo.commitTree(head)
		if err != nil {
			return err
		}
		for _, f := range files {
			h, err := e.repo.writeBlob(f.body)
			if err != nil {
				return err
			}
			own[f.path] = h
		}
		edits := map[string]plumbing.Hash{}
		for p, h := range own {
			edits[p] = h
		}
		bodies := make([][]byte, len(files))
		for i, f := range files {
			bodies[i] = f.body
		}
		if err := e.commitAttachments(tree, bodies, edits); err != nil {
			return err
		}
		if f, err := e.repo.fileAt(tree, FormatFile); err != nil {
			return err
		} else if f.IsZero() {
			// Every history this app starts says which format it is in.
			if edits[FormatFile], err = e.repo.writeBlob(formatFile("")); err != nil {
				return err
			}
		}
		nt, err := e.repo.editTree(tree, edits)
		if err != nil || nt == tree {
			return err
		}
		var parents []plumbing.Hash
		if !head.IsZero() {
			parents = append(parents, head)
		}
		c, err := e.repo.writeCommit(nt, parents, me.Org, fmt.Sprintf("%d records from %s", len(files), me.Org))
		if err != nil {
			return err
		}
		if err := e.repo.setRef(mainBranch, head, c); err != nil {
			return err
		}
		commit = c
		return nil
	}()
	e.repo.mu.Unlock()
	if err != nil {
		return nil, 0, explainLocal(err, e.repo.path)
	}
	// The database takes the signed versions, clears what was sent and notes
	// that it holds the new commit, in one transaction: a crash before it
	// leaves the records pending and the commit to be imported, which the next
	// round does first. A record edited again meanwhile keeps its new version,
	// pending, made on top of the committed one.
	err = local(e.store.Tx(ctx, func(tx *data.Tx) error {
		for _, f := range files {
			cur, err := tx.GetBody(f.out.ID)
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				return err
			}
			if !bytes.Equal(cur, f.out.Body) {
				continue
			}
			if !bytes.Equal(f.body, f.out.Body) {
				rec, err := data.Decode(f.body)
				if err != nil {
					return err
				}
				if err := tx.Put(rec, data.PutHub); err != nil {
					return err
				}
			}
			if _, err := tx.MarkSent(f.out.ID, f.out.Updated); err != nil {
				return err
			}
		}
		if commit == head {
			return nil
		}
		if head.IsZero() {
			_, err := tx.SQL().Exec(`INSERT INTO sync_state(remote, imported) VALUES('', ?)
				ON CONFLICT(remote) DO UPDATE SET imported = excluded.imported WHERE sync_state.imported = ''`, commit.String())
			return err
		}
		_, err := tx.SQL().Exec("UPDATE sync_state SET imported = ? WHERE remote = '' AND imported = ?", commit.String(), head.String())
		return err
	}))
	if err != nil {
		// The next round imports the commit and sends nothing twice.
		return nil, 0, err
	}
	return own, len(files), nil
}

// leavesDevice is invariant 4, checked once more at the last gate: drafts,
// organisation-only records and the toolkit shipped with the app never go out.
func leavesDevice(r data.Record) bool {
	if r.Base().Org == data.ToolkitOrg {
		return false
	}
	switch v := r.(type) {
	case *data.Practice:
		return v.Visibility == data.Shared
	case *data.Comment:
		return v.Visibility == data.Shared
	}
	return true
}

func fmtTime(t time.Time) string { return data.FormatTime(t) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// state reads a sync_state column for remote ("" when unset).
func (e *Engine) state(ctx context.Context, q sqlQuerier, remote string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, "SELECT imported FROM sync_state WHERE remote = ?", remote).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

type sqlQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// listed reports whether this installation may publish: always without a
// Verify hook; with one, when the organisation file in the local branch lists
// this installation's key and is accepted here (this laptop published it, or
// accepted it from a listed laptop), or when the hub fetched this round has no
// file of the organisation yet (its first laptop). A new laptop of an
// organisation already on the hub waits until a listed laptop adds its key and
// the change is approved here: until then it sends nothing, so it never
// publishes an organisation file that partners would reject.
func (e *Engine) listed(me data.Identity) bool {
	if e.opts.Verify == nil {
		return true
	}
	path := "orgs/" + me.Org + ".json"
	e.repo.mu.Lock()
	var mine, onHub plumbing.Hash
	head, err := e.repo.ref(mainBranch)
	if err == nil {
		if t, err := e.repo.commitTree(head); err == nil {
			mine, _ = e.repo.fileAt(t, path)
		}
	}
	hubHasNone := false
	if e.hubSeen {
		if t, err := e.repo.commitTree(e.hubHead); err == nil {
			onHub, err = e.repo.fileAt(t, path)
			hubHasNone = err == nil && onHub.IsZero()
		}
	}
	var body []byte
	if !mine.IsZero() {
		body = e.repo.readSmallBlob(mine)
	}
	e.repo.mu.Unlock()
	if mine.IsZero() {
		return hubHasNone
	}
	rec, err := data.Decode(body)
	o, ok := rec.(*data.Organisation)
	if err != nil || !ok || o.ID != me.Org {
		return false
	}
	return e.opts.Lists == nil || e.opts.Lists(o, body)
}

// ensureFormat moves the local branch to the current hub format when it holds
// an older one (format 1 hubs are migrated by the first installation of this
// version that syncs with them: docs/hub-format.md).
func (e *Engine) ensureFormat(me data.Identity) error {
	r := e.repo
	r.mu.Lock()
	defer r.mu.Unlock()
	head, tree, err := r.mainTree()
	if err != nil || head.IsZero() {
		return err
	}
	f, err := r.fileAt(tree, FormatFile)
	if err != nil {
		return err
	}
	v, id := parseFormat(r.readSmallBlob(f))
	if !f.IsZero() && v == FormatVersion && id != "" {
		return nil
	}
	blob, err := r.writeBlob(formatFile(id))
	if err != nil {
		return err
	}
	nt, err := r.editTree(tree, map[string]plumbing.Hash{FormatFile: blob})
	if err != nil {
		return err
	}
	c, err := r.writeCommit(nt, []plumbing.Hash{head}, me.Org, "Hub format "+FormatVersion+"\n\nSigned version counters, tombstones, ids bound to their organisation, attached files, the living toolkit, sealed practices and comments, erasure notices (docs/hub-format.md).\n")
	if err != nil {
		return err
	}
	return r.setRef(mainBranch, head, c)
}

// branchFile is the blob at path in the local branch (zero: none).
func (e *Engine) branchFile(path string) plumbing.Hash {
	e.repo.mu.Lock()
	defer e.repo.mu.Unlock()
	head, err := e.repo.ref(mainBranch)
	if err != nil || head.IsZero() {
		return plumbing.ZeroHash
	}
	t, err := e.repo.commitTree(head)
	if err != nil {
		return plumbing.ZeroHash
	}
	h, _ := e.repo.fileAt(t, path)
	return h
}
