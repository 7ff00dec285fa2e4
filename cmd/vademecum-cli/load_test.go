package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"
)

// TestManyInstallationsSyncAtOnce: installations of many organisations write a
// practice and then all sync at the same moment through one hub served by git
// http-backend on 127.0.0.1, round after round (an office network opening at
// nine). No sync fails because others are syncing; at the end every replica
// holds every practice and the hub passes git fsck. It runs once with one
// laptop per organisation and once with three per organisation (the first
// listed the other two with 'keys add' before anyone synced; the other two
// approve their organisation's file, as a person does after a phone call).
// The p50/p95 sync times are logged. 6 installations and 2 rounds by default;
// VADEMECUM_LOAD=INSTALLATIONSxROUNDS (make soak: 50x3) for the full run.
func TestManyInstallationsSyncAtOnce(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed (it serves the hub)")
	}
	n, rounds := 6, 2
	if s := os.Getenv("VADEMECUM_LOAD"); s != "" {
		a, b, ok := strings.Cut(s, "x")
		var err1, err2 error
		n, err1 = strconv.Atoi(a)
		rounds, err2 = strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || n < 3 || rounds < 1 {
			t.Fatalf("VADEMECUM_LOAD=%q: want INSTALLATIONSxROUNDS, e.g. 50x3", s)
		}
	}
	work, bin := buildCLI(t)
	for _, perOrg := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d-per-organisation", perOrg), func(t *testing.T) {
			loadRun(t, work, bin, n, rounds, perOrg)
		})
	}
}

type loadInstall struct {
	dir, org string
	first    bool // the organisation's first laptop (lists the others)
	public   string
	written  []string
	said     []string // what each sync printed, for the failure message
	unlisted bool     // the last sync sent nothing: not listed yet
}

// countMissing counts the practices written anywhere that an installation
// lacks, reporting the first ones to t when t is not nil.
func countMissing(tb *testing.T, all []*loadInstall, t *testing.T) int {
	missing := 0
	for _, in := range all {
		have := practiceIDs(tb, in.dir)
		for _, from := range all {
			for _, id := range from.written {
				if !have[id] {
					missing++
					if t != nil && missing <= 10 {
						t.Errorf("%s lacks %s of %s", filepath.Base(in.dir), id, filepath.Base(from.dir))
					}
				}
			}
		}
	}
	return missing
}

// recordBodyIn reads a record's body from a data directory's database.
func recordBodyIn(t *testing.T, dir, id string) string {
	t.Helper()
	db := openReadOnly(t, dir)
	defer db.Close()
	var b string
	if err := db.QueryRow("SELECT body FROM records WHERE id = ?", id).Scan(&b); err != nil {
		t.Fatalf("%s: %s: %v", filepath.Base(dir), id, err)
	}
	return b
}

func loadRun(t *testing.T, work, bin string, n, rounds, perOrg int) {
	root := filepath.Join(work, fmt.Sprintf("load-%d", perOrg))
	hubDir := filepath.Join(root, "hubs", "hub.git")
	if out, err := exec.Command("git", "init", "--bare", "-q", "-b", "main", hubDir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	url := serveHTTPHub(t, filepath.Dir(hubDir), "load-token") + "/hub.git"
	env := append(os.Environ(), "HOME="+root, "XDG_CONFIG_HOME="+filepath.Join(root, "config"), "VADEMECUM_DATA=", "HUB_TOKEN=load-token")
	run := func(dir string, args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"--data", dir}, args...)...)
		cmd.Env = env
		var errb bytes.Buffer
		cmd.Stderr = &errb
		out, err := cmd.Output()
		if err != nil {
			return string(out), fmt.Errorf("%s %s: %v: %s", filepath.Base(dir), strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
		}
		return string(out), nil
	}
	must := func(dir string, args ...string) string {
		t.Helper()
		out, err := run(dir, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	var all []*loadInstall
	for i := range n {
		org := fmt.Sprintf("org%02d-it", i/perOrg)
		in := &loadInstall{dir: filepath.Join(root, fmt.Sprintf("install-%02d", i)), org: org, first: i%perOrg == 0}
		must(in.dir, "init", "--org-id", org, "--org-name", "Org "+org, "--country", "IT", "--lang", "en", "--user", "staff "+strconv.Itoa(i))
		must(in.dir, "remote", "add", "hub", url, "--token-env", "HUB_TOKEN")
		var show struct{ Public string }
		if err := json.Unmarshal([]byte(must(in.dir, "keys", "show", "--json", "--device", "laptop "+strconv.Itoa(i))), &show); err != nil || show.Public == "" {
			t.Fatalf("keys show --json: %v", err)
		}
		in.public = show.Public
		all = append(all, in)
	}
	// Each organisation's first laptop lists the others before anyone syncs.
	for i, in := range all {
		if !in.first {
			must(all[i-i%perOrg].dir, "keys", "add", in.public, "--device", "laptop "+strconv.Itoa(i))
		}
	}

	var durations []time.Duration
	var mu gosync.Mutex
	failures := 0
	syncAll := func(round string) {
		t.Helper()
		start := make(chan struct{})
		var wg gosync.WaitGroup
		for _, in := range all {
			wg.Go(func() {
				<-start
				began := time.Now()
				cmd := exec.Command(bin, "--data", in.dir, "sync", "--json")
				cmd.Env = env
				var outb, errb bytes.Buffer
				cmd.Stdout, cmd.Stderr = &outb, &errb
				err := cmd.Run()
				d := time.Since(began)
				var res struct{ Unlisted bool }
				if err == nil {
					err = json.Unmarshal(outb.Bytes(), &res)
				}
				mu.Lock()
				defer mu.Unlock()
				in.said = append(in.said, round+": "+strings.TrimSpace(outb.String()+errb.String()))
				in.unlisted = res.Unlisted
				durations = append(durations, d)
				if err != nil {
					failures++
					t.Errorf("%s: %s sync: %v: %s", round, filepath.Base(in.dir), err, strings.TrimSpace(errb.String()))
				}
			})
		}
		close(start)
		wg.Wait()
		// What people do when told: a laptop that is not its organisation's
		// first approves the file another laptop signed (after comparing the
		// fingerprint by phone), and a laptop that the file on the hub does
		// not list yet is added by one it lists.
		for _, in := range all {
			if !in.first && strings.Contains(must(in.dir, "keys"), "keys approve "+in.org) {
				must(in.dir, "keys", "approve", in.org)
			}
		}
		for i, in := range all {
			if !in.unlisted {
				continue
			}
			for _, m := range all[i-i%perOrg : i-i%perOrg+perOrg] {
				if m != in && !m.unlisted {
					if _, err := run(m.dir, "keys", "add", in.public, "--device", "laptop "+strconv.Itoa(i)); err != nil && !strings.Contains(err.Error(), "already listed") {
						t.Fatal(err)
					}
					break
				}
			}
		}
	}
	for r := range rounds {
		for _, in := range all {
			id := strings.TrimSpace(must(in.dir, "practice", "add", "--title", fmt.Sprintf("%s round %d", filepath.Base(in.dir), r),
				"--summary", "written before everyone syncs", "--visibility", "shared", "--lang", "en"))
			in.written = append(in.written, id)
		}
		syncAll(fmt.Sprintf("round %d", r+1))
	}
	// Every push of the last round went through: one more sync each brings
	// everything to everyone. Laptops that joined in an order that needed a
	// person's step (a key added on another laptop) take a few more.
	missing, settle := 0, 0
	for missing = -1; missing != 0 && settle < 4; settle++ {
		syncAll(fmt.Sprintf("settling sync %d", settle+1))
		missing = countMissing(t, all, nil)
	}
	if missing > 0 {
		countMissing(t, all, t)
		for _, in := range all[:min(len(all), 2*perOrg)] {
			t.Logf("%s (%s) said:\n%s", filepath.Base(in.dir), in.org, strings.Join(in.said, "\n"))
		}
	}
	// One organisation file per organisation, the same on every installation.
	for _, in := range all {
		for _, other := range all {
			if a, b := recordBodyIn(t, in.dir, other.org), recordBodyIn(t, all[0].dir, other.org); a != b {
				t.Errorf("%s and %s hold different files of %s", filepath.Base(in.dir), filepath.Base(all[0].dir), other.org)
			}
		}
	}
	checkRepo(t, hubDir, "the hub after the load")
	slices.Sort(durations)
	pct := func(p int) time.Duration { return durations[(len(durations)-1)*p/100].Round(10 * time.Millisecond) }
	t.Logf("%d installations (%d per organisation), %d rounds + %d settling: %d syncs, %d failed, %d practices missing; sync time p50 %v, p95 %v, max %v",
		n, perOrg, rounds, settle, len(durations), failures, missing, pct(50), pct(95), durations[len(durations)-1].Round(10*time.Millisecond))
}
