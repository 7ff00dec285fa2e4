package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// appStart is the desktop app's start on one data folder: from starting the
// process to its first screen showing what it is for (the median of a few
// starts), and its resident memory at rest after the first start.
type appStart struct {
	what   string
	shown  time.Duration
	restMB float64
	runs   int
}

// appRest is how long the app is left alone before its resident memory is read:
// it hands the garbage of starting back to the system 10 s after it starts.
const appRest = 15 * time.Second

// startX starts an X server of its own (Xvfb) for the desktop app.
func startX() (display string, stop func(), err error) {
	if _, err := exec.LookPath("Xvfb"); err != nil {
		return "", nil, errors.New("Xvfb is needed to time the desktop app: install the xvfb package (make bench does)")
	}
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	defer r.Close()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		w.Close()
		return "", nil, err
	}
	w.Close()
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("Xvfb did not start: %v", err)
	}
	return ":" + strings.TrimSpace(line), stop, nil
}

// measureApp starts the app runs times on the folder dir made by prepare
// (before each start when fresh is set, once otherwise).
func measureApp(app, display, what string, runs int, fresh bool, prepare func() (string, error)) (appStart, error) {
	res := appStart{what: what, runs: runs}
	var times []time.Duration
	dir := ""
	for i := range runs {
		if i == 0 || fresh {
			d, err := prepare()
			if err != nil {
				return res, err
			}
			dir = d
		}
		rest := time.Duration(0)
		if i == 0 {
			rest = appRest
		}
		shown, rss, err := startApp(app, display, dir, rest)
		if err != nil {
			return res, fmt.Errorf("%s: %w", what, err)
		}
		times = append(times, shown)
		if i == 0 {
			res.restMB = rss
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	res.shown = times[len(times)/2]
	logf("desktop app, %s: first screen in %v (median of %d), %.0f MB at rest", what, res.shown.Round(time.Millisecond), runs, res.restMB)
	return res, nil
}

// startApp runs the app once on dir: the time until it says its first screen
// is shown, then, after rest, its resident memory; then it is asked to quit.
func startApp(app, display, dir string, rest time.Duration) (time.Duration, float64, error) {
	cmd := exec.Command(app, "-data", dir)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "VADEMECUM_REPORT_SHOWN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	shown := make(chan time.Duration, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "shown" {
				shown <- time.Since(start)
			}
		}
	}()
	var took time.Duration
	select {
	case took = <-shown:
	case <-time.After(2 * time.Minute):
		stop()
		return 0, 0, fmt.Errorf("the app did not show its first screen in 2 minutes: %s", strings.TrimSpace(stderr.String()))
	}
	var rss float64
	if rest > 0 {
		time.Sleep(rest)
		rss = float64(procStatusKB(cmd.Process.Pid, "VmRSS")) / 1024
	}
	stop()
	return took, rss, nil
}

// measureApps times the app on a new installation (the first-start form), on
// one set up with only the toolkit, and on the reader of the large hub.
func measureApps(app, cli, work, large string, practices int) ([]appStart, error) {
	display, stopX, err := startX()
	if err != nil {
		return nil, err
	}
	defer stopX()
	n := 0
	newDir := func() (string, error) {
		n++
		return filepath.Join(work, fmt.Sprintf("app-%d", n)), nil
	}
	toolkitOnly := func() (string, error) {
		dir, _ := newDir()
		_, err := runMeasured(nil, cli, "--data", dir, "init", "--org-id", "bench-desk", "--org-name", "bench-desk",
			"--country", "IT", "--lang", "it", "--user", "Bench")
		return dir, err
	}
	var out []appStart
	for _, c := range []struct {
		what    string
		fresh   bool
		prepare func() (string, error)
	}{
		{"new installation, to the first-start form", true, newDir},
		{"toolkit only, to the toolkit listed", false, toolkitOnly},
		{fmt.Sprintf("%dk practices, to the toolkit listed", practices/1000), false, func() (string, error) { return large, nil }},
	} {
		r, err := measureApp(app, display, c.what, 5, c.fresh, c.prepare)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
