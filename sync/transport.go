package sync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"vademecum/internal/atomicfile"
)

type hubKind int

const (
	hubDisk hubKind = iota
	hubHTTP
	hubSSH
)

// hub is one connection's worth of what is needed to talk to a remote.
type hub struct {
	name    string
	display string // redacted address, for messages
	kind    hubKind
	ep      *transport.Endpoint
	tr      transport.Transport
	auth    transport.AuthMethod
	token   string
}

// parseHubURL classifies a remote address: https:// (http:// only on this
// machine), ssh:// or user@host:path, file:// or an absolute path.
func parseHubURL(raw string) (*transport.Endpoint, hubKind, error) {
	raw = strings.TrimSpace(raw)
	if p, ok := strings.CutPrefix(raw, "file://"); ok {
		raw = p
	}
	if filepath.IsAbs(raw) {
		return &transport.Endpoint{Protocol: "file", Path: filepath.Clean(raw)}, hubDisk, nil
	}
	ep, err := transport.NewEndpoint(raw)
	if err != nil {
		return nil, 0, fmt.Errorf("%q is not a hub address: use https://host/path, ssh://user@host/path, user@host:path or a folder path", redact(raw))
	}
	switch ep.Protocol {
	case "https":
		return ep, hubHTTP, nil
	case "http":
		if h := ep.Host; h == "127.0.0.1" || h == "localhost" || h == "::1" {
			return ep, hubHTTP, nil
		}
		return nil, 0, fmt.Errorf("%s uses plain http, which would send the token unprotected: use https://", redact(raw))
	case "ssh":
		return ep, hubSSH, nil
	case "file":
		return nil, 0, fmt.Errorf("%q is a relative folder path: give the full path of the hub folder", raw)
	}
	return nil, 0, fmt.Errorf("%s: unsupported kind of hub address %q (use https, ssh or a folder)", redact(raw), ep.Protocol)
}

// httpClient bounds every request so an unanswering hub means "offline", not a
// frozen sync.
var httpClient = &http.Client{
	Timeout: 5 * time.Minute,
	Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		IdleConnTimeout:       90 * time.Second,
	},
}

// dial prepares a connection to remote rm with its credentials.
func (e *Engine) dial(rm Remote) (*hub, error) {
	ep, kind, err := parseHubURL(rm.URL)
	if err != nil {
		return nil, err
	}
	h := &hub{name: rm.Name, display: redact(rm.URL), kind: kind, ep: ep}
	switch kind {
	case hubDisk:
		h.tr = diskTransport{}
	case hubHTTP:
		h.tr = githttp.NewClient(httpClient)
		tok := ""
		if rm.TokenEnv != "" {
			tok = os.Getenv(rm.TokenEnv)
		}
		if tok == "" {
			if tok, err = e.creds.Get(rm.URL); err != nil {
				return nil, fmt.Errorf("cannot read the token for %s from the credential store: %w", h.display, err)
			}
		}
		if tok != "" {
			user := ep.User
			if user == "" {
				user = "vademecum"
			}
			h.token = tok
			h.auth = &githttp.BasicAuth{Username: user, Password: tok}
		}
		ep.User, ep.Password = "", ""
	case hubSSH:
		// go-git's NewClient(config) would overwrite every field of the
		// connection's config, host key check included: use the default client.
		h.tr = gitssh.DefaultClient
		h.auth, err = sshAuth(ep, rm.SSHKey)
		if err != nil {
			return nil, explain(err, h)
		}
	}
	return h, nil
}

// sshAuth uses the key file when one is given, else the SSH agent; the hub's
// host key is checked against known_hosts ($SSH_KNOWN_HOSTS or ~/.ssh/known_hosts).
func sshAuth(ep *transport.Endpoint, keyFile string) (transport.AuthMethod, error) {
	user := ep.User
	if user == "" {
		user = "git"
	}
	db, err := gitssh.NewKnownHostsDb()
	if err != nil {
		return nil, err
	}
	port := ep.Port
	if port == 0 {
		port = 22
	}
	// Offer only the host key types known_hosts lists for this host, so a host
	// with several keys is checked against the one on file.
	helper := gitssh.HostKeyCallbackHelper{HostKeyCallback: db.HostKeyCallback(),
		HostKeyAlgorithms: db.HostKeyAlgorithms(net.JoinHostPort(ep.Host, strconv.Itoa(port)))}
	if keyFile != "" {
		pk, err := gitssh.NewPublicKeysFromFile(user, keyFile, "")
		if err != nil {
			return nil, hubErr(ErrAuth, err, "cannot use the SSH key %s: %s (a key without passphrase, or load it in your SSH agent)", keyFile, rootMessage(err))
		}
		pk.HostKeyCallbackHelper = helper
		return pk, nil
	}
	ag, err := gitssh.NewSSHAgentAuth(user)
	if err != nil {
		return nil, err
	}
	ag.HostKeyCallbackHelper = helper
	return ag, nil
}

func rootMessage(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// fetchHub downloads the hub's main branch into the local repository and
// returns its commit (zero for an empty hub). Only objects the local side lacks
// travel: the haves are the local branch and what was fetched before.
func (e *Engine) fetchHub(ctx context.Context, h *hub) (plumbing.Hash, error) {
	sess, err := h.tr.NewUploadPackSession(h.ep, h.auth)
	if err != nil {
		return plumbing.ZeroHash, explain(err, h)
	}
	defer sess.Close()
	ar, err := sess.AdvertisedReferencesContext(ctx)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, explain(err, h)
	}
	if len(ar.References) == 0 {
		return plumbing.ZeroHash, nil
	}
	head, ok := ar.References[mainBranch.String()]
	if !ok {
		return plumbing.ZeroHash, notHub(h.display, "it has no branch main")
	}
	e.repo.mu.Lock()
	defer e.repo.mu.Unlock()
	if e.repo.has(head) {
		return head, nil
	}
	req := packp.NewUploadPackRequestFromCapabilities(ar.Capabilities)
	// A thin pack would need completing before it can be stored.
	req.Capabilities.Delete(capability.ThinPack)
	req.Wants = []plumbing.Hash{head}
	haves, err := e.repo.haves()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	req.Haves = haves
	resp, err := sess.UploadPack(ctx, req)
	if err != nil {
		return plumbing.ZeroHash, explain(err, h)
	}
	defer resp.Close()
	var rd io.Reader = resp
	switch {
	case req.Capabilities.Supports(capability.Sideband64k):
		rd = sideband.NewDemuxer(sideband.Sideband64k, resp)
	case req.Capabilities.Supports(capability.Sideband):
		rd = sideband.NewDemuxer(sideband.Sideband, resp)
	}
	if err := packfile.UpdateObjectStorage(e.repo.st, rd); err != nil {
		return plumbing.ZeroHash, explain(err, h)
	}
	if !e.repo.has(head) {
		return plumbing.ZeroHash, fmt.Errorf("the hub at %s sent an incomplete download: sync again", h.display)
	}
	return head, nil
}

// haves are the commits the local side certainly has with all their history.
func (r *repo) haves() ([]plumbing.Hash, error) {
	refs, err := r.st.IterReferences()
	if err != nil {
		return nil, err
	}
	seen := map[plumbing.Hash]bool{}
	var out []plumbing.Hash
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference && !seen[ref.Hash()] && (ref.Name() == mainBranch || ref.Name().IsRemote()) {
			seen[ref.Hash()] = true
			out = append(out, ref.Hash())
		}
		return nil
	})
	return out, err
}

// errRejected is a push the hub refused because it moved meanwhile.
var errRejected = errors.New("non-fast-forward update")

// pushHub moves the hub's main from old to head, sending only the objects the
// hub lacks (walked from head down to old), as one packfile through the
// transport's receive-pack session. go-git's Remote.Push would walk the whole
// history to find them.
func (e *Engine) pushHub(ctx context.Context, h *hub, old, head plumbing.Hash) (int, error) {
	var buf bytes.Buffer
	e.repo.mu.Lock()
	var haves []plumbing.Hash
	if !old.IsZero() {
		haves = append(haves, old)
	}
	objs, base, err := newObjects(e.repo.st, []plumbing.Hash{head}, haves)
	if err == nil {
		err = writePack(&buf, e.repo.st, objs, base, h.kind != hubDisk)
	}
	e.repo.mu.Unlock()
	if err != nil {
		return 0, err
	}
	sess, err := h.tr.NewReceivePackSession(h.ep, h.auth)
	if err != nil {
		return 0, explain(err, h)
	}
	defer sess.Close()
	ar, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return 0, explain(err, h)
	}
	var cur plumbing.Hash
	if ar != nil {
		cur = ar.References[mainBranch.String()]
	}
	if cur != old {
		return 0, errRejected
	}
	req := packp.NewReferenceUpdateRequestFromCapabilities(ar.Capabilities)
	req.Commands = []*packp.Command{{Name: mainBranch, Old: old, New: head}}
	req.Packfile = io.NopCloser(&buf)
	sent := buf.Len()
	rs, err := sess.ReceivePack(ctx, req)
	if rs != nil && rs.UnpackStatus != "" && rs.UnpackStatus != "ok" {
		return 0, fmt.Errorf("the hub at %s could not store what was sent (%s): sync again", h.display, rs.UnpackStatus)
	}
	if rs != nil {
		for _, cs := range rs.CommandStatuses {
			if cs.Error() != nil {
				return 0, errRejected
			}
		}
	}
	if err != nil {
		if strings.Contains(err.Error(), "command error") || strings.Contains(err.Error(), "non-fast-forward") {
			return 0, errRejected
		}
		return 0, explain(err, h)
	}
	return sent, nil
}

// diskTransport serves a hub folder (USB stick, shared folder) in-process with
// go-git's server, so no git program is needed. Uploads send only what the
// client lacks; pushes hold a lock file and check that main did not move, which
// go-git's server alone does not do.
type diskTransport struct{}

func (diskTransport) load(ep *transport.Endpoint, create bool) (*filesystem.Storage, transport.Transport, error) {
	st, err := openDiskHub(ep.Path, create)
	if err != nil {
		return nil, nil, err
	}
	return st, server.NewClient(server.MapLoader{ep.String(): st}), nil
}

func (d diskTransport) NewUploadPackSession(ep *transport.Endpoint, auth transport.AuthMethod) (transport.UploadPackSession, error) {
	st, srv, err := d.load(ep, true)
	if err != nil {
		return nil, err
	}
	inner, err := srv.NewUploadPackSession(ep, auth)
	if err != nil {
		return nil, err
	}
	return &diskUpload{UploadPackSession: inner, st: st}, nil
}

func (d diskTransport) NewReceivePackSession(ep *transport.Endpoint, auth transport.AuthMethod) (transport.ReceivePackSession, error) {
	st, srv, err := d.load(ep, true)
	if err != nil {
		return nil, err
	}
	inner, err := srv.NewReceivePackSession(ep, auth)
	if err != nil {
		return nil, err
	}
	return &diskReceive{ReceivePackSession: inner, st: st, path: ep.Path}, nil
}

type diskUpload struct {
	transport.UploadPackSession
	st *filesystem.Storage
}

// Close ends the session and closes the hub folder's files (left to the garbage
// collector, a day of syncs would run out of file handles).
func (s *diskUpload) Close() error {
	err := s.UploadPackSession.Close()
	if cerr := s.st.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *diskUpload) UploadPack(ctx context.Context, req *packp.UploadPackRequest) (*packp.UploadPackResponse, error) {
	objs, _, err := newObjects(s.st, req.Wants, req.Haves)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writePack(pw, s.st, objs, nil, false))
	}()
	return packp.NewUploadPackResponseWithPackfile(req, pr), nil
}

type diskReceive struct {
	transport.ReceivePackSession
	st   *filesystem.Storage
	path string
}

func (s *diskReceive) Close() error {
	err := s.ReceivePackSession.Close()
	if cerr := s.st.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReceivePack stores the pack and moves the branch under the folder's lock,
// refusing a push whose old value is not the branch's current one. The branch
// file is replaced by a rename, so a fetch at the same moment never reads it
// half written.
func (s *diskReceive) ReceivePack(ctx context.Context, req *packp.ReferenceUpdateRequest) (*packp.ReportStatus, error) {
	unlock, err := lockFolder(ctx, s.path)
	if err != nil {
		return nil, err
	}
	defer unlock()
	rs := packp.NewReportStatus()
	rs.UnpackStatus = "ok"
	for _, cmd := range req.Commands {
		var cur plumbing.Hash
		if ref, err := s.st.Reference(cmd.Name); err == nil {
			cur = ref.Hash()
		}
		if cur != cmd.Old || cmd.Name != mainBranch || cmd.New.IsZero() {
			rs.CommandStatuses = []*packp.CommandStatus{{ReferenceName: cmd.Name, Status: "fetch first"}}
			return rs, errRejected
		}
	}
	if req.Packfile != nil {
		err := packfile.UpdateObjectStorage(s.st, req.Packfile)
		req.Packfile.Close()
		if err != nil {
			rs.UnpackStatus = err.Error()
			return rs, explainLocal(err, s.path)
		}
	}
	for _, cmd := range req.Commands {
		if s.st.HasEncodedObject(cmd.New) != nil {
			rs.UnpackStatus = "missing objects"
			return rs, fmt.Errorf("the push to %s lacked objects", s.path)
		}
		if err := writeRefFile(s.path, cmd.Name, cmd.New); err != nil {
			return rs, explainLocal(err, s.path)
		}
		rs.CommandStatuses = append(rs.CommandStatuses, &packp.CommandStatus{ReferenceName: cmd.Name, Status: "ok"})
	}
	// Each push adds a pack to the folder: merge them now and then.
	if err := compact(s.st, 32); err != nil {
		return rs, err
	}
	return rs, nil
}

// writeRefFile replaces a branch file atomically (write, sync, rename).
func writeRefFile(repoPath string, name plumbing.ReferenceName, h plumbing.Hash) error {
	p := filepath.Join(repoPath, filepath.FromSlash(name.String()))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	// The temporary file stays outside refs/, where readers list every file.
	return atomicfile.WriteVia(repoPath, "vademecum-ref-*", p, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, h.String()+"\n")
		return err
	})
}

// openDiskHub opens the bare repository of a hub folder. A folder that does not
// exist yet, or is empty, becomes a new hub, so a USB stick needs no setup; but
// a missing parent means the stick is not there, and nothing is created.
func openDiskHub(path string, create bool) (*filesystem.Storage, error) {
	display := path
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, perr := os.Stat(filepath.Dir(path)); perr != nil || !create {
			return nil, hubErr(ErrUnreachable, err, "cannot reach the hub at %s (is the USB stick or shared folder connected?): working offline, nothing was lost", display)
		}
		if err := initBare(path); err != nil {
			return nil, explainLocal(err, display)
		}
	case err != nil:
		return nil, hubErr(ErrUnreachable, err, "cannot reach the hub at %s: working offline, nothing was lost", display)
	case !fi.IsDir():
		return nil, notHub(display, "it is a file, not a folder")
	default:
		if _, err := os.Stat(filepath.Join(path, "objects")); err != nil {
			entries, rerr := os.ReadDir(path)
			if rerr != nil {
				return nil, hubErr(ErrUnreachable, rerr, "cannot read the hub folder %s: working offline, nothing was lost", display)
			}
			if len(entries) > 0 {
				return nil, notHub(display, "the folder holds other files; use an empty folder or a bare git repository")
			}
			if err := initBare(path); err != nil {
				return nil, explainLocal(err, display)
			}
		}
	}
	return filesystem.NewStorage(osfs.New(path), cache.NewObjectLRUDefault()), nil
}

func explainLocal(err error, where string) error {
	if isDiskFull(err) {
		return diskFull(err)
	}
	return fmt.Errorf("cannot write the hub folder %s: %w", where, err)
}

// pushLockFile is a hub folder's push lock.
const pushLockFile = "vademecum-push.lock"

// lockFolder takes the hub folder's push lock. The lock names its owner: one
// left by a process of this computer that is gone is taken over at once, any
// other after two minutes. Under the lock, what an interrupted push left
// half-written in the folder is tidied away first.
func lockFolder(ctx context.Context, path string) (func(), error) {
	lock := filepath.Join(path, pushLockFile)
	deadline := time.Now().Add(30 * time.Second)
	for {
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			_, werr := f.WriteString(lockOwner() + "\n")
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				os.Remove(lock)
				return nil, explainLocal(werr, path)
			}
			if err := tidyObjects(path); err != nil {
				os.Remove(lock)
				return nil, explainLocal(err, path)
			}
			return func() { os.Remove(lock) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, explainLocal(err, path)
		}
		if staleLock(lock, 2*time.Minute) {
			// Left by a crash: take it over (rename first, so that two
			// processes doing this at once do not both win).
			stale := lock + ".stale-" + strconv.Itoa(os.Getpid())
			if os.Rename(lock, stale) == nil {
				if !staleLock(stale, 2*time.Minute) {
					// Another process took it over just before: give it back.
					os.Link(stale, lock)
				}
				os.Remove(stale)
			}
			continue
		}
		if time.Now().After(deadline) {
			return nil, hubErr(ErrHubBusy, err, "the hub folder %s is busy with another sync: try again in a minute", path)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// urlUser returns the user name in an https address, if any.
func urlUser(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.User.Username()
	}
	return ""
}
