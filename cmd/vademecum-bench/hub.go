package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// hubServer serves bare repositories under root through the real git
// http-backend on 127.0.0.1, counting the bytes clients send and receive.
type hubServer struct {
	url      string
	sent     atomic.Int64 // request bodies: what a client uploads
	received atomic.Int64 // response bodies: what a client downloads
	srv      *http.Server
}

func serveHubs(root string) (*hubServer, error) {
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		return nil, fmt.Errorf("git is needed for the benchmarks: %v", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &hubServer{url: "http://" + ln.Addr().String()}
	cgiH := &cgi.Handler{Path: backend, Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=bench"}}
	h.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = &countingReader{r.Body, &h.sent}
		cgiH.ServeHTTP(&countingWriter{w, &h.received}, r)
	})}
	go h.srv.Serve(ln)
	return h, nil
}

func (h *hubServer) close() { h.srv.Shutdown(context.Background()) }

func (h *hubServer) reset() { h.sent.Store(0); h.received.Store(0) }

type countingReader struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(n))
	return n, err
}
