package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"golang.org/x/crypto/ssh/knownhosts"

	"vademecum/internal/synccode"
)

// Kinds of hub errors, for errors.Is (internal/synccode's, so that the front
// ends word them without importing sync): the scheduler goes offline on
// ErrUnreachable, the front ends point at the remote's settings on the others.
var (
	ErrUnreachable = synccode.ErrUnreachable
	ErrAuth        = synccode.ErrAuth
	ErrHostKey     = synccode.ErrHostKey
	ErrNotHub      = synccode.ErrNotHub
	ErrDiskFull    = synccode.ErrDiskFull
	ErrHubBusy     = synccode.ErrHubBusy
	ErrNoRemote    = synccode.ErrNoRemote
	// ErrNotConnected: a hub folder this installation synced with before is
	// missing; it also counts as ErrUnreachable (offline).
	ErrNotConnected = synccode.ErrNotConnected
	// ErrMassDeletion: the hub would delete more than half of the shared records
	// here (and more than 20). Nothing was changed; Engine.AllowMassDeletion
	// lets the next sync go ahead once the user confirms.
	ErrMassDeletion = synccode.ErrMassDeletion
	// ErrNewerHub: the hub was written by a newer version of Vademecum; it
	// also counts as ErrNotHub.
	ErrNewerHub = synccode.ErrNewerHub
)

// HubError is an error worded for the person at the keyboard: one sentence that
// says what happened and what to do. It never carries a token.
type HubError = synccode.HubError

// ErrTokenNeeded is the cause of an ErrAuth from a hub that asks for a token
// when none is set (errors.Is): front ends say how to give one.
var ErrTokenNeeded = synccode.ErrTokenNeeded

// ErrNoSSHKey is the cause of an ErrAuth from an SSH hub when there is
// neither an SSH agent nor a key file (errors.Is): front ends say how to give
// one.
var ErrNoSSHKey = synccode.ErrNoSSHKey

func hubErr(kind, cause error, format string, args ...any) *HubError {
	return synccode.New(kind, cause, fmt.Sprintf(format, args...))
}

func unreachable(hub string, cause error) error {
	return hubErr(ErrUnreachable, cause, "cannot reach the hub at %s: working offline, nothing was lost", hub)
}

// notConnected is a hub folder that is not there: its stick or share is not
// connected.
func notConnected(hub string, cause error) error {
	return hubErr(ErrNotConnected, cause, "the hub folder %s is not connected (plug in the USB stick or connect the shared folder): working offline, nothing was lost", hub)
}

func notHub(hub, why string) error {
	return hubErr(ErrNotHub, nil, "%s is not a vademecum hub (%s): check the address, or start a new hub in an empty repository", hub, why)
}

// isDiskFull recognises a full disk in what the OS, SQLite or go-git said.
func isDiskFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "no space left") || strings.Contains(msg, "disk is full") || strings.Contains(msg, "SQLITE_FULL")
}

// local words an error of the local database or repository: a full disk says so.
func local(err error) error {
	var he *HubError
	if err == nil || errors.As(err, &he) {
		return err
	}
	if isDiskFull(err) {
		return diskFull(err)
	}
	return err
}

func diskFull(cause error) error {
	return hubErr(ErrDiskFull, cause, "the disk is full: free some space and sync again (nothing was lost)")
}

// redact returns a hub address fit for messages and logs: no password, no token.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Host != "" && u.User != nil {
		u.User = url.User(u.User.Username())
		if u.Scheme == "https" || u.Scheme == "http" {
			// The user of an https address may be a token (https://TOKEN@host).
			u.User = nil
		}
		return u.String()
	}
	return raw
}

// explain turns what go-git, the network or the disk said into one sentence.
func explain(err error, h *hub) error {
	if err == nil {
		return nil
	}
	var he *HubError
	if errors.As(err, &he) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), "no space left on device") {
		return diskFull(err)
	}
	where := h.display
	var kerr *knownhosts.KeyError
	var herr *githttp.Err
	msg := err.Error()
	switch {
	case errors.As(err, &kerr) && len(kerr.Want) > 0, strings.Contains(msg, "knownhosts: key mismatch"):
		return hubErr(ErrHostKey, err, "the SSH host key of %s has changed: do not sync until your hub administrator confirms the new key", h.ep.Host)
	case errors.As(err, &kerr), strings.Contains(msg, "knownhosts: key is unknown"):
		return hubErr(ErrHostKey, err, "the SSH host key of %s is unknown: check its fingerprint with your hub administrator, then add it to ~/.ssh/known_hosts", h.ep.Host)
	case strings.Contains(msg, "known_hosts"):
		return hubErr(ErrHostKey, err, "there is no known_hosts file to check the SSH key of %s: add the hub's host key to ~/.ssh/known_hosts", h.ep.Host)
	case h.kind == hubSSH && strings.Contains(msg, "unable to authenticate"):
		return hubErr(ErrAuth, err, "the hub refused the SSH key for %s: check that its public key is registered on the hub", where)
	case h.kind == hubSSH && strings.Contains(msg, "SSH agent"):
		return hubErr(ErrAuth, errors.Join(ErrNoSSHKey, err), "no SSH key for %s: start an SSH agent with your key", where)
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed),
		errors.As(err, &herr) && (herr.StatusCode() == 401 || herr.StatusCode() == 403):
		if h.token == "" {
			return hubErr(ErrAuth, errors.Join(ErrTokenNeeded, err), "the hub at %s asks for a token: add the hub again with one", where)
		}
		return hubErr(ErrAuth, err, "the hub refused the token for %s: check it with your hub administrator", where)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return hubErr(ErrNotHub, err, "there is no repository at %s: check the address (and that the token may read it)", where)
	case errors.Is(err, os.ErrNotExist) && h.kind == hubDisk:
		return unreachable(where, err)
	}
	var nerr net.Error
	var operr *net.OpError
	var dnserr *net.DNSError
	if errors.As(err, &nerr) || errors.As(err, &operr) || errors.As(err, &dnserr) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "connection refused") || strings.Contains(msg, "no such host") {
		return unreachable(where, err)
	}
	return fmt.Errorf("sync with %s failed: %w", where, err)
}
