package sync

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"vademecum/data"
)

func TestConformanceSSH(t *testing.T) { conformance(t, sshHub) }

// sshHub serves a bare repository over SSH on 127.0.0.1: an in-process server
// (golang.org/x/crypto/ssh) that accepts one client key and runs the real
// git-upload-pack / git-receive-pack, as a plain SSH server would.
func sshHub(t testing.TB) hubEnv {
	root := t.TempDir()
	dir := filepath.Join(root, "hub.git")
	git(t, root, "init", "--bare", "-q", "-b", "main", dir)
	_, hostPriv, _ := ed25519.GenerateKey(rand.Reader)
	hostSigner, _ := ssh.NewSignerFromKey(hostPriv)
	clientPub, clientPriv, _ := ed25519.GenerateKey(rand.Reader)
	clientSSHPub, _ := ssh.NewPublicKey(clientPub)
	block, err := ssh.MarshalPrivateKey(clientPriv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(root, "id_ed25519")
	os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600)

	cfg := &ssh.ServerConfig{PublicKeyCallback: func(_ ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
		if string(k.Marshal()) == string(clientSSHPub.Marshal()) {
			return nil, nil
		}
		return nil, errors.New("unknown key")
	}}
	cfg.AddHostKey(hostSigner)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveSSH(c, cfg, root)
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	kh := filepath.Join(root, "known_hosts")
	line := knownhosts.Line([]string{knownhosts.Normalize(fmt.Sprintf("127.0.0.1:%d", port))}, hostSigner.PublicKey())
	os.WriteFile(kh, []byte(line+"\n"), 0o600)
	if tt, ok := t.(*testing.T); ok {
		tt.Setenv("SSH_KNOWN_HOSTS", kh)
	}
	return hubEnv{url: fmt.Sprintf("ssh://git@127.0.0.1:%d/hub.git", port), auth: Auth{SSHKey: keyFile}, dir: dir}
}

func serveSSH(c net.Conn, cfg *ssh.ServerConfig, root string) {
	_, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		c.Close()
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "session only")
			continue
		}
		ch, chReqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go func() {
			defer ch.Close()
			for req := range chReqs {
				if req.Type != "exec" || len(req.Payload) < 4 {
					req.Reply(req.Type == "env", nil)
					continue
				}
				n := binary.BigEndian.Uint32(req.Payload)
				line := string(req.Payload[4 : 4+n])
				prog, arg, _ := strings.Cut(line, " ")
				if prog != "git-upload-pack" && prog != "git-receive-pack" {
					req.Reply(false, nil)
					return
				}
				req.Reply(true, nil)
				path := filepath.Join(root, strings.Trim(arg, "'"))
				cmd := exec.Command("git", strings.TrimPrefix(prog, "git-"), path)
				cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, io.Discard
				status := uint32(0)
				if err := cmd.Run(); err != nil {
					status = 1
				}
				ch.SendRequest("exit-status", false, binary.BigEndian.AppendUint32(nil, status))
				return
			}
		}()
	}
}

func TestSSHUnknownHostKey(t *testing.T) {
	h := sshHub(t)
	empty := filepath.Join(t.TempDir(), "known_hosts")
	os.WriteFile(empty, nil, 0o600)
	t.Setenv("SSH_KNOWN_HOSTS", empty)
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("hub", h.url, h.auth)
	_, err := a.eng.Sync(context.Background(), "", nil)
	if !errors.Is(err, ErrHostKey) || !strings.Contains(err.Error(), "SSH host key of 127.0.0.1") || !strings.Contains(err.Error(), "is unknown") {
		t.Fatalf("err = %v", err)
	}
	// Another key for the same host: refuse loudly.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	otherSigner, _ := ssh.NewSignerFromKey(other)
	host := strings.TrimPrefix(strings.Split(strings.TrimPrefix(h.url, "ssh://git@"), "/")[0], "")
	os.WriteFile(empty, []byte(knownhosts.Line([]string{knownhosts.Normalize(host)}, otherSigner.PublicKey())+"\n"), 0o600)
	_, err = a.eng.Sync(context.Background(), "", nil)
	if !errors.Is(err, ErrHostKey) || !strings.Contains(err.Error(), "has changed") {
		t.Fatalf("err = %v", err)
	}
}

func TestSSHWrongKey(t *testing.T) {
	h := sshHub(t)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, _ := ssh.MarshalPrivateKey(priv, "")
	stranger := filepath.Join(t.TempDir(), "id_stranger")
	os.WriteFile(stranger, pem.EncodeToMemory(block), 0o600)
	a := newReplica(t, "shelter-it", Options{})
	a.addRemote("hub", h.url, Auth{SSHKey: stranger})
	a.practice("x", data.Shared)
	_, err := a.eng.Sync(context.Background(), "", nil)
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "refused the SSH key") {
		t.Fatalf("err = %v", err)
	}
}
