package sync

import (
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

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
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
	disk    *diskTransport // for a hub folder
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
		h.disk = &diskTransport{create: !e.syncedWith(rm.Name), local: e.repo}
		h.tr = h.disk
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

// syncedWith reports whether this installation ever synced with the hub named
// remote: then its folder, if missing, is a stick not plugged in, never a new
// hub to create.
func (e *Engine) syncedWith(remote string) bool {
	e.repo.mu.Lock()
	last, err := e.repo.ref(trackingRef(remote))
	e.repo.mu.Unlock()
	if err != nil || !last.IsZero() {
		return true
	}
	var when string
	e.store.DB().QueryRow("SELECT coalesce(last_sync, '') FROM sync_state WHERE remote = ?", remote).Scan(&when)
	return when != ""
}

// errIncomplete is a download that lacked the commit it promised.
var errIncomplete = errors.New("incomplete download")

// fetchHub downloads the hub's main branch into the local repository and
// returns its commit (zero for an empty hub). Only objects the local side lacks
// travel: the haves are the local branch and what was fetched before. A hub
// folder that another process compacted or repaired during the download (a
// pack or object gone from under it) is read again, once.
func (e *Engine) fetchHub(ctx context.Context, h *hub) (plumbing.Hash, error) {
	head, err := e.fetchOnce(ctx, h)
	if err != nil && h.kind == hubDisk && (isVanished(err) || errors.Is(err, errIncomplete)) {
		e.logf("the hub folder %s changed during the download (%v): reading it again", h.display, err)
		head, err = e.fetchOnce(ctx, h)
		if err != nil && h.disk != nil && (isVanished(err) || errors.Is(err, errIncomplete)) {
			// Still missing: something the cheap checks do not see (an old
			// pack lost with its index). Check the hub whole and repair it.
			if fixed, rerr := h.disk.repairThoroughly(ctx, h.ep.Path); rerr != nil {
				return plumbing.ZeroHash, rerr
			} else if fixed {
				head, err = e.fetchOnce(ctx, h)
			}
		}
	}
	if errors.Is(err, errIncomplete) {
		return head, fmt.Errorf("the hub at %s sent an incomplete download: sync again", h.display)
	}
	return head, err
}

func (e *Engine) fetchOnce(ctx context.Context, h *hub) (plumbing.Hash, error) {
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
	if !ok && len(ar.References) == 1 && !ar.References[keysBranch.String()].IsZero() {
		// Only the key branch: a first push that stopped between its key
		// branch and its records (keys.go). An empty hub.
		return plumbing.ZeroHash, nil
	}
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
	if err := receivePack(e.repo, packStream(req, resp)); err != nil {
		if h.kind == hubDisk && isVanished(err) {
			return plumbing.ZeroHash, err
		}
		return plumbing.ZeroHash, explain(err, h)
	}
	if !e.repo.has(head) {
		return plumbing.ZeroHash, errIncomplete
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

// copyLargeToHub streams objects into a hub folder as loose objects.
func copyLargeToHub(hubPath string, src storer.EncodedObjectStorer, hs []plumbing.Hash) error {
	st, err := openDiskHub(hubPath, false)
	if err != nil {
		return err
	}
	defer st.Close()
	return copyLoose(src, st, hubPath, hs)
}

// errRejected is a push the hub refused because it moved meanwhile.
var errRejected = errors.New("non-fast-forward update")

// pushHub moves the hub's main from old to head, sending only the objects the
// hub lacks (walked from head down to old), as one packfile through the
// transport's receive-pack session. go-git's Remote.Push would walk the whole
// history to find them.
func (e *Engine) pushHub(ctx context.Context, h *hub, old, head plumbing.Hash) (int, error) {
	// The pack waits in a temporary file, not in memory: a first push of a
	// large history can be large.
	buf, err := os.CreateTemp(e.repo.path, "vademecum-push-*")
	if err != nil {
		return 0, explainLocal(err, e.repo.path)
	}
	defer func() { buf.Close(); os.Remove(buf.Name()) }()
	e.repo.mu.Lock()
	var haves []plumbing.Hash
	if !old.IsZero() {
		haves = append(haves, old)
	}
	objs, base, err := newObjects(e.repo.path, e.repo.objects(), []plumbing.Hash{head}, haves)
	if err == nil && h.kind == hubDisk {
		// Large objects go into the hub folder as loose objects, streamed.
		var large []plumbing.Hash
		if objs, large, err = splitLarge(e.repo.path, e.repo.objects(), objs); err == nil && len(large) > 0 {
			err = copyLargeToHub(h.ep.Path, e.repo.objects(), large)
		}
	}
	if err == nil {
		thinUpTo := int64(largeObject) // larger objects are streamed whole
		if h.kind == hubDisk {
			thinUpTo = 0
		}
		err = writePack(buf, e.repo.objects(), objs, base, thinUpTo)
	}
	e.repo.mu.Unlock()
	if err != nil {
		return 0, local(err)
	}
	size, err := buf.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = buf.Seek(0, io.SeekStart)
	}
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
	req.Packfile = io.NopCloser(buf)
	sent := int(size)
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

// urlUser returns the user name in an https address, if any.
func urlUser(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.User.Username()
	}
	return ""
}

// packStream is the pack of an upload-pack response, out of its side band
// when the request asked for one.
func packStream(req *packp.UploadPackRequest, resp io.Reader) io.Reader {
	switch {
	case req.Capabilities.Supports(capability.Sideband64k):
		return sideband.NewDemuxer(sideband.Sideband64k, resp)
	case req.Capabilities.Supports(capability.Sideband):
		return sideband.NewDemuxer(sideband.Sideband, resp)
	}
	return resp
}
