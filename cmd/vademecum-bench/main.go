package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"vademecum/assets"
	"vademecum/data"
	"vademecum/data/datagen"
	"vademecum/sync/hubgen"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "child" {
		if err := child(os.Args[2], os.Args[3:]); err != nil {
			fmt.Fprintln(os.Stderr, "vademecum-bench child:", err)
			os.Exit(1)
		}
		return
	}
	n := flag.Int("n", 100000, "practices in the large hub")
	small := flag.Int("small", 1000, "practices in the small hub")
	work := flag.String("work", "", "working directory (default: a new temporary one, removed at the end)")
	cli := flag.String("cli", "bin/vademecum-cli", "the vademecum-cli binary to measure")
	queries := flag.Int("queries", 300, "search queries per word count")
	grepQueries := flag.Int("grep-queries", 10, "git grep runs per word count (each takes seconds)")
	out := flag.String("out", "", "also write the table to this file")
	desktop := flag.String("app", "", "the desktop app binary to time at start, on an X server of its own (Xvfb); none: not timed")
	flag.Parse()
	if err := run(*n, *small, *work, *cli, *desktop, *queries, *grepQueries, *out); err != nil {
		fmt.Fprintln(os.Stderr, "vademecum-bench:", err)
		os.Exit(1)
	}
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
}

// measured is one child process run: wall time, peak RSS, what it printed.
type measured struct {
	wall   time.Duration
	rssMB  float64
	stdout []byte
}

func runMeasured(env []string, name string, args ...string) (measured, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measured{}, err
	}
	// The child's peak RSS is read from /proc while it runs: the kernel's
	// ru_maxrss would also count this process's memory, which the child shares
	// between fork and exec.
	peak := make(chan int64)
	done := make(chan struct{})
	go func() {
		var max int64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := vmHWM(cmd.Process.Pid, args); kb > max {
				max = kb
			}
			select {
			case <-done:
				peak <- max
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	m := measured{wall: time.Since(start), stdout: stdout.Bytes(), rssMB: float64(<-peak) / 1024}
	if err != nil {
		return m, fmt.Errorf("%s %s: %v: %s", filepath.Base(name), strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return m, nil
}

// vmHWM is a process's peak resident set so far, in KB: 0 once it is gone, and
// 0 before it has exec'd with args (until then it is a copy of this process).
func vmHWM(pid int, args []string) int64 {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return 0
	}
	if fields := strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00"); strings.Join(fields[1:], "\x00") != strings.Join(args, "\x00") {
		return 0
	}
	return procStatusKB(pid, "VmHWM")
}

// procStatusKB is one memory field of a process's /proc status, in KB (0 once
// the process is gone).
func procStatusKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
			return kb
		}
	}
	return 0
}

type hubRun struct {
	practices                  int
	initial                    measured
	received                   int
	sendWall, recvWall         time.Duration
	sendRSS                    float64
	sentBytes, recvBytes       int64
	gitAdd, gitCommit, gitPush time.Duration
	gitSent                    int64
	// One 5 MB attachment added to the practice: sent by one installation,
	// received by the other.
	attSendWall, attRecvWall time.Duration
	attSent, attRecv         int64
	attSendRSS, attRecvRSS   float64
	attReported              int64 // attachment_bytes_received as the sync printed it
}

// attachmentSize is the attachment of the benchmark: a 5 MB scan.
const attachmentSize = 5 << 20

func run(n, small int, work, cli, desktop string, queries, grepQueries int, out string) error {
	if work == "" {
		dir, err := os.MkdirTemp("", "vademecum-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		work = dir
	}
	cli, err := filepath.Abs(cli)
	if err != nil {
		return err
	}
	if _, err := os.Stat(cli); err != nil {
		return fmt.Errorf("%s not found: build it first (make cli)", cli)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	hubs := filepath.Join(work, "hubs")
	os.MkdirAll(hubs, 0o755)
	runs := map[int]*hubRun{}
	for _, size := range []int{small, n} {
		start := time.Now()
		if err := hubgen.Build(filepath.Join(work, fmt.Sprintf("gen-%d", size)), filepath.Join(hubs, fmt.Sprintf("h%d.git", size)), size, uint64(size), true); err != nil {
			return fmt.Errorf("building the %d-practice hub: %w", size, err)
		}
		logf("built a hub of %d practices in %v", size, time.Since(start).Round(time.Millisecond))
	}
	debug.FreeOSMemory() // the hubs' contents are no longer needed here
	srv, err := serveHubs(hubs)
	if err != nil {
		return err
	}
	defer srv.close()
	for _, size := range []int{small, n} {
		r, err := measureHub(work, cli, srv, size)
		if err != nil {
			return err
		}
		runs[size] = r
	}
	large := filepath.Join(work, fmt.Sprintf("reader-%d", n))
	logf("searching %d queries per word count", queries)
	sm, err := runMeasured(nil, self, "child", "search", large, fmt.Sprint(queries))
	if err != nil {
		return err
	}
	var search map[string]float64
	if err := json.Unmarshal(sm.stdout, &search); err != nil {
		return err
	}
	logf("git grep, %d queries per word count", grepQueries)
	grep, err := gitGrep(filepath.Join(work, fmt.Sprintf("git-%d", n)), grepQueries)
	if err != nil {
		return err
	}
	om, err := runMeasured(nil, self, "child", "open", large)
	if err != nil {
		return err
	}
	var open map[string]float64
	if err := json.Unmarshal(om.stdout, &open); err != nil {
		return err
	}
	// What a script reads: every practice of the journal as JSON.
	lm, err := runMeasured(nil, cli, "--data", large, "practice", "list", "--json")
	if err != nil {
		return err
	}
	var listed []json.RawMessage
	if err := json.Unmarshal(lm.stdout, &listed); err != nil {
		return fmt.Errorf("practice list --json: %w", err)
	}
	logf("practice list --json: %d practices in %v (%.0f MB RSS)", len(listed), lm.wall.Round(time.Millisecond), lm.rssMB)
	var apps []appStart
	if desktop != "" {
		if apps, err = measureApps(desktop, cli, work, large, n); err != nil {
			return err
		}
	}
	table := render(n, small, runs, search, sm.rssMB, grep, open, om.rssMB, lm, len(listed), apps)
	fmt.Print(table)
	if out != "" {
		return os.WriteFile(out, []byte(table), 0o644)
	}
	return nil
}

// measureHub: an installation's first sync from the hub, then one new practice
// sent by it and received by a second installation, against git add/commit/push
// of the same file in a clone.
func measureHub(work, cli string, srv *hubServer, size int) (*hubRun, error) {
	r := &hubRun{practices: size}
	url := fmt.Sprintf("%s/h%d.git", srv.url, size)
	dirs := []string{filepath.Join(work, fmt.Sprintf("reader-%d", size)), filepath.Join(work, fmt.Sprintf("peer-%d", size))}
	for i, dir := range dirs {
		org := []string{"bench-reader", "bench-peer"}[i]
		if _, err := runMeasured(nil, cli, "--data", dir, "init", "--org-id", org, "--org-name", org, "--country", "IT", "--lang", "it", "--user", "Bench"); err != nil {
			return nil, err
		}
		if _, err := runMeasured(nil, cli, "--data", dir, "remote", "add", "hub", url); err != nil {
			return nil, err
		}
		m, err := runMeasured(nil, cli, "--data", dir, "sync", "--json")
		if err != nil {
			return nil, err
		}
		var res struct{ Received int }
		json.Unmarshal(m.stdout, &res)
		if i == 0 {
			r.initial, r.received = m, res.Received
			logf("hub %d: initial sync received %d records in %v (%.0f records/s, %.0f MB RSS)", size, res.Received,
				m.wall.Round(time.Millisecond), float64(res.Received)/m.wall.Seconds(), m.rssMB)
		}
	}
	add, err := runMeasured(nil, cli, "--data", dirs[0], "practice", "add", "--title", "Sportello digitale notturno",
		"--summary", "Ogni martedì sera aiutiamo le persone ospiti a recuperare le credenziali SPID e la posta.",
		"--visibility", "shared", "--lang", "it", "--tag", "digital-inclusion", "--tool", "signal", "--json")
	if err != nil {
		return nil, err
	}
	var p data.Practice
	if err := json.Unmarshal(add.stdout, &p); err != nil {
		return nil, err
	}
	srv.reset()
	m, err := runMeasured(nil, cli, "--data", dirs[0], "sync", "--json")
	if err != nil {
		return nil, err
	}
	r.sendWall, r.sendRSS, r.sentBytes = m.wall, m.rssMB, srv.sent.Load()
	srv.reset()
	m, err = runMeasured(nil, cli, "--data", dirs[1], "sync", "--json")
	if err != nil {
		return nil, err
	}
	r.recvWall, r.recvBytes = m.wall, srv.received.Load()
	if !bytes.Contains(m.stdout, []byte(`"received": 1`)) && !bytes.Contains(m.stdout, []byte(`"received":1`)) {
		logf("hub %d: the peer's sync printed %s", size, bytes.TrimSpace(m.stdout))
	}
	logf("hub %d: one practice sent in %v (%d bytes up), received in %v", size, r.sendWall.Round(time.Millisecond), r.sentBytes, r.recvWall.Round(time.Millisecond))

	// The same change with the git CLI, in a clone of the same hub.
	clone := filepath.Join(work, fmt.Sprintf("git-%d", size))
	if out, err := exec.Command("git", "clone", "-q", url, clone).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("git clone: %v: %s", err, out)
	}
	body, _ := data.Encode(&p)
	rel := filepath.Join("practices", p.Created.Format("2006"), p.Created.Format("01"), p.ID+"-git.json")
	os.MkdirAll(filepath.Join(clone, filepath.Dir(rel)), 0o755)
	os.WriteFile(filepath.Join(clone, rel), body, 0o644)
	git := func(args ...string) (time.Duration, error) {
		cmd := exec.Command("git", append([]string{"-C", clone, "-c", "user.name=Bench", "-c", "user.email=bench@localhost"}, args...)...)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("git %s: %v: %s", args[0], err, out)
		}
		return time.Since(start), nil
	}
	if r.gitAdd, err = git("add", rel); err != nil {
		return nil, err
	}
	if r.gitCommit, err = git("commit", "-qm", "one practice"); err != nil {
		return nil, err
	}
	srv.reset()
	if r.gitPush, err = git("push", "-q", "origin", "HEAD:main"); err != nil {
		return nil, err
	}
	r.gitSent = srv.sent.Load()
	return r, measureAttachment(work, cli, srv, r, dirs, p.ID)
}

// measureAttachment: a 5 MB file that does not compress (a scan) attached to
// the practice, sent by the first installation and received by the second.
func measureAttachment(work, cli string, srv *hubServer, r *hubRun, dirs []string, id string) error {
	file := filepath.Join(work, fmt.Sprintf("scan-%d.pdf", r.practices))
	if err := os.WriteFile(file, datagen.Document(attachmentSize, uint64(r.practices)), 0o600); err != nil {
		return err
	}
	if _, err := runMeasured(nil, cli, "--data", dirs[0], "practice", "attach", id, file); err != nil {
		return err
	}
	srv.reset()
	m, err := runMeasured(nil, cli, "--data", dirs[0], "sync", "--json")
	if err != nil {
		return err
	}
	r.attSendWall, r.attSent, r.attSendRSS = m.wall, srv.sent.Load(), m.rssMB
	srv.reset()
	m, err = runMeasured(nil, cli, "--data", dirs[1], "sync", "--json")
	if err != nil {
		return err
	}
	r.attRecvWall, r.attRecv, r.attRecvRSS = m.wall, srv.received.Load(), m.rssMB
	var res struct {
		Bytes int64 `json:"attachment_bytes_received"`
	}
	json.Unmarshal(m.stdout, &res)
	r.attReported = res.Bytes
	if res.Bytes != attachmentSize {
		return fmt.Errorf("the peer's sync received %d attachment bytes, want %d: %s", res.Bytes, attachmentSize, bytes.TrimSpace(m.stdout))
	}
	logf("hub %d: a 5 MB attachment sent in %v (%s up), received in %v (%s down, %.0f MB RSS)", r.practices,
		r.attSendWall.Round(time.Millisecond), kb(r.attSent), r.attRecvWall.Round(time.Millisecond), kb(r.attRecv), r.attRecvRSS)
	return nil
}

// gitGrep times `git grep` over the records as files: every word required in the
// same file (the AND of a search), case-insensitive, as a person would run it.
func gitGrep(clone string, perCount int) (map[string]float64, error) {
	out := map[string]float64{}
	for words := 1; words <= 3; words++ {
		qs := datagen.New(11).Queries(perCount, words)
		var lat []time.Duration
		for _, q := range qs {
			args := []string{"-C", clone, "grep", "-l", "-i", "-F", "--all-match"}
			for _, w := range strings.Fields(q) {
				args = append(args, "-e", w)
			}
			cmd := exec.Command("git", append(args, "--", "practices", "comments")...)
			start := time.Now()
			err := cmd.Run()
			if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 1) {
				return nil, fmt.Errorf("git grep: %v", err)
			}
			lat = append(lat, time.Since(start))
		}
		p50, p95 := percentiles(lat)
		out[fmt.Sprintf("p50_%d", words)], out[fmt.Sprintf("p95_%d", words)] = p50, p95
	}
	return out, nil
}

func percentiles(lat []time.Duration) (p50, p95 float64) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return ms(lat[len(lat)/2]), ms(lat[min(len(lat)-1, len(lat)*95/100)])
}

// child runs one measured step in its own process.
func child(mode string, args []string) error {
	ctx := context.Background()
	switch mode {
	case "search":
		s, err := data.Open(args[0])
		if err != nil {
			return err
		}
		defer s.Close()
		var n int
		fmt.Sscan(args[1], &n)
		out := map[string]float64{}
		orgs := datagen.Orgs
		for words := 1; words <= 3; words++ {
			var lat []time.Duration
			for i, q := range datagen.New(uint64(100+words)).Queries(n, words) {
				query := data.Query{Text: q, Limit: 20}
				// A filter on most queries, as people narrow a search.
				switch i % 4 {
				case 1:
					query.Types = []string{data.TypePractice}
				case 2:
					query.Lang = orgs[i%len(orgs)].Lang
				case 3:
					query.Country = orgs[i%len(orgs)].Country
				}
				start := time.Now()
				if _, err := s.Search(ctx, query); err != nil {
					return err
				}
				lat = append(lat, time.Since(start))
			}
			out[fmt.Sprintf("p50_%d", words)], out[fmt.Sprintf("p95_%d", words)] = percentiles(lat)
		}
		return json.NewEncoder(os.Stdout).Encode(out)
	case "open":
		start := time.Now()
		s, err := data.Open(args[0])
		if err != nil {
			return err
		}
		defer s.Close()
		if _, err := assets.Seed(ctx, s); err != nil {
			return err
		}
		opened := time.Since(start)
		if _, err := s.ListPractices(ctx, data.PracticeFilter{Limit: 50}); err != nil {
			return err
		}
		journal := time.Since(start)
		t := time.Now()
		if _, err := s.ListTools(ctx, data.ToolFilter{}); err != nil {
			return err
		}
		toolkit := opened + time.Since(t)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		return json.NewEncoder(os.Stdout).Encode(map[string]float64{"open": ms(opened), "journal": ms(journal), "toolkit": ms(toolkit)})
	}
	return fmt.Errorf("unknown child mode %q", mode)
}

func render(n, small int, runs map[int]*hubRun, search map[string]float64, searchRSS float64,
	grep map[string]float64, open map[string]float64, openRSS float64, list measured, listed int, apps []appStart) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("Measured on %s with %d cores (%s), %s, by `make bench`.\n\n", cpuModel(), runtime.NumCPU(), runtime.GOOS+"/"+runtime.GOARCH, time.Now().UTC().Format("2006-01-02"))
	w("| what | Vademecum | instead (git CLI) | ratio | target |\n|---|---|---|---|---|\n")
	for words := 1; words <= 3; words++ {
		k50, k95 := fmt.Sprintf("p50_%d", words), fmt.Sprintf("p95_%d", words)
		w("| search, %d word(s), %dk practices: p50 / p95 | %.2f / %.2f ms | `git grep`: %.0f / %.0f ms | %.0fx faster (p95) | p95 < 5 ms, ≥ 100x |\n",
			words, n/1000, search[k50], search[k95], grep[k50], grep[k95], grep[k95]/max(search[k95], 0.001))
	}
	w("| search: peak RSS | %.0f MB | | | < 300 MB |\n", searchRSS)
	w("| opening: store + first page of the journal | %.1f ms | | | < 200 ms |\n", open["journal"])
	w("| opening: store + first page of the toolkit | %.1f ms | | | < 200 ms |\n", open["toolkit"])
	w("| opening: peak RSS | %.0f MB | | | < 300 MB |\n", openRSS)
	w("| `vademecum-cli practice list --json` (%d practices): time, peak RSS | %.0f ms, %.0f MB | | | |\n", listed, ms(list.wall), list.rssMB)
	for _, a := range apps {
		w("| desktop app start, %s: time (median of %d), resident memory at rest | %.0f ms, %.0f MB | | | |\n", a.what, a.runs, ms(a.shown), a.restMB)
	}
	for _, size := range []int{small, n} {
		r := runs[size]
		w("| initial sync of the %dk hub (%d records): time, rate, peak RSS | %.1f s, %.0f records/s, %.0f MB | | | ≥ 10,000 records/s, < 300 MB |\n",
			size/1000, r.received, r.initial.wall.Seconds(), float64(r.received)/r.initial.wall.Seconds(), r.initial.rssMB)
	}
	for _, size := range []int{small, n} {
		r := runs[size]
		git := r.gitAdd + r.gitCommit + r.gitPush
		w("| one new practice on the %dk hub: send (commit + push), bytes up | %.0f ms, %s | add %.0f + commit %.0f + push %.0f = %.0f ms, %s | %.1fx faster | < 300 ms, < 16 KB |\n",
			size/1000, ms(r.sendWall), kb(r.sentBytes), ms(r.gitAdd), ms(r.gitCommit), ms(r.gitPush), ms(git), kb(r.gitSent), ms(git)/ms(r.sendWall))
		w("| one new practice on the %dk hub: receive, bytes down | %.0f ms, %s | | | |\n", size/1000, ms(r.recvWall), kb(r.recvBytes))
		w("| one new practice on the %dk hub: peak RSS of the sync | %.0f MB | | | < 300 MB |\n", size/1000, r.sendRSS)
		w("| one 5 MB attachment on the %dk hub: send, bytes up, peak RSS | %.0f ms, %s, %.0f MB | | | < 300 MB |\n", size/1000, ms(r.attSendWall), kb(r.attSent), r.attSendRSS)
		w("| one 5 MB attachment on the %dk hub: receive, bytes down, peak RSS | %.0f ms, %s, %.0f MB | | | < 300 MB |\n",
			size/1000, ms(r.attRecvWall), kb(r.attRecv), r.attRecvRSS)
	}
	rs, rl := runs[small], runs[n]
	w("| cost ratio %dk hub / %dk hub (send time) | %.2f | git CLI: %.2f | | ≤ 2 |\n", n/1000, small/1000,
		ms(rl.sendWall)/ms(rs.sendWall), ms(rl.gitAdd+rl.gitCommit+rl.gitPush)/ms(rs.gitAdd+rs.gitCommit+rs.gitPush))
	if len(apps) > 0 {
		w("\nDesktop app starts are whole `vademecum` processes on an X server of their own (Xvfb, software GL), from starting the process to the first screen filled in (it is drawn at the next frame); memory at rest is read %v after the first start.\n", appRest)
	}
	w("\nSync times are whole `vademecum-cli sync` processes (start, open, fetch, merge, import, push) against `git http-backend` on 127.0.0.1; bytes are HTTP bodies.\n")
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func kb(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f KB", float64(n)/1024)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			if i := strings.Index(line, ":"); i > 0 {
				return strings.TrimSpace(line[i+1:])
			}
		}
	}
	return runtime.GOARCH
}
