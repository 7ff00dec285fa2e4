package sync

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vademecum/data"
	"vademecum/data/datagen"
)

// readAheadRepo is a local repository holding n practice files, each
// encoded by body, and the plan that reads them.
func readAheadRepo(t *testing.T, n int, body func(i int, p *data.Practice) []byte) (*repo, []plannedRead) {
	t.Helper()
	r, err := openBareRepo(filepath.Join(t.TempDir(), "hub.git"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.close() })
	g := datagen.New(3)
	var plan []plannedRead
	for i := range n {
		p := g.Practice()
		h, err := r.writeBlob(body(i, p))
		if err != nil {
			t.Fatal(err)
		}
		hf, err := parseHubPath(HubPath(p))
		if err != nil {
			t.Fatal(err)
		}
		plan = append(plan, plannedRead{h, hf})
	}
	return r, plan
}

func encoded(t *testing.T, p *data.Practice) []byte {
	t.Helper()
	b, err := data.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// What the round takes from the reader is what it reads itself, whatever
// order it asks in: in order, skipping files, going back, asking twice.
func TestReadAheadGivesWhatTheRoundReads(t *testing.T) {
	r, plan := readAheadRepo(t, readAheadSearch+100, func(i int, p *data.Practice) []byte {
		if i%7 == 3 {
			return []byte("{not a record")
		}
		return encoded(t, p)
	})
	// The same file twice: each of its positions gives it.
	plan = append(plan, plan[10])
	want := make([]readResult, len(plan))
	for i, p := range plan {
		want[i].rec, want[i].body, want[i].reason = readRecordIn(r, p.blob, p.hf)
	}
	same := func(i int, got readResult) {
		t.Helper()
		if !bytes.Equal(got.body, want[i].body) || got.reason != want[i].reason || (got.rec == nil) != (want[i].rec == nil) ||
			(got.rec != nil && got.rec.Base().ID != want[i].rec.Base().ID) {
			t.Fatalf("file %d: read ahead %q / %q, read by the round %q / %q", i, got.body, got.reason, want[i].body, want[i].reason)
		}
	}
	orders := map[string][]int{}
	for i := range plan {
		orders["in order"] = append(orders["in order"], i)
		if i%3 == 0 || i > len(plan)-5 {
			orders["skipping"] = append(orders["skipping"], i)
		}
	}
	// A jump beyond the window, then back (passed: read by the round).
	orders["jumping"] = []int{0, 1, readAheadWindow * 2, 5, readAheadWindow*2 + 1, len(plan) - 1, 3}
	for name, order := range orders {
		t.Run(name, func(t *testing.T) {
			a := startReadAhead(r.path, nil, planOf(plan), nil)
			defer a.stop()
			passed := -1
			for _, i := range order {
				got, ok := a.take(plan[i].blob, plan[i].hf)
				// A file is read ahead when its position is not passed and
				// within reach of the last one taken.
				ahead := i > passed && i <= passed+readAheadSearch
				switch {
				case ok && !ahead:
					t.Fatalf("file %d: taken after it was passed", i)
				case !ok && ahead:
					t.Fatalf("file %d: not read ahead", i)
				case ok:
					same(i, got)
					passed = i
				}
			}
		})
	}
	// A jump beyond reach: that file is read by the round, and the ones
	// after the last taken are still read ahead.
	t.Run("beyond reach", func(t *testing.T) {
		a := startReadAhead(r.path, nil, planOf(plan), nil)
		defer a.stop()
		if _, ok := a.take(plan[0].blob, plan[0].hf); !ok {
			t.Fatal("the first file was not read ahead")
		}
		far := readAheadSearch + 50
		if _, ok := a.take(plan[far].blob, plan[far].hf); ok {
			t.Fatal("a file beyond reach was given")
		}
		if got, ok := a.take(plan[1].blob, plan[1].hf); !ok {
			t.Fatal("the file after the last taken was not read ahead")
		} else {
			same(1, got)
		}
	})
	t.Run("another path", func(t *testing.T) {
		a := startReadAhead(r.path, nil, planOf(plan), nil)
		defer a.stop()
		other := plan[1].hf
		other.ID = "someone-else"
		if _, ok := a.take(plan[1].blob, other); ok {
			t.Fatal("a file read ahead for one path was given for another")
		}
	})
	t.Run("small plan", func(t *testing.T) {
		if a := startReadAhead(r.path, nil, planOf(plan[:readAheadMin-1]), nil); a != nil {
			a.stop()
			t.Fatal("a small plan is read by the round itself")
		}
		if _, ok := (*readAhead)(nil).take(plan[0].blob, plan[0].hf); ok {
			t.Fatal("no reader, nothing taken")
		}
	})
	t.Run("stopped", func(t *testing.T) {
		a := startReadAhead(r.path, nil, planOf(plan), nil)
		a.take(plan[0].blob, plan[0].hf)
		a.stop()
		if _, ok := a.take(plan[len(plan)-2].blob, plan[len(plan)-2].hf); ok {
			t.Fatal("taken after the reader stopped")
		}
	})
}

// A hub of record files just under the size limit cannot make the reader hold
// more than readAheadBytes ahead of the round (guarantee 6: a sync stays under
// 300 MB whatever the hub holds), however many such files it has.
func TestReadAheadHoldsBoundedBytes(t *testing.T) {
	big := strings.Repeat("a long paragraph ", MaxBlob/170) // 100 KB: 256 of them would be 25 MB
	r, plan := readAheadRepo(t, readAheadMin, func(_ int, p *data.Practice) []byte {
		p.Summary = big
		return encoded(t, p)
	})
	a := startReadAhead(r.path, nil, planOf(plan), nil)
	defer a.stop()
	if got, ok := a.take(plan[0].blob, plan[0].hf); !ok || got.rec == nil {
		t.Fatalf("the first file was not read ahead: %q", got.reason)
	}
	// Let the reader run until it waits.
	deadline, last, still := time.Now().Add(20*time.Second), -1, 0
	for still < 8 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		a.mu.Lock()
		produced, held := a.next, a.held
		a.mu.Unlock()
		if held > readAheadBytes+MaxBlob {
			t.Fatalf("%d bytes held ahead, the bound is %d", held, readAheadBytes)
		}
		if produced == len(plan) {
			t.Fatal("the reader read the whole plan ahead")
		}
		if produced == last {
			still++
		} else {
			last, still = produced, 0
		}
	}
	for _, p := range plan[1:] {
		if got, ok := a.take(p.blob, p.hf); !ok || got.rec == nil {
			t.Fatalf("a file was not read ahead: %q", got.reason)
		}
	}
}
